"""The social-work workforce: posts, time, satisfaction, skill, turnover and recruitment.

The authority funds a number of posts (slots), grouped into teams. A slot is vacant, held
by a permanent worker or covered by an agency worker. Each person in post is a
`SocialWorker` Mesa agent; their numeric state (skill, experience, satisfaction, burnout,
caseload, the split of their week, proficiency in an evidence-based method) is held in the
`Workforce` arrays indexed by slot so that the weekly rules run vectorised over all
workers, while leaving and joining are the agents' own discrete acts. The week's hours
are shared by abm/time_budget.py; overtime feeds burnout:

    burnout      += burnout_gain_per_overtime_hour * overtime * (1 - burnout) - burnout_recovery_per_week * burnout
    satisfaction += adaptation * (logistic(intercept + w_j judgment + w_d direct_share
                    - w_c (caseload / caseload_reference - 1) + w_s reflective supervision - w_b blame) - satisfaction)
    leaving hazard = turnover_base_rate / 52 * exp(w_sat (reference - satisfaction) + w_burn burnout) (x agency multiplier)

`pressure` = max(mean caseload / `caseload_reference` - 1, 0) is the workload the
authority's decision thresholds ration by (abm/assessment.py): managers ration when
caseloads run above what they regard as normal, and do not lower thresholds below it.
"""

from __future__ import annotations

import mesa
import numba
import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.population import CIN, CP, LOOKED_AFTER
from abm.time_budget import split_week

VACANT, PERMANENT, AGENCY = range(3)


class SocialWorker(mesa.Agent):
    """A social worker holding one post of the workforce."""

    def __init__(self, model, slot: int, employment: int, newly_qualified: bool):
        super().__init__(model)
        self.slot = slot
        self.employment = employment
        self.newly_qualified = newly_qualified

    @property
    def skill(self) -> float:
        return float(self.model.workforce.skill[self.slot])

    @property
    def experience_years(self) -> float:
        return float(self.model.workforce.experience[self.slot])

    @property
    def satisfaction(self) -> float:
        return float(self.model.workforce.satisfaction[self.slot])

    @property
    def caseload(self) -> int:
        return int(self.model.workforce.caseload[self.slot])

    def leave(self) -> None:
        self.model.workforce.vacate(self.slot)
        self.remove()


class Workforce:
    """Arrays of the authority's posts and the weekly workforce process."""

    def __init__(self, model):
        self.model = model
        p = self.p = model.p
        self.rng = rng = model.rngs["workforce"]
        posts = max(p.team_size_workers, round(p.children_0_19 * p.social_worker_posts_per_10k_children / 1e4))
        self.posts = posts
        self.team = np.arange(posts) // p.team_size_workers
        self.teams = int(self.team.max()) + 1
        self.filled = np.zeros(posts, dtype=np.int8)
        self.skill = np.zeros(posts)
        self.experience = np.zeros(posts)
        self.satisfaction = np.full(posts, p.satisfaction_reference)
        self.burnout = np.zeros(posts)
        self.caseload = np.zeros(posts, dtype=np.int64)
        self.proficiency = np.zeros(posts)
        for name in ("direct_share", "direct_hours", "recording_share", "worked", "overtime", "planned",
                     "supervision", "compliance_supervision", "supervision_hours", "enforcement", "compliance"):
            setattr(self, name, np.zeros(posts))
        self.time_factor = np.ones(posts)
        self.assessment_time_factor = np.ones(posts)
        self.recording_done = np.ones(posts)
        self.judgment = np.ones(posts)
        self.pressure = 0.0
        self.recording_needed_per_case = 0.0
        self.agents: list[SocialWorker | None] = [None] * posts
        self.configure(p)
        self.status = 1.0
        self.leavers = 0

        in_post = rng.random(posts) >= p.initial_vacancy_rate
        agency = in_post & (rng.random(posts) < p.initial_agency_share)
        for slot in np.flatnonzero(in_post):
            experience = rng.exponential(p.experience_years_mean_initial)
            self.hire(int(slot), AGENCY if agency[slot] else PERMANENT, experience)

    def configure(self, p) -> None:
        """Take the parameters `p` and the direct hours per case they give (posts and teams stay as built)."""
        self.p = p
        self.hours_by_status = np.zeros(LOOKED_AFTER + 1)
        self.hours_by_status[[CIN, CP, LOOKED_AFTER]] = (p.cin_direct_hours_per_case_week, p.cp_direct_hours_per_case_week,
                                                         p.looked_after_direct_hours_per_case_week)

    def hire(self, slot: int, employment: int, experience: float) -> None:
        """Put a new worker in `slot` (replacing any agency cover), with skill grown from experience."""
        p = self.p
        if self.agents[slot] is not None:
            self.agents[slot].remove()
        growth = p.skill_growth_per_year * (p.skill_growth_unsupervised_share
                                            + (1 - p.skill_growth_unsupervised_share) * p.supervision_reflective_share)
        self.skill[slot] = 1.0 - (1.0 - p.skill_newly_qualified) * np.exp(-growth * experience)
        self.experience[slot] = experience
        self.satisfaction[slot] = self.p.satisfaction_reference
        self.burnout[slot] = 0.0
        self.proficiency[slot] = 0.0
        self.filled[slot] = employment
        self.agents[slot] = SocialWorker(self.model, slot, employment, experience == 0)
        self.model.journey.change_worker_of_slot(slot)

    def vacate(self, slot: int) -> None:
        self.leavers += int(self.filled[slot] == PERMANENT)
        self.filled[slot] = VACANT
        self.agents[slot] = None
        self.caseload[slot] = 0
        self.planned[slot] = 0.0
        self.model.journey.unallocate_slot(slot)

    def in_post(self) -> np.ndarray:
        return self.filled != VACANT

    def step(self, open_cases: np.ndarray) -> None:
        """Time split for the coming week, satisfaction, burnout, skill, leaving, recruitment, status."""
        p, gov = self.p, self.model.governance
        split_week(self.model, open_cases)
        in_post = self.in_post()
        caseloads = self.caseload[in_post]  # small whole numbers: their sum over their count is mean()
        load = float(caseloads.sum() / len(caseloads) / p.caseload_reference - 1.0) if len(caseloads) else 0.0
        self.pressure = max(load, 0.0)
        minus_logit = _strain(self.burnout, self.overtime, self.judgment, self.direct_share, self.caseload,
                              self.supervision, p.burnout_gain_per_overtime_hour, p.burnout_recovery_per_week,
                              p.satisfaction_intercept, p.satisfaction_judgment_weight,
                              p.satisfaction_direct_work_weight, p.satisfaction_caseload_weight, p.caseload_reference,
                              p.satisfaction_supervision_weight, p.satisfaction_blame_weight * gov.blame_stress)
        _grow(np.exp(minus_logit), in_post, self.satisfaction, self.skill, self.experience, self.proficiency,
              self.supervision, p.satisfaction_adaptation_per_week, p.skill_growth_per_year / WEEKS_PER_YEAR,
              p.skill_growth_unsupervised_share, p.evidence_based_method_effect > 0, p.method_learning_weeks)
        self._leave(in_post)
        self._recruit()
        self._update_status()

    def _leave(self, in_post: np.ndarray) -> None:
        p = self.p
        # hazard = base rate * exp(satisfaction weight * (reference - satisfaction) + burnout weight * burnout),
        # times the agency multiplier for agency workers
        exp_part = np.exp(_turnover_exponent(self.satisfaction, self.burnout, p.turnover_satisfaction_weight,
                                             p.satisfaction_reference, p.turnover_burnout_weight))
        leaving = _leaving(exp_part, self.rng.random(self.posts), in_post, self.filled,
                           p.turnover_base_rate_per_year / WEEKS_PER_YEAR, p.agency_turnover_multiplier)
        for slot in leaving:
            self.agents[slot].leave()

    def _recruit(self) -> None:
        p, rng = self.p, self.rng
        open_posts = np.flatnonzero(self.filled != PERMANENT)
        if not len(open_posts):
            return
        rate = min(p.recruitment_rate_per_vacancy_week * self.status ** p.recruitment_status_elasticity, 1.0)
        recruited = open_posts[rng.random(len(open_posts)) < rate]
        self.model.ledger.recruits += len(recruited)
        for slot in recruited:
            newly_qualified = rng.random() < p.newly_qualified_share_of_recruits
            self.hire(int(slot), PERMANENT, 0.0 if newly_qualified else p.experience_years_experienced_recruit)
        vacant = np.flatnonzero(self.filled == VACANT)
        wanted = round(p.agency_cover_share_of_vacancies * len(open_posts)) - int((self.filled == AGENCY).sum())
        if wanted > 0 and len(vacant):
            hires = vacant[rng.random(len(vacant)) < p.agency_hire_rate_per_week][:wanted]
            for slot in hires:
                self.hire(int(slot), AGENCY, p.experience_years_experienced_recruit)

    def _update_status(self) -> None:
        p, model = self.p, self.model
        target = (1.0 + p.status_experience_weight * (self.experience_mean() - p.experience_reference_years)
                  - p.status_anxiety_weight * max(model.public.anxiety, 0.0))
        self.status += p.status_adaptation_per_week * (max(target, 0.0) - self.status)

    def experience_mean(self) -> float:
        in_post = self.filled != VACANT
        experience = self.experience[in_post]
        return float(experience.sum() / len(experience)) if len(experience) else 0.0  # = mean()


@numba.njit(cache=True, nogil=True)
def _strain(burnout, overtime, judgment, direct_share, caseload, supervision, burnout_gain, recovery, intercept,
            judgment_weight, direct_weight, caseload_weight, caseload_reference, supervision_weight, blame):
    """The module's burnout update, in place, and minus each worker's logit of target satisfaction (`blame`: the
    blame weight times the blame stress)."""
    minus_logit = np.empty(len(burnout))
    for w in range(len(burnout)):
        burnout[w] += burnout_gain * overtime[w] * (1.0 - burnout[w]) - recovery * burnout[w]
        minus_logit[w] = -(intercept + judgment_weight * judgment[w] + direct_weight * direct_share[w]
                           - caseload_weight * (caseload[w] / caseload_reference - 1.0)
                           + supervision_weight * supervision[w] - blame)
    return minus_logit


@numba.njit(cache=True, nogil=True)
def _grow(exp_minus_logit, in_post, satisfaction, skill, experience, proficiency, supervision, adaptation, growth,
          unsupervised_share, learning, learning_weeks):
    """In place: satisfaction moves towards its target, 1 / (1 + exp(-logit)); the skill (at `growth` a week, for
    the supervised share), experience and, while an evidence-based method is `learning`, proficiency of the workers
    in post grow."""
    for w in range(len(exp_minus_logit)):
        on = 1.0 if in_post[w] else 0.0
        satisfaction[w] += adaptation * (1.0 / (1.0 + exp_minus_logit[w]) - satisfaction[w])
        supervised = unsupervised_share + (1 - unsupervised_share) * supervision[w]
        skill[w] += growth * (1.0 - skill[w]) * supervised * on
        experience[w] += on / WEEKS_PER_YEAR
        if learning:
            proficiency[w] = min(proficiency[w] + on / learning_weeks, 1.0)


@numba.njit(cache=True, nogil=True)
def _turnover_exponent(satisfaction, burnout, satisfaction_weight, reference, burnout_weight):
    """The exponent of each worker's leaving hazard (Workforce._leave)."""
    out = np.empty(len(satisfaction))
    for w in range(len(satisfaction)):
        out[w] = satisfaction_weight * (reference - satisfaction[w]) + burnout_weight * burnout[w]
    return out


@numba.njit(cache=True, nogil=True)
def _leaving(exp_part, uniforms, in_post, filled, base_rate, agency_multiplier):
    """The workers in post who leave this week: uniform below base_rate * exp_part (times agency_multiplier for
    agency workers)."""
    out = np.empty(len(exp_part), dtype=np.int64)
    k = 0
    for w in range(len(exp_part)):
        hazard = base_rate * exp_part[w] * (agency_multiplier if filled[w] == AGENCY else 1.0)
        if in_post[w] and uniforms[w] < hazard:
            out[k] = w
            k += 1
    return out[:k]
