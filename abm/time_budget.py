"""A social worker's week of hours and how its uses share it (MODEL.md s3.8).

Every worker in post has `weekly_hours` of contract and works up to
`overtime_hours_max_per_week` more when the work asks for it. The week's demands, summed
over the worker's allocated cases c, are of three kinds:

    fixed      F = sum_c meetings_c + task_c + supervision + training
                 meetings: core groups and conferences of a child protection plan,
                 statements and hearings of a child in care proceedings; task: one-off
                 section 47 strategy discussions and initial conferences; supervision
                 received; training in an evidence-based method while learning it (R13)
    recording  R = sum_c record_c * (floor + (1 - floor) * compliance) + local_procedures * cases
                   + fixed_compliance_hours * enforcement + inspection preparation
                 record_c: an assessment stage's recording spread over its timescale, or
                 recording_hours_per_case_week for a plan
    direct     D = sum_c need_c * (1 + travel_hours_per_direct_hour)
                 need_c: an assessment's pace (its standard direct hours spread over its
                 timescale, or what is left in the week it falls due, abm.pace), or the plan's direct
                 hours by status times its need type's multiplier

Fixed demands are met first. When recording and direct work do not fit in what is left,
the shortfall S = R + D - (capacity - F) is cut from three parts of the week in proportion
to their weights: recording (1 - protection) * R, where protection = 1 - (1 - enforcement)
* (1 - supervision_compliance_protection * compliance_checking_supervision); assessments'
direct work (1 - enforcement) * D_assess, since a statutory timescale is checked too; and
the direct work of plans D_plans, which nobody checks. Under strong enforcement recording
and timescales are kept, and the ongoing work with children on plans is what gives way.
(What a part cannot give, having none left, passes to the others.) A worker's time factor
is the share of the plans' direct work delivered (the same for all their plans), the
assessment time factor the share of assessments' direct work, `recording_done` the share
of R. Hours worked beyond contract are overtime, which feeds burnout; the share of hours
worked spent face to face with children and families is the direct-work share. `planned`
(F + R + D in full) is what managers weigh when they allocate (abm/allocation.py).
"""

from __future__ import annotations

import numba
import numpy as np

from abm.pace import pace
from abm.population import ASSESSMENT, CP, LOOKED_AFTER


def case_hours(model, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct (with travel), recording and meeting hours a week that open cases `cases` ask at full service."""
    p, pop, journey, wf = model.p, model.population, model.journey, model.workforce
    return _case_hours(
        np.asarray(cases), model.week + 1, pop.status, pop.need_type, pop.in_proceedings, journey.worker,
        journey.due, journey.hours_rate, journey.hours_needed, journey.hours_done, journey.recording_rate,
        journey.recording_needed, journey.recorded, wf.hours_by_status, model.needs.hours, wf.compliance,
        float(model.governance.compliance), float(model.governance.local_procedures),
        p.recording_hours_per_case_week, p.recording_floor_share, p.cp_meeting_hours_per_case_week,
        p.proceedings_hours_per_case_week, p.travel_hours_per_direct_hour)


def split_week(model, open_cases: np.ndarray) -> None:
    """Share every worker's week among its uses; sets the workforce's time arrays for the coming week."""
    p, wf, journey = model.p, model.workforce, model.journey
    cases = open_cases[journey.worker[open_cases] >= 0]
    direct, recording, meetings = case_hours(model, cases)
    training = p.method_training_hours_per_week * (p.evidence_based_method_effect > 0) * (wf.proficiency < 1)
    (wf.recording_done, wf.assessment_time_factor, wf.time_factor, wf.worked, wf.overtime, wf.direct_hours,
     wf.direct_share, wf.recording_share, wf.planned) = _split(
        cases, direct, recording, meetings, journey.worker, model.population.status, journey.task_hours,
        wf.posts, wf.in_post(), wf.enforcement, wf.compliance_supervision, wf.supervision_hours, training,
        p.fixed_compliance_hours_per_week,
        p.inspection_preparation_hours_per_week * p.inspection_announced * p.inspection_process_focus,
        p.weekly_hours, p.overtime_hours_max_per_week, p.supervision_compliance_protection,
        p.travel_hours_per_direct_hour)
    wf.recording_needed_per_case = float(recording.sum() / len(recording)) if len(recording) else 0.0  # = mean()


@numba.njit(cache=True, nogil=True)
def _case_hours(cases, week, status, need_type, in_proceedings, worker, due, hours_rate, hours_needed, hours_done,
                recording_rate, recording_needed, recorded, hours_by_status, need_hours, compliance,
                team_compliance, local_procedures, recording_per_case, floor, cp_meetings, proceedings_hours,
                travel):
    """case_hours of each case: an assessment's pace (abm.pace) or the plan's hours by status and
    need type, recording scaled by its worker's compliance (the authority's when unallocated), and meetings."""
    n = len(cases)
    direct, recording, meetings = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        child = cases[i]
        stage = status[child]
        if stage == ASSESSMENT:
            hours = pace(hours_rate[child], hours_needed[child], hours_done[child], due[child], week)
            record = pace(recording_rate[child], recording_needed[child], recorded[child], due[child], week)
        else:
            hours = hours_by_status[stage] * need_hours[need_type[child]]
            record = recording_per_case
        w = worker[child]
        complying = compliance[w] if w >= 0 else team_compliance
        recording[i] = record * (floor + (1 - floor) * complying) + local_procedures
        meetings[i] = (cp_meetings * (stage == CP)
                       + proceedings_hours * (in_proceedings[child] and stage == LOOKED_AFTER))
        direct[i] = hours * (1 + travel)
    return direct, recording, meetings


@numba.njit(cache=True, nogil=True)
def _split(cases, direct, recording, meetings, worker, status, task_hours, posts, in_post, enforcement,
           compliance_supervision, supervision_hours, training, fixed_compliance_hours, preparation_hours,
           weekly_hours, overtime_max, supervision_protection, travel):
    """The module's equations per worker: demands summed by worker (in case order, as np.bincount does), the
    shortfall cut in proportion to the weights (what a part cannot give passes to the others), and the week's
    shares. Clears the task hours it counts."""
    fixed, rec, assess, plans = np.zeros(posts), np.zeros(posts), np.zeros(posts), np.zeros(posts)
    for i in range(len(cases)):
        child = cases[i]
        w = worker[child]
        fixed[w] += meetings[i] + task_hours[child]
        task_hours[child] = 0.0
        rec[w] += recording[i]
        if status[child] == ASSESSMENT:
            assess[w] += direct[i]
        else:
            plans[w] += direct[i]
    capacity = weekly_hours + overtime_max
    outs = [np.empty(posts) for _ in range(9)]
    done, assess_factor, time_factor, worked_out, overtime, direct_hours, direct_share, recording_share, planned = outs
    need = np.empty(3)
    weight = np.empty(3)
    cut = np.empty(3)
    for w in range(posts):
        on = 1.0 if in_post[w] else 0.0
        fixed[w] = (fixed[w] + supervision_hours[w] + training[w]) * on
        rec[w] = rec[w] + (fixed_compliance_hours * enforcement[w] + preparation_hours) * on
        fixed_done = min(fixed[w], capacity)
        shortfall = max(rec[w] + assess[w] + plans[w] - (capacity - fixed_done), 0.0)
        protection = 1 - (1 - enforcement[w]) * (1 - supervision_protection * compliance_supervision[w])
        need[0], need[1], need[2] = rec[w], assess[w], plans[w]
        weight[0], weight[1], weight[2] = (1 - protection) * rec[w], (1 - enforcement[w]) * assess[w], plans[w]
        total = weight[0] + weight[1] + weight[2]
        for k in range(3):
            cut[k] = min(shortfall * (weight[k] / total if total > 0 else 0.0), need[k])
        left = shortfall - (cut[0] + cut[1] + cut[2])
        spare = (need[0] - cut[0]) + (need[1] - cut[1]) + (need[2] - cut[2])
        for k in range(3):
            cut[k] = cut[k] + (need[k] - cut[k]) * (left / spare if spare > 0 else 0.0)
        done[w] = (need[0] - cut[0]) / need[0] if need[0] > 0 else 1.0
        assess_factor[w] = (need[1] - cut[1]) / need[1] if need[1] > 0 else 1.0
        time_factor[w] = (need[2] - cut[2]) / need[2] if need[2] > 0 else 1.0
        delivered = assess[w] + plans[w] - cut[1] - cut[2]
        worked = fixed_done + rec[w] - cut[0] + delivered
        worked_out[w] = worked
        overtime[w] = max(worked - weekly_hours, 0.0)
        direct_hours[w] = delivered / (1 + travel)
        direct_share[w] = direct_hours[w] / worked if worked > 0 else 0.0
        recording_share[w] = (rec[w] - cut[0]) / worked if worked > 0 else 0.0
        planned[w] = fixed[w] + rec[w] + assess[w] + plans[w]
    return done, assess_factor, time_factor, worked_out, overtime, direct_hours, direct_share, recording_share, planned
