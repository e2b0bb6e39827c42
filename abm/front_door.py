"""The front door: screening the week's contacts.

Contacts about one child in one week are one contact. The duty team estimates each
child's risk with an error that grows once the week's contacts exceed its capacity, then
decides against thresholds that fall with public anxiety: a referral (and, above a higher
threshold, an initial assessment), early-help signposting, or no further action. The
decision to assess is a Taylor-Russell decision and is recorded as one.
"""

from __future__ import annotations

import numpy as np

from abm.population import OPEN
from abm.risk import threshold_log_hazard


class FrontDoor:
    """Screens contacts into referrals, early help or no further action."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.rng = model.rngs["front_door"]
        self.inbox: list[np.ndarray] = []
        self.consultations: list[np.ndarray] = []

    def configure(self, p) -> None:
        """Take the parameters `p` and the thresholds and capacity they give."""
        self.p = p
        self.referral_threshold = threshold_log_hazard(p, "referral_threshold_annual_risk")
        self.early_help_threshold = threshold_log_hazard(p, "early_help_threshold_annual_risk")
        self.assessment_threshold = threshold_log_hazard(p, "initial_assessment_threshold_annual_risk")
        self.capacity = p.front_door_contacts_per_10k_children_week * p.children_0_19 / 1e4

    def receive(self, idx: np.ndarray) -> None:
        self.inbox.append(idx)

    def consulted(self, idx: np.ndarray) -> None:
        self.consultations.append(idx)

    def step(self) -> None:
        model, p, pop = self.model, self.p, self.model.population
        idx = np.unique(np.concatenate(self.inbox)) if self.inbox else np.empty(0, dtype=np.int64)
        consulted = np.concatenate(self.consultations) if self.consultations else idx[:0]
        self.inbox.clear()
        self.consultations.clear()
        idx = idx[pop.status[idx] < OPEN]
        model.ledger.contacts += len(idx)
        load = len(idx) / self.capacity
        noise = p.front_door_noise_sd * (1.0 + p.front_door_overload_noise_gain * max(load - 1.0, 0.0))
        estimate = pop.risk(idx) + self.rng.normal(0.0, noise, len(idx))
        shift = p.intervention_anxiety_sensitivity * model.public.anxiety
        refer = estimate >= self.referral_threshold - shift
        assess = estimate >= self.assessment_threshold - shift
        model.journey.refer(idx[refer])
        model.decisions.record("front door", idx, estimate, self.assessment_threshold - shift, assess)
        model.journey.start_assessment(idx[assess])
        model.journey.turn_away(idx[~assess])
        signpost = ~refer & (estimate >= self.early_help_threshold - shift)
        model.journey.offer_early_help(np.concatenate([consulted, idx[signpost]]))
