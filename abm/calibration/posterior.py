"""The calibration posterior: an ensemble of weighted parameter sets, written and read as TOML.

`cpsim calibrate --method emulator --write` (or `--method abc-smc --write`) writes it to
`scenarios/posterior/<history>.toml`:

    [provenance]                      how it was drawn (method, generations, epsilons, code, ...)
    [provenance.space]                each searched dimension's bounds: NAME = [low, high, log]
    [[member]]                        one per parameter set
    weight = 0.0123                   the weights sum to 1
    searched = { NAME = value, ... }  the point of the calibration space (abm/calibration/parameters.toml)

A member's parameter values (`constants`) follow from its point as a point fit's do
(`abm.calibration.space.constants`), so the file is read against the calibration space it was
drawn over: a file whose dimensions or bounds differ from parameters.toml, whose weights do
not sum to 1, or with a member outside its bounds, is refused with one PosteriorError saying
which. `summary` is what `cpsim posterior` prints: the members, the effective sample size
1 / sum(w^2), and each dimension's weighted 5th, 50th and 95th percentiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import abm
from abm.calibration.space import SPACE_FILE, CalibrationError, Dimension, constants, load_space
from abm.tomlfile import read_toml

POSTERIOR_DIR = Path(abm.__file__).resolve().parent.parent / "scenarios" / "posterior"
POSTERIOR_FILE = POSTERIOR_DIR / "england_2006_2011.toml"
WEIGHT_SUM_TOLERANCE = 1e-6


class PosteriorError(CalibrationError):
    """A posterior file that cannot be used, explained in one line."""


@dataclass(frozen=True)
class Posterior:
    """Weighted members of the calibration space, with the provenance of their drawing."""

    path: Path
    space: tuple[Dimension, ...]
    members: tuple[dict[str, float], ...]
    weights: np.ndarray
    provenance: dict

    @property
    def effective_sample_size(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))

    def constants(self, k: int) -> dict[str, float | int]:
        """The parameter values of member `k` (for a scenario's [constants])."""
        return constants(self.space, self.members[k])

    def quantiles(self, name: str, qs=(0.05, 0.5, 0.95)) -> list[float]:
        """Weighted quantiles of dimension `name` over the members."""
        return weighted_quantiles(np.array([m[name] for m in self.members]), self.weights, qs)

    def summary(self) -> dict:
        return {"method": self.provenance.get("method", "unknown"), "members": len(self.members),
                "effective_sample_size": round(self.effective_sample_size, 2),
                "parameters": {d.name: dict(zip(("p05", "median", "p95"), self.quantiles(d.name))) for d in self.space}}


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs=(0.05, 0.5, 0.95)) -> list[float]:
    """Quantiles of `values` under `weights` (NaNs dropped; NaN when none is left), each value at the middle of
    its weight."""
    keep = np.isfinite(values)
    if not keep.any():
        return [math.nan] * len(qs)
    values, weights = values[keep], weights[keep] / weights[keep].sum()
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) - 0.5 * weights[order]
    return [float(np.interp(q, cumulative, values[order])) for q in qs]


def space_table(space: tuple[Dimension, ...]) -> dict[str, list]:
    return {d.name: [d.low, d.high, d.log] for d in space}


def load_posterior(path: str | Path = POSTERIOR_FILE, space_path: str | Path = SPACE_FILE) -> Posterior:
    """The posterior at `path`, checked against the calibration space at `space_path`."""
    path = Path(path)
    raw = read_toml(path, "posterior", PosteriorError, "it holds no [[member]]")
    unknown = sorted(set(raw) - {"provenance", "member"})
    if unknown:
        raise PosteriorError(f"{path}: unknown table '{unknown[0]}' (allowed: [provenance], [[member]])")
    provenance = raw.get("provenance", {})
    members = raw.get("member")
    if not isinstance(members, list) or not members:
        raise PosteriorError(f"{path}: holds no [[member]]; write one with `cpsim calibrate --method emulator --write`")
    space = load_space(space_path)
    drawn = provenance.get("space") if isinstance(provenance, dict) else None
    if drawn != {k: list(v) for k, v in space_table(space).items()}:
        raise PosteriorError(f"{path}: was drawn over other calibration parameters than {space_path} (their names "
                             "or bounds changed since); draw it again with `cpsim calibrate --method emulator --write`")
    points, weights = [], []
    for i, member in enumerate(members, 1):
        where = f"{path}: member {i}"
        if not isinstance(member, dict) or set(member) != {"weight", "searched"}:
            raise PosteriorError(f"{where}: must hold exactly 'weight' and 'searched'")
        weight, point = member["weight"], member["searched"]
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
            raise PosteriorError(f"{where}.weight: {weight!r} is not a number from 0 to 1")
        if not isinstance(point, dict) or set(point) != {d.name for d in space}:
            raise PosteriorError(f"{where}.searched: must give every calibration parameter once, and nothing else")
        for d in space:
            x = point[d.name]
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not d.low <= x <= d.high:
                raise PosteriorError(f"{where}.searched.{d.name}: {x!r} is outside its prior's range "
                                     f"{d.low:g} to {d.high:g}")
        points.append({d.name: float(point[d.name]) for d in space})
        weights.append(float(weight))
    w = np.array(weights)
    if not math.isclose(float(w.sum()), 1.0, abs_tol=WEIGHT_SUM_TOLERANCE):
        raise PosteriorError(f"{path}: the members' weights sum to {w.sum():.6g}, not 1")
    return Posterior(path, space, tuple(points), w / w.sum(), provenance)


def posterior_text(space: tuple[Dimension, ...], members: list[dict[str, float]], weights: list[float],
                   provenance: dict) -> str:
    """The text of a posterior file (weights normalised to sum to 1)."""
    from abm.calibration.search import _toml

    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    lines = ["# The calibration posterior of the historical baseline, written by",
             "# `cpsim calibrate --method emulator --write` (docs/calibration.md). Summarise it with",
             "# `cpsim posterior`; each member is a point of abm/calibration/parameters.toml.", "", "[provenance]"]
    lines += [f"{k} = {_toml(v)}" for k, v in provenance.items()]
    lines += ["", "[provenance.space]  # each dimension's prior: [low, high, log-uniform]"]
    lines += [f"{k} = {_toml(v)}" for k, v in space_table(space).items()]
    for weight, member in zip(w, members):
        point = ", ".join(f"{d.name} = {_toml(min(max(float(f'{member[d.name]:.6g}'), d.low), d.high))}"
                          for d in space)
        lines += ["", "[[member]]", f"weight = {_toml(float(weight))}", f"searched = {{ {point} }}"]
    return "\n".join(lines) + "\n"


def save_posterior(text: str, out: Path, state_file: str, space_path: str | Path, write: bool) -> tuple[Path, Path | None]:
    """Write a search's posterior `text` as out/posterior.toml (checked by loading it) and, with `write`, where the
    rest of the tool reads it (POSTERIOR_FILE); return both paths (the second None without `write`)."""
    from abm.results import atomic_write_bytes

    saved = out / "posterior.toml"
    try:
        atomic_write_bytes(saved, text.encode())
    except OSError as e:
        raise CalibrationError(f"--out: cannot write {saved}: {e.strerror or e}; the search is saved in "
                               f"{out / state_file}: `--resume` with the same options writes it without new runs") \
            from None
    load_posterior(saved, space_path)
    if not write:
        return saved, None
    POSTERIOR_FILE.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(POSTERIOR_FILE, text.encode())
    return saved, POSTERIOR_FILE
