"""Assessment, section 47 enquiries, conferences and the decisions that follow.

Waiting cases are first allocated where workers have room (abm/allocation.py). Under
prescription an initial assessment (due in 7 working days) may lead to a core assessment
(35 working days); without it, one single assessment. The worker paces an assessment's
direct work and recording (its standard hours times the child's complexity) evenly over
its timescale, and works faster when behind, to finish what is left by the due time
(`Journey.assessment_rates`); each week an allocated assessment receives that week's direct
hours times
its worker's assessment time factor (abm/time_budget.py), and that week's recording times the share of recording its
worker gets done; an unallocated one receives nothing. At full time it ends on time; when
time is short, it runs late. It is complete when it has had both the direct work and the recording it needs
(at the moment within the week when the later of the two is reached). It ends when
complete, when the overrun limit is reached, or, when it has a timescale and would run past
its due time, at that time with a probability equal to the worker's compliance
with prescriptions: then the form is finished "on time" with whatever direct work it had,
and is less accurate. It is in timescale when it ends by its due time,
counted from the referral (initial) or from the start of the stage (core).

A worker's estimate of a child's log-hazard z is

    fresh    = z - optimism_bias * (1 - reflective) + N(0, sd),
               sd = assessment_noise_sd * (1 - r_skill skill) * (1 - r_time time) * (1 - r_sup reflective)
    estimate = a * first_view + (1 - a) * fresh,  a = optimism_anchor_weight * (1 - reflective)

for every assessment after the first view of the family (the end of its initial or single
assessment): the rule of optimism anchors a re-assessment on the first view, and
reflective supervision counters both. Decisions compare estimates with thresholds that
fall with public anxiety and rise with workload (rationing):

    shift = intervention_anxiety_sensitivity * anxiety - rationing_threshold_sensitivity * pressure

After an initial assessment: a core assessment at or above the core threshold, with a
section 47 enquiry when the estimate reaches the section 47 threshold; else a child-in-need
plan or no further action. After a core or single assessment: care at or above the care
threshold; an initial child protection conference at or above the conference threshold
(with a section 47 enquiry if none had begun), where the conference's own judgment
(estimate + N(0, conference_noise_sd)) against the plan threshold decides between a child
protection plan and a child-in-need plan; else a child-in-need plan or no further action
(the Taylor-Russell trade-off).
"""

from __future__ import annotations

import numpy as np

from abm import crn
from abm.allocation import allocate
from abm.journey import CORE, INITIAL, SINGLE
from abm.population import ASSESSMENT, CIN, CP
from abm.risk import threshold_log_hazard

EPSILON = 1e-9  # weeks: an assessment paced to end at its due time is in timescale despite rounding


class Assessment:
    """Weekly allocation and progress of assessments, their accuracy, and the decisions on them."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.finished = np.empty(0, dtype=np.int64)

    def configure(self, p) -> None:
        """Take the parameters `p` and the decision thresholds they give."""
        self.p = p
        self.core_threshold = threshold_log_hazard(p, "core_assessment_threshold_annual_risk")
        self.section47_threshold = threshold_log_hazard(p, "section47_threshold_annual_risk")
        self.conference_threshold = threshold_log_hazard(p, "conference_threshold_annual_risk")
        self.cin_threshold = threshold_log_hazard(p, "cin_plan_threshold_annual_risk")
        self.cp_threshold = threshold_log_hazard(p, "cp_plan_threshold_annual_risk")
        self.care_threshold = threshold_log_hazard(p, "care_threshold_annual_risk")
        self.close_threshold = threshold_log_hazard(p, "close_threshold_annual_risk")

    def estimate(self, idx: np.ndarray, time_fraction: np.ndarray, anchored: np.ndarray | bool = True) -> np.ndarray:
        """A worker's estimate of the log-hazard of children `idx` (unallocated cases: a manager's, at mean skill)."""
        p, wf, journey = self.p, self.model.workforce, self.model.journey
        w = journey.worker[idx]
        slot = np.maximum(w, 0)
        in_post = wf.in_post()
        mean_skill = float(wf.skill[in_post].mean()) if in_post.any() else p.skill_newly_qualified
        skill = np.where(w >= 0, wf.skill[slot], mean_skill)
        reflective = np.where(w >= 0, wf.supervision[slot], 0.0)
        sd = (p.assessment_noise_sd * (1 - p.assessment_skill_noise_reduction * skill)
              * (1 - p.assessment_time_noise_reduction * time_fraction)
              * (1 - p.assessment_supervision_noise_reduction * reflective))
        fresh = (self.model.population.risk(idx) - p.optimism_bias_log_hazard * (1 - reflective)
                 + self.model.child_uniforms.normal(idx, self.model.week, crn.ESTIMATE) * sd)
        anchor = p.optimism_anchor_weight * (1 - reflective) * anchored
        return anchor * journey.first_estimate[idx] + (1 - anchor) * fresh

    def shift(self) -> float:
        """How far decision thresholds fall this week: with public anxiety, less the rise from workload."""
        p, model = self.p, self.model
        return (p.intervention_anxiety_sensitivity * model.public.anxiety
                - p.rationing_threshold_sensitivity * model.workforce.pressure)

    def step(self, open_cases: np.ndarray) -> None:
        """Allocate waiting cases, give assessments their week of direct work, finish those that end."""
        model, p, journey, wf = self.model, self.p, self.model.journey, self.model.workforce
        allocate(model, open_cases[journey.worker[open_cases] < 0])
        cases = open_cases[model.population.status[open_cases] == ASSESSMENT]
        slot = journey.worker[cases]
        allocated = slot >= 0
        worker = np.maximum(slot, 0)
        now = model.week
        before, needed = journey.hours_done[cases], journey.hours_needed[cases]
        written, to_write = journey.recorded[cases], journey.recording_needed[cases]
        direct_pace, recording_pace = journey.assessment_rates(cases, now)
        accrued = direct_pace * wf.assessment_time_factor[worker] * allocated
        writing = recording_pace * wf.recording_done[worker] * allocated
        after, recorded = before + accrued, written + writing
        complete = (after >= needed) & (recorded >= to_write)
        ends = np.maximum(_crossing(now, before, accrued, needed), _crossing(now, written, writing, to_write))
        due = journey.due[cases]
        late_at_due = allocated & (due >= now) & (due < now + 1) & (ends > due + EPSILON)
        on_time = late_at_due & (model.child_uniforms(cases, now, crn.ON_TIME) < wf.compliance[worker])
        ends = np.where(on_time, due, ends)
        done_hours = np.where(on_time, before + accrued * np.where(on_time, due - now, 0.0), np.minimum(after, needed))
        spread = journey.spread_weeks(journey.kind[cases])
        overrun = now + 1 >= journey.stage_start[cases] + p.assessment_overrun_limit_factor * spread
        done = complete | on_time | overrun
        journey.hours_done[cases], journey.recorded[cases] = after, recorded
        finished = cases[done]
        ledger = model.ledger
        ledger.assessments_completed += len(finished)
        timed = np.isfinite(due[done])
        in_time = timed & (np.where(complete[done] | on_time[done], ends[done], now + 1) <= due[done] + EPSILON)
        kind = journey.kind[finished]
        for stage, name in ((INITIAL, "initial"), (CORE, "core"), (SINGLE, "single")):
            of_kind = (kind == stage) & timed
            setattr(ledger, f"{name}_timed", getattr(ledger, f"{name}_timed") + int(of_kind.sum()))
            setattr(ledger, f"{name}_in_timescale", getattr(ledger, f"{name}_in_timescale") + int((of_kind & in_time).sum()))
        ledger.assessments_in_timescale += int(in_time.sum())
        reported = timed & allocated[done]  # a manager's indicator counts the team's own assessments
        model.management.report_timeliness(wf.team[worker[done][reported]], in_time[reported])
        fraction = np.minimum(done_hours[done] / needed[done], 1.0)
        first_view = kind != CORE
        estimate = self.estimate(finished, fraction, anchored=~first_view)
        journey.first_estimate[finished[first_view]] = estimate[first_view]
        journey.estimate[finished] = estimate
        self.finished = finished

    def decide(self) -> None:
        """Decide on every assessment finished this week (the journey applies the decisions after help)."""
        model, journey = self.model, self.model.journey
        idx = self.finished
        estimate = journey.estimate[idx]
        shift = self.shift()
        initial = journey.kind[idx] == INITIAL
        to_core = initial & (estimate >= self.core_threshold - shift)
        core = idx[to_core]
        journey.start_core(core)
        journey.start_section47(core[estimate[to_core] >= self.section47_threshold - shift])
        decided, estimate, full = idx[~to_core], estimate[~to_core], ~initial[~to_core]
        intervene = estimate >= self.cin_threshold - shift
        model.decisions.record("assessment", decided, estimate, self.cin_threshold - shift, intervene)
        care = full & (estimate >= self.care_threshold - shift)
        conference = full & ~care & (estimate >= self.conference_threshold - shift)
        protect = np.zeros(len(decided), dtype=bool)
        protect[conference] = self.confer(decided[conference], estimate[conference])
        journey.queue_care(decided[care])
        planned = intervene & ~care
        journey.queue_plan(decided[planned], np.where(protect[planned], CP, CIN))
        journey.queue_close(decided[~intervene], turned_away=True)
        self.finished = np.empty(0, dtype=np.int64)

    def confer(self, idx: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Hold initial child protection conferences (after a section 47 enquiry); returns who gets a plan."""
        if not len(idx):
            return np.zeros(0, dtype=bool)
        p, journey = self.p, self.model.journey
        journey.start_section47(idx)
        self.model.ledger.initial_conferences += len(idx)
        journey.task_hours[idx] += p.conference_task_hours
        noise = self.model.child_uniforms.normal(idx, self.model.week, crn.CONFERENCE)
        judged = estimate + p.conference_noise_sd * noise
        return judged >= self.cp_threshold - self.shift()


def _crossing(now: int, before: np.ndarray, rate: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """When within week `now` work going at `rate` a week from `before` reaches `needed` (now if it already has)."""
    left = np.maximum(needed - before, 0.0)
    return now + np.divide(left, rate, out=np.where(left > 0, np.inf, 0.0), where=rate > 0)
