"""The front door: screening the week's contacts, with limited capacity and a queue.

Contacts about one child are one contact (a child already waiting is not queued twice).
Each week the duty team screens at most its capacity of waiting contacts, oldest first;
the rest wait for the next week. Screening error grows with the queue:

    noise = front_door_noise_sd * (1 + front_door_overload_noise_gain * min(max(queue / capacity - 1, 0), 1))

(a queue of twice the capacity or more adds the whole gain: past that, overload shows as waiting).

The team estimates each screened child's risk with that error, then decides against
thresholds that fall with public anxiety and rise with workload (abm/assessment.py
`shift`): a referral (and, above a higher threshold, an assessment; with no initial/core
split, a section 47 enquiry at once when the estimate reaches that threshold),
early-help signposting, or no further action. The decision to assess is a Taylor-Russell
decision and is recorded as one.
"""

from __future__ import annotations

import numba
import numpy as np

from abm import crn
from abm.population import NEVER, OPEN
from abm.risk import threshold_log_hazard
from abm.waiting import join


class FrontDoor:
    """Screens contacts into referrals, early help or no further action."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)
        self.inbox: list[np.ndarray] = []
        self.consultations: list[np.ndarray] = []
        self.queue = np.empty(0, dtype=np.int64)
        self.queued_since = np.empty(0, dtype=np.int64)
        self.load = 0.0

    def configure(self, p) -> None:
        """Take the parameters `p` and the thresholds and capacity they give."""
        self.p = p
        self.referral_threshold = threshold_log_hazard(p, "referral_threshold_annual_risk")
        self.early_help_threshold = threshold_log_hazard(p, "early_help_threshold_annual_risk")
        self.assessment_threshold = threshold_log_hazard(p, "initial_assessment_threshold_annual_risk")
        self.capacity = max(round(p.front_door_contacts_per_10k_children_week * p.children_0_19 / 1e4), 1)

    def receive(self, idx: np.ndarray) -> None:
        self.inbox.append(idx)

    def consulted(self, idx: np.ndarray) -> None:
        self.consultations.append(idx)

    def _take(self) -> np.ndarray:
        """Add the week's new contacts to the queue and take this week's share of it, oldest first."""
        model, pop = self.model, self.model.population
        new = np.sort(np.concatenate(self.inbox)) if self.inbox else np.empty(0, dtype=np.int64)
        self.inbox.clear()
        queue, since, contacts = join(new, self.queue, self.queued_since, pop.status, OPEN - 1, model.week,
                                      NEVER, pop.mark)
        model.ledger.contacts += contacts
        self.load = len(queue) / self.capacity
        taken, self.queue, self.queued_since = queue[:self.capacity], queue[self.capacity:], since[self.capacity:]
        model.ledger.contact_wait_weeks += float((model.week - since[:self.capacity]).sum())
        return taken

    def step(self) -> None:
        model, p, pop = self.model, self.p, self.model.population
        idx = self._take()
        consulted = np.concatenate(self.consultations) if self.consultations else idx[:0]
        self.consultations.clear()
        noise = p.front_door_noise_sd * (1.0 + p.front_door_overload_noise_gain * min(max(self.load - 1.0, 0.0), 1.0))
        estimate = pop.risk(idx) + noise * model.child_uniforms.normal(idx, model.week, crn.FRONT_DOOR)
        shift = model.assessment.shift()
        assess, referred, assessed, section47, turned_away, signposted = _screen(
            idx, estimate, self.referral_threshold - shift, self.assessment_threshold - shift,
            model.assessment.section47_threshold - shift, self.early_help_threshold - shift)
        model.journey.refer(referred)
        model.decisions.record("front door", idx, estimate, self.assessment_threshold - shift, assess)
        model.journey.start_assessment(assessed, section47)
        model.journey.turn_away(turned_away)
        model.journey.offer_early_help(np.concatenate([consulted, signposted]))


@numba.njit(cache=True, nogil=True)
def _screen(idx, estimate, referral_at, assessment_at, section47_at, early_help_at):
    """The front door's decisions on contacts `idx` from their estimates: whether each is assessed (at
    assessment_at or above); then the children referred (at referral_at or above), assessed (with whether each
    starts a section 47 enquiry, at section47_at or above), turned away (not assessed) and signposted to early
    help (not referred, at early_help_at or above)."""
    n = len(idx)
    assess = np.zeros(n, dtype=np.bool_)
    referred, assessed, turned_away, signposted = (np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64),
                                                   np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64))
    section47 = np.zeros(n, dtype=np.bool_)
    r = a = t = s = 0
    for i in range(n):
        refer = estimate[i] >= referral_at
        assess[i] = estimate[i] >= assessment_at
        if refer:
            referred[r] = idx[i]
            r += 1
        if assess[i]:
            assessed[a] = idx[i]
            section47[a] = estimate[i] >= section47_at
            a += 1
        else:
            turned_away[t] = idx[i]
            t += 1
        if not refer and estimate[i] >= early_help_at:
            signposted[s] = idx[i]
            s += 1
    return assess, referred[:r], assessed[:a], section47[:a], turned_away[:t], signposted[:s]

