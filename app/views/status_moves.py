"""Children moving between the statuses of `abm.population` in a run, counted week by week after the warm-up.

The model's ledger counts each event (a referral, an assessment started, a plan started);
which way a child left an assessment (a plan, care, or no further action) it does not
keep. `simulate_counting` runs a scenario exactly as `abm.run.simulate` does and compares
every child's status before and after each week, so the journey can draw each fork from
the children who took it.
"""

from __future__ import annotations

import numpy as np

from abm import calendar
from abm.population import LOOKED_AFTER
from abm.run import new_model

STATUSES = LOOKED_AFTER + 1  # none, early help, assessment, child-in-need plan, child protection plan, looked after


class StatusMoves:
    """`counts[a, b]`: the children whose status went from `a` to `b` in a week, summed over the weeks watched."""

    def __init__(self, status: np.ndarray):
        self.before = status.copy()
        self.counts = np.zeros((STATUSES, STATUSES), dtype=np.int64)

    def after_week(self, status: np.ndarray) -> None:
        moved = np.flatnonzero(status != self.before)
        np.add.at(self.counts, (self.before[moved], status[moved]), 1)
        self.before = status.copy()


def simulate_counting(scenario, seed: int):
    """The finished model of `scenario` with `seed` (as `abm.run.simulate`) and its `StatusMoves` after the warm-up."""
    if scenario.branch_from is None:
        model = new_model(scenario, seed)
    else:
        from abm.branching import start  # as abm.run.simulate does

        model = start(scenario, seed)
    moves = None
    for _ in range((scenario.warmup_years + scenario.years) * calendar.WEEKS_PER_YEAR):
        if moves is None and model.week >= model.warmup_weeks:
            moves = StatusMoves(model.population.status)
        model.step()
        if moves is not None:
            moves.after_week(model.population.status)
    return model, moves
