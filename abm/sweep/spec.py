"""Sweep files: which runs a sweep makes, loaded strictly from a TOML file.

A sweep file (see scenarios/sweeps/smoke.toml) names a base scenario and what to vary
around it:

- `[sweep]`: `base` (a scenario file, relative to the sweep file), `replicates` (runs per
  design point), `root_seed` and `outcomes` (names, or "all") are required; `name`
  (default: the file's stem), `description`, `years` and `warmup_years` (replacing the
  base's) and `out_of_range` ("refuse", the default, or "clamp") are optional. The base's
  own `seeds` and `root_seed` are not used: a run's seed comes from the sweep's root seed
  and the run's (point, replicate).
- `[design]`: `kind` is grid, latin, sobol, morris (the last three sampled with SALib) or
  ensemble; `samples` is the number of points (latin, ensemble), Sobol's base sample N (a
  power of 2; N(2D+2) points, or N(D+2) with `calc_second_order = false`) or Morris's
  number of trajectories (N(D+1) points; `num_levels`, default 4). A grid has no samples.
- `[constants]`: parameters set for every run, on top of the base's constants.
- `[parameters]`: what varies. Latin, Sobol and Morris take `{ low, high }`; a grid takes
  `{ low, high, levels }` (evenly spaced) or `{ values = [...] }`; an ensemble draws each
  parameter from `{ distribution = "lognormal", median, sigma[, total] }` (with `total`,
  the draws are scaled to sum to it) or `{ distribution = "beta", mean, concentration }`.
  A whole-number parameter takes the nearest whole number of each value.
- `[levers]`: reforms switched off and on across a grid, `NAME = { values = [false, true] }`;
  each name must be in the reform registry.

`out_of_range` decides what happens to a stated bound or value outside the parameter's
allowed range (see `cpsim params`): "refuse" makes it an error, "clamp" moves it to the
nearest end of the range and says so. Ensemble draws are checked the same way when the
design is made (abm.sweep.design), before anything runs.

Every mistake is one `SweepError` naming the file, the key ("sweep.replicates",
"parameters.deprivation_mean.low", lists counted from 1) and the allowed range or the close
matches, in the words of abm.scenario.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from abm.tomlfile import read_toml
from abm import scenario as scenario_module
from abm.outcomes import NAMES
from abm.parameters import PARAMETERS, ParameterError, check_value
from abm.scenario import (
    _EXPECTED,
    NAME_PATTERN,
    Number,
    Scenario,
    ScenarioError,
    _path,
    _Problem,
    _range,
    _show,
    _Strict,
    _unknown,
    load_scenario,
)

MAX_POINTS = 1_000_000  # run files are named p000000 to p999999
SECTIONS = ("sweep", "design", "constants", "parameters", "levers")
DESIGNS = ("grid", "latin", "sobol", "morris", "ensemble")
SAMPLED = ("latin", "sobol", "morris")
DISTRIBUTIONS = ("lognormal", "beta")
POLICIES = ("refuse", "clamp")
RANGES: dict[str, tuple[int, int]] = {
    "replicates": (1, 1000),  # run files are named r000 to r999
    "root_seed": scenario_module.RANGES["root_seed"],
    "years": scenario_module.RANGES["years"],
    "warmup_years": scenario_module.RANGES["warmup_years"],
    "samples": (1, MAX_POINTS),
    "levels": (2, 1000),
    "num_levels": (2, 100),
}


class SweepError(ValueError):
    """A sweep file that cannot be used, explained in one line: file, key, problem, what is allowed."""


def _bounded(name: str, default: Any = ...) -> Any:
    low, high = RANGES[name]
    return Field(default, ge=low, le=high)


class Header(_Strict):
    """The [sweep] table."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    base: str
    replicates: int = _bounded("replicates")
    root_seed: int = _bounded("root_seed")
    outcomes: Any
    out_of_range: str = "refuse"
    years: int | None = _bounded("years", None)
    warmup_years: int | None = _bounded("warmup_years", None)

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, value: Any) -> tuple[str, ...]:
        if value == "all":
            return NAMES
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise _Problem((), f'must be a list of outcome names like ["referrals_per_year"], or "all"; '
                               f"not {_show(value)}")
        for i, name in enumerate(value):
            if name not in NAMES:
                hint = difflib.get_close_matches(name, NAMES, n=3, cutoff=0.6)
                said = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
                raise _Problem((i,), f"unknown outcome '{name}'{said} (the outcomes are listed in abm/outcomes.py)")
            if name in value[:i]:
                raise _Problem((i,), f"'{name}' is listed twice")
        return tuple(value)

    @field_validator("out_of_range")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        if value not in POLICIES:
            raise _Problem((), _unknown("choice", value, POLICIES))
        return value


class DesignTable(_Strict):
    """The [design] table: which design, and its size."""

    kind: str
    samples: int | None = _bounded("samples", None)
    calc_second_order: bool | None = None
    num_levels: int | None = _bounded("num_levels", None)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in DESIGNS:
            raise _Problem((), _unknown("design", kind, DESIGNS))
        return kind

    @model_validator(mode="after")
    def _fits_kind(self) -> DesignTable:
        if self.kind == "grid" and self.samples is not None:
            raise _Problem(("samples",), "a grid has no samples: its points are every combination of the "
                                         "parameters' levels or values")
        if self.kind != "grid" and self.samples is None:
            raise _Problem(("samples",), f"is missing; a {self.kind} design needs it ({_range(RANGES['samples'])})")
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise _Problem(("samples",), f"{self.samples} is not a power of 2; a sobol design needs one "
                                         "(e.g. 64, 128, 256)")
        if self.calc_second_order is not None and self.kind != "sobol":
            raise _Problem(("calc_second_order",), "belongs to a sobol design only")
        if self.num_levels is not None and self.kind != "morris":
            raise _Problem(("num_levels",), "belongs to a morris design only")
        return self

    @property
    def second_order(self) -> bool:
        """Sobol: whether second-order indices are wanted (SALib's default, true, unless the file says)."""
        return self.calc_second_order is not False

    @property
    def levels(self) -> int:
        """Morris: the number of grid levels (SALib's default, 4, unless the file says)."""
        return self.num_levels or 4


class Bounds(_Strict):
    """A parameter sampled from [low, high] by a latin, sobol or morris design."""

    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.low >= self.high:
            raise _Problem(("low",), f"low = {self.low} is not below high = {self.high}; low must be below high")
        return self


class GridAxis(_Strict):
    """A parameter of a grid: `levels` evenly spaced values from low to high, or the listed `values`."""

    low: Number | None = None
    high: Number | None = None
    levels: int | None = _bounded("levels", None)
    values: list[Any] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> GridAxis:
        if self.values is not None:
            if (self.low, self.high, self.levels) != (None, None, None):
                raise _Problem(("values",), "give either values = [...] or low, high and levels, not both")
            if not self.values:
                raise _Problem(("values",), "is empty; list at least one value")
            return self
        for key in ("low", "high", "levels"):
            if getattr(self, key) is None:
                raise _Problem((key,), "is missing; a grid parameter needs low, high and levels "
                                       f"({_range(RANGES['levels'])}), or values = [...]")
        if self.low >= self.high:
            raise _Problem(("low",), f"low = {self.low} is not below high = {self.high}; low must be below high")
        return self


class LogNormal(_Strict):
    """An ensemble parameter drawn log-normally: median * exp(sigma * z), optionally scaled to sum to `total`."""

    distribution: str
    median: Number
    sigma: Number
    total: Number | None = None

    @model_validator(mode="after")
    def _positive(self) -> LogNormal:
        for key in ("median", "sigma", "total"):
            value = getattr(self, key)
            if value is not None and value <= 0:
                raise _Problem((key,), f"{_show(value)} is out of range: must be above 0")
        return self


class Beta(_Strict):
    """An ensemble parameter drawn from a Beta distribution with this mean and concentration (a + b)."""

    distribution: str
    mean: Number
    concentration: Number

    @model_validator(mode="after")
    def _in_range(self) -> Beta:
        if not 0 < self.mean < 1:
            raise _Problem(("mean",), f"{_show(self.mean)} is out of range: must lie strictly between 0 and 1")
        if self.concentration <= 0:
            raise _Problem(("concentration",), f"{_show(self.concentration)} is out of range: must be above 0")
        return self


class LeverAxis(_Strict):
    """A reform switched off and/or on across the points of a grid."""

    values: list[bool]

    @field_validator("values")
    @classmethod
    def _distinct(cls, values: list[bool]) -> list[bool]:
        if not values or len(set(values)) != len(values):
            raise _Problem((), "must list false, true or both, each once")
        return values


Axis = Bounds | GridAxis | LogNormal | Beta


@dataclass(frozen=True)
class Sweep:
    """A loaded sweep file: the base scenario as every run starts from it, and what varies around it."""

    name: str
    description: str
    source: str
    base_file: str
    base: Scenario
    replicates: int
    root_seed: int
    outcomes: tuple[str, ...]
    out_of_range: str
    design: DesignTable
    parameters: dict[str, Axis]
    levers: dict[str, LeverAxis] = field(default_factory=dict)
    constants: dict[str, float | int | bool] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The sweep as loaded, in JSON-ready form (the manifest's "sweep")."""
        return {
            "name": self.name, "description": self.description, "source": self.source,
            "base_file": self.base_file, "replicates": self.replicates, "root_seed": self.root_seed,
            "outcomes": list(self.outcomes), "out_of_range": self.out_of_range,
            "design": self.design.model_dump(mode="json", exclude_none=True),
            "constants": dict(self.constants),
            "parameters": {k: v.model_dump(mode="json", exclude_none=True) for k, v in self.parameters.items()},
            "levers": {k: v.model_dump(mode="json") for k, v in self.levers.items()},
            "notes": list(self.notes),
        }


def load_sweep(path: str | Path) -> Sweep:
    """The sweep in the TOML file at `path`, or a SweepError saying what is wrong with it."""
    path = Path(path)
    try:
        return _load(path, _read(path))
    except _Problem as p:
        raise SweepError(f"{path}: {_path(p.key)}: {p.message}" if p.key else f"{path}: {p.message}") from None


def _read(path: Path) -> dict:
    raw = read_toml(path, "sweep", SweepError, "a sweep needs [sweep], [design] and [parameters] tables")
    for section, value in raw.items():
        if section in Header.model_fields or section in DesignTable.model_fields:
            table = "sweep" if section in Header.model_fields else "design"
            raise _Problem((section,), f"belongs in the [{table}] table; put it below a [{table}] line")
        if section not in SECTIONS:
            raise _Problem((), _unknown("section", section, SECTIONS))
        if not isinstance(value, dict):
            raise _Problem((section,), f"must be a table written [{section}]")
    for section in ("sweep", "design", "parameters"):
        if section not in raw and not (section == "parameters" and raw.get("levers")):
            raise _Problem((section,), f"is missing; a sweep file needs a [{section}] table")
    return raw


def _load(path: Path, raw: dict) -> Sweep:
    header = _validate(Header, {"name": path.stem, **raw["sweep"]}, ("sweep",))
    design = _validate(DesignTable, raw["design"], ("design",))
    base_file = (path.parent / header.base)
    try:
        base = load_scenario(base_file)
    except ScenarioError as e:
        raise _Problem(("sweep", "base"), f"the base scenario cannot be used: {e}") from None
    policy, notes = header.out_of_range, []
    constants = {}
    for name, value in raw.get("constants", {}).items():
        try:
            constants[name] = check_value(name, value)
        except ParameterError as e:
            raise _Problem(("constants", name), str(e)) from None
        if name in base.uncertainties:
            raise _Problem(("constants", name), f"'{name}' is uncertain in the base scenario ({base_file}); "
                                                "a parameter is either constant or uncertain")
    parameters = {}
    for name, table in raw.get("parameters", {}).items():
        key = ("parameters", name)
        _check_name(name, key)
        if name in constants:
            raise _Problem(key, f"'{name}' is also set in [constants]; a parameter is either constant or varied")
        if name in base.uncertainties:
            raise _Problem(key, f"'{name}' is uncertain in the base scenario ({base_file}); "
                                "a parameter is either uncertain or varied")
        axis = _axis(name, table, design.kind, key)
        parameters[name] = _fit(name, axis, policy, key, notes)
    levers = {name: _lever(name, table, design.kind) for name, table in raw.get("levers", {}).items()}
    if not parameters and not levers:
        raise _Problem(("parameters",), "names no parameter; a sweep varies at least one parameter or lever")
    changes = {k: v for k, v in (("years", header.years), ("warmup_years", header.warmup_years)) if v is not None}
    try:
        effective = Scenario.model_validate({**dict(base), **changes, "constants": {**base.constants, **constants},
                                             "fitted": tuple(n for n in base.fitted if n not in constants)})
    except ValidationError as e:
        problem = scenario_module._translate(e, f"base scenario {base_file}", lambda loc: loc)
        raise _Problem(("sweep",), f"with this sweep's years, warmup_years and constants, {problem}") from None
    return Sweep(name=header.name, description=header.description, source=str(path),
                 base_file=str(base_file), base=effective, replicates=header.replicates,
                 root_seed=header.root_seed, outcomes=header.outcomes, out_of_range=policy, design=design,
                 parameters=parameters, levers=levers, constants=constants, notes=tuple(notes))


def _validate(model: type[_Strict], data: Any, where: tuple) -> Any:
    if not isinstance(data, dict):
        raise _Problem(where, f"must be a table, not {_show(data)}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        # A misspelt key also shows up as a missing one; the misspelling is the message that helps.
        error = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
        loc, message = _explain(model, error)
        raise _Problem(where + loc, message) from None


def _explain(model: type[_Strict], error: dict) -> tuple[tuple, str]:
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    found = error.get("ctx", {}).get("error")
    if isinstance(found, _Problem):
        return loc + found.key, found.message
    bounds = RANGES.get(str(loc[0])) if loc else None
    if kind in ("greater_than_equal", "less_than_equal") and bounds:
        return loc, f"{_show(value)} is out of range: allowed {_range(bounds)}"
    if kind in _EXPECTED:
        allowed = f" ({_range(bounds)})" if bounds else ""
        return loc, f"must be {_EXPECTED[kind]}{allowed}, not {_show(value)}"
    if kind == "missing":
        return loc, "is missing; it is required" + (f" ({_range(bounds)})" if bounds else "")
    if kind == "extra_forbidden":
        return loc, _unknown("key", str(loc[-1]), model.model_fields)
    if kind == "string_pattern_mismatch":
        return loc, f"{_show(value)} must be 1-64 letters, digits, '.', '_' or '-' (it names the results folder)"
    return loc, error["msg"]


def _check_name(name: str, key: tuple) -> None:
    if name not in PARAMETERS:
        hint = difflib.get_close_matches(name, PARAMETERS, n=3, cutoff=0.6)
        said = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise _Problem(key, f"unknown parameter '{name}'{said} (`cpsim params` lists them)")


def _axis(name: str, table: Any, kind: str, key: tuple) -> Axis:
    boolean = PARAMETERS[name].kind is bool
    if kind == "grid":
        return _validate(GridAxis, table, key)
    if boolean:
        raise _Problem(key, f"'{name}' is true or false; vary it in a grid design with values = [false, true]")
    if kind in SAMPLED:
        return _validate(Bounds, table, key)
    if not isinstance(table, dict):
        raise _Problem(key, f"must be a table like {{ distribution = \"beta\", mean = 0.3, concentration = 10 }}, "
                            f"not {_show(table)}")
    distribution = table.get("distribution")
    if distribution is None:
        raise _Problem(key + ("distribution",), f"is missing; an ensemble draws each parameter from a "
                                                f"distribution ({', '.join(DISTRIBUTIONS)})")
    if distribution not in DISTRIBUTIONS:
        raise _Problem(key + ("distribution",), _unknown("distribution", str(distribution), DISTRIBUTIONS))
    return _validate(LogNormal if distribution == "lognormal" else Beta, table, key)


def _fit(name: str, axis: Axis, policy: str, key: tuple, notes: list[str]) -> Axis:
    """The axis with each stated bound or value inside the parameter's range (clamped or refused)."""
    if isinstance(axis, (LogNormal, Beta)):
        return axis
    if isinstance(axis, GridAxis) and axis.values is not None:
        values = [_fit_value(name, v, policy, key + ("values", i), notes) for i, v in enumerate(axis.values)]
        for i, v in enumerate(values):
            if v in values[:i]:
                raise _Problem(key + ("values", i), f"{_show(v)} is listed twice (after clamping)" if
                               policy == "clamp" else f"{_show(v)} is listed twice")
        return axis.model_copy(update={"values": values})
    low = _fit_value(name, axis.low, policy, key + ("low",), notes)
    high = _fit_value(name, axis.high, policy, key + ("high",), notes)
    if low >= high:
        raise _Problem(key, f"clamped to the allowed range ({PARAMETERS[name].allowed()}) nothing is left "
                            f"between low and high")
    if isinstance(axis, GridAxis) and PARAMETERS[name].kind is int and axis.levels > high - low + 1:
        raise _Problem(key + ("levels",), f"{axis.levels} levels repeat whole numbers between {low} and {high}; "
                                          f"use at most {high - low + 1}")
    return axis.model_copy(update={"low": low, "high": high})


def _fit_value(name: str, value: Any, policy: str, key: tuple, notes: list[str]) -> Any:
    p = PARAMETERS[name]
    try:
        return check_value(name, value)
    except ParameterError as e:
        outside = p.kind is not bool and not isinstance(value, bool) and isinstance(value, (int, float)) \
            and not p.low <= value <= p.high
        if not outside:
            raise _Problem(key, str(e)) from None
        if policy == "refuse":
            raise _Problem(key, f"{_show(value)} is outside the range of '{name}': allowed {p.allowed()} "
                                f"(or set sweep.out_of_range = \"clamp\")") from None
    clamped = check_value(name, min(max(value, p.low), p.high))
    notes.append(f"{_path(key)} = {_show(value)} clamped to {_show(clamped)} (allowed {p.allowed()})")
    return clamped


def _lever(name: str, table: Any, kind: str) -> LeverAxis:
    key = ("levers", name)
    registry = scenario_module.registered_reforms()
    if name not in registry:
        raise _Problem(key, _unknown("reform", name, registry, "registered"))
    if kind != "grid":
        raise _Problem(key, f"a reform can be switched only in a grid design, not {kind}")
    return _validate(LeverAxis, table, key)
