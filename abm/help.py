"""Help: the quality of help each week, plan reviews, and the ends of help.

Children on child-in-need and protection plans and looked-after children get help whose
quality depends on their worker's skill and time, continuity with that worker, and how
well a prescribed menu fits their circumstances (requisite variety: judgment lets a
skilled worker fit the non-standard family). Early help has its own quality. Plans are
reviewed every few weeks against the thresholds: stepped up, down, or closed. Looked-after
children return home, leave to permanence (faster with parallel planning) or turn 18.
"""

from __future__ import annotations

import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.risk import threshold_log_hazard
from abm.population import CIN, CP, EARLY_HELP, LOOKED_AFTER


class Help:
    """Weekly help, reviews and endings."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.rng = model.rngs["help"]
        self.helped = np.empty(0, dtype=np.int64)

    def configure(self, p) -> None:
        """Take the parameters `p` and the step-down threshold they give."""
        self.p = p
        self.step_down_threshold = threshold_log_hazard(p, "step_down_threshold_annual_risk")

    def step(self, known: np.ndarray) -> None:
        model, p, pop, journey = self.model, self.p, self.model.population, self.model.journey
        now = model.week
        status = pop.status[known]
        helped = known[status >= CIN]
        journey.quality[helped] = journey.quality_of(helped)
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
        """Review plans; returns the children whose plans close."""
        model, journey, assessment = self.model, self.model.journey, self.model.assessment
        if not len(idx):
            return idx
        slot = np.maximum(journey.worker[idx], 0)
        estimate = assessment.estimate(idx, model.workforce.time_factor[slot])
        journey.estimate[idx] = estimate
        shift = assessment.shift()
        on_cp = model.population.status[idx] == CP
        care = on_cp & (estimate >= assessment.care_threshold - shift)
        up = ~on_cp & (estimate >= assessment.cp_threshold - shift)
        down = on_cp & ~care & (estimate < self.step_down_threshold - shift)
        close_at = assessment.close_threshold - self.p.closure_anxiety_sensitivity * model.public.anxiety
        close = estimate < close_at
        model.decisions.record("review", idx, estimate, close_at, ~close)
        journey.queue_care(idx[care])
        moved = (up | down) & ~close
        journey.queue_plan(idx[moved], np.where(up[moved], CP, CIN))
        journey.next_review[idx] = model.week + self.p.plan_review_weeks
        return idx[close & ~care]

    def leave_care(self, idx: np.ndarray) -> np.ndarray:
        """Looked-after children who go home or to permanence this week (to be closed)."""
        p, pop, rng = self.p, self.model.population, self.rng
        order = pop.in_care_order[idx]
        draw = rng.random(len(idx))
        permanence_rate = p.looked_after_permanence_rate_per_week * (
            1.0 + p.parallel_planning_permanence_gain * p.parallel_planning)
        home = idx[~order & ~pop.in_proceedings[idx] & (draw < p.looked_after_return_home_rate_per_week)]
        permanent = idx[order & (draw < permanence_rate)]
        pop.mitigation_level[permanent] = p.help_mitigation_max
        pop.permanent_home[permanent] = True
        return np.concatenate([home, permanent])
