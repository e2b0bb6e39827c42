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

import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.risk import threshold_log_hazard
from abm.population import CIN, CP, EARLY_HELP, LOOKED_AFTER


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
        status = pop.status[known]
        helped = known[status >= CIN]
        self.continuity = journey.continuity_of(helped)
        journey.quality[helped] = journey.quality_of(helped, self.continuity)
        self.helped = helped
        early = known[status == EARLY_HELP]
        open_cases = known[status != EARLY_HELP]
        journey.quality[early] = p.early_help_quality
        looked_after = pop.status[helped] == LOOKED_AFTER
        reviewed_out = self.review(helped[~looked_after & (journey.next_review[helped] <= now)])
        left_care = self.leave_care(helped[looked_after])
        adult = open_cases[pop.age_weeks(open_cases, now) >= p.referral_age_limit_years * WEEKS_PER_YEAR]
        ended = early[now - journey.stage_start[early] >= p.early_help_weeks]
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
