"""The comparison as a text table: a row per outcome (headline outcomes first), each scenario's median,
and each later scenario's paired difference from the first with its 90% interval and verdict."""

from __future__ import annotations

from abm.compare.comparison import ordered_outcomes
from abm.compare.reach import unreached
from abm.compare.statistics import FLIP, POWER
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


def compared_cell(d: dict, percent: bool) -> str:
    """`difference_cell`, and for a difference the seeds do not show, the smallest they would show (its minimal
    detectable difference, abm.compare.statistics)."""
    cell = difference_cell(d, percent)
    if d["verdict"] != "no clear difference" or not d.get("detectable"):  # none, or runs identical on every seed
        return cell
    return f"{cell} (detectable from {_value(d['detectable'], percent)})"


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
                     *(compared_cell(o["difference"][name], percent) for name in later)])
    lines = [f"{' vs '.join(names)}: median over {n} seed{'s' * (n != 1)} (the same seeds for every scenario) of "
             "each run's value over the whole period",
             "(flows per year, stocks at the end, ratios of totals; shares in %, their differences in percentage "
             "points).",
             f"Differences: scenario minus {first}, seed by seed: mean [90% interval]; better or worse when the "
             "interval lies entirely on that side of zero" + (" (1 seed: no intervals)." if n < 2 else "; where it "
             f"does not, the smallest difference {n} seeds would show {POWER:.0%} of the time (detectable from)."),
             uncertainty_line(result), ""]
    return "\n".join(lines + _aligned(heads, rows))


def _aligned(heads: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """The header and rows as lines, the first `left` columns left-aligned and the rest right-aligned; a row of one
    cell (a group's title) stands alone."""
    widths = [max(len(r[i]) for r in [heads, *rows] if len(r) > i) for i in range(len(heads))]
    return ["  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
            if len(r) > 1 else r[0] for r in [heads, *rows]]


def _reach_cells(o: dict, percent: bool, levers: int) -> tuple[str, str, str]:
    """"Moved clearly by", the largest effect and the size the seeds would show of an outcome of `reach`."""
    moved = f"{', '.join(o['moved_by'])} ({len(o['moved_by'])} of {levers})" if o["moved_by"] else "none"
    largest = o["largest"]
    if not o["defined"]:
        return moved, "not defined on any seed", ""
    if largest is None:
        return moved, "unchanged on every seed", ""
    effect = f"{largest['lever']} {difference_cell(largest, percent)}"
    if o["moved_by"] or largest["detectable"] is None:
        return moved, effect, "" if o["moved_by"] else "no interval"
    return moved, effect, _value(largest["detectable"], percent)


def render_reach(result: dict) -> str:
    """The text table of a `cpsim detectable` result (abm.compare.reach)."""
    levers, n = result["levers"], len(result["seeds"])
    heads = ["Outcome", "Moved clearly by", "Baseline", "Largest effect [90% interval]", "Detectable from"]
    rows, group, unmoved, none_clear = [], None, [], set(unreached(result))
    for name, o in result["outcomes"].items():
        percent = name in PERCENT
        if group != o["headline"]:
            rows.append(["Headline outcomes" if o["headline"] else "Other outcomes"])
            group = o["headline"]
        moved, effect, size = _reach_cells(o, percent, len(levers))
        rows.append([f"  {o['label']} [{name}]", moved, _value(o["baseline"], percent), effect, size])
        if name in none_clear:
            unmoved.append(f"  {o['label']}: {effect}" + (f", detectable from {size}" if size else ""))
    lines = [f"{result['baseline']} against each of {', '.join(levers)} alone: {n} seed{'s' * (n != 1)} (the same "
             "seeds for every scenario), each run's value over the whole period (flows per year, stocks at the end, "
             "ratios of totals; shares in %, their differences in percentage points).",
             "Moved clearly by: the recommendations whose paired difference from the baseline has its 90% interval "
             "off zero (and, under the posterior, is not uncertain). Largest effect: the largest clear one, or where "
             "none is clear the largest of any, with the smallest difference that recommendation would have to make "
             f"for {n} seeds to show it clear {POWER:.0%} of the time (detectable from).",
             uncertainty_line(result), ""]
    tail = ["", f"No recommendation moves {len(unmoved)} of the {len(result['outcomes'])} outcomes clearly"
                + (":" if unmoved else "."), *unmoved]
    return "\n".join(lines + _aligned(heads, rows, left=2) + tail)
