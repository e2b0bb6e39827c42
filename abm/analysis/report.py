"""`report.md`: the findings of an analysis in plain language, for people who will not read the tables.

It says what was analysed (design, points, runs, how a run became one number) and the
range of each outcome over the design points; then which parameters move each outcome
most (Sobol total effects, or Morris mu*), where in the parameter space the outcomes
fail the stated criteria (PRIM boxes as rules with their coverage and density), and for
an ensemble how the national totals change from the first year to the last. It ends
with the list of files written.
"""

from __future__ import annotations

import math

import pandas as pd

from abm.analysis.discovery import DENSITY
from abm.outcomes import BY_NAME

LITTLE = 0.05  # a total Sobol index below this: little influence
WIDE = 0.1  # a Sobol interval half-width above this: too uncertain to rely on


def report_markdown(analysis, files: dict[str, str]) -> str:
    """The report of `analysis`; `files` maps each written file to what it holds."""
    a = analysis
    lines = [f"# Analysis of the sweep in `{a.results_dir}`", "",
             f"Design: **{a.design}**, {len(a.means)} design points with results, {a.runs} runs "
             f"({_replicates(a)}). Varied: "
             + (", ".join(f"`{p}` ({lo:g} to {hi:g})" for p, (lo, hi) in a.parameters.items()) or "none") + ".",
             "",
             "Each run is reduced to one number per outcome: its mean over the run's years of the yearly "
             "value (a stock at each year's end; a ratio as the run's total numerator over its total "
             "denominator). Replicates of a design point are averaged.", ""]
    lines += [f"- Note: {note}." for note in a.notes] + ([""] if a.notes else [])
    lines += _spread(a)
    if a.indices is not None:
        lines += _sobol(a.indices) if a.indices.method == "sobol" else _morris(a.indices)
    if a.criteria:
        lines += _discovery(a)
    if a.national is not None:
        lines += _national(a.national)
    lines += ["## Files", ""] + [f"- `{name}`: {what}" for name, what in files.items()] + [""]
    return "\n".join(lines)


def _replicates(a) -> str:
    counts = a.scalars.groupby("point").size()
    if counts.min() == counts.max():
        return f"{counts.min()} replicate{'s' if counts.min() > 1 else ''} per point"
    return f"{counts.min()} to {counts.max()} replicates per point"


def _spread(a) -> list[str]:
    lines = ["## The outcomes across the design points", "",
             "| outcome | lowest | median | highest |", "|---|---|---|---|"]
    for outcome in a.outcomes:
        values = a.means[outcome]
        lines.append(f"| {BY_NAME[outcome].label} (`{outcome}`) | {_number(values.min())} | "
                     f"{_number(values.median())} | {_number(values.max())} |")
    return lines + [""]


def _sobol(indices) -> list[str]:
    lines = ["## Which parameters matter (Sobol indices)", "",
             "The first-order index S1 of a parameter is the share of an outcome's variance it explains on "
             "its own; the total index ST adds its interactions with the others, so a parameter with ST near "
             "0 could be fixed anywhere in its range without changing the outcome. Values are given with the "
             "half-width of their 95% interval.", ""]
    for outcome, t in indices.table.groupby("outcome", sort=False):
        t = t.sort_values("ST", ascending=False)
        ranked = ", ".join(f"`{r.parameter}` {r.ST:.2f} ± {r.ST_conf:.2f}" for r in t.itertuples())
        text = f"- **{BY_NAME[outcome].label}** (`{outcome}`), ranked by ST: {ranked}."
        little = t.loc[t["ST"] < LITTLE, "parameter"].tolist()
        if little:
            text += f" Little influence (ST below {LITTLE}): {', '.join(f'`{p}`' for p in little)}."
        first = t["S1"].clip(lower=0).sum()
        if (t[["S1_conf", "ST_conf"]] > WIDE).any().any():
            text += (f" The intervals are wide (half-widths above {WIDE}): too few samples, or too few replicates "
                     "for the model's noise, to rely on these numbers; sweep with more.")
        elif first < 0.9:
            text += (f" First-order effects add up to {first:.2f}: about {1 - first:.0%} of the variance comes "
                     "from interactions.")
        else:
            text += f" First-order effects add up to {min(first, 1):.2f}: interactions matter little."
        lines.append(text)
    return lines + _skipped(indices) + [""]


def _morris(indices) -> list[str]:
    lines = ["## Which parameters matter (Morris screening)", "",
             "mu* is the mean absolute change in the outcome when one parameter moves, scaled to its whole "
             "sampled range; sigma is how much that change varies across the space (a sigma as large as mu* "
             "means a non-linear effect or interactions).", ""]
    for outcome, t in indices.table.groupby("outcome", sort=False):
        t = t.sort_values("mu_star", ascending=False)
        ranked = ", ".join(f"`{r.parameter}` {r.mu_star:.3g} ± {r.mu_star_conf:.2g}" for r in t.itertuples())
        text = f"- **{BY_NAME[outcome].label}** (`{outcome}`), ranked by mu*: {ranked}."
        bent = t.loc[(t["sigma"] >= t["mu_star"]) & (t["mu_star"] > 0), "parameter"].tolist()
        if bent:
            text += f" Non-linear or interacting (sigma >= mu*): {', '.join(f'`{p}`' for p in bent)}."
        if (t["mu_star_conf"] > t["mu_star"] / 2).any():
            text += (" Some intervals are wider than half of mu*: too few trajectories, or too few replicates for "
                     "the model's noise, to rank these parameters firmly.")
        lines.append(text)
    return lines + _skipped(indices) + [""]


def _skipped(indices) -> list[str]:
    return [f"- No indices for `{o}`: {why}." for o, why in indices.skipped.items()]


def _discovery(a) -> list[str]:
    share = a.failing_points / len(a.means)
    lines = ["## Where the outcomes fail (scenario discovery, PRIM)", "",
             "A design point fails when " + " or ".join(f"`{c}`" for c in a.criteria)
             + f" (replicate means): {a.failing_points} of {len(a.means)} points ({share:.0%})."]
    lines += [""] if a.boxes else []
    for i, box in enumerate(a.boxes, 1):
        weak = "" if box.dense_enough else f" (no box reached {DENSITY:.0%} density; this is the densest one found)"
        lines.append(f"- Box {i}{weak}: **{box.rule()}**. It holds {box.coverage:.0%} of the failing points "
                     f"(coverage), {box.density:.0%} of the points inside it fail (density), and it contains "
                     f"{box.mass:.0%} of all points.")
    if len(a.boxes) > 1:
        covered = sum(b.coverage for b in a.boxes)
        lines.append(f"- Together the boxes hold {covered:.0%} of the failing points.")
    return lines + [""]


def _national(national: pd.DataFrame) -> list[str]:
    years = national["year_label"].unique()
    first, last = years[0], years[-1]
    lines = ["## National totals (sum over authorities)", "",
             "Median over replicates (5th to 95th percentile), first and last year.", "",
             f"| outcome | {first} | {last} | change |", "|---|---|---|---|"]
    for outcome, t in national.groupby("outcome", sort=False):
        a, b = t.iloc[0], t.iloc[-1]
        change = (b["median"] - a["median"]) / a["median"] if a["median"] else math.nan
        lines.append(f"| {BY_NAME[outcome].label} | {_band(a)} | {_band(b)} | "
                     f"{'n/a' if math.isnan(change) else f'{change:+.0%}'} |")
    return lines + [""]


def _band(row) -> str:
    if row["p05"] == row["p95"]:
        return _number(row["median"])
    return f"{_number(row['median'])} ({_number(row['p05'])} to {_number(row['p95'])})"


def _number(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"
