"""Allocation: managers give waiting cases to workers who have room, or the cases wait.

Each week, before assessments progress, every open case without a worker is considered,
most urgent first (children in care proceedings or looked after, then child protection
plans, then assessments, then child-in-need plans; within each, the longest waiting
first). A case goes to the worker in post with the most room, where a worker's room is

    room = allocation_load_limit * (weekly_hours + overtime_hours_max_per_week) - planned

(`planned`: the hours the worker's cases ask in full this week, abm/time_budget.py, plus
those of cases allocated so far this week). Urgent cases (children looked after or on a
protection plan, and assessments: the duty to assess within timescale) go to that worker
whatever the room; a child-in-need plan goes only if its hours fit in the room, otherwise
it stays unallocated and waits. Managers thus load workers beyond what they can do in full
(the limit is above 1), and when every worker is full, children in need queue; the weeks
they wait are counted when they are allocated.
"""

from __future__ import annotations

import heapq

import numba
import numpy as np

from abm.population import ASSESSMENT, CIN, CP, LOOKED_AFTER
from abm.time_budget import case_hours

PRIORITY = np.zeros(LOOKED_AFTER + 1, dtype=np.int8)  # rank by status, 0 most urgent
PRIORITY[[LOOKED_AFTER, CP, ASSESSMENT, CIN]] = (0, 1, 2, 3)
URGENT = PRIORITY[ASSESSMENT]  # ranks up to this are allocated whatever the room


def allocate(model, waiting: np.ndarray) -> None:
    """Allocate the open cases `waiting` (without a worker) where there is room, most urgent first."""
    wf, p, journey, pop = model.workforce, model.p, model.journey, model.population
    in_post = np.flatnonzero(wf.in_post())
    if not len(waiting) or not len(in_post):
        return
    order = np.lexsort((journey.waiting_since[waiting], PRIORITY[pop.status[waiting]]))
    waiting = waiting[order]
    direct, recording, meetings = case_hours(model, waiting)
    need = direct + recording + meetings + journey.task_hours[waiting]
    limit = p.allocation_load_limit * (p.weekly_hours + p.overtime_hours_max_per_week)
    chosen = _choose(need, PRIORITY[pop.status[waiting]] <= URGENT, wf.planned[in_post] - limit, in_post)
    allocated = chosen >= 0
    cases, slots = waiting[allocated], chosen[allocated]
    wf.caseload += np.bincount(slots, minlength=wf.posts)
    wf.planned += np.bincount(slots, weights=need[allocated], minlength=wf.posts)
    journey.assign(cases, slots)


@numba.njit(cache=True, nogil=True)
def _choose(need, urgent, negative_room, slots):
    """The worker each waiting case goes to, in order (-1: it waits): the one with the most room (fewest planned
    hours past the limit, `negative_room`; ties to the lower slot), if the case is urgent or its hours fit."""
    heap = [(negative_room[i], slots[i]) for i in range(len(slots))]
    heapq.heapify(heap)
    chosen = np.full(len(need), -1, dtype=np.int32)
    for i in range(len(need)):
        room, slot = heap[0]
        if -room < need[i] and not urgent[i]:
            continue
        chosen[i] = slot
        heapq.heapreplace(heap, (room + need[i], slot))
    return chosen
