"""Global sensitivity indices of the outcomes to the varied parameters, with SALib.

The design recorded in `sweep.json` decides what can be computed: Sobol indices (first
order S1, total ST, and second order S2 when the design was sampled for it) need the
Saltelli/Sobol sample of a `sobol` design in its own order, and Morris elementary
effects (mu*, sigma) need the trajectories of a `morris` design. Both read the SALib
`problem` the sweep recorded, so the parameter names, bounds and groups are those that
were sampled. Confidence intervals are 95% bootstrap intervals, seeded from the sweep's
root seed so that the same results always give the same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

METHODS = ("sobol", "morris")
CONF_LEVEL = 0.95
RESAMPLES = 1000


@dataclass(frozen=True)
class Indices:
    """Sensitivity indices for several outcomes: one table row per (outcome, parameter).

    Sobol: columns S1, S1_conf, ST, ST_conf (the `_conf` columns are half-widths of the
    95% interval); `second` holds S2 and S2_conf per (outcome, parameter_1, parameter_2)
    or is None. Morris: columns mu, mu_star, mu_star_conf, sigma. `skipped` maps an
    outcome to the reason it has no indices.
    """

    method: str
    table: pd.DataFrame
    second: pd.DataFrame | None
    skipped: dict[str, str]


def sobol_indices(problem: dict, y: pd.DataFrame, calc_second_order: bool, seed: int) -> Indices:
    """Sobol indices of each column of `y` (one row per design point, in the design's order)."""
    from SALib.analyze import sobol

    firsts, seconds, skipped = [], [], {}
    for outcome in y.columns:
        values = y[outcome].to_numpy(dtype=float)
        if reason := _unusable(values):
            skipped[outcome] = reason
            continue
        result = sobol.analyze(problem, values, calc_second_order=calc_second_order, num_resamples=RESAMPLES,
                               conf_level=CONF_LEVEL, seed=seed)
        frames = result.to_df()
        total, first = frames[0], frames[1]
        table = first.join(total)[["S1", "S1_conf", "ST", "ST_conf"]]
        firsts.append(_tidy(table, outcome))
        if calc_second_order:
            pairs = frames[2]
            second = pd.DataFrame({"outcome": outcome,
                                   "parameter_1": [a for a, _ in pairs.index],
                                   "parameter_2": [b for _, b in pairs.index],
                                   "S2": pairs["S2"].to_numpy(), "S2_conf": pairs["S2_conf"].to_numpy()})
            seconds.append(second)
    columns = ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    second = (pd.concat(seconds, ignore_index=True) if seconds else None) if calc_second_order else None
    return Indices("sobol", _stack(firsts, columns), second, skipped)


def morris_indices(problem: dict, x: np.ndarray, y: pd.DataFrame, num_levels: int, seed: int) -> Indices:
    """Morris mu, mu* (with its interval) and sigma of each column of `y` (rows in the design's order)."""
    from SALib.analyze import morris

    tables, skipped = [], {}
    for outcome in y.columns:
        values = y[outcome].to_numpy(dtype=float)
        if reason := _unusable(values):
            skipped[outcome] = reason
            continue
        result = morris.analyze(problem, x, values, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                                num_levels=num_levels, seed=seed)
        tables.append(_tidy(result.to_df()[["mu", "mu_star", "mu_star_conf", "sigma"]], outcome))
    return Indices("morris", _stack(tables, ["outcome", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]),
                   None, skipped)


def _unusable(values: np.ndarray) -> str | None:
    if not np.isfinite(values).all():
        return f"undefined at {int((~np.isfinite(values)).sum())} design points (a ratio with nothing below it)"
    if np.ptp(values) == 0:
        return "the same at every design point, so no parameter moves it"
    return None


def _tidy(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    table = table.astype(float).rename_axis("parameter").reset_index()
    table.insert(0, "outcome", outcome)
    return table


def _stack(tables: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
