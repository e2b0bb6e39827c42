"""An assessment stage's pace: the hours a week its direct work or recording asks.

    pace = rate                      in the weeks that end by the due time
    pace = max(rate, needed - done)  from the week the due time falls in (or for a stage without one,
                                     never: it goes on at `rate`)

`rate` is the planned pace: the stage's *standard* hours spread evenly over its timescale
(abm/journey.py `_stage`). The worker plans the standard assessment; how much this child's
assessment really needs (`needed`, the standard hours times the child's complexity) shows
only as the work goes, so a complex assessment is still unfinished when the plan runs out,
and in the week it falls due the worker tries to finish what is left. At a full time factor
an assessment of complexity c ends on time when c <= 1; a worker short of time (time factor
f < 1) ends on time only the assessments with c <= f, so timeliness falls with workload.
Read by the time budget (abm/time_budget.py) and by the week's progress of assessments
(abm/assessment.py).
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, nogil=True)
def pace(rate, needed, done, due, week):
    if week + 1 <= due:
        return rate
    return max(rate, needed - done)
