"""Referrer agencies: police, schools, health and others.

Each agency is a Mesa agent with its own reach, perception noise, threshold and anxiety.
Every week it takes a number of looks at children (a Poisson number at its rate per
child), perceives each child's latent risk with its own noise, and makes a contact about
an eligible child when the perceived risk passes its threshold, which falls as the
agency's anxiety rises (the referral flood after a high-profile death). All agencies'
looks are perceived in one vectorised pass (`Referrers.step`). With access to
social-work consultation, a marginal concern is talked through and the family offered
early help instead of a contact. The police also attend domestic-violence incidents and,
under an auto-referral rule, refer every child in the household without any indication
of priority. Health services report a share of the harm they see (A&E).
"""

from __future__ import annotations

import mesa
import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.parameters.referrers import KINDS
from abm.population import OPEN
from abm.risk import threshold_log_hazard


class ReferrerAgency(mesa.Agent):
    """One kind of agency that sees children and may refer them."""

    def __init__(self, model, kind: str):
        super().__init__(model)
        self.kind = kind
        self.configure(model.p)
        self.anxiety = model.p.anxiety_initial
        self.contacts = 0

    def configure(self, p) -> None:
        """Take the agency's reach, perception, threshold and consultation access from the parameters `p`."""
        kind = self.kind
        self.looks_per_child_week = getattr(p, f"{kind}_observations_per_child_year") / WEEKS_PER_YEAR
        self.noise_sd = getattr(p, f"{kind}_perception_noise_sd")
        self.threshold = threshold_log_hazard(p, f"{kind}_threshold_annual_risk")
        self.consultation_access = getattr(p, f"{kind}_consultation_access")
        self.min_age_weeks = p.school_age_from_years * WEEKS_PER_YEAR if kind == "schools" else 0

    def adapt(self) -> float:
        """The agency's anxiety follows the public's; returns its threshold for this week."""
        p = self.model.p
        self.anxiety += p.referrer_anxiety_adaptation_per_week * (self.model.public.anxiety - self.anxiety)
        return self.threshold - p.referrer_anxiety_sensitivity * self.anxiety


class Referrers:
    """The referrer agencies' weekly process: every agency's looks perceived in one vectorised pass."""

    def __init__(self, model):
        self.model = model
        self.agencies = [ReferrerAgency(model, kind) for kind in KINDS]
        self.by_kind = {agency.kind: agency for agency in self.agencies}
        self.configure(model.p)
        self.stream = model.rngs["referrers"]
        self.threshold_mean = float(np.mean([agency.threshold for agency in self.agencies]))

    def configure(self, p) -> None:
        """Configure every agency from the parameters `p` and gather their settings for the vectorised pass."""
        for agency in self.agencies:
            agency.configure(p)
        self.looks_per_child_week = np.array([a.looks_per_child_week for a in self.agencies])
        self.noise_sd = np.array([a.noise_sd for a in self.agencies])
        self.consultation_access = np.array([a.consultation_access for a in self.agencies])
        self.min_age_weeks = np.array([a.min_age_weeks for a in self.agencies])

    def eligible(self, idx: np.ndarray, min_age_weeks: np.ndarray | int = 0) -> np.ndarray:
        """Which of `idx` an agency can refer: of its age range, under the age limit, not open cases."""
        model = self.model
        age = model.population.age_weeks(idx, model.week)
        return ((age >= min_age_weeks) & (age < model.p.referral_age_limit_years * WEEKS_PER_YEAR)
                & (model.population.status[idx] < OPEN))

    def step(self) -> None:
        model, p, stream, pop = self.model, self.model.p, self.stream, self.model.population
        thresholds = np.array([agency.adapt() for agency in self.agencies])
        self.threshold_mean = float(thresholds.mean())
        looks = stream.poisson(self.looks_per_child_week * pop.n)
        kind = np.repeat(np.arange(len(self.agencies)), looks)
        seen = (stream.random(len(kind)) * pop.n).astype(np.int64)
        perceived = pop.base_risk[seen] + stream.standard_normal(len(kind)) * self.noise_sd[kind]
        possible = perceived >= thresholds[kind]  # mitigation only lowers risk: filter before computing it
        seen, perceived, kind = seen[possible], perceived[possible], kind[possible]
        perceived -= pop.mitigation(seen)
        threshold = thresholds[kind]
        concern = (perceived >= threshold) & self.eligible(seen, self.min_age_weeks[kind])
        consult = concern & (perceived < threshold + p.consultation_band_log_hazard) & (
            stream.random(len(seen)) < self.consultation_access[kind])
        model.front_door.consulted(seen[consult])
        refer = concern & ~consult
        for agency, count in zip(self.agencies, np.bincount(kind[refer], minlength=len(self.agencies))):
            agency.contacts += int(count)
        model.front_door.receive(seen[refer])
        self.attend_domestic_violence(thresholds[KINDS.index("police")])

    def attend_domestic_violence(self, threshold: float) -> None:
        """Police attend domestic-violence call-outs; under the auto-referral rule every child is referred."""
        model, p, stream, pop = self.model, self.model.p, self.stream, self.model.population
        police = self.by_kind["police"]
        violent = pop.violent
        calls = violent[stream.random(len(violent)) < p.domestic_violence_incidents_per_household_year / WEEKS_PER_YEAR]
        children = pop.children_of(calls)
        children = children[self.eligible(children)]
        if not p.police_auto_refer_domestic_violence:
            perceived = pop.risk(children) + police.noise_sd * model.child_uniforms.normal(children, model.week, crn.POLICE)
            children = children[perceived >= threshold]
        police.contacts += len(children)
        model.front_door.receive(children)

    def report_harm(self, harmed: np.ndarray) -> None:
        """Health services report a share of the harm they see (A&E) in children not known."""
        health = self.by_kind["health"]
        noticed = harmed[self.model.child_uniforms(harmed, self.model.week, crn.NOTICED) < self.model.p.harm_noticed_share]
        noticed = noticed[self.eligible(noticed)]
        health.contacts += len(noticed)
        self.model.front_door.receive(noticed)
