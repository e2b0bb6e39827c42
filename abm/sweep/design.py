"""Designs: the points of a sweep, one row per point, with each varied value as it will run.

`make_design(sweep)` builds the design table (column `point`, then one column per varied
parameter and lever) for the sweep's design:

- grid: every combination of the parameters' levels or values (and the levers' values),
  the first parameter varying slowest;
- latin, sobol, morris: SALib's samplers over the parameters' [low, high] (Sobol scrambled);
  for these the design also carries what SALib's analysers need (`salib`: the `problem`
  and, for Sobol, `calc_second_order`, for Morris, `num_levels`), and point i is row i of
  SALib's sample, so its outputs can be handed back in point order;
- ensemble: `samples` independent draws of each parameter from its distribution (e.g. one
  draw per local authority of England).

Random draws (the samplers' and the ensemble's) come from the sweep's root seed alone,
through `design_seed`, so the same file always gives the same points. A whole-number
parameter takes the nearest whole number of each sampled value. Ensemble draws outside a
parameter's allowed range are refused or clamped as the sweep's `out_of_range` says, here,
before anything runs.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.parameters import PARAMETERS
from abm.sweep.spec import MAX_POINTS, LogNormal, Sweep, SweepError

# Appended to the root seed for the design's draws. A run's seed sequence has three
# entries (root seed, point, replicate), so no run can share the design's stream.
DESIGN_STREAM = 2**32 - 1


@dataclass(frozen=True)
class Design:
    """The points of a sweep: `table` (point, then one column per varied name), and SALib's inputs if sampled."""

    kind: str
    table: pd.DataFrame
    salib: dict | None
    notes: tuple[str, ...] = ()

    @property
    def points(self) -> int:
        return len(self.table)

    def values(self, point: int) -> dict:
        """The varied values of one point, as plain Python numbers and booleans."""
        return {name: self.table[name].iat[point].item() for name in self.table.columns[1:]}


def design_seed(root_seed: int) -> np.random.SeedSequence:
    """The seed sequence of a sweep's design draws: from the root seed alone."""
    return np.random.SeedSequence([root_seed, DESIGN_STREAM])


def problem(sweep: Sweep) -> dict:
    """SALib's problem dict: the varied parameters and their [low, high] bounds, in file order."""
    names = list(sweep.parameters)
    return {"num_vars": len(names), "names": names,
            "bounds": [[float(sweep.parameters[n].low), float(sweep.parameters[n].high)] for n in names]}


def point_count(sweep: Sweep) -> int:
    """How many points the sweep's design has (checked against MAX_POINTS before any is made)."""
    d, n = len(sweep.parameters), sweep.design.samples
    kind = sweep.design.kind
    if kind == "grid":
        sizes = [len(a.values) if a.values is not None else a.levels for a in sweep.parameters.values()]
        return math.prod(sizes + [len(lever.values) for lever in sweep.levers.values()])
    if kind == "sobol":
        return n * (2 * d + 2 if sweep.design.second_order else d + 2)
    if kind == "morris":
        return n * (d + 1)
    return n


def make_design(sweep: Sweep) -> Design:
    """The sweep's design, or a SweepError (naming the file and key) if it is too large or out of range."""
    count = point_count(sweep)
    if count > MAX_POINTS:
        key = "parameters" if sweep.design.kind == "grid" else "design.samples"
        raise SweepError(f"{sweep.source}: {key}: the {sweep.design.kind} design would have {count:,} points; "
                         f"at most {MAX_POINTS:,} are allowed")
    kind = sweep.design.kind
    notes: list[str] = []
    salib = None
    if kind == "grid":
        columns = _grid(sweep)
    elif kind == "ensemble":
        columns = _ensemble(sweep, notes)
    else:
        columns, salib = _sampled(sweep)
    table = pd.DataFrame({"point": np.arange(count, dtype=np.int64)})
    for name, values in columns.items():
        table[name] = _as_run(name, values)
    return Design(kind=kind, table=table, salib=salib, notes=tuple(notes))


def _as_run(name: str, values) -> np.ndarray:
    if name not in PARAMETERS:  # a lever
        return np.asarray(values, dtype=bool)
    kind = PARAMETERS[name].kind
    if kind is bool:
        return np.asarray(values, dtype=bool)
    if kind is int:
        return np.rint(np.asarray(values, dtype=float)).astype(np.int64)
    return np.asarray(values, dtype=np.float64)


def _grid(sweep: Sweep) -> dict[str, list]:
    axes = {name: (a.values if a.values is not None else list(np.linspace(a.low, a.high, a.levels)))
            for name, a in sweep.parameters.items()}
    axes.update({name: lever.values for name, lever in sweep.levers.items()})
    combos = list(itertools.product(*axes.values()))
    return {name: [c[i] for c in combos] for i, name in enumerate(axes)}


def _sampled(sweep: Sweep) -> tuple[dict[str, np.ndarray], dict]:
    from SALib.sample import latin, morris, sobol

    spec, n = problem(sweep), sweep.design.samples
    given = copy.deepcopy(spec)  # SALib's samplers add keys to the problem they are given
    seed = int(design_seed(sweep.root_seed).generate_state(1)[0])
    if sweep.design.kind == "latin":
        sample, extra = latin.sample(given, n, seed=seed), {}
    elif sweep.design.kind == "sobol":
        second = sweep.design.second_order
        sample = sobol.sample(given, n, calc_second_order=second, scramble=True, seed=seed)
        extra = {"calc_second_order": second}
    else:
        levels = sweep.design.levels
        sample, extra = morris.sample(given, n, num_levels=levels, seed=seed), {"num_levels": levels}
    return {name: sample[:, i] for i, name in enumerate(spec["names"])}, {"problem": spec, **extra}


def _ensemble(sweep: Sweep, notes: list[str]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(design_seed(sweep.root_seed))
    n = sweep.design.samples
    columns = {}
    for name, d in sweep.parameters.items():
        if isinstance(d, LogNormal):
            draws = d.median * np.exp(d.sigma * rng.standard_normal(n))
            if d.total is not None:
                draws *= d.total / draws.sum()
        else:
            draws = rng.beta(d.mean * d.concentration, (1 - d.mean) * d.concentration, n)
        columns[name] = _within_range(sweep, name, _as_run(name, draws), notes)
    return columns


def _within_range(sweep: Sweep, name: str, values: np.ndarray, notes: list[str]) -> np.ndarray:
    p = PARAMETERS[name]
    outside = (values < p.low) | (values > p.high)
    if not outside.any():
        return values
    key = f"parameters.{name}"
    first = values[outside][0].item()
    if sweep.out_of_range == "refuse":
        raise SweepError(f"{sweep.source}: {key}: {outside.sum()} of the {len(values)} values drawn lie outside "
                         f"the allowed range {p.allowed()} (e.g. {first:g}); narrow the distribution or set "
                         f'sweep.out_of_range = "clamp"')
    notes.append(f"{key}: {outside.sum()} of the {len(values)} values drawn clamped to {p.allowed()}")
    return np.clip(values, p.low, p.high).astype(values.dtype)
