"""Help: the quality of help each week, plan reviews, and the ends of help.

Children on child-in-need and protection plans and looked-after children get help whose
quality depends on their worker's skill, the direct hours the worker delivers (with
diminishing returns), continuity with that worker, the worker's local knowledge (less for
agency workers) and how well a prescribed menu fits the child's need type (requisite
variety: judgment lets a skilled worker fit the non-standard family); an unallocated
case gets none. Early help has its own quality. Plans are reviewed (child-in-need plans
every `cin_review_weeks`; protection plans at a first review conference, then every
`cp_review_weeks`): a child in need whose risk reaches the conference threshold goes to
an initial conference, a protection plan steps down, or a plan closes below the close
threshold, which falls with anxiety and rises with workload:

    close_at = close_threshold - closure_anxiety_sensitivity * anxiety + rationing_threshold_sensitivity * pressure

Looked-after children return home, leave to permanence (faster with parallel planning)
or turn 18.
"""

from __future__ import annotations

import numba
import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.risk import threshold_log_hazard
from abm.population import CIN, CP, EARLY_HELP, LOOKED_AFTER

HELPED, EARLY, DUE, LOOKED, ADULT, ENDED = range(6)  # the groups of `_sort`


class Help:
    """Weekly help, reviews and endings."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.helped = np.empty(0, dtype=np.int64)
        self.continuity = np.empty(0)

    def configure(self, p) -> None:
        """Take the parameters `p` and the step-down threshold they give."""
        self.p = p
        self.step_down_threshold = threshold_log_hazard(p, "step_down_threshold_annual_risk")

    def step(self, known: np.ndarray) -> None:
        model, p, pop, journey = self.model, self.p, self.model.population, self.model.journey
        now = model.week
        helped, early, due, looked_after, adult, ended = _sort(
            known, pop.status, journey.next_review, pop.birth_week, journey.stage_start, now,
            p.referral_age_limit_years * WEEKS_PER_YEAR, p.early_help_weeks)
        journey.quality[helped], self.continuity = journey.quality_and_continuity(helped)
        self.helped = helped
        journey.quality[early] = p.early_help_quality
        reviewed_out = self.review(due)
        left_care = self.leave_care(looked_after)
        journey.queue_close(np.concatenate([reviewed_out, left_care, adult, ended]))

    def review(self, idx: np.ndarray) -> np.ndarray:
        """Review plans (re-assessments anchored on the first view); returns the children whose plans close."""
        model, journey, assessment, p = self.model, self.model.journey, self.model.assessment, self.p
        if not len(idx):
            return idx
        estimate = assessment.estimate(idx, _time_fraction(idx, journey.worker, model.workforce.time_factor))
        shift = assessment.shift()
        close_at = (assessment.close_threshold - p.closure_anxiety_sensitivity * model.public.anxiety
                    + p.rationing_threshold_sensitivity * model.workforce.pressure)
        care, conference, down, close = _review(
            idx, estimate, model.population.status, journey.estimate, journey.next_review, model.week,
            assessment.care_threshold - shift, assessment.conference_threshold - shift,
            self.step_down_threshold - shift, close_at, p.cp_review_weeks, p.cin_review_weeks)
        up = np.zeros(len(idx), dtype=bool)
        up[conference] = assessment.confer(idx[conference], estimate[conference])
        model.decisions.record("review", idx, estimate, close_at, ~close)
        to_care, moved, status, closed = _review_outcomes(idx, care, up, down, close)
        journey.queue_care(to_care)
        journey.queue_plan(moved, status)
        return closed

    def leave_care(self, idx: np.ndarray) -> np.ndarray:
        """Looked-after children who go home or to permanence this week (to be closed)."""
        p, pop = self.p, self.model.population
        permanence_rate = p.looked_after_permanence_rate_per_week * (
            1.0 + p.parallel_planning_permanence_gain * p.parallel_planning)
        return _leave_care(idx, self.model.child_uniforms(idx, self.model.week, crn.LEAVE_CARE), pop.in_care_order,
                           pop.in_proceedings, p.looked_after_return_home_rate_per_week, permanence_rate,
                           pop.mitigation_level, pop.permanent_home, p.help_effect_log_hazard)


@numba.njit(cache=True, nogil=True)
def _time_fraction(idx, worker, time_factor):
    """The share of their plans' direct work the workers of children `idx` deliver (0 while unallocated)."""
    out = np.empty(len(idx))
    for i in range(len(idx)):
        w = worker[idx[i]]
        out[i] = time_factor[max(w, 0)] * (1.0 if w >= 0 else 0.0)
    return out


@numba.njit(cache=True, nogil=True)
def _review(idx, estimate, status, estimates, next_review, week, care_at, conference_at, step_down_at, close_at,
            cp_weeks, cin_weeks):
    """A review of each child's plan from the estimate: care for a protection plan at care_at or above; an initial
    conference for a child-in-need plan at conference_at or above; a protection plan steps down below step_down_at
    (unless care); the plan closes below close_at. Keeps the estimate and sets the next review (in cp_weeks on a
    protection plan, else cin_weeks). Returns the four masks."""
    n = len(idx)
    care, conference = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    down, close = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    for i in range(n):
        child = idx[i]
        on_cp = status[child] == CP
        estimates[child] = estimate[i]
        care[i] = on_cp and estimate[i] >= care_at
        conference[i] = not on_cp and estimate[i] >= conference_at
        down[i] = on_cp and not care[i] and estimate[i] < step_down_at
        close[i] = estimate[i] < close_at
        next_review[child] = week + (cp_weeks if on_cp else cin_weeks)
    return care, conference, down, close


@numba.njit(cache=True, nogil=True)
def _review_outcomes(idx, care, up, down, close):
    """The reviewed children `idx` that go into care; that move plan (stepped up to protection, `up`, or down to
    child in need) and do not close, with their new status; and whose plans close without care."""
    n = len(idx)
    to_care, moved, closed = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    status = np.empty(n, dtype=np.int64)
    cared = shifted = ended = 0
    for i in range(n):
        if care[i]:
            to_care[cared] = idx[i]
            cared += 1
        if (up[i] or down[i]) and not close[i]:
            moved[shifted] = idx[i]
            status[shifted] = CP if up[i] else CIN
            shifted += 1
        if close[i] and not care[i]:
            closed[ended] = idx[i]
            ended += 1
    return to_care[:cared], moved[:shifted], status[:shifted], closed[:ended]


@numba.njit(cache=True, nogil=True)
def _leave_care(idx, draws, in_care_order, in_proceedings, home_rate, permanence_rate, level, permanent_home, effect):
    """The looked-after children `idx` who leave care this week: home (no care order, no proceedings, draw below
    home_rate), then to permanence (a care order, draw below permanence_rate; their mitigation becomes `effect`
    and their home permanent)."""
    out = np.empty(len(idx), dtype=np.int64)
    left = 0
    for i in range(len(idx)):
        child = idx[i]
        if not in_care_order[child] and not in_proceedings[child] and draws[i] < home_rate:
            out[left] = child
            left += 1
    for i in range(len(idx)):
        child = idx[i]
        if in_care_order[child] and draws[i] < permanence_rate:
            level[child] = effect
            permanent_home[child] = True
            out[left] = child
            left += 1
    return out[:left]


@numba.njit(cache=True, nogil=True)
def _sort(known, status, next_review, birth_week, stage_start, now, adult_weeks, early_help_weeks):
    """The children `known` (in order) that help.step treats: those helped (on plans or looked after), in early
    help, on plans due a review, looked after, with open cases who have reached the age limit, and whose early
    help has run its course."""
    groups = np.empty((6, len(known)), dtype=np.int64)
    sizes = np.zeros(6, dtype=np.int64)
    for child in known:
        stage = status[child]
        into = (HELPED if stage >= CIN else -1, LOOKED if stage == LOOKED_AFTER else -1,
                DUE if CIN <= stage < LOOKED_AFTER and next_review[child] <= now else -1,
                EARLY if stage == EARLY_HELP else -1,
                ENDED if stage == EARLY_HELP and now - stage_start[child] >= early_help_weeks else -1,
                ADULT if stage != EARLY_HELP and now - birth_week[child] >= adult_weeks else -1)
        for group in into:
            if group >= 0:
                groups[group, sizes[group]] = child
                sizes[group] += 1
    return (groups[HELPED, :sizes[HELPED]].copy(), groups[EARLY, :sizes[EARLY]].copy(),
            groups[DUE, :sizes[DUE]].copy(), groups[LOOKED, :sizes[LOOKED]].copy(),
            groups[ADULT, :sizes[ADULT]].copy(), groups[ENDED, :sizes[ENDED]].copy())
