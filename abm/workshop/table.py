"""The workshop as text: what ran, the findings, and every combination's change against no reform."""

from __future__ import annotations

import textwrap

from abm.compare.table import uncertainty_line
from abm.workshop.findings import short, who

HEADS = {"children_harmed_per_year": "harmed", "false_negative_rate": "missed", "false_positive_rate": "false pos.",
         "weeks_to_help_mean": "wait", "turnover_rate": "turnover", "court_duration_weeks_mean": "court",
         "cost_per_year": "cost"}
WIDTH = 110


def _cell(subset: dict, base: dict, outcome: str) -> str:
    d = subset["difference"][outcome]
    b = base["outcomes"][outcome]["median"]
    if d["mean"] is None:
        return "n/a"
    mark = {"better": " better", "worse": " worse", "uncertain": " uncertain"}.get(d["verdict"], "")
    return (f"{d['mean'] / b:+.1%}" if b else f"{d['mean']:+.3g}") + mark


def render_workshop(result: dict) -> str:
    """The text a person reads after `cpsim workshop`."""
    n, k = len(result["seeds"]), len(result["families"])
    lines = [f"Workshop of {result['package']}: {k} famil{'ies' if k != 1 else 'y'}, {len(result['subsets'])} "
             f"combinations x {n} seed{'s' * (n != 1)} = {result['runs']} runs of {result['years']} years.", "",
             "Families (each switched on or off as a whole):"]
    width = max(len(short(f)) for f in result["families"])
    lines += [f"  {short(f):<{width}}  {v['label']}: {', '.join(v['reforms'])}" for f, v in result["families"].items()]
    lines += ["", uncertainty_line(result), "", "Findings ('better'/'worse': the 90% interval of the paired difference "
                                         "from no reform lies on that side of zero):"]
    for i, f in enumerate(result["findings"], start=1):
        lines += textwrap.wrap(f"{i}. {f['text']}", WIDTH, initial_indent="  ", subsequent_indent="     ")
    checked = [c["name"] for c in result["checked"]]
    rows = [[who(s["families"], result), *(_cell(s, result["subsets"][0], o) for o in checked)]
            for s in result["subsets"][1:]]
    heads = ["combination", *(HEADS.get(o, o) for o in checked)]
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    lines += ["", "Every combination against no reform: mean change as a share of no reform's median "
                  "(harmed: children harmed; missed: share of children at risk turned away; false pos.: share of "
                  "interventions on children not at risk; wait: weeks to help; court: court duration):", ""]
    for r in [heads, *rows]:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)
