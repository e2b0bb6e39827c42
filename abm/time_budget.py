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
                 need_c: an assessment stage's direct hours spread over its timescale, or
                 the plan's direct hours by status times its need type's multiplier

Fixed demands are met first. When recording and direct work do not fit in what is left,
the shortfall S = R + D - (capacity - F) is cut from them in proportion to D and to
(1 - protection) * R, where protection = 1 - (1 - enforcement) * (1 - supervision_compliance_protection
* compliance_checking_supervision): under strong enforcement recording is checked and
direct work is what gives way. A worker's time factor is the share of D delivered (the
same for all their cases), `recording_done` the share of R. Hours worked beyond contract
are overtime, which feeds burnout; the share of hours worked spent face to face with
children and families is the direct-work share. `planned` (F + R + D in full) is what
managers weigh when they allocate (abm/allocation.py).
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
    direct = np.where(assessing, journey.hours_rate[cases],
                      wf.hours_by_status[status] * model.needs.hours[pop.need_type[cases]])
    slot = np.maximum(journey.worker[cases], 0)
    compliance = p.recording_floor_share + (1 - p.recording_floor_share) * wf.compliance[slot]
    recording = (np.where(assessing, journey.recording_rate[cases], p.recording_hours_per_case_week) * compliance
                 + gov.local_procedures)
    meetings = (p.cp_meeting_hours_per_case_week * (status == CP)
                + p.proceedings_hours_per_case_week * (pop.in_proceedings[cases] & (status == LOOKED_AFTER)))
    return direct * (1 + p.travel_hours_per_direct_hour), recording, meetings


def split_week(model, open_cases: np.ndarray) -> None:
    """Share every worker's week among its uses; sets the workforce's time arrays for the coming week."""
    p, wf, journey, gov = model.p, model.workforce, model.journey, model.governance
    cases = open_cases[journey.worker[open_cases] >= 0]
    slot = journey.worker[cases]
    direct, recording, meetings = case_hours(model, cases)
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
    dir_ = np.bincount(slot, weights=direct, minlength=posts)
    capacity = p.weekly_hours + p.overtime_hours_max_per_week
    fixed_done = np.minimum(fixed, capacity)
    shortfall = np.maximum(rec + dir_ - (capacity - fixed_done), 0.0)
    protection = 1 - (1 - enforcement) * (1 - p.supervision_compliance_protection * wf.compliance_supervision)
    weight_rec = (1 - protection) * rec
    share_rec = np.divide(weight_rec, weight_rec + dir_, out=np.zeros(posts), where=weight_rec + dir_ > 0)
    cut_dir = np.minimum(shortfall * (1 - share_rec), dir_)
    cut_rec = np.minimum(shortfall - cut_dir, rec)
    wf.time_factor = np.divide(dir_ - cut_dir, dir_, out=np.ones(posts), where=dir_ > 0)
    wf.recording_done = np.divide(rec - cut_rec, rec, out=np.ones(posts), where=rec > 0)
    worked = fixed_done + dir_ - cut_dir + rec - cut_rec
    wf.worked = worked
    wf.overtime = np.maximum(worked - p.weekly_hours, 0.0)
    wf.direct_hours = (dir_ - cut_dir) / (1 + p.travel_hours_per_direct_hour)
    wf.direct_share = np.divide(wf.direct_hours, worked, out=np.zeros(posts), where=worked > 0)
    wf.recording_share = np.divide(rec - cut_rec, worked, out=np.zeros(posts), where=worked > 0)
    wf.planned = fixed + rec + dir_
    wf.recording_needed_per_case = float(recording.mean()) if len(recording) else 0.0
