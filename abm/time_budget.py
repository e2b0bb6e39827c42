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
                 need_c: an assessment's pace (its direct hours spread over its timescale,
                 or more when behind, Journey.assessment_rates), or the plan's direct
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

import numpy as np

from abm.population import ASSESSMENT, CP, LOOKED_AFTER


def case_hours(model, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct (with travel), recording and meeting hours a week that open cases `cases` ask at full service."""
    p, pop, journey = model.p, model.population, model.journey
    wf, gov = model.workforce, model.governance
    status = pop.status[cases]
    assessing = status == ASSESSMENT
    direct = wf.hours_by_status[status] * model.needs.hours[pop.need_type[cases]]
    recording = np.full(len(cases), p.recording_hours_per_case_week)
    direct[assessing], recording[assessing] = journey.assessment_rates(cases[assessing], model.week + 1)
    worker = journey.worker[cases]
    compliance = np.where(worker >= 0, wf.compliance[np.maximum(worker, 0)], gov.compliance)
    recording = recording * (p.recording_floor_share + (1 - p.recording_floor_share) * compliance) + gov.local_procedures
    meetings = (p.cp_meeting_hours_per_case_week * (status == CP)
                + p.proceedings_hours_per_case_week * (pop.in_proceedings[cases] & (status == LOOKED_AFTER)))
    return direct * (1 + p.travel_hours_per_direct_hour), recording, meetings


def split_week(model, open_cases: np.ndarray) -> None:
    """Share every worker's week among its uses; sets the workforce's time arrays for the coming week."""
    p, wf, journey = model.p, model.workforce, model.journey
    cases = open_cases[journey.worker[open_cases] >= 0]
    slot = journey.worker[cases]
    direct, recording, meetings = case_hours(model, cases)
    assessing = model.population.status[cases] == ASSESSMENT
    posts = wf.posts
    tasks = journey.task_hours[cases]
    journey.task_hours[cases] = 0.0
    in_post = wf.in_post()
    enforcement = wf.enforcement
    training = p.method_training_hours_per_week * (p.evidence_based_method_effect > 0) * (wf.proficiency < 1)
    fixed = (np.bincount(slot, weights=meetings + tasks, minlength=posts) + wf.supervision_hours + training) * in_post
    rec = (np.bincount(slot, weights=recording, minlength=posts)
           + (p.fixed_compliance_hours_per_week * enforcement
              + p.inspection_preparation_hours_per_week * p.inspection_announced * p.inspection_process_focus) * in_post)
    assess = np.bincount(slot[assessing], weights=direct[assessing], minlength=posts)
    plans = np.bincount(slot[~assessing], weights=direct[~assessing], minlength=posts)
    capacity = p.weekly_hours + p.overtime_hours_max_per_week
    fixed_done = np.minimum(fixed, capacity)
    shortfall = np.maximum(rec + assess + plans - (capacity - fixed_done), 0.0)
    protection = 1 - (1 - enforcement) * (1 - p.supervision_compliance_protection * wf.compliance_supervision)
    weights = np.vstack([(1 - protection) * rec, (1 - enforcement) * assess, plans])
    total = weights.sum(axis=0)
    share = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    cut = _cut(shortfall, share, np.vstack([rec, assess, plans]))
    wf.recording_done, wf.assessment_time_factor, wf.time_factor = (
        np.divide(need - c, need, out=np.ones(posts), where=need > 0) for need, c in zip((rec, assess, plans), cut))
    delivered = assess + plans - cut[1] - cut[2]
    worked = fixed_done + rec - cut[0] + delivered
    wf.worked = worked
    wf.overtime = np.maximum(worked - p.weekly_hours, 0.0)
    wf.direct_hours = delivered / (1 + p.travel_hours_per_direct_hour)
    wf.direct_share = np.divide(wf.direct_hours, worked, out=np.zeros(posts), where=worked > 0)
    wf.recording_share = np.divide(rec - cut[0], worked, out=np.zeros(posts), where=worked > 0)
    wf.planned = fixed + rec + assess + plans
    wf.recording_needed_per_case = float(recording.mean()) if len(recording) else 0.0


def _cut(shortfall: np.ndarray, share: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Cut `shortfall` from the three demands in proportion to `share`, no demand below zero (what one cannot
    give passes to the others, in proportion to their need left)."""
    cut = np.minimum(shortfall * share, need)
    left = shortfall - cut.sum(axis=0)
    room = need - cut
    spare = room.sum(axis=0)
    return cut + room * np.divide(left, spare, out=np.zeros_like(left), where=spare > 0)
