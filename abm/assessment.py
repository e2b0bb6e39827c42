"""Assessment and the decisions that follow it.

Under prescription an initial assessment (due in 10 working days) may lead to a core
assessment (35 working days); without it, one single assessment. Each week an allocated
assessment receives the direct hours its worker can give. It ends when it has had the
hours it needs, when the overrun limit is reached, or, under prescribed timescales, at its
due week with a probability equal to the worker's compliance with prescriptions: then it
is finished "on time" with whatever direct work it had, and is less accurate.

The estimate of risk is the true log-hazard, lowered by the rule of optimism unless
supervision is reflective, plus an error that shrinks with skill, direct time and
reflective supervision. Decisions compare it with thresholds that fall with public
anxiety (the Taylor-Russell trade-off).
"""

from __future__ import annotations

import numpy as np

from abm.journey import INITIAL
from abm.population import ASSESSMENT, CIN, CP
from abm.risk import threshold_log_hazard


class Assessment:
    """Weekly progress of assessments, their accuracy, and the decisions on them."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.rng = model.rngs["assessment"]
        self.finished = np.empty(0, dtype=np.int64)

    def configure(self, p) -> None:
        """Take the parameters `p` and the decision thresholds they give."""
        self.p = p
        self.core_threshold = threshold_log_hazard(p, "core_assessment_threshold_annual_risk")
        self.cin_threshold = threshold_log_hazard(p, "cin_plan_threshold_annual_risk")
        self.cp_threshold = threshold_log_hazard(p, "cp_plan_threshold_annual_risk")
        self.care_threshold = threshold_log_hazard(p, "care_threshold_annual_risk")
        self.close_threshold = threshold_log_hazard(p, "close_threshold_annual_risk")

    def estimate(self, idx: np.ndarray, time_fraction: np.ndarray) -> np.ndarray:
        """A worker's estimate of the log-hazard of children `idx`."""
        p, wf = self.p, self.model.workforce
        slot = np.maximum(self.model.journey.worker[idx], 0)
        skill, supervision = wf.skill[slot], wf.supervision[slot]
        sd = (p.assessment_noise_sd * (1 - p.assessment_skill_noise_reduction * skill)
              * (1 - p.assessment_time_noise_reduction * time_fraction)
              * (1 - p.assessment_supervision_noise_reduction * supervision))
        bias = p.optimism_bias_log_hazard * (1 - supervision)
        return self.model.population.risk(idx) - bias + self.rng.normal(0.0, 1.0, len(idx)) * sd

    def shift(self) -> float:
        return self.p.intervention_anxiety_sensitivity * self.model.public.anxiety

    def step(self, open_cases: np.ndarray) -> None:
        """Allocate waiting cases, give assessments their week of direct work, finish those that end."""
        model, p, journey, wf = self.model, self.p, self.model.journey, self.model.workforce
        wf.allocate(open_cases[journey.worker[open_cases] < 0])
        cases = open_cases[model.population.status[open_cases] == ASSESSMENT]
        slot = journey.worker[cases]
        allocated = slot >= 0
        cases, slot = cases[allocated], slot[allocated]
        journey.hours_done[cases] += journey.hours_rate[cases] * wf.time_factor[slot]
        now = model.week
        complete = journey.hours_done[cases] >= journey.hours_needed[cases]
        compliance = p.compliance_floor + (1 - p.compliance_floor) * (1 - wf.judgment[slot])
        on_time = (p.assessment_timescales_prescribed & (now >= journey.due[cases])
                   & (self.rng.random(len(cases)) < compliance))
        span = journey.due[cases] - journey.stage_start[cases]
        overrun = now >= journey.stage_start[cases] + p.assessment_overrun_limit_factor * span
        done = complete | on_time | overrun
        finished, slot = cases[done], slot[done]
        in_time = now <= journey.due[finished]
        ledger = model.ledger
        ledger.assessments_completed += len(finished)
        ledger.assessments_in_timescale += int(in_time.sum())
        model.management.report_timeliness(wf.team[slot], in_time)
        fraction = np.minimum(journey.hours_done[finished] / journey.hours_needed[finished], 1.0)
        journey.estimate[finished] = self.estimate(finished, fraction)
        self.finished = finished

    def decide(self) -> None:
        """Decide on every assessment finished this week (the journey applies the decisions after help)."""
        model, journey = self.model, self.model.journey
        idx = self.finished
        estimate = journey.estimate[idx]
        shift = self.shift()
        initial = journey.kind[idx] == INITIAL
        to_core = initial & (estimate >= self.core_threshold - shift)
        journey.start_core(idx[to_core])
        decided, estimate = idx[~to_core], estimate[~to_core]
        intervene = estimate >= self.cin_threshold - shift
        model.decisions.record("assessment", decided, estimate, self.cin_threshold - shift, intervene)
        full = journey.kind[decided] != INITIAL
        care = full & (estimate >= self.care_threshold - shift)
        protect = full & ~care & (estimate >= self.cp_threshold - shift)
        journey.queue_care(decided[care])
        planned = intervene & ~care
        journey.queue_plan(decided[planned], np.where(protect[planned], CP, CIN))
        journey.queue_close(decided[~intervene], turned_away=True)
        self.finished = np.empty(0, dtype=np.int64)

