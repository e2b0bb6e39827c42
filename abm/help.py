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
        slot = np.maximum(journey.worker[idx], 0)
        estimate = assessment.estimate(idx, model.workforce.time_factor[slot] * (journey.worker[idx] >= 0))
        journey.estimate[idx] = estimate
        shift = assessment.shift()
        on_cp = model.population.status[idx] == CP
        care = on_cp & (estimate >= assessment.care_threshold - shift)
        conference = ~on_cp & (estimate >= assessment.conference_threshold - shift)
        up = np.zeros(len(idx), dtype=bool)
        up[conference] = assessment.confer(idx[conference], estimate[conference])
        down = on_cp & ~care & (estimate < self.step_down_threshold - shift)
        close_at = (assessment.close_threshold - p.closure_anxiety_sensitivity * model.public.anxiety
                    + p.rationing_threshold_sensitivity * model.workforce.pressure)
        close = estimate < close_at
        model.decisions.record("review", idx, estimate, close_at, ~close)
        journey.queue_care(idx[care])
        moved = (up | down) & ~close
        journey.queue_plan(idx[moved], np.where(up[moved], CP, CIN))
        journey.next_review[idx] = model.week + np.where(on_cp, p.cp_review_weeks, p.cin_review_weeks)
        return idx[close & ~care]

    def leave_care(self, idx: np.ndarray) -> np.ndarray:
        """Looked-after children who go home or to permanence this week (to be closed)."""
        p, pop = self.p, self.model.population
        order = pop.in_care_order[idx]
        draw = self.model.child_uniforms(idx, self.model.week, crn.LEAVE_CARE)
        permanence_rate = p.looked_after_permanence_rate_per_week * (
            1.0 + p.parallel_planning_permanence_gain * p.parallel_planning)
        home = idx[~order & ~pop.in_proceedings[idx] & (draw < p.looked_after_return_home_rate_per_week)]
        permanent = idx[order & (draw < permanence_rate)]
        pop.mitigation_level[permanent] = p.help_effect_log_hazard
        pop.permanent_home[permanent] = True
        return np.concatenate([home, permanent])


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
