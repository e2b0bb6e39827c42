"""The calibration parameters: what `cpsim calibrate` searches, declared once in parameters.toml.

Each top-level table of the file is one searched dimension:

    [NAME]
    low = ...      lowest value searched
    high = ...     highest value searched
    guess = ...    the starting guess (the first trial, and what the fit must beat)
    log = true     search on a log scale (low must be above 0)
    reason = "..." one line: why this parameter is calibrated, and why these bounds
    scales = [...] optional: NAME is then not a parameter but a factor multiplying the
                   defaults of the listed parameters (e.g. all referrers' thresholds at once)

Without `scales`, NAME is a numeric model parameter (`cpsim params NAME`) and low, high and
guess must lie in its allowed range. With `scales`, every listed default times low and times
high must lie in that parameter's range. Either way a searched value becomes plain parameter
values (`constants`), rounded to 6 significant figures, so a fit is written, read and run as
ordinary `[constants]`. Every mistake is one `CalibrationError` naming the file, the table,
the key and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from abm.parameters import PARAMETERS, check_value
from abm.tomlfile import did_you_mean, read_toml

SPACE_FILE = Path(__file__).with_name("parameters.toml")
KEYS = ("low", "high", "guess", "log", "reason", "scales")
REQUIRED = ("low", "high", "guess", "log", "reason")


class CalibrationError(ValueError):
    """A calibration that cannot be run or written, explained in one line."""


@dataclass(frozen=True)
class Dimension:
    """One searched quantity: a parameter, or a factor on the defaults of several (`scales`)."""

    name: str
    low: float
    high: float
    guess: float
    log: bool
    reason: str
    scales: tuple[str, ...] = ()

    @property
    def integer(self) -> bool:
        return not self.scales and PARAMETERS[self.name].kind is int

    def targets(self) -> tuple[str, ...]:
        """The model parameters this dimension sets."""
        return self.scales or (self.name,)

    def value_at(self, u: float) -> float:
        """The value at unit coordinate `u` (0 at low, 1 at high; on the log range where declared)."""
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)

    def unit_of(self, x: float) -> float:
        """The unit coordinate of value `x` (the inverse of `value_at`)."""
        if self.log:
            return (math.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (x - self.low) / (self.high - self.low)

    def constants(self, x: float) -> dict[str, float | int]:
        """The plain parameter values for the searched value `x`."""
        if self.integer:
            return {self.name: int(round(x))}
        if not self.scales:
            return {self.name: _round(x)}
        return {p: _round(PARAMETERS[p].default * x) for p in self.scales}


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def constants(space: tuple[Dimension, ...], values: dict[str, float]) -> dict[str, float | int]:
    """The parameter values (for a scenario's [constants]) of one point of the search space."""
    out: dict[str, float | int] = {}
    for d in space:
        out.update(d.constants(values[d.name]))
    return out


def guess(space: tuple[Dimension, ...]) -> dict[str, float]:
    """The starting guess, as a point of the search space."""
    return {d.name: d.guess for d in space}


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)



def _dimension(path: Path, name: str, entry) -> Dimension:
    where = f"{path}: {name}"
    if not isinstance(entry, dict):
        raise CalibrationError(f"{where}: must be a table written [{name}] with low, high, guess, log and reason")
    for key in entry:
        if key not in KEYS:
            raise CalibrationError(f"{where}.{key}: unknown key{did_you_mean(key, KEYS)} (allowed: {', '.join(KEYS)})")
    for key in REQUIRED:
        if key not in entry:
            raise CalibrationError(f"{where}: {key} is missing; it is required")
    reason = entry["reason"]
    if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
        raise CalibrationError(f"{where}.reason: must be one line of text saying why it is calibrated")
    if not isinstance(entry["log"], bool):
        raise CalibrationError(f"{where}.log: must be true or false, not {entry['log']!r}")
    for key in ("low", "high", "guess"):
        if not _number(entry[key]):
            raise CalibrationError(f"{where}.{key}: must be a number, not {entry[key]!r}")
    low, high, start = (float(entry[k]) for k in ("low", "high", "guess"))
    if not low < high:
        raise CalibrationError(f"{where}: low = {entry['low']} must be below high = {entry['high']}")
    if entry["log"] and low <= 0:
        raise CalibrationError(f"{where}.low: {entry['low']} must be above 0 on a log scale (log = true)")
    if not low <= start <= high:
        raise CalibrationError(f"{where}.guess: {entry['guess']} is outside the bounds: allowed "
                               f"{entry['low']} to {entry['high']}")
    scales = entry.get("scales")
    if scales is None:
        if name not in PARAMETERS:
            raise CalibrationError(f"{where}: unknown parameter '{name}'{did_you_mean(name, PARAMETERS)} (a table names "
                                   "a parameter listed by `cpsim params`, or has scales = [...])")
        p = PARAMETERS[name]
        if p.kind is bool:
            raise CalibrationError(f"{where}: '{name}' is true or false and cannot be calibrated")
        for key in ("low", "high", "guess"):
            _inside(where, key, name, entry[key])
        return Dimension(name, low, high, start, entry["log"], reason.strip())
    if name in PARAMETERS:
        raise CalibrationError(f"{where}.scales: '{name}' is a parameter; name a factor that scales "
                               "others something else (e.g. referrer_threshold_scale)")
    if not (isinstance(scales, list) and scales and all(isinstance(s, str) for s in scales)):
        raise CalibrationError(f"{where}.scales: must be a list of parameter names, not {scales!r}")
    if low <= 0:
        raise CalibrationError(f"{where}.low: {entry['low']} must be above 0 for a factor (scales)")
    for s in scales:
        if s not in PARAMETERS:
            raise CalibrationError(f"{where}.scales: unknown parameter '{s}'{did_you_mean(s, PARAMETERS)}")
        if PARAMETERS[s].kind is not float:
            raise CalibrationError(f"{where}.scales: '{s}' is not a decimal parameter and cannot be scaled")
        for key in ("low", "high"):
            _inside(where, key, s, PARAMETERS[s].default * entry[key], f" (its default {PARAMETERS[s].default:g} "
                    f"times {key} {entry[key]})")
    if len(set(scales)) != len(scales):
        raise CalibrationError(f"{where}.scales: names a parameter twice")
    return Dimension(name, low, high, start, entry["log"], reason.strip(), tuple(scales))


def _inside(where: str, key: str, name: str, value, shown: str = "") -> None:
    try:
        check_value(name, value)
    except ValueError as e:
        raise CalibrationError(f"{where}.{key}: {e}{shown}") from None


def load_space(path: str | Path = SPACE_FILE) -> tuple[Dimension, ...]:
    """The calibration parameters declared in the TOML file at `path`, or a CalibrationError."""
    path = Path(path)
    raw = read_toml(path, "calibration parameters", CalibrationError, "it declares no calibration parameter")
    space = tuple(_dimension(path, name, entry) for name, entry in raw.items())
    owner: dict[str, str] = {}
    for d in space:
        for p in d.targets():
            if p in owner:
                raise CalibrationError(f"{path}: {d.name}: sets '{p}', which {owner[p]} already sets; "
                                       "calibrate each parameter once")
            owner[p] = d.name
    return space
