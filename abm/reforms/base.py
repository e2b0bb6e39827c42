"""The reform base class: a Munro recommendation as a start, a ramp, a strength and the levers it moves.

A reform moves levers: parameters of abm.parameters. Each move gives a lever's
full-effect target from the value it would otherwise have (`Scale`: times a factor,
`SetTo`: a fixed value). In week t (counted from the end of the warm-up) the lever's value
is `base + w(t) * strength * (target - base)` with the ramp weight
`w(t) = clip((t - start_week) / ramp_weeks, 0, 1)` (a step, w = 1 from the start, when the
ramp is 0 years). A true/false lever switches to its target in the reform's first week
(at any strength above 0). Whole-number levers are rounded; every value is kept inside its
parameter's allowed range.

A reform's constructor arguments are its saved form in a scenario's `[[levers]]` table:
`start` (a date) or `start_week` (weeks after the warm-up), `ramp_years` and `strength`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from abm.calendar import WEEKS_PER_YEAR
from abm.parameters import PARAMETERS, KeyedError
from abm.scenario import RANGES


class ReformArgumentError(KeyedError):
    """A reform's arguments that contradict each other, at `key` of its [[levers]] table."""


@dataclass(frozen=True)
class Scale:
    """A lever multiplied by `factor` at full effect."""

    parameter: str
    factor: float

    def target(self, value):
        return value * self.factor

    def describe(self) -> str:
        return f"{self.parameter} x {self.factor:g}"


@dataclass(frozen=True)
class SetTo:
    """A lever set to `value` at full effect."""

    parameter: str
    value: float | bool

    def target(self, value):
        return self.value

    def describe(self) -> str:
        shown = str(self.value).lower() if isinstance(self.value, bool) else f"{self.value:g}"
        return f"{self.parameter} -> {shown}"


class Reform(BaseModel):
    """One recommendation of the Munro Final Report (2011) switched on, with its timing and strength.

    Subclasses set the class attributes: `name` ("R7"), `label` (short, plain language),
    `what_it_does` (one line: what it does in the model), `family`, `source` (the report's
    recommendation), `default_ramp_years`, `moves` (the levers and their full-effect
    targets) and `expected` ({outcome: "lower" | "higher"}, the documented direction(s)
    that tests/test_reforms.py checks against the baseline).
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    what_it_does: ClassVar[str] = ""
    family: ClassVar[str] = ""
    source: ClassVar[str] = ""
    default_ramp_years: ClassVar[float] = 0.0
    moves: ClassVar[tuple[Scale | SetTo, ...]] = ()
    expected: ClassVar[dict[str, str]] = {}

    start: dt.date | None = None
    start_week: int | None = Field(None, ge=RANGES["start_week"][0], le=RANGES["start_week"][1])
    ramp_years: float | None = Field(None, ge=RANGES["ramp_years"][0], le=RANGES["ramp_years"][1])
    strength: float = Field(1.0, ge=RANGES["strength"][0], le=RANGES["strength"][1])

    @model_validator(mode="after")
    def _one_start(self) -> Reform:
        if self.start is not None and self.start_week is not None:
            raise ReformArgumentError("start_week", "give start (a date like 2012-04-01) or start_week "
                                                    "(weeks after the warm-up), not both")
        return self

    @classmethod
    def levers(cls) -> tuple[str, ...]:
        return tuple(move.parameter for move in cls.moves)

    @property
    def ramp_weeks(self) -> int:
        years = self.default_ramp_years if self.ramp_years is None else self.ramp_years
        return round(years * WEEKS_PER_YEAR)

    def first_week(self, start_date: dt.date | None) -> int:
        """The week (after the warm-up) the reform starts: its start date's week, its start_week, or 0."""
        if self.start is not None:
            if start_date is None:
                raise ValueError("a reform with a start date needs scenario.start_date")
            return (self.start - start_date).days // 7
        return 0 if self.start_week is None else self.start_week

    def weight(self, week: int, first_week: int) -> float:
        """The ramp weight w(week): the share of the full effect reached (before strength)."""
        if week < first_week:
            return 0.0
        ramp = self.ramp_weeks
        return 1.0 if ramp == 0 else min(max((week - first_week) / ramp, 0.0), 1.0)

    def apply(self, values: dict, week: int, first_week: int) -> None:
        """Move this reform's levers in `values` (a parameter -> value mapping) to their week-`week` values."""
        if week < first_week:
            return
        share = self.weight(week, first_week) * self.strength
        for move in self.moves:
            spec, base = PARAMETERS[move.parameter], values[move.parameter]
            target = move.target(base)
            if spec.kind is bool:
                values[move.parameter] = bool(target) if self.strength > 0 else base
                continue
            value = min(max(base + share * (target - base), spec.low), spec.high)
            values[move.parameter] = round(value) if spec.kind is int else float(value)
