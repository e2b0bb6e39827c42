"""The one typed parameter spec of cpsim.

Every number the model uses is a `Parameter` declared in one of this package's group
modules (community, referrers, front door, assessment, help, court, workforce,
governance, public, cost). Each carries its unit in its name, a default, an allowed
range, a one-line meaning and a source. `resolve` turns a mapping of overrides into a
frozen `Params` object with attribute access, refusing unknown names and out-of-range
values with a `ParameterError` that names the key and the allowed range.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, make_dataclass
from typing import Any, Mapping

from abm.parameters import (
    assessment,
    community,
    cost,
    court,
    front_door,
    governance,
    help,
    public,
    referrers,
    workforce,
)


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float | int | bool
    low: float
    high: float
    meaning: str
    source: str
    group: str = ""

    @property
    def kind(self) -> type:
        return type(self.default)

    def allowed(self) -> str:
        if self.kind is bool:
            return "true or false"
        return f"{self.low:g} to {self.high:g}"


class KeyedError(ValueError):
    """A bad input at `key` of its file; picklable, so a worker process can hand it back to the parent."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key

    def __reduce__(self):
        return type(self), (self.key, str(self))


class ParameterError(KeyedError):
    """An override names no parameter, has the wrong type, or lies outside its range."""


def _collect() -> dict[str, Parameter]:
    spec: dict[str, Parameter] = {}
    for module in (community, referrers, front_door, assessment, help, court,
                   workforce, governance, public, cost):
        group = module.__name__.rsplit(".", 1)[-1]
        for name, default, low, high, meaning, source in module.PARAMETERS:
            if name in spec:
                raise RuntimeError(f"parameter {name} declared twice")
            if not isinstance(default, bool) and not low <= default <= high:
                raise RuntimeError(f"default of {name} lies outside its range")
            spec[name] = Parameter(name, default, low, high, meaning, source, group)
    return spec


PARAMETERS: dict[str, Parameter] = _collect()

Params = make_dataclass(
    "Params",
    [(p.name, p.kind) for p in PARAMETERS.values()],
    frozen=True,
    slots=True,
)
Params.__doc__ = "Resolved values of every parameter, one attribute each (see PARAMETERS)."


def close_matches(key: str, names=None) -> list[str]:
    return difflib.get_close_matches(key, list(names or PARAMETERS), n=3, cutoff=0.6)


def check_value(key: str, value: Any) -> float | int | bool:
    """Return `value` coerced to the parameter's type, or raise ParameterError."""
    if key not in PARAMETERS:
        hint = close_matches(key)
        suffix = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise ParameterError(key, f"unknown parameter '{key}'{suffix}")
    p = PARAMETERS[key]
    if p.kind is bool:
        if not isinstance(value, bool):
            raise ParameterError(key, f"'{key}' must be true or false, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(key, f"'{key}' must be a number ({p.allowed()}), not {value!r}")
    if p.kind is int and not float(value).is_integer():
        raise ParameterError(key, f"'{key}' must be a whole number ({p.allowed()}), not {value!r}")
    if not p.low <= value <= p.high:
        raise ParameterError(key, f"'{key}' = {value!r} is out of range: allowed {p.allowed()}")
    return p.kind(value)


def resolve(overrides: Mapping[str, Any] | None = None) -> "Params":
    values = {name: p.default for name, p in PARAMETERS.items()}
    for key, value in (overrides or {}).items():
        values[key] = check_value(key, value)
    return Params(**values)


def as_dict(params: "Params") -> dict[str, float | int | bool]:
    return {f.name: getattr(params, f.name) for f in fields(params)}


_NAMES = tuple(PARAMETERS)
_set = object.__setattr__


def with_values(params: "Params", changed: Mapping[str, float | int | bool]) -> "Params":
    """`params` with the already checked and typed values `changed`: dataclasses.replace without its keyword
    call of Params' constructor (a sixth of its cost: the reform schedule asks for this every ramp week)."""
    new = object.__new__(Params)
    for name in _NAMES:
        _set(new, name, getattr(params, name))
    for name, value in changed.items():
        _set(new, name, value)
    return new
