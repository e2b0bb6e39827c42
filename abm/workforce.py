"""The social-work workforce: posts, time, satisfaction, skill, turnover and recruitment.

The authority funds a number of posts (slots), grouped into teams. A slot is vacant, held
by a permanent worker or covered by an agency worker. Each person in post is a
`SocialWorker` Mesa agent; their numeric state (skill, experience, satisfaction, burnout,
caseload, time split) is held in the `Workforce` arrays indexed by slot so that the
weekly rules run vectorised over all workers, while leaving and joining are the agents'
own discrete acts.
"""

from __future__ import annotations

import heapq

import mesa
import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.population import ASSESSMENT, CIN, CP, LOOKED_AFTER

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
        self.time_factor = np.ones(posts)
        self.direct_share = np.zeros(posts)
        self.direct_hours = np.zeros(posts)
        self.supervision = np.zeros(posts)
        self.judgment = np.ones(posts)
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
        self.filled[slot] = employment
        self.agents[slot] = SocialWorker(self.model, slot, employment, experience == 0)
        self.model.journey.change_worker_of_slot(slot)

    def vacate(self, slot: int) -> None:
        self.leavers += int(self.filled[slot] == PERMANENT)
        self.filled[slot] = VACANT
        self.agents[slot] = None
        self.caseload[slot] = 0
        self.model.journey.unallocate_slot(slot)

    def release(self, workers: np.ndarray) -> None:
        self.caseload -= np.bincount(workers[workers >= 0], minlength=self.posts)

    def allocate(self, cases: np.ndarray) -> None:
        """Managers allocate each unallocated case to the least-loaded worker in post."""
        in_post = np.flatnonzero(self.filled != VACANT)
        if not len(cases) or not len(in_post):
            return
        heap = list(zip(self.caseload[in_post].tolist(), in_post.tolist()))
        heapq.heapify(heap)
        chosen = np.empty(len(cases), dtype=np.int32)
        for i in range(len(cases)):
            load, slot = heapq.heappop(heap)
            chosen[i] = slot
            heapq.heappush(heap, (load + 1, slot))
        self.caseload += np.bincount(chosen, minlength=self.posts)
        self.model.journey.assign(cases, chosen)

    def hours_needed(self, idx: np.ndarray) -> np.ndarray:
        """Direct hours per week each open case asks of its worker."""
        journey, status = self.model.journey, self.model.population.status[idx]
        needed = self.hours_by_status[status]
        assessing = status == ASSESSMENT
        cases = idx[assessing]
        needed[assessing] = journey.hours_rate[cases]
        return needed

    def step(self, open_cases: np.ndarray) -> None:
        """Time split for the coming week, satisfaction, burnout, skill, leaving, recruitment, status."""
        p, model, gov = self.p, self.model, self.model.governance
        worker = model.journey.worker[open_cases]
        allocated = worker >= 0
        demand = np.bincount(worker[allocated], weights=self.hours_needed(open_cases[allocated]),
                             minlength=self.posts)
        overhead = (p.fixed_compliance_hours_per_week * gov.enforcement
                    + p.inspection_preparation_hours_per_week * p.inspection_announced * p.inspection_process_focus
                    + p.recording_hours_per_case_week * self.caseload
                    * (p.recording_floor_share + (1 - p.recording_floor_share) * gov.compliance))
        available = np.maximum(p.weekly_hours - overhead, 0.0)
        overtime = np.clip(demand - available, 0.0, p.overtime_share_max * p.weekly_hours)
        direct = np.minimum(demand, available + overtime)
        self.time_factor = np.where(demand > 0, direct / np.maximum(demand, 1e-9), 1.0)
        worked = np.minimum(overhead, p.weekly_hours) + direct
        self.direct_hours = direct
        self.direct_share = direct / np.maximum(worked, p.weekly_hours)
        in_post = self.filled != VACANT

        overload = np.maximum(worked - p.weekly_hours, 0.0)
        self.burnout += (p.burnout_gain_per_overload_hour * overload * (1.0 - self.burnout)
                         - p.burnout_recovery_per_week * self.burnout)
        logit = (p.satisfaction_intercept + p.satisfaction_judgment_weight * self.judgment
                 + p.satisfaction_direct_work_weight * self.direct_share
                 - p.satisfaction_caseload_weight * (self.caseload / p.caseload_reference - 1.0)
                 + p.satisfaction_supervision_weight * self.supervision
                 - p.satisfaction_blame_weight * gov.blame_stress)
        target = 1.0 / (1.0 + np.exp(-logit))
        self.satisfaction += p.satisfaction_adaptation_per_week * (target - self.satisfaction)
        supervised = p.skill_growth_unsupervised_share + (1 - p.skill_growth_unsupervised_share) * self.supervision
        self.skill += p.skill_growth_per_year / WEEKS_PER_YEAR * (1.0 - self.skill) * supervised * in_post
        self.experience += in_post / WEEKS_PER_YEAR
        self._leave(in_post)
        self._recruit()
        self._update_status()

    def _leave(self, in_post: np.ndarray) -> None:
        p = self.p
        hazard = (p.turnover_base_rate_per_year / WEEKS_PER_YEAR
                  * np.exp(p.turnover_satisfaction_weight * (p.satisfaction_reference - self.satisfaction)
                           + p.turnover_burnout_weight * self.burnout)
                  * np.where(self.filled == AGENCY, p.agency_turnover_multiplier, 1.0))
        leaving = np.flatnonzero(in_post & (self.rng.random(self.posts) < hazard))
        for slot in leaving:
            self.agents[slot].leave()

    def _recruit(self) -> None:
        p, rng = self.p, self.rng
        open_posts = np.flatnonzero(self.filled != PERMANENT)
        if not len(open_posts):
            return
        rate = min(p.recruitment_rate_per_vacancy_week * self.status ** p.recruitment_status_elasticity, 1.0)
        for slot in open_posts[rng.random(len(open_posts)) < rate]:
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
        return float(self.experience[in_post].mean()) if in_post.any() else 0.0

    def help_quality(self, slots: np.ndarray) -> np.ndarray:
        """The worker-side part of help quality: skill and the direct time the worker can give."""
        p = self.p
        skill = self.skill[slots]
        return (p.help_quality_unskilled + (1 - p.help_quality_unskilled) * skill) * self.time_factor[slots]
