"""Management and learning: managers, performance indicators, prescription and culture.

Team managers (Mesa agents) supervise their workers and react to their team's performance
indicator (share of assessments in timescale): a shortfall raises their compliance
enforcement (single-loop learning, loop B1), which narrows their workers' scope for
judgment and crowds reflective supervision out into compliance-checking.

The authority (`Governance`) holds the target level of procedural prescription, which
follows the perceived effectiveness of the prescriptive approach. Errors (serious
incidents and harm soon after a child was turned away or closed) are reviewed. In a blame
culture a review adds procedures (perceived effectiveness rises: the reinforcing
"addiction to prescription" loop R) and hits morale; in a learning culture it yields
reflection, as far as compliance does not let "we followed the rules" hide the error,
and reflection lowers the perceived effectiveness of prescription (double-loop learning,
loop B2).
"""

from __future__ import annotations

import mesa
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
    """Authority-level prescription, enforcement, learning culture and the learning loops."""

    def __init__(self, model):
        self.model = model
        p = self.p = model.p
        self.perceived_effectiveness = p.perceived_effectiveness_initial
        self.prescription = p.prescription_initial
        self.enforcement = p.prescription_initial
        self.reflection = 0.0
        self.blame_stress = 0.0
        self.reviews = 0
        self.compliance = self._compliance(self.enforcement)

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

    def _compliance(self, enforcement: float) -> float:
        p = self.p
        judgment = max(1.0 - p.judgment_enforcement_weight * enforcement, 0.0)
        return p.compliance_floor + (1 - p.compliance_floor) * (1 - judgment)

    @property
    def acknowledgement(self) -> float:
        """Ability to acknowledge errors: compliance offers a defence that hides them, unless culture learns."""
        p = self.p
        return 1.0 - p.blame_defence_strength * self.compliance * (1 - p.learning_culture)

    def step(self, enforcement: float) -> None:
        """Learn from the week's reviews, given the authority's enforcement (teams weighted by posts)."""
        p = self.p
        self.enforcement = float(enforcement)
        self.compliance = self._compliance(self.enforcement)
        culture, reviews = p.learning_culture, self.reviews
        self.reflection += (p.reflection_per_review * culture * self.acknowledgement * reviews
                            + p.national_learning * p.reflection_per_review / WEEKS_PER_YEAR)
        self.reflection *= 1 - p.reflection_decay_per_week
        self.blame_stress = (self.blame_stress + (1 - culture) * reviews) * (1 - p.blame_stress_decay_per_week)
        pe = self.perceived_effectiveness
        pe += p.blame_prescription_increment * (1 - culture) * reviews * (1 - pe)
        pe -= p.reflection_effectiveness_weight * self.reflection / WEEKS_PER_YEAR * pe
        self.perceived_effectiveness = min(max(pe, 0.0), 1.0)
        target = p.prescription_target_scale * self.perceived_effectiveness
        self.prescription += p.prescription_adjust_per_week * (target - self.prescription)
        self.reviews = 0


class Management:
    """The team managers and governance, as the model's ninth weekly process.

    Each team manager's indicator (running share of the team's assessments in timescale),
    compliance enforcement and supervision quality are held in arrays indexed by team, so
    that every manager's rule runs vectorised; the managers themselves are `Manager` agents.
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

    def configure(self, p) -> None:
        """Take the parameters `p` (nothing is derived from them)."""
        self.p = p

    def report_timeliness(self, teams: np.ndarray, in_time: np.ndarray) -> None:
        completed = np.bincount(teams, minlength=len(self.managers))
        on_time = np.bincount(teams, weights=in_time, minlength=len(self.managers))
        share = np.divide(on_time, completed, out=self.timeliness.copy(), where=completed > 0)
        self.timeliness += self.p.indicator_smoothing_per_week * (share - self.timeliness)

    def review_errors(self, count: int) -> None:
        self.governance.reviews += count

    def step(self) -> None:
        """Each manager reacts to the team's indicator and supervises; then governance learns."""
        p, wf = self.p, self.model.workforce
        shortfall = np.maximum(p.indicator_target_share_in_timescale - self.timeliness, 0.0)
        target = np.minimum(self.governance.enforcement_target + p.enforcement_indicator_weight * shortfall, 1.0)
        self.enforcement += p.enforcement_adjust_per_week * (target - self.enforcement)
        in_post = np.bincount(wf.team[wf.filled != VACANT], minlength=len(self.managers))
        hours_each = p.supervision_hours_per_worker_week * self.posts / np.maximum(in_post, 1)
        reflective = np.minimum(
            p.supervision_reflective_share * (1 - p.supervision_enforcement_crowding * self.enforcement)
            + p.principal_social_worker_feedback * (1 - p.supervision_reflective_share), 1.0)
        self.supervision = np.minimum(hours_each / p.supervision_hours_needed_per_worker_week, 1.0) * reflective
        wf.supervision = self.supervision[wf.team]
        wf.judgment = np.maximum(1.0 - p.judgment_enforcement_weight * self.enforcement, 0.0)[wf.team]
        self.governance.step(np.average(self.enforcement, weights=self.posts))
