"""One number per run and outcome, and its mean over replicates per design point.

A run's weekly outcomes become one scalar per outcome, the way `abm.outcomes` declares
it: a `mean` outcome is the mean over the run's years of its yearly means, an `end`
outcome the mean over the run's years of its value at each year's last week, and a
`ratio` outcome the run's total numerator over its total denominator (a ratio of sums,
undefined when the denominator is zero). Replicates of a design point are then averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.outcomes import BY_NAME

RUN = ["point", "replicate"]


def needed_columns(outcomes: list[str]) -> list[str]:
    """The weekly columns needed to aggregate `outcomes`: ratio outcomes need their numerator and denominator."""
    columns: list[str] = []
    for name in outcomes:
        o = BY_NAME[name]
        for c in (o.numerator, o.denominator) if o.aggregate == "ratio" else (name,):
            if c not in columns:
                columns.append(c)
    return columns


def run_scalars(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """One row per run (`point`, `replicate`) with one scalar per outcome in `outcomes`."""
    weekly = runs.sort_values([*RUN, "week"], kind="stable")
    per_year = weekly.groupby([*RUN, "year"], sort=True)
    per_run = weekly.groupby(RUN, sort=True)
    out = {}
    for name in outcomes:
        o = BY_NAME[name]
        if o.aggregate == "mean":
            out[name] = per_year[name].mean().groupby(level=RUN).mean()
        elif o.aggregate == "end":
            out[name] = per_year[name].last().groupby(level=RUN).mean()
        else:
            num, den = per_run[o.numerator].sum(), per_run[o.denominator].sum()
            out[name] = num / den.where(den > 0, np.nan)
    return pd.DataFrame(out, index=per_run.size().index).reset_index()


def point_means(scalars: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Mean over replicates of each outcome's run scalar, one row per design point (undefined runs skipped)."""
    return scalars.groupby("point", sort=True)[outcomes].mean().reset_index()
