"""Scenarios: what one experiment sets, loaded strictly from a TOML file.

A scenario file uses EMA Workbench's words. `[scenario]` holds the years, warm-up years,
replicate count (`seeds`) and root seed, all required, and optionally a name (default: the
file's stem), a description and a start date (1900-01-01 to 2200-12-31; with it, years are
financial years "2011/12"); `[constants]` overrides parameters;
`[uncertainties]` names parameters drawn uniformly per seed from `{ low, high }`;
each `[[levers]]` table switches a registered reform on (its other keys are the reform's
arguments); each `[[events]]` table is an exogenous public event at a `date` or at a
`week` after the warm-up; each `[[changes]]` table sets parameters anew from a `date` or a
`week` on (its other keys are the parameters and their values, checked like `[constants]`;
a parameter read only when the model is built cannot change). Events, levers and changes
begin within the run: from the start of the warm-up to the run's last week. See
scenarios/baseline.toml and scenarios/england_2011_2024.toml.

`[scenario] parameters = "calibrated.toml"` names a parameter file (a path relative to the
scenario file) holding a `[constants]` table, checked like the scenario's own, and a free-form
`[provenance]` table. Its constants apply first, under the scenario's: a parameter the
scenario sets in `[constants]` or `[uncertainties]` keeps the scenario's setting. The names
of the constants that came from the file are kept (`fitted`): under the calibration
posterior a seed's member replaces exactly those (abm/posterior_draws.py).

`Scenario.with_levers` gives a copy with other reforms switched on, and `scenario_toml`
writes a scenario back as a file that `load_scenario` reads.

`[scenario] branch_from = "HISTORY@DATE"` starts the scenario from the saved state of the
history scenario HISTORY at DATE instead of a warm-up (abm/branch_from.py reads the key,
abm/branching.py says what carries over); such a file gives no `warmup_years`, `start_date`
or `root_seed`: it has no warm-up, starts on the branch date and runs the history's seeds.

Nothing is silently defaulted or coerced: every mistake is one `ScenarioError` naming the
file, the key ("scenario.years", "events[2].date", tables of an array counted from 1),
the problem and the allowed range or the close matches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path
from typing import Annotated, Any, Callable, Sequence

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from abm.tomlfile import read_toml
from abm import calendar
from abm.parameters import PARAMETERS, ParameterError, check_value

SECTIONS = ("scenario", "constants", "uncertainties", "levers", "events", "changes")
HEADER = ("name", "description", "start_date", "years", "warmup_years", "seeds", "root_seed", "parameters",
          "branch_from")
PARAMETER_SECTIONS = ("constants", "provenance")
EVENT_KINDS = ("national_publicity", "over_intervention_scandal")
RANGES: dict[str, tuple[int | float, int | float]] = {
    "years": (1, 100),
    "warmup_years": (0, 50),
    "seeds": (1, 10_000),
    "root_seed": (0, 2**63 - 1),
    "week": (-50 * calendar.WEEKS_PER_YEAR, 100 * calendar.WEEKS_PER_YEAR),
    "start_week": (-50 * calendar.WEEKS_PER_YEAR, 100 * calendar.WEEKS_PER_YEAR),
    "anxiety_jump": (-5.0, 5.0),
    "ramp_years": (0, 30),
    "strength": (0, 1),
}
DATES = (dt.date(1900, 1, 1), dt.date(2200, 12, 31))  # the allowed start dates
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class ScenarioError(ValueError):
    """A scenario that cannot be used, explained in one line: file, key, problem, what is allowed."""


class _Problem(ValueError):
    """A validator's finding at `key` (a location below the value being validated)."""

    def __init__(self, key: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.key = key
        self.message = message


def registered_reforms() -> dict:
    """The reform registry (abm.reforms.REFORMS), imported here so that abm.reforms may import this module."""
    from abm.reforms import REFORMS

    return REFORMS


def _bounded(name: str, default: Any = ...) -> Any:
    low, high = RANGES[name]
    return Field(default, ge=low, le=high)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return repr(value)


def _range(bounds: tuple) -> str:
    return f"{bounds[0]:,} to {bounds[1]:,}"


def _unknown(what: str, value: str, allowed, listed: str = "allowed") -> str:
    allowed = list(allowed)
    hint = difflib.get_close_matches(value, allowed, n=3, cutoff=0.6)
    listing = f"({listed}: {', '.join(allowed) if allowed else 'none yet'})"
    if hint:
        return f"unknown {what} '{value}'; did you mean {' or '.join(repr(h) for h in hint)}? {listing}"
    return f"unknown {what} '{value}' {listing}"


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Problem((), f"must be a number, not {_show(value)}")
    return value


Number = Annotated[float | int, BeforeValidator(_number)]


def _end(name: str, value: float | int, end: str) -> float | int:
    try:
        return check_value(name, value)
    except ParameterError as e:
        raise _Problem((name, end) if name in PARAMETERS else (name,), str(e)) from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Uncertainty(_Strict):
    """A parameter nobody controls, drawn uniformly for each seed from [low, high]."""

    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        if self.low > self.high:
            raise _Problem(("low",), f"low = {self.low} is above high = {self.high}; low must not exceed high")
        return self


class Lever(_Strict):
    """A reform switched on: a name in the reform registry and the arguments its [[levers]] table gives."""

    reform: str
    arguments: dict[str, Any] = {}

    @field_validator("reform")
    @classmethod
    def _registered(cls, name: str) -> str:
        registry = registered_reforms()
        if name not in registry:
            raise _Problem((), _unknown("reform", name, registry, "registered"))
        return name

    @model_validator(mode="after")
    def _valid_arguments(self) -> Lever:
        self.build()
        return self

    def build(self):
        """The reform object these arguments make (None for a registry entry that is not a reform class)."""
        reform = registered_reforms()[self.reform]
        if not hasattr(reform, "model_validate"):
            return None
        try:
            return reform.model_validate(self.arguments)
        except ValidationError as e:
            errors = e.errors(include_url=False)
            error = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
            found = error.get("ctx", {}).get("error")
            if error["type"] == "extra_forbidden":
                key = str(error["loc"][-1])
                raise _Problem((key,), _unknown("key", key, ["reform", *reform.model_fields])) from None
            if hasattr(found, "key"):
                raise _Problem((found.key,), str(found)) from None
            raise _Problem(*_explain(error)) from None


def _at_one_time(item, example: str):
    """`item` (an Event or a Change) if it gives exactly one of date or week; else _Problem saying so."""
    if (item.date is None) == (item.week is None):
        said = "both" if item.date is not None else "neither"
        raise _Problem((), f"give exactly one of date (e.g. {example}) or week (weeks after warm-up), not {said}")
    return item


class Event(_Strict):
    """An exogenous public event raising (or lowering) public anxiety, at a date or a week after the warm-up."""

    kind: str
    date: dt.date | None = None
    week: int | None = _bounded("week", None)
    anxiety_jump: float = _bounded("anxiety_jump")

    @field_validator("kind")
    @classmethod
    def _known(cls, kind: str) -> str:
        if kind not in EVENT_KINDS:
            raise _Problem((), _unknown("event kind", kind, EVENT_KINDS))
        return kind

    @model_validator(mode="after")
    def _one_time(self) -> Event:
        return _at_one_time(self, "2008-11-15")


class Change(_Strict):
    """Parameters set anew from a date, or a week after the warm-up, on (a change of rules that was dated)."""

    date: dt.date | None = None
    week: int | None = _bounded("week", None)
    constants: dict[str, float | int | bool]

    @field_validator("constants", mode="before")
    @classmethod
    def _check_constants(cls, constants: Any) -> Any:
        from abm.model import FIXED_DURING_RUN  # here: the model is heavy, and only a change needs this list

        if not isinstance(constants, dict):
            return constants
        if not constants:
            raise _Problem((), "sets no parameter: give at least one, e.g. court_timetable_target_weeks = 26")
        for key in constants:
            if key in FIXED_DURING_RUN:
                raise _Problem((key,), f"'{key}' is read only when the model is built, so it cannot change during a "
                                       "run; set it in [constants]")
        try:
            return {key: check_value(key, value) for key, value in constants.items()}
        except ParameterError as e:
            raise _Problem((e.key,), str(e)) from None

    @model_validator(mode="after")
    def _one_time(self) -> Change:
        return _at_one_time(self, "2014-04-22")


class Scenario(_Strict):
    """One experiment: run settings, parameter constants and uncertainties, levers, events and dated changes."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    start_date: dt.date | None = None
    years: int = _bounded("years")
    warmup_years: int = _bounded("warmup_years")
    seeds: int = _bounded("seeds")
    root_seed: int = _bounded("root_seed")
    parameters: str | None = None  # the parameter file as written; its constants are already in `constants`
    constants: dict[str, float | int | bool] = {}
    # The constants that came from the parameter file (the scenario sets them nowhere itself), and the posterior
    # whose members replace them seed by seed (abm/posterior_draws.py; None: the point fit). Left out of
    # model_dump, so results folders, saved states and calibration fingerprints of the point fit are unchanged.
    fitted: tuple[str, ...] = Field((), exclude=True)
    posterior: str | None = Field(None, exclude=True)
    uncertainties: dict[str, Uncertainty] = {}
    levers: tuple[Lever, ...] = ()
    events: tuple[Event, ...] = ()
    changes: tuple[Change, ...] = ()
    branch_from: Branch | None = None
    source: str | None = None

    @field_validator("start_date")
    @classmethod
    def _dated(cls, start_date: dt.date | None) -> dt.date | None:
        if start_date is not None and not DATES[0] <= start_date <= DATES[1]:
            raise _Problem((), f"{start_date} is out of range: allowed {DATES[0]} to {DATES[1]}")
        return start_date

    @field_validator("constants", mode="before")
    @classmethod
    def _check_constants(cls, constants: Any) -> Any:
        if not isinstance(constants, dict):
            return constants
        try:
            return {key: check_value(key, value) for key, value in constants.items()}
        except ParameterError as e:
            raise _Problem((e.key,), str(e)) from None

    @field_validator("uncertainties")
    @classmethod
    def _check_uncertainties(cls, uncertainties: dict[str, Uncertainty]) -> dict[str, Uncertainty]:
        checked = {}
        for name, u in uncertainties.items():
            if name in PARAMETERS and PARAMETERS[name].kind is bool:
                raise _Problem((name,), f"'{name}' is true or false and cannot be uncertain; set it in [constants]")
            checked[name] = Uncertainty(low=_end(name, u.low, "low"), high=_end(name, u.high, "high"))
        return checked

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.branch_from is not None:
            self.branch_from.check_settings(self)
        for name in self.uncertainties:
            if name in self.constants:
                raise _Problem(("uncertainties", name),
                               f"'{name}' is also set in [constants]; a parameter is either constant or uncertain")
        earliest = -self.warmup_years * calendar.WEEKS_PER_YEAR
        for section, timed in (("events", self.events), ("changes", self.changes)):
            for i, event in enumerate(timed):
                key = (section, i, "week" if event.date is None else "date")
                if event.date is not None and self.start_date is None:
                    raise _Problem(key, f"a dated {section[:-1]} needs scenario.start_date; set it, or give week = N "
                                        "instead")
                if self._week(event) < earliest:
                    first = "" if self.start_date is None else f" ({calendar.week_start(self.start_date, earliest)})"
                    raise _Problem(key, f"falls before the warm-up starts: allowed from week {earliest}{first} on")
        seen: dict[str, int] = {}
        for i, lever in enumerate(self.levers):
            if lever.reform in seen:
                raise _Problem(("levers", i, "reform"), f"'{lever.reform}' is already switched on in "
                                                        f"levers[{seen[lever.reform] + 1}]; switch each reform on once")
            seen[lever.reform] = i
            reform = lever.build()
            if reform is None:
                continue
            key = ("levers", i, "start_week" if reform.start is None else "start")
            if reform.start is not None and self.start_date is None:
                raise _Problem(key, "a reform with a start date needs scenario.start_date; set it, "
                                    "or give start_week = N instead")
            if reform.first_week(self.start_date) < earliest:
                first = "" if self.start_date is None else f" ({calendar.week_start(self.start_date, earliest)})"
                raise _Problem(key, f"falls before the warm-up starts: allowed from week {earliest}{first} on")
        return self

    def _week(self, event: Event | Change) -> int:
        return event.week if event.date is None else calendar.week_of(self.start_date, event.date)

    def check_within_run(self) -> None:
        """_Problem for an event or lever that would begin only after the last week of the run (never act)."""
        earliest, last = -self.warmup_years * calendar.WEEKS_PER_YEAR, self.years * calendar.WEEKS_PER_YEAR - 1
        starts = [((section, i, "week" if e.date is None else "date"), self._week(e), e.date or e.week)
                  for section, timed in (("events", self.events), ("changes", self.changes))
                  for i, e in enumerate(timed)]
        for i, lever in enumerate(self.levers):
            reform = lever.build()
            if reform is not None:
                starts.append((("levers", i, "start_week" if reform.start is None else "start"),
                               reform.first_week(self.start_date), reform.start or reform.start_week))
        for key, week, given in starts:
            if week > last:
                raise _Problem(key, f"{_show(given)} falls after the run ends, so it would never act: allowed "
                                    f"{self._when(earliest)} to {self._when(last)}")

    def _when(self, week: int) -> str:
        return f"week {week}" if self.start_date is None else f"week {week} ({calendar.week_start(self.start_date, week)})"

    def event_weeks(self) -> list[tuple[int, str, float]]:
        """(week after the warm-up, kind, anxiety jump) of every event, in time order."""
        return sorted((self._week(e), e.kind, e.anxiety_jump) for e in self.events)

    def change_weeks(self) -> list[tuple[int, dict[str, float | int | bool]]]:
        """(week after the warm-up, parameters set) of every dated change, in time order (file order within a week)."""
        return sorted(((self._week(c), dict(c.constants)) for c in self.changes), key=lambda pair: pair[0])

    def with_levers(self, levers: Sequence[Lever | tuple[str, dict]], name: str | None = None) -> Scenario:
        """This scenario with its levers replaced by `levers` (each a Lever or (reform, arguments)), and renamed."""
        tables = tuple(lever if isinstance(lever, Lever) else {"reform": lever[0], "arguments": dict(lever[1])}
                       for lever in levers)
        try:
            return Scenario.model_validate({**dict(self), "levers": tables, **({} if name is None else {"name": name})})
        except ValidationError as e:
            raise _translate(e, self.source or self.name, lambda loc: loc) from None

    def with_constants(self, values: dict[str, float | int | bool]) -> Scenario:
        """This scenario with `values` (checked already) set as its own constants: a posterior member leaves them."""
        return self.model_copy(update={"constants": {**self.constants, **values},
                                       "fitted": tuple(n for n in self.fitted if n not in values)})

    def with_overrides(self, seeds: int | None = None, years: int | None = None) -> Scenario:
        """This scenario with the replicate count and/or years replaced (the CLI's --seeds, --years)."""
        changes = {k: v for k, v in {"seeds": seeds, "years": years}.items() if v is not None}
        try:
            return Scenario.model_validate({**dict(self), **changes})
        except ValidationError as e:
            raise _translate(e, "command line", lambda loc: ("--" + str(loc[0]),) + tuple(loc[1:])) from None


class Branch(_Strict):
    """Where a branched scenario starts: the saved state of `history` (a loaded scenario, the file `name`.toml) at
    `date`, which is the state at the start of the history's week `week` (weeks after its warm-up)."""

    name: str
    date: dt.date
    week: int
    history: Scenario

    def __str__(self) -> str:
        return f"{self.name}@{self.date}"

    def settings(self) -> dict[str, Any]:
        """The run settings a scenario branched here has: no warm-up, the branch date, the history's root seed."""
        return {"warmup_years": 0, "start_date": self.date, "root_seed": self.history.root_seed}

    def check_settings(self, scenario: Scenario) -> None:
        """_Problem for a setting of `scenario` that contradicts starting here: a run setting other than the branch's
        (e.g. a sweep's warm-up), or a parameter read only when the model is built set to another value than the
        history's, or uncertain (the model could not change it)."""
        from abm.model import FIXED_DURING_RUN  # the model's own list, imported only for a branched scenario

        for key, value in self.settings().items():
            if getattr(scenario, key) != value:
                raise _Problem((key,), f"{_show(getattr(scenario, key))} contradicts branch_from = \"{self}\": a "
                                       f"branched scenario has {key} {_show(value)}")
        history = self.history
        for name in sorted(FIXED_DURING_RUN & set(scenario.uncertainties)):
            raise _Problem(("uncertainties", name), "is read only when the model is built, so a branched scenario "
                                                    "keeps the history's value; remove it")
        for name in sorted(FIXED_DURING_RUN & set(scenario.constants)):
            if name in history.uncertainties:
                raise _Problem(("constants", name), f"is uncertain in the history {history.name} and read only when "
                                                    "the model is built, so a branched scenario keeps the history's "
                                                    "draw; remove it")
            kept = history.constants.get(name, PARAMETERS[name].default)
            if scenario.constants[name] != kept:
                raise _Problem(("constants", name), f"{scenario.constants[name]!r} differs from the history "
                                                    f"{history.name}'s {kept!r} (here or in the parameter file); it "
                                                    "is read only when the model is built, so a branched scenario "
                                                    f"keeps the history's value: remove it or set {kept!r}")


Scenario.model_rebuild()


def _file_key(loc: tuple) -> tuple:
    if loc[:1] == ("changes",) and "constants" in loc:  # a change's parameters are keys of its table in the file
        return tuple(part for part in loc if part != "constants")
    return ("scenario",) + loc if loc and loc[0] in HEADER else loc


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text


_EXPECTED = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text in quotes",
    "date_type": "a date like 2011-04-01",
    "bool_type": "true or false",
    "dict_type": "a table",
    "model_type": "a table",
}
_TABLES = {"uncertainties": Uncertainty, "events": Event, "changes": Change}


def _explain(error: dict) -> tuple[tuple, str]:
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    found = error.get("ctx", {}).get("error")
    if isinstance(found, _Problem):
        return loc + found.key, found.message
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    bounds = RANGES.get(field)
    if kind in ("greater_than_equal", "less_than_equal") and bounds:
        return loc, f"{_show(value)} is out of range: allowed {_range(bounds)}"
    if kind in _EXPECTED:
        allowed = f" ({_range(bounds)})" if bounds else ""
        return loc, f"must be {_EXPECTED[kind]}{allowed}, not {_show(value)}"
    if kind == "missing":
        return loc, "is missing; it is required" + (f" ({_range(bounds)})" if bounds else "")
    if kind == "extra_forbidden":
        model = _TABLES.get(loc[0])
        return loc, _unknown("key", str(loc[-1]), model.model_fields if model else ())
    if kind == "string_pattern_mismatch":
        return loc, f"{_show(value)} must be 1-64 letters, digits, '.', '_' or '-' (it names the results folder)"
    return loc, error["msg"]


def _translate(error: ValidationError, where: str, key: Callable[[tuple], tuple]) -> ScenarioError:
    errors = error.errors(include_url=False)
    # A misspelt key also shows up as a missing one; the misspelling is the message that helps.
    loc, message = _explain(next((e for e in errors if e["type"] == "extra_forbidden"), errors[0]))
    return ScenarioError(f"{where}: {_path(key(loc))}: {message}" if loc else f"{where}: {message}")


def _read(path: Path, kind: str = "scenario", empty: str = "a scenario needs at least a [scenario] table") -> dict:
    return read_toml(path, kind, ScenarioError, empty)


def _lever(table: dict) -> dict:
    lever = {"arguments": {k: v for k, v in table.items() if k != "reform"}}
    if "reform" in table:
        lever["reform"] = table["reform"]
    return lever


def _change(table: dict) -> dict:
    return {**{k: table[k] for k in ("date", "week") if k in table},
            "constants": {k: v for k, v in table.items() if k not in ("date", "week")}}


def _arrange(path: Path, raw: dict) -> dict:
    for section, value in raw.items():
        if section in HEADER:
            raise ScenarioError(f"{path}: {section}: belongs in the [scenario] table; put it below a [scenario] line")
        if section not in SECTIONS:
            raise ScenarioError(f"{path}: {_unknown('section', section, SECTIONS)}")
        many = section in ("levers", "events", "changes")
        if many and not (isinstance(value, list) and all(isinstance(t, dict) for t in value)):
            raise ScenarioError(f"{path}: {section}: must be tables written [[{section}]]")
        if not many and not isinstance(value, dict):
            raise ScenarioError(f"{path}: {section}: must be a table written [{section}]")
    header = raw.get("scenario", {})
    for key in header:
        if key not in HEADER:
            raise ScenarioError(f"{path}: scenario.{key}: {_unknown('key', key, HEADER)}")
    return {"name": path.stem, **header, "constants": raw.get("constants", {}),
            "uncertainties": raw.get("uncertainties", {}), "levers": tuple(map(_lever, raw.get("levers", []))),
            "events": tuple(raw.get("events", [])), "changes": tuple(map(_change, raw.get("changes", []))),
            "source": str(path)}


def load_parameter_file(path: str | Path) -> tuple[dict[str, float | int | bool], dict[str, Any]]:
    """The `[constants]` and `[provenance]` of the parameter file at `path`, or a ScenarioError naming it."""
    path = Path(path)
    raw = _read(path, "parameter", "a parameter file needs a [constants] table")
    for section, value in raw.items():
        if section not in PARAMETER_SECTIONS:
            raise ScenarioError(f"{path}: {_unknown('section', section, PARAMETER_SECTIONS)} (a parameter file)")
        if not isinstance(value, dict):
            raise ScenarioError(f"{path}: {section}: must be a table written [{section}]")
    if "constants" not in raw:
        raise ScenarioError(f"{path}: constants: is missing; a parameter file needs a [constants] table")
    try:
        constants = {key: check_value(key, value) for key, value in raw["constants"].items()}
    except ParameterError as e:
        raise ScenarioError(f"{path}: constants.{e.key}: {e}") from None
    return constants, raw.get("provenance", {})


def load_scenario(path: str | Path, parameter_file: bool = True) -> Scenario:
    """The scenario in the TOML file at `path`, or a ScenarioError saying what is wrong with it.

    With `parameter_file=False` the constants of the file named by `[scenario] parameters`
    are left out (calibration fits them). An event or lever must begin within the run the
    file describes (a --years override that shortens the run is not held to it).
    """
    return _load(Path(path), parameter_file, history=False)


def _load(path: Path, parameter_file: bool, history: bool) -> Scenario:
    """load_scenario's work; a `history` (the scenario a branched one names) may not branch itself."""
    data = _arrange(path, _read(path))
    if history and "branch_from" in data:
        raise ScenarioError(f"{path}: scenario.branch_from: a history must start from its own warm-up, "
                            "not branch from another history; remove branch_from here")
    named = data.get("parameters")
    if named is not None and not isinstance(named, str):
        raise ScenarioError(f"{path}: scenario.parameters: must be text in quotes (a parameter file's path "
                            f"relative to this file), not {_show(named)}")
    if named is not None and parameter_file:
        try:
            fitted, _ = load_parameter_file(path.parent / named)
        except ScenarioError as e:
            raise ScenarioError(f"{path}: scenario.parameters: {e}") from None
        own = {*(data["uncertainties"] if isinstance(data["uncertainties"], dict) else {}),
               *(data["constants"] if isinstance(data["constants"], dict) else {})}
        data["fitted"] = tuple(sorted(k for k in fitted if k not in own))
        data["constants"] = {**{k: v for k, v in fitted.items() if k not in own}, **data["constants"]}
    if "branch_from" in data:
        from abm.branch_from import resolve  # here: it loads the history with this module

        data.update(resolve(path, data, lambda file: _load(file, True, history=True)))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise _translate(e, str(path), _file_key) from None
    try:
        scenario.check_within_run()
    except _Problem as p:
        raise ScenarioError(f"{path}: {_path(p.key)}: {p.message}") from None
    return scenario


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):  # a TOML basic string: JSON's escapes, plus DEL, which TOML wants escaped
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (dict, BaseModel)):
        items = value.items() if isinstance(value, dict) else dict(value).items()
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in items) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


def _toml_table(header: str, table: dict) -> list[str]:
    return ["", header, *(f"{key} = {_toml_value(value)}" for key, value in table.items() if value is not None)]


def scenario_toml(scenario: Scenario) -> str:
    """`scenario` as the text of a scenario file that `load_scenario` reads back to an equal scenario.

    The file stands alone: the constants of a parameter file the scenario named are written
    in its `[constants]` (a comment names the file), so the copy loads from any folder; only
    `source` and `parameters` differ once it is read back.
    """
    s = scenario
    lines = [f"# Scenario '{s.name}', written by cpsim."]
    if s.parameters is not None:
        lines.append(f"# Its [constants] include those of the parameter file {s.parameters}.")
    derived = () if s.branch_from is None else tuple(s.branch_from.settings())
    header = {key: getattr(s, key) for key in HEADER if key != "parameters" and key not in derived}
    lines += _toml_table("[scenario]", {**header, "branch_from": None if s.branch_from is None else str(s.branch_from)})
    lines += _toml_table("[constants]", s.constants)
    lines += _toml_table("[uncertainties]", s.uncertainties)
    for lever in s.levers:
        lines += _toml_table("[[levers]]", {"reform": lever.reform, **lever.arguments})
    for event in s.events:
        lines += _toml_table("[[events]]", dict(event))
    for change in s.changes:
        lines += _toml_table("[[changes]]", {"date": change.date, "week": change.week, **change.constants})
    return "\n".join(lines) + "\n"
