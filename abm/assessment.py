"""Assessment, section 47 enquiries, conferences and the decisions that follow.

Waiting cases are first allocated where workers have room (abm/allocation.py). Under
prescription an initial assessment (due in 7 working days) may lead to a core assessment
(35 working days); without it, one single assessment. An assessment needs its standard
direct work and recording times the child's complexity; the worker plans the standard hours
evenly over its timescale and, in the week it falls due, tries to finish what is left
(`abm.pace`). Each week an allocated assessment receives that week's direct hours times its
worker's assessment time factor (abm/time_budget.py), and that week's recording times the
share of recording its worker gets done; an unallocated one receives nothing. It ends on time
when its complexity is at most its worker's time factor, so more run late as time gets
short. It is complete when it has had both the direct work and the recording it needs
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

import numba
import numpy as np

from abm import crn
from abm.allocation import allocate
from abm.journey import CORE, INITIAL, SINGLE
from abm.pace import pace
from abm.population import ASSESSMENT, CIN, CP, mitigation_of
from abm.risk import threshold_log_hazard

EPSILON = 1e-9  # weeks: an assessment that ends exactly at its due time is in timescale despite rounding


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
        p, wf, journey, pop = self.p, self.model.workforce, self.model.journey, self.model.population
        in_post = wf.in_post()
        skills = wf.skill[in_post]
        mean_skill = float(skills.sum() / len(skills)) if len(skills) else p.skill_newly_qualified  # = mean()
        idx = np.asarray(idx)
        anchored = np.full(len(idx), anchored, dtype=bool) if np.ndim(anchored) == 0 else anchored
        return _estimate(idx, np.asarray(time_fraction, dtype=float), anchored,
                         self.model.child_uniforms.normal(idx, self.model.week, crn.ESTIMATE), journey.worker,
                         journey.first_estimate, wf.skill, wf.supervision, mean_skill, pop.base_risk, pop.now,
                         pop.ebb_from, pop.mitigation_durable, pop.mitigation_level, pop.ebb_after,
                         p.assessment_noise_sd, p.assessment_skill_noise_reduction, p.assessment_time_noise_reduction,
                         p.assessment_supervision_noise_reduction, p.optimism_bias_log_hazard,
                         p.optimism_anchor_weight)

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
        now = model.week
        finished, slot, timed, in_time, fraction = _progress(
            cases, now, model.child_uniforms(cases, now, crn.ON_TIME), journey.worker, journey.due,
            journey.stage_start, journey.kind, journey.hours_done, journey.hours_needed, journey.hours_rate,
            journey.recorded, journey.recording_needed, journey.recording_rate, wf.assessment_time_factor,
            wf.recording_done, wf.compliance, journey.spread_weeks(np.arange(3)), p.assessment_overrun_limit_factor)
        ledger = model.ledger
        ledger.assessments_completed += len(finished)
        # a manager's indicator counts the team's own assessments
        timed_by_kind, in_time_by_kind, teams, reported_in_time, core = _completed(
            finished, slot, timed, in_time, journey.kind, wf.team)
        ledger.initial_timed += int(timed_by_kind[INITIAL])
        ledger.core_timed += int(timed_by_kind[CORE])
        ledger.single_timed += int(timed_by_kind[SINGLE])
        ledger.initial_in_timescale += int(in_time_by_kind[INITIAL])
        ledger.core_in_timescale += int(in_time_by_kind[CORE])
        ledger.single_in_timescale += int(in_time_by_kind[SINGLE])
        ledger.assessments_in_timescale += int(in_time_by_kind.sum())
        model.management.report_timeliness(teams, reported_in_time)
        estimate = self.estimate(finished, fraction, anchored=core)
        _keep_estimates(finished, estimate, core, journey.first_estimate, journey.estimate)
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


@numba.njit(cache=True, nogil=True)
def _completed(finished, slot, timed, in_time, kind, team):
    """Of the assessments `finished`: how many had a timescale and how many ended in it, by kind; the teams of those
    with a timescale and a worker, and whether each ended in it (for the managers' indicator); which were core
    assessments (anchored on the first view)."""
    n = len(finished)
    timed_by_kind, in_time_by_kind = np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64)
    teams, reported_in_time = np.empty(n, dtype=team.dtype), np.empty(n, dtype=np.bool_)
    core = np.empty(n, dtype=np.bool_)
    reported = 0
    for i in range(n):
        stage = kind[finished[i]]
        core[i] = stage == CORE
        timed_by_kind[stage] += timed[i]
        in_time_by_kind[stage] += in_time[i]
        if timed[i] and slot[i] >= 0:
            teams[reported], reported_in_time[reported] = team[slot[i]], in_time[i]
            reported += 1
    return timed_by_kind, in_time_by_kind, teams[:reported], reported_in_time[:reported], core


@numba.njit(cache=True, nogil=True)
def _keep_estimates(finished, estimate, core, first_estimate, estimates):
    """Keep each finished assessment's estimate, and as the first view too unless it was a core assessment."""
    for i in range(len(finished)):
        if not core[i]:
            first_estimate[finished[i]] = estimate[i]
        estimates[finished[i]] = estimate[i]


@numba.njit(cache=True, nogil=True)
def _estimate(idx, time_fraction, anchored, normal, worker, first_estimate, skill, supervision, mean_skill, base_risk,
              now, ebb_from, durable, level, ebb_after, noise_sd, skill_reduction, time_reduction,
              supervision_reduction, optimism_bias, anchor_weight):
    """Assessment.estimate per child (the module's equations), from the child's standard normal `normal`."""
    out = np.empty(len(idx))
    for i in range(len(idx)):
        child = idx[i]
        w = worker[child]
        worker_skill = skill[w] if w >= 0 else mean_skill
        reflective = supervision[w] if w >= 0 else 0.0
        sd = (noise_sd * (1 - skill_reduction * worker_skill) * (1 - time_reduction * time_fraction[i])
              * (1 - supervision_reduction * reflective))
        risk = base_risk[child] - mitigation_of(child, now, ebb_from, durable, level, ebb_after)
        fresh = risk - optimism_bias * (1 - reflective) + normal[i] * sd
        anchor = anchor_weight * (1 - reflective) * (1.0 if anchored[i] else 0.0)
        out[i] = anchor * first_estimate[child] + (1 - anchor) * fresh
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")  # x / 0 as numpy divides, not an exception
def _progress(cases, now, on_time_draws, worker, due, stage_start, kind, hours_done, hours_needed, hours_rate, recorded,
              recording_needed, recording_rate, time_factor, recording_done, compliance, spread, overrun_factor):
    """One week of the assessments `cases` (the module's rules): the direct work and recording each receives (its
    pace, abm.pace, times its worker's shares; nothing while unallocated), added to what it had;
    when it is complete (within the week, the later of the two crossings); whether one that would run past its due
    time is finished on time instead (a draw below the worker's compliance), with the direct work it had by then;
    and whether it ends (complete, on time, or at the overrun limit). Returns, for the cases that end (in order):
    the child, its worker's slot (-1: unallocated), whether it has a timescale (a finite due time), whether it
    ends in timescale (by its due time: when complete or finished on time, else at the week's end) and the share
    of its direct hours done (at most 1)."""
    n = len(cases)
    finished, slot_of = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    timed, in_time, fraction = np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.bool_), np.empty(n)
    ended = 0
    for i in range(n):
        child = cases[i]
        w = worker[child]
        allocated = 1.0 if w >= 0 else 0.0
        slot = max(w, 0)
        before, needed = hours_done[child], hours_needed[child]
        written, to_write = recorded[child], recording_needed[child]
        accrued = pace(hours_rate[child], needed, before, due[child], now) * time_factor[slot] * allocated
        writing = pace(recording_rate[child], to_write, written, due[child], now) * recording_done[slot] * allocated
        after, wrote = before + accrued, written + writing
        complete = after >= needed and wrote >= to_write
        end = max(_crossing(now, before, accrued, needed), _crossing(now, written, writing, to_write))
        d = due[child]
        on_time = w >= 0 and d >= now and d < now + 1 and end > d + EPSILON and on_time_draws[i] < compliance[slot]
        if on_time:
            end = d
            done_hours = before + accrued * (d - now)
        else:
            done_hours = min(after, needed)
        overrun = now + 1 >= stage_start[child] + overrun_factor * spread[kind[child]]
        hours_done[child], recorded[child] = after, wrote
        if complete or on_time or overrun:
            share = done_hours / needed
            finished[ended], slot_of[ended] = child, w
            timed[ended] = np.isfinite(d)
            in_time[ended] = timed[ended] and (end if complete or on_time else now + 1.0) <= d + EPSILON
            fraction[ended] = min(share, 1.0)
            ended += 1
    return finished[:ended], slot_of[:ended], timed[:ended], in_time[:ended], fraction[:ended]


@numba.njit(cache=True, nogil=True)
def _crossing(now, before, rate, needed):
    """When within week `now` work going at `rate` a week from `before` reaches `needed` (now if it already has)."""
    left = max(needed - before, 0.0)
    if rate > 0:
        return now + left / rate
    return now + (np.inf if left > 0 else 0.0)
