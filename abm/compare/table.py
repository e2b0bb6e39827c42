"""The comparison as a text table: a row per outcome (headline outcomes first), each scenario's median,
and each later scenario's paired difference from the first with its 90% interval and verdict."""

from __future__ import annotations

from abm.compare.comparison import ordered_outcomes
from abm.compare.statistics import FLIP
from abm.posterior_draws import PARAMETERS, sentence
from abm.summary import PERCENT, _value


def signed(x: float | None, percent: bool) -> str:
    """A difference as text, with its sign."""
    text = _value(x, percent)
    return text if x is None or text.startswith("-") or x == 0 else "+" + text


def difference_cell(d: dict, percent: bool) -> str:
    """"mean [p05, p95] verdict" of a paired difference."""
    interval = "no interval" if d["p05"] is None else f"{signed(d['p05'], percent)}, {signed(d['p95'], percent)}"
    mark = "" if d["verdict"] in ("no clear difference", "no interval") else f" {d['verdict']}"
    return f"{signed(d['mean'], percent)} [{interval}]{mark}"


def uncertainty_line(result: dict) -> str:
    """What the intervals of a comparison or workshop `result` include, and, under the posterior, what
    "uncertain" means."""
    if PARAMETERS not in result.get("uncertainty", ()):
        return sentence(result)
    return (f"{sentence(result)} Uncertain: the interval lies on one side of zero but more than {FLIP:.0%} of the "
            "(parameter set, seed) pairs lie on the other, so the verdict flips across the posterior.")


def render_comparison(result: dict) -> str:
    """The text table of a `compare` result."""
    names = result["scenarios"]
    first, later = names[0], names[1:]
    n = len(result["seeds"])
    heads = ["Outcome", *names, *(f"{name} - {first}" for name in later)]
    rows, headline_done = [], None
    for outcome in ordered_outcomes(result["outcomes"]):
        o = result["outcomes"][outcome]
        percent = outcome in PERCENT
        if headline_done is None or headline_done != o["headline"]:
            rows.append(["Headline outcomes" if o["headline"] else "Other outcomes"])
            headline_done = o["headline"]
        rows.append([f"  {o['label']} [{outcome}]",
                     *(_value(o["scenarios"][name]["median"], percent) for name in names),
                     *(difference_cell(o["difference"][name], percent) for name in later)])
    widths = [max(len(r[i]) for r in [heads, *rows] if len(r) > i) for i in range(len(heads))]
    lines = [f"{' vs '.join(names)}: median over {n} seed{'s' * (n != 1)} (the same seeds for every scenario) of "
             "each run's value over the whole period",
             "(flows per year, stocks at the end, ratios of totals; shares in %, their differences in percentage "
             "points).",
             f"Differences: scenario minus {first}, seed by seed: mean [90% interval]; better or worse when the "
             "interval lies entirely on that side of zero" + (" (1 seed: no intervals)." if n < 2 else "."),
             uncertainty_line(result), ""]
    lines.append("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths))))
    for r in rows:
        lines.append(r[0] if len(r) == 1 else
                     "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)
