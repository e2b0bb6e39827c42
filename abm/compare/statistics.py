"""The statistics of a comparison: one value per run, bands over seeds, paired differences.

A run's value of an outcome is the outcome aggregated over the run's whole horizon (or a
window of its years) the way `abm.outcomes.yearly` aggregates a year: a flow is its mean
per year, a stock its value at the last week, a ratio the ratio of sums. A scenario's band
is the median with the 5th and 95th percentiles over seeds. A paired difference (one
scenario minus another, seed by seed: the same seeds give both the same random numbers)
is its mean over seeds with a 90% Student t confidence interval; seeds where either value
is undefined are left out, and with fewer than 2 seeds there is no interval.
Under the calibration posterior each pair is a (parameter set, seed) draw; a difference
whose interval lies off zero while more than FLIP of its pairs lie on the other side is
"uncertain": its sign flips across the posterior's draws (pairs that differ by exactly zero
favour neither side). `detectable_multiple` says,
before any run, how large a difference must be for that
interval to show it, in units of the differences' standard deviation over seeds;
`minimal_detectable` says it of differences in hand (MODEL.md s7: an outcome no lever moves
detectably is reported with it):

    detectable = (t_0.95 + t_0.80) * sd / sqrt(n)      (n - 1 degrees of freedom; on the single fit)

Under the posterior a clear verdict also needs at most FLIP of the pairs on the other side,
so the size is found by simulating normal pairs (`posterior_multiple`): about 1.4 sd from
10 seeds on, whatever their number.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
from scipy import stats

from abm.outcomes import yearly

LEVEL = 0.90
QUANTILES = [0.05, 0.5, 0.95]
FLIP = 0.10  # under the posterior, the largest share of pairs on the other side that a clear verdict allows
POWER = 0.80
RUN = ["scenario", "seed"]


def _plain(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def run_values(weekly: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """One row per (scenario, seed) with each outcome's value over the horizon (or over `years` only)."""
    chosen = weekly if years is None else weekly[weekly["year"].isin(years)]
    return yearly(chosen, RUN).set_index(RUN)


def band(values: np.ndarray) -> dict:
    """Median, p05 and p95 of the defined values (all None if there are none)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return {"median": None, "p05": None, "p95": None}
    return _band(*np.quantile(finite, QUANTILES))


def bands(matrix: np.ndarray) -> list[dict]:
    """`band` of each column of `matrix`, all at once when every value is defined."""
    if not np.isfinite(matrix).all() or not len(matrix):
        return [band(matrix[:, j]) for j in range(matrix.shape[1])]
    return [_band(*column) for column in np.quantile(matrix, QUANTILES, axis=0).T]


def _band(low, mid, high) -> dict:
    return {"median": _plain(mid), "p05": _plain(low), "p95": _plain(high)}


@functools.cache
def t_quantile(p: float, df: int) -> float:
    """Student t's quantile `p` with `df` degrees of freedom (kept: a comparison asks for the same few thousands
    of times)."""
    return float(stats.t.ppf(p, df))


def mean_interval(differences: np.ndarray, draws: bool = False) -> dict:
    """Mean of the defined differences with its 90% t interval; p05 and p95 are None below 2 seeds. With `draws`
    (pairs drawn from the posterior) also `above` and `below`, the shares of pairs above and below zero."""
    finite = differences[np.isfinite(differences)]
    n = len(finite)
    shares = {"above": _plain(np.mean(finite > 0)) if n else None,
              "below": _plain(np.mean(finite < 0)) if n else None} if draws else {}
    if n == 0:
        return {"mean": None, "p05": None, "p95": None, "n": 0, **shares}
    mean = float(finite.mean())
    if n < 2:
        return {"mean": mean, "p05": None, "p95": None, "n": 1, **shares}
    half = t_quantile(0.5 + LEVEL / 2, n - 1) * finite.std(ddof=1) / math.sqrt(n)
    return {"mean": mean, "p05": _plain(mean - half), "p95": _plain(mean + half), "n": n, **shares}


def detectable_multiple(seeds: int, draws: bool = False) -> float | None:
    """The smallest paired difference that `seeds` seeds show as clear POWER of the time, in units of the
    difference's standard deviation over seeds; None below 2 seeds (no interval). On the single fit clear means
    the 90% interval off zero: (t_0.95 + t_0.80) / sqrt(seeds), with seeds - 1 degrees of freedom. With `draws`
    (pairs drawn from the posterior) clear also needs at most FLIP of the pairs on the other side of zero, which
    no number of seeds relaxes: `posterior_multiple`."""
    if seeds < 2:
        return None
    if draws:
        return posterior_multiple(seeds)
    df = seeds - 1
    return float((t_quantile(0.5 + LEVEL / 2, df) + t_quantile(POWER, df)) / math.sqrt(seeds))


SIMULATED = 20_000  # comparisons simulated for `posterior_multiple`
SIMULATION_SEED = 20261208  # its own stream: the size is a property of the rule, not of any run


@functools.cache
def posterior_multiple(seeds: int) -> float:
    """`detectable_multiple` with `draws`, by simulation: SIMULATED comparisons of `seeds` normal pairs of standard
    deviation 1 (the same draws at every size, so the share shown clear grows with the size), and the smallest size
    at which POWER of them have their 90% interval above zero and at most FLIP of their pairs below it (bisection
    to 1e-6). About 1.4 from 10 seeds on (1.38 at 10, 1.42 at 20 and 40): a pair's chance of falling on the other
    side is below FLIP only from 1.28 standard deviations."""
    z = np.random.default_rng(SIMULATION_SEED).standard_normal((SIMULATED, seeds))
    half = t_quantile(0.5 + LEVEL / 2, seeds - 1) * z.std(axis=1, ddof=1) / math.sqrt(seeds)
    low_at_zero = z.mean(axis=1) - half
    ordered = np.sort(z, axis=1)
    allowed = int(math.floor(FLIP * seeds + 1e-9))  # pairs below zero a clear verdict allows

    def shown(size: float) -> float:
        # at most `allowed` pairs below zero: the (allowed + 1)-th smallest pair is at or above zero
        return float(np.mean((low_at_zero + size > 0) & (ordered[:, allowed] + size >= 0)))

    low, high = 0.0, 10.0
    while high - low > 1e-6:
        mid = (low + high) / 2
        low, high = (mid, high) if shown(mid) < POWER else (low, mid)
    return high


def minimal_detectable(differences: np.ndarray, draws: bool = False) -> float | None:
    """The smallest mean paired difference that as many seeds as the defined `differences`, with their spread,
    show as clear POWER of the time: `detectable_multiple` (with `draws` under the posterior) times their standard
    deviation; None below 2 seeds."""
    finite = differences[np.isfinite(differences)]
    multiple = detectable_multiple(len(finite), draws)
    return None if multiple is None else _plain(multiple * finite.std(ddof=1))


def verdict(difference: dict, better: str) -> str:
    """"better" or "worse" (or "higher"/"lower" for an outcome with no better side) when the 90% interval
    lies entirely on one side of zero; "no clear difference" when it does not; "no interval" without one;
    "uncertain" when, under the posterior (`above` and `below` given), it lies off zero but more than FLIP of the
    pairs lie on the other side."""
    low, high = difference["p05"], difference["p95"]
    if low is None or high is None:
        return "no interval"
    if low > 0 or high < 0:
        side = "higher" if low > 0 else "lower"
        against = difference.get("below" if side == "higher" else "above")
        if against is not None and against > FLIP:
            return "uncertain"
        if better == "neither":
            return side
        return "better" if side == better else "worse"
    return "no clear difference"


def paired_matrix(values: pd.DataFrame, outcome: str, names: list[str]) -> pd.DataFrame:
    """Seeds (rows) by scenarios (columns, in the order of `names`) of one outcome's run values."""
    return values[outcome].unstack("scenario").reindex(columns=names)

