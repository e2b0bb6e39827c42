"""The family court (with the children's guardian service).

A care application brings a case whose work is a base amount, more when the authority's
evidence is poor, plus a share of work for each expert assessment commissioned; poor
evidence commissions more experts (the cycle of multiple assessments), up to any limit
the court's case management sets. Each week the court shares its capacity among the cases
before it (cases past a timetable target, if one is set, get a larger share), no case
progressing faster than a maximum. Duration therefore grows with the backlog. At the end
the court judges risk with its own error: a care order, or the child goes home on a
child-in-need plan.
"""

from __future__ import annotations

import mesa
import numpy as np

from abm.risk import threshold_log_hazard


class FamilyCourt(mesa.Agent):
    """The court that hears this authority's care applications."""

    def __init__(self, model):
        super().__init__(model)
        self.configure(model.p)
        self.stream = model.rngs["court"]
        self.child = np.empty(0, dtype=np.int64)
        self.work_needed = np.empty(0)
        self.work_done = np.empty(0)
        self.started = np.empty(0, dtype=np.int64)

    def configure(self, p) -> None:
        """Take the parameters `p` and the capacity and care threshold they give."""
        self.p = p
        self.capacity = p.court_work_units_per_10k_children_week * p.children_0_19 / 1e4
        self.threshold = threshold_log_hazard(p, "care_threshold_annual_risk")

    @property
    def backlog(self) -> int:
        return len(self.child)

    def apply(self, idx: np.ndarray) -> None:
        """Issue care applications for children `idx`, with the evidence their workers can give."""
        if not len(idx):
            return
        model, p = self.model, self.p
        slot = np.maximum(model.journey.worker[idx], 0)
        evidence = np.where(model.journey.worker[idx] >= 0,
                            model.workforce.skill[slot] * model.workforce.time_factor[slot], 0.0)
        shortfall = 1.0 - evidence
        experts = np.minimum(
            self.stream.poisson(p.expert_assessments_per_case_mean * (1 + p.expert_assessment_evidence_gain * shortfall)),
            p.expert_assessments_per_case_limit)
        work = (p.court_case_work_units * (1 + p.evidence_work_penalty * shortfall)
                + experts * p.expert_assessment_work_units)
        model.ledger.care_applications += len(idx)
        model.population.in_proceedings[idx] = True
        self.child = np.concatenate([self.child, idx])
        self.work_needed = np.concatenate([self.work_needed, work])
        self.work_done = np.concatenate([self.work_done, np.zeros(len(idx))])
        self.started = np.concatenate([self.started, np.full(len(idx), model.week)])

    def step(self) -> None:
        if not self.backlog:
            return
        model, p = self.model, self.p
        age = model.week - self.started
        weight = np.ones(self.backlog)
        if p.court_timetable_target_weeks > 0:
            weight[age >= p.court_timetable_target_weeks] = p.court_timetable_priority
        share = self.capacity * weight / weight.sum()
        self.work_done += np.minimum(share, p.court_max_progress_per_case_week)
        done = self.work_done >= self.work_needed
        if not done.any():
            return
        children = self.child[done]
        model.ledger.proceedings_closed += len(children)
        model.ledger.court_weeks_total += float(age[done].sum() + len(children))
        judged = model.population.risk(children) + self.stream.normal(0.0, p.court_noise_sd, len(children))
        order = judged >= self.threshold
        model.population.in_proceedings[children] = False
        model.population.in_care_order[children[order]] = True
        model.journey.return_home(children[~order])
        self.withdraw(children)

    def withdraw(self, idx: np.ndarray) -> None:
        """Drop the cases of children `idx` (concluded, or no longer looked after)."""
        keep = ~np.isin(self.child, idx)
        self.child, self.work_needed = self.child[keep], self.work_needed[keep]
        self.work_done, self.started = self.work_done[keep], self.started[keep]
