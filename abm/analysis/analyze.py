"""What `cpsim analyze` finds in a sweep's results, computed from the results alone.

`analyze` reads a sweep folder (never re-running the model), checks every request against
what the sweep recorded (its design, varied parameters and kept outcomes) and raises
`AnalysisError` with one plain message for anything it cannot honour. It then reduces
each run to one scalar per outcome, averages replicates per design point, computes the
sensitivity indices the design supports, runs scenario discovery for the stated
criteria, and for an ensemble sums the authorities into national totals per year. The
result is an `Analysis`, which `abm.analysis.output` writes and prints.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from abm.analysis.discovery import Box, Criterion, failing, find_boxes, parse_criterion
from abm.analysis.scalars import needed_columns, point_means, run_scalars
from abm.analysis.sensitivity import METHODS, Indices, morris_indices, sobol_indices
from abm.outcomes import BY_NAME
from abm.summary import QUANTILES


class AnalysisError(ValueError):
    """A sweep folder, or a request about it, that `cpsim analyze` cannot honour; the message says why."""


@dataclass(frozen=True)
class Analysis:
    """Everything `cpsim analyze` found in one sweep folder.

    `parameters` maps each varied parameter and lever to its sampled range (levers: 0 to
    1). `scalars` holds one row per run (point, replicate, one column per outcome), `means`
    one row per design point with a run (point, the varied parameters and levers, the
    replicate means, and `failing` when criteria were given). `indices` is None when the design
    supports none or they were impossible, and `notes` then says why. `national` is the
    ensemble's national totals per year: outcome, year, year_label, replicates, median,
    p05, p95.
    """

    results_dir: Path
    design: str
    parameters: dict[str, tuple[float, float]]
    outcomes: list[str]
    scalars: pd.DataFrame
    means: pd.DataFrame
    indices: Indices | None
    criteria: list[Criterion]
    boxes: list[Box]
    national: pd.DataFrame | None
    notes: list[str]

    @property
    def runs(self) -> int:
        return len(self.scalars)

    @property
    def failing_points(self) -> int:
        return int(self.means["failing"].sum()) if "failing" in self.means else 0


def analyze(results_dir, outcomes: list[str] | None = None, method: str = "auto",
            criteria: list[str] | None = None) -> Analysis:
    """Analyse the sweep in `results_dir`; AnalysisError for a bad folder or a request it cannot honour."""
    results_dir = Path(results_dir)
    try:
        rules = [parse_criterion(text) for text in criteria or []]
    except ValueError as e:
        raise AnalysisError(str(e)) from None
    if method not in ("auto", *METHODS):
        raise AnalysisError(f"--method {method!r}: allowed auto, {', '.join(METHODS)}")
    manifest, design, runs, failures = _read(results_dir)
    name, kept, parameters = _facts(manifest, results_dir)
    chosen, notes = _outcomes(outcomes, kept)
    for rule in rules:
        _check_outcome(rule.outcome, kept, f"--criterion {rule}")
    if runs.empty:
        raise AnalysisError(f"{results_dir}: the sweep has no finished run yet"
                            + (f"; {len(failures)} failed (see {results_dir / 'failures'})" if failures else ""))
    wanted = list(dict.fromkeys([*chosen, *(r.outcome for r in rules)]))
    scalars = run_scalars(runs[["point", "replicate", "year", "week", *needed_columns(wanted)]], wanted)
    means = design.merge(point_means(scalars, wanted), on="point", how="inner")
    if len(scalars) < manifest["runs"]:
        notes.append(f"{len(scalars)} of the sweep's {manifest['runs']} runs have finished"
                     + (f"; {len(failures)} failed (see failures/)" if failures else ""))
    missing = sorted(set(design["point"]) - set(means["point"]))
    if missing:
        notes.append(f"{len(missing)} of {len(design)} design points have no finished run "
                     f"(first: {', '.join(map(str, missing[:5]))})")
    indices = _indices(method, name, manifest, design, means, chosen, bool(missing), notes)
    boxes: list[Box] = []
    if rules:
        means["failing"] = failing(means, rules)
        boxes = _discover(means, parameters, notes)
    national = _national(runs, chosen, manifest["points"], notes) if name == "ensemble" else None
    return Analysis(results_dir, name, parameters, chosen, scalars, means, indices, rules, boxes, national, notes)


def _read(results_dir: Path):
    from abm.sweep.store import SweepStoreError, read_failures, read_sweep

    try:
        manifest, design, runs = read_sweep(results_dir)
        failures = read_failures(results_dir)
    except SweepStoreError as e:
        raise AnalysisError(str(e)) from None
    return manifest, design, runs, failures


def _facts(manifest: dict, results_dir: Path):
    """The design's name, the kept outcomes and the ranges of the varied parameters and levers (levers: 0 to 1)."""
    from abm.sweep.spec import DESIGNS

    try:
        name = manifest["design"]
        ranges = {str(p): (float(r["low"]), float(r["high"])) for p, r in manifest["parameters"].items()}
        ranges |= {str(lever): (0.0, 1.0) for lever in manifest["levers"]}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise AnalysisError(f"{results_dir / 'sweep.json'}: corrupt manifest ({type(e).__name__}: {e})") from None
    if name not in DESIGNS:
        raise AnalysisError(f"{results_dir / 'sweep.json'}: unknown design {name!r}; "
                            f"expected one of {', '.join(DESIGNS)}")
    return name, list(manifest["outcomes"]), ranges


def _check_outcome(name: str, kept: list[str], what: str) -> None:
    if name not in BY_NAME:
        close = difflib.get_close_matches(name, list(BY_NAME), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; abm/outcomes.py lists the outcomes"
        raise AnalysisError(f"{what}: unknown outcome {name!r}{hint}")
    if name not in kept:
        raise AnalysisError(f"{what}: outcome {name!r} was not kept by this sweep; it kept {', '.join(kept)}")
    if absent := _missing_parts(name, kept):
        raise AnalysisError(f"{what}: {name} is a ratio of totals, and this sweep did not keep {', '.join(absent)}")


def _missing_parts(name: str, kept: list[str]) -> list[str]:
    """The numerator or denominator of a ratio outcome that the sweep did not keep."""
    o = BY_NAME[name]
    return [c for c in (o.numerator, o.denominator) if o.aggregate == "ratio" and c not in kept]


def _outcomes(requested: list[str] | None, kept: list[str]) -> tuple[list[str], list[str]]:
    """The outcomes to analyse (default: every kept one that can be computed) and notes on any left out."""
    if requested:
        for name in requested:
            _check_outcome(name, kept, "--outcomes")
        return list(dict.fromkeys(requested)), []
    chosen = [name for name in kept if not _missing_parts(name, kept)]
    notes = [f"left out {name}: a ratio of totals, and this sweep did not keep {', '.join(_missing_parts(name, kept))}"
             for name in kept if name not in chosen]
    if not chosen:
        raise AnalysisError("the sweep kept no outcome that can be analysed")
    return chosen, notes


def _indices(method: str, name: str, manifest: dict, design: pd.DataFrame, means: pd.DataFrame,
             outcomes: list[str], incomplete: bool, notes: list[str]) -> Indices | None:
    wanted = name if method == "auto" else method
    if wanted not in METHODS:
        notes.append(f"no sensitivity indices: they need a sobol or morris design, and this one is {name}")
        return None
    label = wanted.capitalize()
    if wanted != name:
        raise AnalysisError(f"--method {method}: this sweep's design is {name!r}; {label} indices need a {method} "
                            f"design (a sweep file with [design] kind = \"{method}\")")
    try:
        salib, seed = manifest["salib"], int(manifest["root_seed"])
        problem = salib["problem"]
        x = design[list(problem["names"])].to_numpy(dtype=float)
        if incomplete:
            impossible = "they need a finished run at every design point; finish the sweep with cpsim sweep --resume"
        else:
            impossible = _broken_trajectories(x, len(problem["names"])) if wanted == "morris" else None
        if impossible:
            if method != "auto":
                raise AnalysisError(f"--method {method}: no {label} indices: {impossible}")
            notes.append(f"no {label} indices: {impossible}")
            return None
        y = means.set_index("point").loc[design["point"], outcomes]
        if wanted == "sobol":
            return sobol_indices(problem, y, bool(salib["calc_second_order"]), seed)
        return morris_indices(problem, x, y, int(salib["num_levels"]), seed)
    except (KeyError, TypeError, ValueError) as e:
        raise AnalysisError(f"sweep.json: cannot compute {label} indices from its record "
                            f"({type(e).__name__}: {e})") from None


def _broken_trajectories(x: np.ndarray, k: int) -> str | None:
    """Why Morris effects cannot be read off `x`, if a step of a trajectory does not move exactly one parameter.

    SALib finds the parameter each step moved from the design itself, so a design that is
    not the sweep's own, or a whole-number parameter whose range is so narrow that two of
    its levels round to the same number, would give wrong effects without an error.
    """
    steps = np.diff(x.reshape(-1, k + 1, k), axis=1) != 0
    bad = int((steps.sum(axis=2) != 1).sum())
    if bad:
        return (f"{bad} steps of the design's trajectories do not move exactly one parameter (a whole-number "
                "parameter whose levels round to the same number, or a design.parquet that is not the sweep's own)")
    return None


def _discover(means: pd.DataFrame, parameters: dict, notes: list[str]) -> list[Box]:
    fails = means["failing"].to_numpy()
    if not fails.any():
        notes.append("no design point fails the criteria, so there is no failure region to describe")
        return []
    if fails.all():
        notes.append("every design point fails the criteria, so the failure region is the whole sampled space")
        return []
    return find_boxes(means[list(parameters)], fails, parameters)


def _national(runs: pd.DataFrame, outcomes: list[str], points: int, notes: list[str]) -> pd.DataFrame | None:
    """Median, p05 and p95 over replicates of each outcome's national total per year (`abm.sweep.store`)."""
    from abm.sweep.store import national_totals

    totals = national_totals(runs)
    summed = [o for o in outcomes if o in totals.columns]
    if len(summed) < len(outcomes):
        notes.append("national totals leave out outcomes that do not add up over authorities: "
                     + ", ".join(o for o in outcomes if o not in summed))
    if not summed:
        return None
    if (totals["points"] < points).any():
        notes.append(f"some national totals sum fewer than the ensemble's {points} authorities (runs missing)")
    years = totals.groupby(["year", "year_label"], sort=True)
    bands = years[summed].quantile(list(QUANTILES.values()))
    counts = years[summed].count()
    return pd.DataFrame([
        {"outcome": outcome, "year": year, "year_label": label, "replicates": int(counts.at[(year, label), outcome]),
         **{k: float(bands.at[(year, label, q), outcome]) for k, q in QUANTILES.items()}}
        for outcome in summed for year, label in counts.index])
