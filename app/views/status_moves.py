"""Children moving between the statuses of `abm.population` in a run, counted week by week after the warm-up.

The model's ledger counts each event (a referral, an assessment started, a plan started);
which way a child left an assessment (a plan, care, or no further action) it does not
keep. `simulate_counting` runs a scenario with `abm.run.simulate`, watching it, and compares
every child's status before and after each week, so the journey can draw each fork from
the children who took it.
"""

from __future__ import annotations

import numpy as np

from abm.population import ASSESSMENT, LOOKED_AFTER
from abm.run import simulate

STATUSES = LOOKED_AFTER + 1  # none, early help, assessment, child-in-need plan, child protection plan, looked after


class StatusMoves:
    """`counts[a, b]`: the children whose status went from `a` to `b` in a week, summed over the weeks watched.

    An assessment can open and end within one week (a simple one, finished in its first week), so a child
    whose count of assessments rose in the week is counted as moving through it: before -> assessment, and
    assessment -> after unless still being assessed."""

    def __init__(self, population):
        self.before = population.status.copy()
        self.assessed = population.assessments.copy()
        self.counts = np.zeros((STATUSES, STATUSES), dtype=np.int64)

    def after_week(self, population) -> None:
        status, before = population.status, self.before
        through = (population.assessments != self.assessed) & (before != ASSESSMENT)
        moved = np.flatnonzero((status != before) & ~through)
        np.add.at(self.counts, (before[moved], status[moved]), 1)
        passed = np.flatnonzero(through)
        np.add.at(self.counts, (before[passed], ASSESSMENT), 1)
        left = passed[status[passed] != ASSESSMENT]
        np.add.at(self.counts, (np.full(len(left), ASSESSMENT), status[left]), 1)
        self.before = status.copy()
        self.assessed = population.assessments.copy()


def simulate_counting(scenario, seed: int):
    """The finished model of `scenario` with `seed` (`abm.run.simulate`) and its `StatusMoves` after the warm-up."""
    moves: list[StatusMoves] = []

    def watch(model) -> None:
        if moves:
            moves[0].after_week(model.population)
        elif model.week >= model.warmup_weeks:
            moves.append(StatusMoves(model.population))

    model = simulate(scenario, seed, watch)
    return model, moves[0] if moves else None
