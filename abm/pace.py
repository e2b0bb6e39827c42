"""An assessment stage's pace: the hours a week its direct work or recording asks.

    pace = max(rate, (needed - done) / max(due - week, 1))

`rate` is the planned pace (the stage's hours spread evenly over its timescale, abm/journey.py
`_stage`); a worker behind it works faster, to finish what is left by the due time (within the
week, once it has passed). Read by the time budget (abm/time_budget.py) and by the week's
progress of assessments (abm/assessment.py).
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, nogil=True)
def pace(rate, needed, done, due, week):
    return max(rate, (needed - done) / max(due - week, 1.0))
