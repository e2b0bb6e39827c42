"""Management and learning: managers, performance indicators, supervision, prescription and culture.

Team managers (Mesa agents) react to their team's performance indicator, the running
share of initial and core assessments completed in timescale (National Indicators 59 and
60): a shortfall below the target raises their compliance enforcement (single-loop
learning, loop B1):

    enforcement_target = min(enforcement_from_prescription + enforcement_indicator_weight * shortfall, 1)
    enforcement       += enforcement_adjust_per_week * (enforcement_target - enforcement)

Enforcement narrows workers' scope for judgment (judgment = 1 - judgment_enforcement_weight
* enforcement) and raises their compliance with prescriptions. A manager's week is shared
too: audits and returns (manager_compliance_hours_per_week * enforcement) and the team's
cases (manager_hours_per_case_week each) come first, and supervision gets what is left,

    supervision_hours = min(supervision_hours_needed, left / workers in post)

Supervision has a style: its reflective share, reflective_share * (1 - crowding *
enforcement) plus the principal social worker's feedback, helps workers revise
judgments (assessment accuracy, the rule of optimism, skill, satisfaction); the rest is
compliance-checking, which protects recording when time runs short (abm/time_budget.py).

The authority (`Governance`) holds the target level of procedural prescription, which
follows the perceived effectiveness of the prescriptive approach. Errors (serious
incidents and harm soon after a child was turned away or closed) are reviewed. In a blame
culture a review adds local procedures (recording hours per case: `local_procedures`),
raises the perceived effectiveness of prescription (the reinforcing "addiction to
prescription" loop R) and hits morale; in a learning culture it yields reflection, as far
as compliance does not let "we followed the rules" hide the error, and reflection lowers
the perceived effectiveness of prescription (double-loop learning, loop B2).
"""

from __future__ import annotations

import mesa
import numba
import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.workforce import VACANT


class Manager(mesa.Agent):
    """A team manager; the team's state lives in the `Management` arrays indexed by team."""

    def __init__(self, model, team: int):
        super().__init__(model)
        self.team = team

    @property
    def enforcement(self) -> float:
        return float(self.model.management.enforcement[self.team])

    @property
    def timeliness(self) -> float:
        return float(self.model.management.timeliness[self.team])

    @property
    def supervision_quality(self) -> float:
        return float(self.model.management.supervision[self.team])


class Governance:
    """Authority-level prescription, enforcement, learning culture, local procedures and the learning loops."""

    def __init__(self, model):
        self.model = model
        p = self.p = model.p
        self.perceived_effectiveness = p.perceived_effectiveness_initial
        self.prescription = p.prescription_initial
        self.enforcement = p.prescription_initial
        self.reflection = 0.0
        self.blame_stress = 0.0
        self.local_procedures = 0.0
        self.reviews = 0
        self.reviews_total = 0
        self.compliance = compliance(p, self.enforcement)

    def configure(self, p) -> None:
        """Take the parameters `p` (nothing is derived from them)."""
        self.p = p

    @property
    def enforcement_target(self) -> float:
        p = self.p
        return min(self.prescription * (1 + p.enforcement_inspection_weight * p.inspection_process_focus), 1.0)

    @property
    def scope_for_judgment(self) -> float:
        return max(1.0 - self.p.judgment_enforcement_weight * self.enforcement, 0.0)

    @property
    def acknowledgement(self) -> float:
        """Ability to acknowledge errors: compliance offers a defence that hides them, unless culture learns."""
        p = self.p
        return 1.0 - p.blame_defence_strength * self.compliance * (1 - p.learning_culture)

    def step(self, enforcement: float) -> None:
        """Learn from the week's reviews, given the authority's enforcement (teams weighted by posts)."""
        p = self.p
        self.enforcement = float(enforcement)
        self.compliance = compliance(p, self.enforcement)
        culture, reviews = p.learning_culture, self.reviews
        self.reviews_total += reviews
        self.reflection += (p.reflection_per_review * culture * self.acknowledgement * reviews
                            + p.national_learning * p.reflection_per_review / WEEKS_PER_YEAR)
        self.reflection *= 1 - p.reflection_decay_per_week
        self.blame_stress = (self.blame_stress + (1 - culture) * reviews) * (1 - p.blame_stress_decay_per_week)
        self.local_procedures = ((self.local_procedures + p.procedure_hours_per_blame_review * (1 - culture) * reviews)
                                 * (1 - p.procedure_decay_per_week))
        pe = self.perceived_effectiveness
        pe += p.blame_prescription_increment * (1 - culture) * reviews * (1 - pe)
        pe -= p.reflection_effectiveness_weight * self.reflection / WEEKS_PER_YEAR * pe
        self.perceived_effectiveness = min(max(pe, 0.0), 1.0)
        self.prescription += p.prescription_adjust_per_week * (self.perceived_effectiveness - self.prescription)
        self.reviews = 0


def judgment(p, enforcement):
    return np.maximum(1.0 - p.judgment_enforcement_weight * enforcement, 0.0)


def compliance(p, enforcement):
    """Compliance with prescriptions: a floor, and the rest as scope for judgment narrows."""
    return p.compliance_floor + (1 - p.compliance_floor) * (1 - judgment(p, enforcement))


class Management:
    """The team managers and governance, as the model's ninth weekly process.

    Each team manager's indicator (running share of the team's assessments in timescale),
    compliance enforcement, supervision hours and style are held in arrays indexed by team,
    so that every manager's rule runs vectorised; the managers themselves are `Manager` agents.
    """

    def __init__(self, model):
        self.model = model
        p = self.p = model.p
        self.governance = model.governance
        teams = model.workforce.teams
        self.managers = [Manager(model, team) for team in range(teams)]
        self.posts = np.bincount(model.workforce.team, minlength=teams)
        self.timeliness = np.full(teams, p.indicator_target_share_in_timescale)
        self.enforcement = np.full(teams, p.prescription_initial)
        self.supervision = np.zeros(teams)
        self.supervise()

    def configure(self, p) -> None:
        """Take the parameters `p` and the supervision and judgment they give the workers."""
        self.p = p
        self.supervise()

    def report_timeliness(self, teams: np.ndarray, in_time: np.ndarray) -> None:
        completed = np.bincount(teams, minlength=len(self.managers))
        on_time = np.bincount(teams, weights=in_time, minlength=len(self.managers))
        share = np.divide(on_time, completed, out=self.timeliness.copy(), where=completed > 0)
        self.timeliness += self.p.indicator_smoothing_per_week * (share - self.timeliness)

    def indicator(self) -> float:
        """The authority's timeliness indicator: the managers' running shares, weighted by their teams' posts."""
        return float(self._by_posts(self.timeliness))

    def _by_posts(self, values: np.ndarray) -> float:
        """The teams' `values` weighted by their posts (np.average's sums)."""
        return (values * self.posts).sum() / self.posts.sum()

    def review_errors(self, count: int) -> None:
        self.governance.reviews += count

    def step(self) -> None:
        """Each manager reacts to the team's indicator and supervises; then governance learns."""
        p = self.p
        measured = self.p.assessment_timescales_prescribed or self.p.single_assessment_timescale_working_days > 0
        shortfall = np.maximum(p.indicator_target_share_in_timescale - self.timeliness, 0.0) * measured
        target = np.minimum(self.governance.enforcement_target + p.enforcement_indicator_weight * shortfall, 1.0)
        self.enforcement += p.enforcement_adjust_per_week * (target - self.enforcement)
        self.supervise()
        self.governance.step(self._by_posts(self.enforcement))

    def supervise(self) -> None:
        """Managers' time left for supervision, its style, and what workers get of both."""
        p, wf = self.p, self.model.workforce
        (self.supervision, wf.supervision, wf.compliance_supervision, wf.supervision_hours,
         wf.enforcement) = _supervise(
            wf.team, wf.filled, wf.caseload, self.enforcement, p.manager_hours_per_week,
            p.manager_compliance_hours_per_week, p.manager_hours_per_case_week,
            p.supervision_hours_needed_per_worker_week, p.supervision_reflective_share,
            p.supervision_enforcement_crowding, p.principal_social_worker_feedback * (1 - p.supervision_reflective_share))
        wf.judgment = judgment(p, self.enforcement)[wf.team]
        wf.compliance = compliance(p, self.enforcement)[wf.team]


@numba.njit(cache=True, nogil=True)
def _supervise(team, filled, caseload, enforcement, manager_hours, compliance_hours, hours_per_case, needed,
               reflective_share, crowding, feedback):
    """Management.supervise per team (the module's equations; `feedback` is the principal social worker's feedback
    times the non-reflective share): supervision hours and reflective style; returns each team's supervision and
    each worker's supervision, compliance-checking supervision, supervision hours and enforcement."""
    teams, workers = len(enforcement), len(team)
    in_post, cases = np.zeros(teams, dtype=np.int64), np.zeros(teams)
    for w in range(workers):
        if filled[w] != VACANT:
            in_post[team[w]] += 1
        cases[team[w]] += caseload[w]
    supervision, checking, hours = np.empty(teams), np.empty(teams), np.empty(teams)
    for t in range(teams):
        left = _maximum(manager_hours - compliance_hours * enforcement[t] - hours_per_case * cases[t], 0.0)
        hours[t] = _minimum(left / max(in_post[t], 1), needed)
        reflective = _minimum(reflective_share * (1 - crowding * enforcement[t]) + feedback, 1.0)
        amount = hours[t] / needed
        supervision[t] = amount * reflective
        checking[t] = amount * (1 - reflective)
    return supervision, supervision[team], checking[team], hours[team], enforcement[team]


@numba.njit(cache=True, nogil=True)
def _maximum(a, b):
    """np.maximum of two floats (a NaN wins)."""
    return a if a >= b or np.isnan(a) else b


@numba.njit(cache=True, nogil=True)
def _minimum(a, b):
    """np.minimum of two floats (a NaN wins)."""
    return a if a <= b or np.isnan(a) else b
