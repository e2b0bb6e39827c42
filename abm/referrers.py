"""Referrer agencies: police, schools, health and others.

Each agency is a Mesa agent. Every week it takes a number of looks at eligible children
(a Poisson number at its rate per child), perceives each child's latent risk with its own
noise, and makes a contact when the perceived risk passes its threshold, which falls as
the agency's anxiety rises (the referral flood after a high-profile death). With access to
social-work consultation, a marginal concern is talked through and the family offered
early help instead of a contact. The police also attend domestic-violence incidents and,
under an auto-referral rule, refer every child in the household without any indication
of priority. Health services report a share of the harm they see (A&E).
"""

from __future__ import annotations

import mesa
import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.parameters.referrers import KINDS
from abm.population import OPEN
from abm.risk import log_hazard


class ReferrerAgency(mesa.Agent):
    """One kind of agency that sees children and may refer them."""

    def __init__(self, model, kind: str):
        super().__init__(model)
        p = model.p
        self.kind = kind
        self.looks_per_child_week = getattr(p, f"{kind}_observations_per_child_year") / WEEKS_PER_YEAR
        self.noise_sd = getattr(p, f"{kind}_perception_noise_sd")
        self.threshold = log_hazard(getattr(p, f"{kind}_threshold_annual_risk"), p.harm_hazard_base_per_week)
        self.consultation_access = getattr(p, f"{kind}_consultation_access")
        self.min_age_weeks = p.school_age_from_years * WEEKS_PER_YEAR if kind == "schools" else 0
        self.anxiety = p.anxiety_initial
        self.stream = model.rngs["referrers"]
        self.contacts = 0

    def eligible(self, idx: np.ndarray) -> np.ndarray:
        """Children among `idx` this agency can refer: under the age limit, of its age range, not open cases."""
        model = self.model
        age = model.population.age_weeks(idx, model.week)
        return idx[(age >= self.min_age_weeks) & (age < model.p.referral_age_limit_years * WEEKS_PER_YEAR)
                   & (model.population.status[idx] < OPEN)]

    def step(self) -> None:
        model, p, stream = self.model, self.model.p, self.stream
        self.anxiety += p.referrer_anxiety_adaptation_per_week * (model.public.anxiety - self.anxiety)
        pop = model.population
        looks = stream.poisson(self.looks_per_child_week * pop.n)
        seen = (stream.random(looks) * pop.n).astype(np.int64)
        perceived = pop.base_risk[seen] + stream.normal(0.0, self.noise_sd, looks)
        threshold = self.threshold - p.referrer_anxiety_sensitivity * self.anxiety
        possible = perceived >= threshold  # mitigation only lowers risk: filter before computing it
        seen = seen[possible]
        perceived = perceived[possible] - pop.mitigation(seen)
        concern = perceived >= threshold
        seen, perceived = seen[concern], perceived[concern]
        consult = ((perceived < threshold + p.consultation_band_log_hazard)
                   & (stream.random(len(seen)) < self.consultation_access))
        model.front_door.consulted(self.eligible(seen[consult]))
        self.contact(self.eligible(seen[~consult]))
        if self.kind == "police":
            self.attend_domestic_violence(threshold)

    def attend_domestic_violence(self, threshold: float) -> None:
        model, p, stream, pop = self.model, self.model.p, self.stream, self.model.population
        violent = pop.violent
        calls = violent[stream.random(len(violent)) < p.domestic_violence_incidents_per_household_year / WEEKS_PER_YEAR]
        children = self.eligible(pop.children_of(calls))
        if not p.police_auto_refer_domestic_violence:
            perceived = pop.risk(children) + stream.normal(0.0, self.noise_sd, len(children))
            children = children[perceived >= threshold]
        self.contact(children)

    def report_harm(self, harmed: np.ndarray) -> None:
        noticed = harmed[self.stream.random(len(harmed)) < self.model.p.harm_noticed_share]
        self.contact(self.eligible(noticed))

    def contact(self, idx: np.ndarray) -> None:
        self.contacts += len(idx)
        self.model.front_door.receive(idx)


def create_referrers(model) -> dict[str, ReferrerAgency]:
    return {kind: ReferrerAgency(model, kind) for kind in KINDS}
