"""Scenario discovery: which regions of the varied parameters make an outcome fail a criterion.

A `Criterion` such as `children_harmed_per_year>300` marks a design point as failing
when its replicate-mean outcome satisfies it; with several criteria a point fails when
any of them holds. PRIM (Friedman & Fisher 1999), as implemented in
`ema_workbench.analysis.prim`, then peels the parameter space down to boxes dense in
failing points. On each box's peeling trajectory we select the step with the highest
coverage (share of all failing points inside), then the highest density (share of the
box's points that fail), among those with density at least `DENSITY`; the points in
that box are set aside and PRIM looks for the next box, at most `MAX_BOXES` times. When
no step reaches `DENSITY`, the first box is still reported at its densest step, flagged
as not dense enough, and the search stops.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

DENSITY = 0.8
MAX_BOXES = 3
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
OPERATORS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}
_SYNTAX = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Criterion:
    """`outcome op value`: a design point fails when its outcome satisfies it."""

    outcome: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"

    def holds(self, values: pd.Series) -> np.ndarray:
        """True where `values` satisfy the criterion (never where they are undefined)."""
        return OPERATORS[self.op](values.to_numpy(dtype=float), self.value)


def parse_criterion(text: str) -> Criterion:
    """`"OUTCOME>VALUE"` (or >=, <, <=) as a Criterion; ValueError naming the expected form otherwise."""
    m = _SYNTAX.match(text)
    if not m:
        raise ValueError(f"--criterion {text!r}: expected OUTCOME>VALUE, OUTCOME>=VALUE, OUTCOME<VALUE or "
                         "OUTCOME<=VALUE with a number, e.g. children_harmed_per_year>300")
    return Criterion(m.group(1), m.group(2), float(m.group(3)))


def failing(means: pd.DataFrame, criteria: list[Criterion]) -> np.ndarray:
    """True for each design point (row of `means`) where any criterion holds."""
    return np.logical_or.reduce([c.holds(means[c.outcome]) for c in criteria])


@dataclass(frozen=True)
class Box:
    """One PRIM box: per-parameter limits, its statistics, and the trajectory it was selected from.

    `limits` has one row per varied parameter: `low`, `high` (the sampled range where PRIM
    left a side alone), `restricted`, `low_restricted`, `high_restricted` (which sides
    PRIM moved inside the sampled range) and the quasi-p-values `qp_low`, `qp_high` of the
    restricted sides (Bryant & Lempert 2010; NaN elsewhere). `trajectory` holds coverage,
    density, mass, n, k (failing points inside) and res_dim for every peeling and pasting
    step; `step` is the selected one.
    """

    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    n: int
    step: int
    dense_enough: bool
    trajectory: pd.DataFrame

    def rule(self) -> str:
        """The box in words, e.g. `x1 >= 0.7 and x2 <= 0.3`."""
        parts = []
        for p, row in self.limits[self.limits["restricted"]].iterrows():
            if row["low_restricted"] and row["high_restricted"]:
                parts.append(f"{row['low']:.3g} <= {p} <= {row['high']:.3g}")
            elif row["low_restricted"]:
                parts.append(f"{p} >= {row['low']:.3g}")
            else:
                parts.append(f"{p} <= {row['high']:.3g}")
        return " and ".join(parts) or "anywhere in the sampled ranges"


def find_boxes(x: pd.DataFrame, fails: np.ndarray, ranges: dict[str, tuple[float, float]]) -> list[Box]:
    """PRIM boxes of the failing points of `x` (one row per design point); `ranges` are the sampled ranges."""
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        # ema_workbench warns of optional parallel back-ends on import and of pandas deprecations inside PRIM.
        warnings.filterwarnings("ignore", module="ema_workbench")
        from ema_workbench.analysis import prim

        finder = prim.Prim(x.reset_index(drop=True).astype(float), fails.astype(int),
                           peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN)
        boxes: list[Box] = []
        left = int(fails.sum())
        while left and len(boxes) < MAX_BOXES:
            box = finder.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory[["coverage", "density", "mass", "n", "k", "res_dim"]].astype(float)
            dense = trajectory.index[trajectory["density"] >= DENSITY]
            if len(dense) == 0 and boxes:
                break
            ranked = trajectory.loc[dense].sort_values(["coverage", "density"], ascending=False, kind="stable")
            step = int(ranked.index[0] if len(dense) else trajectory["density"].idxmax())
            box.select(step)
            boxes.append(_box(box, step, len(dense) > 0, trajectory, ranges))
            left -= int(trajectory.at[step, "k"])
            if not boxes[-1].dense_enough:
                break
    return boxes


def _box(box, step: int, dense_enough: bool, trajectory: pd.DataFrame, ranges) -> Box:
    first, lims, p_values = box.box_lims[0], box.box_lims[step], box.p_values[step]
    rows = {}
    for p in lims.columns:
        lo, hi = float(lims.at[0, p]), float(lims.at[1, p])
        low_restricted, high_restricted = lo > float(first.at[0, p]), hi < float(first.at[1, p])
        qp_low, qp_high = p_values.get(p, [np.nan, np.nan])
        rows[p] = {"low": lo if low_restricted else ranges[p][0], "high": hi if high_restricted else ranges[p][1],
                   "restricted": low_restricted or high_restricted,
                   "low_restricted": low_restricted, "high_restricted": high_restricted,
                   "qp_low": qp_low if low_restricted else np.nan, "qp_high": qp_high if high_restricted else np.nan}
    stats = trajectory.loc[step]
    return Box(pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter"),
               float(stats["coverage"]), float(stats["density"]), float(stats["mass"]), int(stats["n"]),
               step, dense_enough, trajectory)
