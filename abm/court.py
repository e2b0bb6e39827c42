"""The family court (with the children's guardian service).

A care application brings a case that needs hearings and expert assessments. Evidence
quality e is the applying worker's skill times time factor (times the local-knowledge
factor for an agency worker; 0 for an unallocated case), and its shortfall is 1 - e:

    experts  = min(Poisson(expert_assessments_per_case_mean * (1 + expert_assessment_evidence_gain * (1 - e))),
                   expert_assessments_per_case_limit)
    hearings = 1 + Poisson(court_hearings_per_case_base - 1 + court_hearings_per_expert * experts
                           + evidence_hearings_penalty * (1 - e))

A case waits for a children's guardian (the guardian service holds at most
`guardian_cases_per_10k_children * guardian_capacity_scale` cases at once, first come
first served) before its hearings go on; the history raises the scale as Cafcass added
capacity in 2009-10. A case with a guardian is ready for its next hearing once
`court_hearing_interval_weeks` have passed since its last one, or, while an expert is
reporting, once the report is in: at each hearing the next outstanding expert is
commissioned and reports `expert_report_weeks` later (the cycle of commissioning one
assessment after another). Each week the court hears at most its capacity of ready cases
(`court_hearings_per_10k_children_week`), those past the timetable target first (when one is
set), then those that have waited longest. A case concludes at the hearing that completes
its hearings with no expert outstanding. Duration therefore emerges from hearings,
experts, guardians and the queue for judicial time: a surge in applications lengthens
every case. At the end the court judges risk with its own error: a care order, or the
child goes home on a child-in-need plan. Each week beyond 26 in proceedings adds
`proceedings_delay_vulnerability_per_week` to the child's own log-hazard of harm.
"""

from __future__ import annotations

import mesa
import numba
import numpy as np

from abm import crn
from abm.risk import threshold_log_hazard
from abm.workforce import AGENCY

DELAY_WEEKS = 26
FIELDS = ("child", "started", "hearings_needed", "hearings_done", "experts_left", "ready", "guardian")


class FamilyCourt(mesa.Agent):
    """The court that hears this authority's care applications; one array entry per case before it."""

    def __init__(self, model):
        super().__init__(model)
        self.configure(model.p)
        self.stream = model.rngs["court"]
        for name in FIELDS:
            setattr(self, name, np.empty(0, dtype=bool if name == "guardian" else np.int64))

    def configure(self, p) -> None:
        """Take the parameters `p` and the capacities and care threshold they give."""
        self.p = p
        self.capacity = max(round(p.court_hearings_per_10k_children_week * p.children_0_19 / 1e4 * 52), 0)
        self.guardians = max(round(p.guardian_cases_per_10k_children * p.guardian_capacity_scale
                                   * p.children_0_19 / 1e4), 1)
        self.threshold = threshold_log_hazard(p, "care_threshold_annual_risk")

    @property
    def backlog(self) -> int:
        return len(self.child)

    @property
    def without_guardian(self) -> int:
        """Cases waiting for a children's guardian."""
        return int(len(self.guardian) - np.count_nonzero(self.guardian))

    def evidence(self, idx: np.ndarray) -> np.ndarray:
        """Quality (0-1) of the evidence the workers of children `idx` can put before the court."""
        wf, worker = self.model.workforce, self.model.journey.worker[idx]
        slot = np.maximum(worker, 0)
        local = np.where(wf.filled[slot] == AGENCY, self.p.agency_local_knowledge_quality, 1.0)
        return np.where(worker >= 0, wf.skill[slot] * wf.time_factor[slot] * local, 0.0)

    def apply(self, idx: np.ndarray) -> None:
        """Issue care applications for children `idx`."""
        if not len(idx):
            return
        model, p, rng = self.model, self.p, self.stream
        shortfall = 1.0 - self.evidence(idx)
        experts = np.minimum(rng.poisson(p.expert_assessments_per_case_mean
                                         * (1 + p.expert_assessment_evidence_gain * shortfall)),
                             p.expert_assessments_per_case_limit)
        hearings = 1 + rng.poisson(np.maximum(p.court_hearings_per_case_base - 1 + p.court_hearings_per_expert * experts
                                              + p.evidence_hearings_penalty * shortfall, 0.0))
        model.ledger.care_applications += len(idx)
        model.ledger.expert_assessments += int(experts.sum())
        model.population.in_proceedings[idx] = True
        new = {"child": idx, "started": np.full(len(idx), model.week), "hearings_needed": hearings,
               "hearings_done": np.zeros(len(idx), dtype=np.int64), "experts_left": experts,
               "ready": np.full(len(idx), model.week), "guardian": np.zeros(len(idx), dtype=bool)}
        for name in FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))

    def step(self) -> None:
        if not self.backlog:
            return
        model, p, now = self.model, self.p, self.model.week
        heard, done = _hear(now, self.guardians, self.weekly_capacity(), p.court_timetable_target_weeks,
                            now + p.court_hearing_interval_weeks,
                            now + max(p.expert_report_weeks, p.court_hearing_interval_weeks), self.started, self.ready,
                            self.guardian, self.hearings_done, self.hearings_needed, self.experts_left)
        model.ledger.hearings += heard
        self._harm_of_delay(now)
        if len(done):
            self._conclude(done, now)

    def weekly_capacity(self) -> int:
        """Hearings the court can list this week: its yearly capacity spread evenly over 52 weeks."""
        week = self.model.week
        return self.capacity * (week + 1) // 52 - self.capacity * week // 52

    def _harm_of_delay(self, now: int) -> None:
        pop = self.model.population
        delayed = self.child[now - self.started >= DELAY_WEEKS]
        self.model.ledger.proceedings_weeks_beyond_26 += len(delayed)
        if len(delayed) and self.p.proceedings_delay_vulnerability_per_week > 0:
            pop.vulnerability[delayed] += self.p.proceedings_delay_vulnerability_per_week
            self.model.ledger.developmental_harm += self.p.proceedings_delay_vulnerability_per_week * len(delayed)
            pop.refresh(delayed)

    def _conclude(self, cases: np.ndarray, now: int) -> None:
        model, p = self.model, self.p
        children = self.child[cases]
        model.ledger.proceedings_closed += len(children)
        model.ledger.court_weeks_total += float((now - self.started[cases]).sum() + len(children))
        noise = model.child_uniforms.normal(children, now, crn.COURT)
        judged = model.population.risk(children) + p.court_noise_sd * noise
        order = judged >= self.threshold
        model.population.in_proceedings[children] = False
        model.population.in_care_order[children[order]] = True
        model.journey.return_home(children[~order])
        self.withdraw(children)

    def withdraw(self, idx: np.ndarray) -> None:
        """Drop the cases of children `idx` (concluded, or no longer looked after)."""
        keep = ~self.model.population.isin(self.child, idx)
        for name in FIELDS:
            setattr(self, name, getattr(self, name)[keep])


@numba.njit(cache=True, nogil=True)
def _hear(now, guardians, capacity, target, next_hearing, next_report, started, ready, guardian, hearings_done,
          hearings_needed, experts_left):
    """The court's week (the module's rules) over its cases: guardians for the longest waiting while there are
    free ones; the ready cases heard up to `capacity`, those past the `target` (when set) first, then by the week
    they became ready (ties in case order); at each hearing the next outstanding expert is commissioned (ready
    again at `next_report`), else the case is ready again at `next_hearing`. Returns how many were heard and the
    cases that conclude (hearings complete, no expert outstanding or commissioned)."""
    n = len(started)
    waiting = np.flatnonzero(~guardian)
    free = guardians - (n - len(waiting))
    if free > 0:
        for case in waiting[np.argsort(started[waiting], kind="mergesort")[:free]]:
            guardian[case] = True
    due = np.flatnonzero(guardian & (ready <= now))
    by_ready = due[np.argsort(ready[due], kind="mergesort")]
    heard = np.empty(len(by_ready), dtype=np.int64)
    k = 0
    if target > 0:
        for case in by_ready:
            if now - started[case] >= target:
                heard[k] = case
                k += 1
        for case in by_ready:
            if not now - started[case] >= target:
                heard[k] = case
                k += 1
    else:
        heard[:] = by_ready
        k = len(by_ready)
    heard = heard[:min(k, capacity)]
    done = np.empty(len(heard), dtype=np.int64)
    concluded = 0
    for case in heard:
        hearings_done[case] += 1
        commissioned = experts_left[case] > 0
        if commissioned:
            experts_left[case] -= 1
            ready[case] = next_report
        else:
            ready[case] = next_hearing
        if hearings_done[case] >= hearings_needed[case] and experts_left[case] == 0 and not commissioned:
            done[concluded] = case
            concluded += 1
    return len(heard), done[:concluded]
