"""`compare`: each outcome's band per scenario and its paired difference from the first scenario.

The result is plain JSON: for every outcome its label, which way is better, whether it is a
headline outcome, each scenario's band (median, p05, p95 over seeds) of its value over the
whole horizon, and each later scenario's paired difference from the first (mean over seeds
with a 90% t interval, and its verdict: better, worse, no clear difference, or uncertain when
its sign flips across the posterior's draws, and the minimal detectable difference at these seeds,
abm.compare.statistics); then the same per year ("years"), which the
report plots. "uncertainty" lists what the intervals include: ["seeds"] on the point fit,
["seeds", "parameters"] under the calibration posterior.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from abm.compare.running import CompareError
from abm.compare.statistics import (LEVEL, RUN, bands, mean_interval, minimal_detectable, paired_matrix, run_values,
                                    verdict)
from abm.outcomes import BY_NAME, NAMES, yearly
from abm.posterior_draws import PARAMETERS, SEEDS


def _check(weekly: pd.DataFrame, names: list[str]) -> list[int]:
    present = set(pd.unique(weekly["scenario"]))
    missing = [n for n in names if n not in present]
    if missing:
        raise CompareError(f"no runs of {', '.join(missing)} in the table (it holds {', '.join(sorted(present))})")
    if len(set(names)) != len(names):
        raise CompareError("scenario names to compare must be distinct")
    seeds = [int(s) for s in pd.unique(weekly["seed"])]
    for name in names:
        own = set(int(s) for s in pd.unique(weekly.loc[weekly["scenario"] == name, "seed"]))
        if own != set(seeds):
            raise CompareError(f"'{name}' was not run on the same seeds as the others: runs cannot be paired")
    return seeds


def _stats(values: pd.DataFrame, outcome: str, names: list[str], draws: bool = False,
           sized: bool = True) -> tuple[dict, dict]:
    """Each scenario's band and each later one's paired difference from the first, with its minimal detectable
    difference unless not `sized` (the yearly series plot no sizes)."""
    matrix = paired_matrix(values, outcome, names).to_numpy(dtype=float)
    differences = {}
    for j, name in enumerate(names[1:], start=1):
        paired = matrix[:, j] - matrix[:, 0]
        d = mean_interval(paired, draws)
        differences[name] = {**d, "verdict": verdict(d, BY_NAME[outcome].better)}
        if sized:
            differences[name]["detectable"] = minimal_detectable(paired, draws)
    return dict(zip(names, bands(matrix))), differences


def compare(weekly: pd.DataFrame, names: Sequence[str], *, outcomes: Sequence[str] | None = None,
            per_year: bool = True, uncertainty: dict | None = None) -> dict:
    """Bands and paired differences from `names[0]` of every outcome (or of `outcomes`), overall and per year.

    `uncertainty` says what the runs drew (abm.posterior_draws.uncertainty; default: seeds only): with
    "parameters" the pairs are posterior draws, and a difference whose sign flips across them is "uncertain"."""
    names = list(names)
    chosen = list(outcomes) if outcomes is not None else list(NAMES)
    seeds = _check(weekly, names)
    values = run_values(weekly)
    drawn = uncertainty or {"uncertainty": [SEEDS]}
    draws = PARAMETERS in drawn["uncertainty"]
    result = {"scenarios": names, "seeds": seeds, "level": LEVEL, **drawn, "outcomes": {}}
    for name in chosen:
        o = BY_NAME[name]
        bands, differences = _stats(values, name, names, draws)
        result["outcomes"][name] = {"label": o.label, "better": o.better, "headline": o.headline,
                                    "scenarios": bands, "difference": differences}
    if per_year:
        result["years"] = yearly_series(weekly, names, chosen)
    return result


def yearly_series(weekly: pd.DataFrame, names: list[str], outcomes: list[str]) -> dict:
    """Each year's bands and paired differences from `names[0]` of `outcomes` (a comparison's "years")."""
    per_seed = yearly(weekly, [*RUN, "year", "year_label"])
    series = {"labels": [], "scenarios": {n: {} for n in names}, "difference": {n: {} for n in names[1:]}}
    for (year, label), table in per_seed.groupby(["year", "year_label"], sort=True):
        series["labels"].append(str(label))
        values = table.set_index(RUN)
        for outcome in outcomes:
            bands, differences = _stats(values, outcome, names, sized=False)
            for name in names:
                for key, x in bands[name].items():
                    series["scenarios"][name].setdefault(outcome, {}).setdefault(key, []).append(x)
            for name in names[1:]:
                for key in ("mean", "p05", "p95"):
                    series["difference"][name].setdefault(outcome, {}).setdefault(key, []).append(
                        differences[name][key])
    return series


def ordered_outcomes(outcomes: Sequence[str]) -> list[str]:
    """`outcomes` with the headline outcomes first, each group in the order of abm.outcomes."""
    return sorted(outcomes, key=lambda name: (not BY_NAME[name].headline, NAMES.index(name)))
