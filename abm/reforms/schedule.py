"""The reform schedule: the parameters of each week of a run, from a scenario's levers and dated changes.

A scenario's dated changes (`[[changes]]`) set parameters anew from their weeks on: the base
of week w is the scenario's parameters with every change of a week <= w applied, in time
order (a later change of one parameter wins). Reforms then apply to that base in registry
order (R1 ... R15), each from the value the ones before it left, so two reforms moving one
lever compose: two `Scale`s multiply, and a later `SetTo` wins at its full effect; a change
to a parameter a reform moves is moved by the reform in turn. The model asks the schedule at
the start of every week; the schedule answers only in weeks when some ramp is moving (from a
reform's first week to the end of its ramp) or a change begins, so a run without levers or
changes never changes its parameters, and after the last of them nothing more is computed.
"""

from __future__ import annotations

from abm.parameters import as_dict, with_values
from abm.reforms.registry import REFORMS
from abm.reforms.base import Reform


class ReformSchedule:
    """The reforms of a run with their first weeks, its dated changes, and the parameters they give each week."""

    def __init__(self, base, reforms: list[tuple[Reform, int]], changes: list[tuple[int, dict]] = ()):
        order = list(REFORMS)
        self.base = base
        self.base_values = as_dict(base)
        self.reforms = sorted(reforms, key=lambda pair: order.index(pair[0].name))
        self.changes = sorted(changes, key=lambda pair: pair[0])
        self.moving = {week for week, _ in self.changes}
        for reform, first in self.reforms:
            self.moving.update(range(first, first + reform.ramp_weeks + 1))

    @classmethod
    def from_scenario(cls, scenario, base) -> ReformSchedule | None:
        """The schedule of `scenario`'s levers and changes on the parameters `base`, or None without either."""
        if not scenario.levers and not scenario.changes:
            return None
        reforms = [lever.build() for lever in scenario.levers]
        return cls(base, [(reform, reform.first_week(scenario.start_date)) for reform in reforms],
                   scenario.change_weeks())

    def rebased(self, base) -> ReformSchedule:
        """The same reforms and changes on the parameters `base` (a run whose parameters were moved from outside)."""
        return ReformSchedule(base, self.reforms, self.changes)

    def params_at(self, week: int):
        """The parameters of `week` (after the warm-up), or None when no ramp moves and no change begins in it."""
        if week not in self.moving:
            return None
        values = dict(self.base_values)
        for first, constants in self.changes:
            if first <= week:
                values.update(constants)
        for reform, first in self.reforms:
            reform.apply(values, week, first)
        base = self.base_values
        return with_values(self.base, {name: value for name, value in values.items() if value != base[name]})
