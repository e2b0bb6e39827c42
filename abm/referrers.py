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
import numba
import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.parameters.referrers import KINDS
from abm.population import OPEN, mitigation_of
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
        self.threshold_mean = float(thresholds.sum() / len(thresholds))  # = mean(), without its overhead
        looks = stream.poisson(self.looks_per_child_week * pop.n)
        total = int(looks.sum())
        seen, perceived, kind = _possible(looks, stream.random(total), stream.standard_normal(total), pop.n,
                                          pop.base_risk, self.noise_sd, thresholds)
        consult, refer, contacts = _concerns(
            seen, perceived, kind, stream.random(len(seen)), thresholds, self.min_age_weeks,
            self.consultation_access, p.consultation_band_log_hazard, p.referral_age_limit_years * WEEKS_PER_YEAR,
            model.week, pop.birth_week, pop.status, pop.now, pop.ebb_from, pop.mitigation_durable,
            pop.mitigation_level, pop.ebb_after)
        model.front_door.consulted(consult)
        for agency, count in zip(self.agencies, contacts.tolist()):
            agency.contacts += count
        model.front_door.receive(refer)
        self.attend_domestic_violence(thresholds[KINDS.index("police")])

    def attend_domestic_violence(self, threshold: float) -> None:
        """Police attend domestic-violence call-outs; under the auto-referral rule every child is referred."""
        model, p, stream, pop = self.model, self.model.p, self.stream, self.model.population
        police = self.by_kind["police"]
        violent = pop.violent
        children = _called_out(violent, stream.random(len(violent)),
                               p.domestic_violence_incidents_per_household_year / WEEKS_PER_YEAR, pop.first, pop.count,
                               pop.birth_week, pop.status, model.week, p.referral_age_limit_years * WEEKS_PER_YEAR)
        if not p.police_auto_refer_domestic_violence:
            children = _perceived(children, model.child_uniforms.normal(children, model.week, crn.POLICE),
                                  police.noise_sd, threshold, pop.base_risk, pop.now, pop.ebb_from,
                                  pop.mitigation_durable, pop.mitigation_level, pop.ebb_after)
        police.contacts += len(children)
        model.front_door.receive(children)

    def report_harm(self, harmed: np.ndarray) -> None:
        """Health services report a share of the harm they see (A&E) in children not known."""
        health = self.by_kind["health"]
        noticed = harmed[self.model.child_uniforms(harmed, self.model.week, crn.NOTICED) < self.model.p.harm_noticed_share]
        noticed = noticed[self.eligible(noticed)]
        health.contacts += len(noticed)
        self.model.front_door.receive(noticed)


@numba.njit(cache=True, nogil=True)
def _possible(looks, uniforms, normals, n, base_risk, noise_sd, thresholds):
    """The looks (agency k takes looks[k], in agency order) whose perceived base risk,
    base_risk[seen] + normal * noise_sd[kind] with seen = int(uniform * n), reaches the agency's threshold
    (mitigation only lowers risk, so the rest cannot concern): their children, perceived risks and agencies."""
    seen = np.empty(len(uniforms), dtype=np.int64)
    perceived = np.empty(len(uniforms))
    kind = np.empty(len(uniforms), dtype=np.int64)
    i = kept = 0
    for k in range(len(looks)):
        for _ in range(looks[k]):
            child = np.int64(uniforms[i] * n)
            risk = base_risk[child] + normals[i] * noise_sd[k]
            if risk >= thresholds[k]:
                seen[kept], perceived[kept], kind[kept] = child, risk, k
                kept += 1
            i += 1
    return seen[:kept], perceived[:kept], kind[:kept]


@numba.njit(cache=True, nogil=True)
def _concerns(seen, perceived, kind, uniforms, thresholds, min_age_weeks, consultation_access, band, age_limit_weeks,
              week, birth_week, status, now, ebb_from, durable, level, ebb_after):
    """Of the possible looks, those whose perceived risk less the child's mitigation (population.mitigation_of)
    reaches the threshold, about an eligible child (Referrers.eligible): talked through when within the
    consultation band and the agency has access (uniform below it), else contacts. Returns both, and the contacts
    per agency."""
    consult = np.empty(len(seen), dtype=np.int64)
    refer = np.empty(len(seen), dtype=np.int64)
    contacts = np.zeros(len(thresholds), dtype=np.int64)
    consulted = referred = 0
    for i in range(len(seen)):
        child, k = seen[i], kind[i]
        risk = perceived[i] - mitigation_of(child, now, ebb_from, durable, level, ebb_after)
        age = week - birth_week[child]
        if risk >= thresholds[k] and age >= min_age_weeks[k] and age < age_limit_weeks and status[child] < OPEN:
            if risk < thresholds[k] + band and uniforms[i] < consultation_access[k]:
                consult[consulted] = child
                consulted += 1
            else:
                refer[referred] = child
                referred += 1
                contacts[k] += 1
    return consult[:consulted], refer[:referred], contacts


@numba.njit(cache=True, nogil=True)
def _called_out(violent, uniforms, rate, first, count, birth_week, status, week, age_limit_weeks):
    """The children the police can refer (Referrers.eligible: born, under the age limit, not open cases) in the
    `violent` households with a call-out this week (uniform below `rate`), household by household."""
    total = 0
    for i in range(len(violent)):
        if uniforms[i] < rate:
            total += count[violent[i]]
    out = np.empty(total, dtype=np.int64)
    k = 0
    for i in range(len(violent)):
        if uniforms[i] < rate:
            hh = violent[i]
            for child in range(first[hh], first[hh] + count[hh]):
                age = week - birth_week[child]
                if age >= 0 and age < age_limit_weeks and status[child] < OPEN:
                    out[k] = child
                    k += 1
    return out[:k]


@numba.njit(cache=True, nogil=True)
def _perceived(children, normals, noise_sd, threshold, base_risk, now, ebb_from, durable, level, ebb_after):
    """The `children` whose risk as the police perceive it, risk (Population.risk) + noise_sd * normal, reaches
    `threshold`."""
    out = np.empty(len(children), dtype=np.int64)
    k = 0
    for i in range(len(children)):
        child = children[i]
        risk = base_risk[child] - mitigation_of(child, now, ebb_from, durable, level, ebb_after)
        if risk + noise_sd * normals[i] >= threshold:
            out[k] = child
            k += 1
    return out[:k]
