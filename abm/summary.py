"""Per-year summaries of a scenario's replicate runs, and their text table.

Each seed's weekly outcomes are aggregated to years by `abm.outcomes.yearly` (flows as
yearly means, stocks at the year's end, ratios as the ratio of yearly sums); a summary
then gives, for every year and outcome, the median and the 5th and 95th percentiles over
the seeds. A value that is undefined in every seed (a ratio with nothing below it) is
None, so the summary is plain JSON. Rates and shares (outcome names ending `_rate` or
`_share`) are shown as percentages in the table.
"""

from __future__ import annotations

import math

import pandas as pd

from abm.outcomes import BY_NAME, NAMES, yearly
from abm.posterior_draws import sentence, uncertainty

WIDTH = 160
QUANTILES = {"median": 0.5, "p05": 0.05, "p95": 0.95}
PERCENT = frozenset(name for name in NAMES if name.endswith(("_rate", "_share")))


def _plain(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def summarise(weekly: pd.DataFrame, scenario) -> dict:
    """Median, p05 and p95 over seeds of every outcome in every year of `weekly`, and what the bands include."""
    per_seed = yearly(weekly, ["seed", "year", "year_label"])
    bands = per_seed.groupby("year_label")[list(NAMES)].quantile(list(QUANTILES.values()))
    years = []
    for label in pd.unique(weekly["year_label"]):
        band = bands.loc[label]
        years.append({"label": str(label), "outcomes": {
            name: {key: _plain(band.at[q, name]) for key, q in QUANTILES.items()} for name in NAMES}})
    return {"scenario": scenario.name, "seeds": [int(s) for s in pd.unique(weekly["seed"])],
            **uncertainty([scenario]), "years": years}


def _number(x: float) -> str:
    rounded = float(f"{x:.3g}")
    size = abs(rounded)
    if size >= 1e9:
        return f"{rounded / 1e9:.3g}bn"
    if size >= 1e6:
        return f"{rounded / 1e6:.3g}m"
    if size >= 1e3:
        return f"{rounded:,.0f}"
    return f"{rounded:.3g}"


def _value(x: float | None, percent: bool) -> str:
    if x is None:
        return "n/a"
    return _number(100 * x) + "%" if percent else _number(x)


def _cell(stats: dict, percent: bool) -> str:
    mid, low, high = (_value(stats[k], percent) for k in QUANTILES)
    if low == mid == high:
        return mid
    between = " to " if low.startswith("-") or high.startswith("-") else "-"
    return f"{mid} ({low}{between}{high})"


def render_table(summary: dict) -> str:
    """The summary as text: a row per outcome, a column per year, wrapped into blocks of years."""
    heads = [f"{BY_NAME[name].label} [{name}]" for name in NAMES]
    labels = [year["label"] for year in summary["years"]]
    cells = [[_cell(year["outcomes"][name], name in PERCENT) for year in summary["years"]] for name in NAMES]
    head_width = max(map(len, heads + ["Outcome"]))
    col_width = max(len(c) for c in [*labels, *(c for row in cells for c in row)])
    per_block = max(1, (WIDTH - head_width) // (col_width + 2))
    n = len(summary["seeds"])
    lines = [f"{summary['scenario']}: median (5th-95th percentile) over {n} seed{'s' * (n != 1)}", sentence(summary)]
    for start in range(0, len(labels), per_block):
        block = slice(start, start + per_block)
        lines.append("")
        lines.append("Outcome".ljust(head_width) + "".join(f"  {lab:>{col_width}}" for lab in labels[block]))
        for head, row in zip(heads, cells):
            lines.append(head.ljust(head_width) + "".join(f"  {c:>{col_width}}" for c in row[block]))
    return "\n".join(lines)
