"""Waiting lists: first come, first served, each child once.

`join` adds this week's children to a waiting list and drops those that no longer wait:

    kept    = the list's children whose status is still at most `max_status` and who joined in week `oldest`
              or later, in their order
    joining = each of `new` once, in the order given, not already on the list, with status at most `max_status`
              (joining in week `now`)

The front door's contacts (status below an open case) and early help's waiting list (no help, and no longer
than `early_help_wait_limit_weeks`) both wait this way.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def join(new, queue, since, status, max_status, now, oldest, mark):
    """The list after `new` join `queue` (joined in weeks `since`): the children and the weeks they joined, and
    how many joined now. `mark` is all False scratch, left so."""
    out = np.empty(len(queue) + len(new), dtype=np.int64)
    out_since = np.empty(len(queue) + len(new), dtype=np.int64)
    kept = 0
    for i in range(len(queue)):
        mark[queue[i]] = True
        if status[queue[i]] <= max_status and since[i] >= oldest:
            out[kept], out_since[kept] = queue[i], since[i]
            kept += 1
    joined = 0
    for child in new:
        if not mark[child]:
            mark[child] = True
            if status[child] <= max_status and now >= oldest:
                out[kept], out_since[kept] = child, now
                kept += 1
                joined += 1
    for child in queue:
        mark[child] = False
    for child in new:
        mark[child] = False
    return out[:kept], out_since[:kept], joined
