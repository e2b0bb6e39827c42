"""The reform schedule: the parameters of each week of a run, from a scenario's levers.

Reforms apply in registry order (R1 ... R15), each from the value the ones before it left,
so two reforms moving one lever compose: two `Scale`s multiply, and a later `SetTo` wins
at its full effect. The model asks the schedule at the start of every week; the schedule
answers only in weeks when some ramp is moving (from a reform's first week to the end of
its ramp), so a run without levers never changes its parameters, and after the last ramp
ends nothing more is computed: the model keeps the full effect.
"""

from __future__ import annotations

import dataclasses

from abm.parameters import as_dict
from abm.reforms.registry import REFORMS
from abm.reforms.base import Reform


class ReformSchedule:
    """The reforms of a run with their first weeks, and the parameters they give each week."""

    def __init__(self, base, reforms: list[tuple[Reform, int]]):
        order = list(REFORMS)
        self.base = base
        self.reforms = sorted(reforms, key=lambda pair: order.index(pair[0].name))
        self.moving = set()
        for reform, first in self.reforms:
            self.moving.update(range(first, first + reform.ramp_weeks + 1))

    @classmethod
    def from_scenario(cls, scenario, base) -> ReformSchedule | None:
        """The schedule of `scenario`'s levers on the parameters `base`, or None without levers."""
        if not scenario.levers:
            return None
        reforms = [lever.build() for lever in scenario.levers]
        return cls(base, [(reform, reform.first_week(scenario.start_date)) for reform in reforms])

    def params_at(self, week: int):
        """The parameters of `week` (after the warm-up), or None when no ramp moves in that week."""
        if week not in self.moving:
            return None
        values = as_dict(self.base)
        for reform, first in self.reforms:
            reform.apply(values, week, first)
        changed = {name: value for name, value in values.items() if value != getattr(self.base, name)}
        return dataclasses.replace(self.base, **changed)
