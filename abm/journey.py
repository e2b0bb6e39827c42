"""The child's journey: case state per child and every change of status.

Every move of a child between statuses goes through `Journey`, so the counts the
outcomes read (referrals, assessments, plans, care, weeks from first need to first help)
are recorded in one place. Case arrays are per child and meaningful while the case is
open: the allocated worker (-1 while unallocated) and since when the case has waited for
one, when that worker took the case, the one-off task hours (strategy discussions,
conferences) waiting for the worker, the current stage's start, due time (in weeks, with
fractions: timescales are in working days) and direct hours, whether a section 47
enquiry is under way, whether the family engages, the first and the last estimate of
risk and the quality of help received this week.

Decisions on finished assessments and plan reviews, and the week's endings of help, are
queued and applied together once help has been given (`apply_queued`). Children whose
status changed are collected and `settle` refreshes them once at the end of the week:
their cached hazard bound (looked-after children are safer), when their need began, and
whether their mitigation ebbs (no help) or holds (help). Early help has a fixed number of
places; children offered it when the places are full wait, first come first served, until
a place frees or `early_help_wait_limit_weeks` pass.
"""

from __future__ import annotations

import numba
import numpy as np

from abm import crn
from abm.population import ASSESSMENT, CIN, CP, EARLY_HELP, LOOKED_AFTER, NEVER, NONE
from abm.waiting import join
from abm.workforce import AGENCY

INITIAL, CORE, SINGLE = range(3)
WORKING_DAYS_PER_WEEK = 5.0


class Journey:
    """Case arrays and status transitions of children known to children's services."""

    def __init__(self, model):
        self.model = model
        self.pop = pop = model.population
        n = pop.n
        self.worker = np.full(n, -1, dtype=np.int32)
        self.worker_since = np.zeros(n, dtype=np.int32)
        self.waiting_since = np.zeros(n, dtype=np.int32)
        self.stage_start = np.zeros(n, dtype=np.int32)
        self.due = np.zeros(n)
        self.hours_done = np.zeros(n)
        self.hours_needed = np.zeros(n)
        self.hours_rate = np.zeros(n)
        self.recording_rate = np.zeros(n)
        self.recorded = np.zeros(n)
        self.recording_needed = np.zeros(n)
        self.task_hours = np.zeros(n)
        self.kind = np.zeros(n, dtype=np.int8)
        self.section47 = np.zeros(n, dtype=bool)
        self.next_review = np.zeros(n, dtype=np.int32)
        self.engaged = np.zeros(n, dtype=bool)
        self.quality = np.zeros(n)
        self.estimate = np.zeros(n)
        self.first_estimate = np.zeros(n)
        self.changed: list[np.ndarray] = []
        self.queued_care: list[np.ndarray] = []
        self.queued_plans: list[tuple[np.ndarray, np.ndarray]] = []
        self.queued_closes: list[np.ndarray] = []
        self.early_help_queue = np.empty(0, dtype=np.int64)
        self.early_help_queued_since = np.empty(0, dtype=np.int64)
        self.configure(model.p)

    def configure(self, p) -> None:
        """Take the parameters `p` and the early-help capacity and timescales (in weeks) they give."""
        self.p = p
        self.early_help_places = round(p.early_help_places_per_10k_children * self.pop.n / 1e4)
        self.timescale_weeks = {
            INITIAL: p.initial_assessment_timescale_working_days / WORKING_DAYS_PER_WEEK,
            CORE: p.core_assessment_timescale_working_days / WORKING_DAYS_PER_WEEK,
            SINGLE: p.single_assessment_timescale_working_days / WORKING_DAYS_PER_WEEK}
        self.single_nominal_weeks = p.single_assessment_nominal_working_days / WORKING_DAYS_PER_WEEK

    def helped(self) -> np.ndarray:
        """Children in early help or an open case."""
        return np.flatnonzero(self.pop.status >= EARLY_HELP)

    def _record_help_start(self, idx: np.ndarray) -> None:
        ledger = self.model.ledger
        starts, weeks = _help_starts(np.asarray(idx), self.pop.need_since, self.model.week)
        ledger.help_starts += starts
        ledger.weeks_to_help_total += float(weeks)

    def _engage(self, idx: np.ndarray, quality: np.ndarray) -> None:
        """Whether each family engages: its uniform below the chance, engagement_base_probability +
        engagement_quality_weight * (quality - engagement_reference_quality), within [0, 1]."""
        p = self.p
        _engage(np.asarray(idx), self.model.child_uniforms(idx, self.model.week, crn.ENGAGE), quality,
                p.engagement_base_probability, p.engagement_quality_weight, p.engagement_reference_quality,
                self.engaged)

    def refer(self, idx: np.ndarray) -> None:
        now, pop, ledger = self.model.week, self.pop, self.model.ledger
        ledger.referrals += len(idx)
        ledger.re_referrals += _refer(np.asarray(idx), pop.last_referral, pop.re_referrals, now,
                                      now - self.p.re_referral_window_weeks)

    def start_assessment(self, idx: np.ndarray, section47: np.ndarray | bool = False) -> None:
        """Open cases for assessment (unallocated until a manager allocates them), reading each child's need."""
        p, pop = self.p, self.pop
        self.model.needs.read(idx)
        self.model.early_help_open -= _open_cases(np.asarray(idx), pop.status, pop.assessments, self.quality,
                                                  self.worker, self.waiting_since, self.section47, self.model.week)
        self.changed.append(idx)
        if p.assessment_timescales_prescribed:
            self._stage(idx, INITIAL, p.initial_assessment_direct_hours, p.initial_assessment_recording_hours)
            self.model.ledger.initial_assessments += len(idx)
        else:
            self._stage(idx, SINGLE, p.single_assessment_direct_hours, p.single_assessment_recording_hours)
            self.model.ledger.single_assessments += len(idx)
            self.start_section47(idx[section47] if np.ndim(section47) else (idx if section47 else idx[:0]))

    def start_core(self, idx: np.ndarray) -> None:
        p = self.p
        self._stage(idx, CORE, p.core_assessment_direct_hours, p.core_assessment_recording_hours, begins=1)
        self.model.ledger.core_assessments += len(idx)

    def start_section47(self, idx: np.ndarray) -> None:
        """Begin section 47 enquiries: a strategy discussion for the worker, and joint direct work added to the
        assessment under way (for a child on a plan, a task of that many hours)."""
        if not len(idx):
            return
        p = self.p
        self.model.ledger.section47_enquiries += _start_section47(
            np.asarray(idx), self.section47, self.pop.status, self.kind, self.task_hours, self.hours_needed,
            self.hours_rate, self.spread_weeks(np.arange(3)), p.section47_task_hours, p.section47_direct_hours)

    def spread_weeks(self, kind: np.ndarray) -> np.ndarray:
        """Each stage's timescale in weeks, or a single assessment's nominal length when it has none."""
        single = self.timescale_weeks[SINGLE] or self.single_nominal_weeks
        return np.array([self.timescale_weeks[INITIAL], self.timescale_weeks[CORE], single])[kind]

    def _stage(self, idx, kind, hours, recording, begins: int = 0) -> None:
        """Start an assessment stage: the hours this child's assessment needs vary around the standard direct
        and recording hours (one log-normal complexity factor for both, mean 1); the worker plans the standard
        hours evenly over the stage's timescale (or nominal length) and learns the rest as the work goes
        (abm.pace). A stage decided on after this week's assessment work (a core assessment) `begins` next week."""
        now, sd = self.model.week + begins, self.p.assessment_complexity_sd
        timescale = self.timescale_weeks[kind]
        spread = self.spread_weeks(np.array([kind]))[0]
        complexity = np.exp(sd * self.model.child_uniforms.normal(idx, now, crn.COMPLEXITY) - sd * sd / 2)
        _start_stage(np.asarray(idx), complexity, kind, now, now + timescale if timescale > 0 else np.inf, hours,
                     hours / spread, recording, recording / spread, self.kind, self.stage_start, self.due,
                     self.hours_done, self.hours_needed, self.hours_rate, self.recorded, self.recording_needed,
                     self.recording_rate)

    def start_plan(self, idx: np.ndarray, status: np.ndarray | int) -> None:
        """Put children on child-in-need (CIN) or child protection (CP) plans, `status` per child."""
        status = np.asarray(status) if np.ndim(status) else np.full(len(idx), status)
        fresh = self.pop.status[idx] != status
        idx, status = idx[fresh], status[fresh]
        if not len(idx):
            return
        p, pop, ledger = self.p, self.pop, self.model.ledger
        before = pop.status[idx]
        self._record_help_start(idx[before == ASSESSMENT])
        new_help = idx[(before == ASSESSMENT) | (before == LOOKED_AFTER)]
        self._engage(new_help, self.quality_of(new_help))
        # an enquiry ends with the plan (a later step-up needs a new one)
        protections, repeats = _start_plans(idx, status, pop.status, pop.cp_plans, self.section47, self.next_review,
                                            self.model.week, p.cp_first_review_weeks, p.cin_review_weeks)
        ledger.cin_starts += len(idx) - protections
        ledger.cp_starts += protections
        ledger.repeat_cp_starts += repeats
        self.changed.append(idx)

    def quality_of(self, idx: np.ndarray) -> np.ndarray:
        return self.quality_and_continuity(idx)[0]

    def quality_and_continuity(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Quality of help (0-1) and continuity of worker (0-1) of children `idx`; both 0 while unallocated.

        Quality: the worker's skill, the direct hours delivered, continuity, local knowledge (agency workers have
        less) and fit to the child's need type (requisite variety). Per worker: skill part (unskilled + (1 -
        unskilled) * skill) * time dose * local knowledge, where the time dose has diminishing returns,
        (1 - exp(-k f)) / (1 - exp(-k)), f the worker's time factor; per child, that times continuity times fit,
        fit = 1 - variety * variety_quality_penalty * (1 - judgment * skill). Continuity rises from the floor after
        a change of worker to 1 over continuity_weeks_to_full."""
        p, wf = self.p, self.model.workforce
        k = p.direct_work_dose_curvature
        dose = np.expm1(-k * wf.time_factor) / np.expm1(-k)
        return _quality(np.asarray(idx), self.worker, self.worker_since, self.model.week, wf.skill, dose, wf.filled,
                        wf.judgment, self.pop.variety, p.help_quality_unskilled, p.agency_local_knowledge_quality,
                        p.variety_quality_penalty, p.change_of_worker_quality_floor, p.continuity_weeks_to_full)

    def assign(self, idx: np.ndarray, slots: np.ndarray) -> None:
        ledger, now = self.model.ledger, self.model.week
        ledger.allocations += len(idx)
        ledger.allocation_wait_weeks += float((now - self.waiting_since[idx]).sum())
        self.worker[idx] = slots
        self.worker_since[idx] = now

    def change_worker_of_slot(self, slot: int) -> None:
        self.worker_since[self.worker == slot] = self.model.week

    def unallocate_slot(self, slot: int) -> None:
        cases = np.flatnonzero(self.worker == slot)
        self.worker[cases] = -1
        self.waiting_since[cases] = self.model.week

    def take_into_care(self, idx: np.ndarray) -> None:
        """Accommodate children; for a share of them the authority applies for a care order."""
        if not len(idx):
            return
        pop, ledger = self.pop, self.model.ledger
        idx, assessed = _entering_care(np.asarray(idx), pop.status)
        self._record_help_start(assessed)
        self._engage(idx, self.quality_of(idx))
        ledger.looked_after_starts += len(idx)
        _accommodate(idx, pop.status, pop.in_care_order, self.next_review, self.model.week + self.p.cin_review_weeks)
        self.changed.append(idx)
        apply = idx[self.model.child_uniforms(idx, self.model.week, crn.APPLY) < self.application_share()]
        self.model.court.apply(apply)

    def application_share(self) -> float:
        """The chance that a child entering care comes with a care application: its log-odds rise with anxiety."""
        p = self.p
        base = min(max(p.care_application_share, 1e-9), 1 - 1e-9)
        log_odds = np.log(base / (1 - base)) + p.care_application_anxiety_sensitivity * self.model.public.anxiety
        return float(1.0 / (1.0 + np.exp(-log_odds)))

    def return_home(self, idx: np.ndarray) -> None:
        """Looked-after children go home on a child-in-need plan (the court made no care order)."""
        idx = idx[self.pop.status[idx] == LOOKED_AFTER]
        self.model.ledger.looked_after_ends += len(idx)
        self.start_plan(idx, CIN)

    def offer_early_help(self, idx: np.ndarray) -> None:
        """Offer early help to `idx` (once each, in the order offered): a place now if one is free, else a wait."""
        now, p = self.model.week, self.p
        queue, since, _ = join(np.asarray(idx, dtype=np.int64), self.early_help_queue, self.early_help_queued_since,
                               self.pop.status, NONE, now, now - p.early_help_wait_limit_weeks, self.pop.mark)
        free = max(self.early_help_places - self.model.early_help_open, 0)
        self._start_early_help(queue[:free])
        self.early_help_queue, self.early_help_queued_since = queue[free:], since[free:]

    def _start_early_help(self, idx: np.ndarray) -> None:
        if not len(idx):
            return
        pop = self.pop
        self._record_help_start(idx)
        self.model.early_help_open += len(idx)
        self.model.ledger.early_help_starts += len(idx)
        pop.status[idx] = EARLY_HELP
        self.changed.append(idx)
        self.stage_start[idx] = self.model.week
        self._engage(idx, np.full(len(idx), self.p.early_help_quality))

    def close(self, idx: np.ndarray) -> None:
        """Close cases (no further action, plan ended, return home, left care, early help ended)."""
        if not len(idx):
            return
        pop, model = self.pop, self.model
        early_help, looked_after, pending = _close(
            np.asarray(idx), pop.status, self.worker, self.section47, self.task_hours, pop.in_care_order,
            pop.last_closed, pop.in_proceedings, model.workforce.caseload, model.week)
        model.early_help_open -= early_help
        model.ledger.looked_after_ends += looked_after
        if len(pending):
            model.court.withdraw(pending)
        self.changed.append(idx)

    def queue_care(self, idx: np.ndarray) -> None:
        self.queued_care.append(idx)

    def queue_plan(self, idx: np.ndarray, status: np.ndarray) -> None:
        self.queued_plans.append((idx, status))

    def queue_close(self, idx: np.ndarray, turned_away: bool = False) -> None:
        if turned_away:
            self.pop.last_turned_away[idx] = self.model.week
        self.queued_closes.append(idx)

    def apply_queued(self) -> None:
        """Apply the week's queued decisions: closures first, then care and plans for the rest."""
        pop = self.pop
        closing = (pop.sorted_unique(np.concatenate(self.queued_closes)) if self.queued_closes
                   else np.empty(0, dtype=np.int64))
        self.close(closing[pop.status[closing] != NONE])
        if self.queued_care:
            care = np.concatenate(self.queued_care)
            self.take_into_care(care[~pop.isin(care, closing)])
        if self.queued_plans:
            idx = np.concatenate([i for i, _ in self.queued_plans])
            status = np.concatenate([s for _, s in self.queued_plans])
            keep = ~pop.isin(idx, closing)
            self.start_plan(idx[keep], status[keep])
        self.queued_care.clear()
        self.queued_plans.clear()
        self.queued_closes.clear()

    def settle(self) -> None:
        """Refresh, once a week, the children whose status changed during it."""
        if not self.changed:
            return
        pop = self.pop
        idx = np.concatenate(self.changed)
        self.changed.clear()
        pop.settle_mitigation(idx, self.quality)
        pop.refresh(idx)

    def turn_away(self, idx: np.ndarray) -> None:
        """No further action at the front door (early help, if any, goes on)."""
        self.pop.last_turned_away[idx] = self.model.week


@numba.njit(cache=True, nogil=True)
def _start_stage(idx, complexity, kind, start, due, hours, hours_rate, recording, recording_rate, kinds, stage_start,
                 dues, hours_done, hours_needed, hours_rates, recorded, recording_needed, recording_rates):
    """Journey._stage's arrays for children `idx`: the stage, its start and due time, nothing done yet, the hours
    and recording needed (the standard ones times each child's `complexity`) and their planned rates."""
    for i in range(len(idx)):
        child = idx[i]
        kinds[child] = kind
        stage_start[child] = start
        dues[child] = due
        hours_done[child] = 0.0
        hours_needed[child] = hours * complexity[i]
        hours_rates[child] = hours_rate
        recorded[child] = 0.0
        recording_needed[child] = recording * complexity[i]
        recording_rates[child] = recording_rate


@numba.njit(cache=True, nogil=True)
def _start_plans(idx, status, statuses, cp_plans, section47, next_review, week, cp_first_review, cin_review):
    """Children `idx` start plans of `status`: a protection plan adds to their count of plans (at most 100), no
    enquiry goes on, the first review falls due. Reads every child's state before writing any (as numpy's
    indexing would). Returns the number of protection plans and of those that are repeats."""
    n = len(idx)
    plans = np.empty(n, dtype=np.int64)
    protections = repeats = 0
    for i in range(n):
        plans[i] = cp_plans[idx[i]]
        if status[i] == CP:
            protections += 1
            repeats += plans[i] > 0
    for i in range(n):
        child = idx[i]
        protect = status[i] == CP
        if protect:
            cp_plans[child] = min(plans[i] + 1, 100)
        statuses[child] = status[i]
        section47[child] = False
        next_review[child] = week + (cp_first_review if protect else cin_review)
    return protections, repeats


@numba.njit(cache=True, nogil=True)
def _engage(idx, uniforms, quality, base, weight, reference, engaged):
    """Journey._engage per child (its chance clipped to [0, 1])."""
    for i in range(len(idx)):
        chance = base + weight * (quality[i] - reference)
        engaged[idx[i]] = uniforms[i] < min(max(chance, 0.0), 1.0)


@numba.njit(cache=True, nogil=True)
def _close(idx, status, worker, section47, task_hours, in_care_order, last_closed, in_proceedings, caseload, week):
    """Close the cases of children `idx`, reading each child's state before writing any (as numpy's indexing
    would): their workers' caseloads fall, and no worker, enquiry, task, status, care order or proceedings
    remain; closed in `week`. Returns how many were in early help and looked after, and those in proceedings."""
    n = len(idx)
    early_help = looked_after = 0
    pending = np.empty(n, dtype=np.int64)
    in_court = 0
    for i in range(n):
        child = idx[i]
        early_help += status[child] == EARLY_HELP
        looked_after += status[child] == LOOKED_AFTER
        if worker[child] >= 0:
            caseload[worker[child]] -= 1
        if in_proceedings[child]:
            pending[in_court] = child
            in_court += 1
    for i in range(n):
        child = idx[i]
        in_proceedings[child] = False
        worker[child] = -1
        section47[child] = False
        task_hours[child] = 0.0
        status[child] = NONE
        in_care_order[child] = False
        last_closed[child] = week
    return early_help, looked_after, pending[:in_court]


@numba.njit(cache=True, nogil=True)
def _refer(idx, last_referral, re_referrals, week, window_start):
    """Children `idx` are referred in `week`: a re-referral when the last was at or after window_start (counted on
    the child once, as numpy's indexing would). Returns the number of re-referrals."""
    n = len(idx)
    again = np.empty(n, dtype=np.bool_)
    counts = np.empty(n, dtype=re_referrals.dtype)
    for i in range(n):
        again[i] = last_referral[idx[i]] >= window_start
        counts[i] = re_referrals[idx[i]] + again[i]
    for i in range(n):
        re_referrals[idx[i]] = counts[i]
        last_referral[idx[i]] = week
    return again.sum()


@numba.njit(cache=True, nogil=True)
def _open_cases(idx, status, assessments, quality, worker, waiting_since, section47, week):
    """Children `idx` open cases for assessment in `week`, unallocated, with no quality of help or enquiry yet, and
    one more assessment each (counted once, as numpy's indexing would). Returns how many were in early help."""
    n = len(idx)
    early_help = 0
    counts = np.empty(n, dtype=assessments.dtype)
    for i in range(n):
        early_help += status[idx[i]] == EARLY_HELP
        counts[i] = assessments[idx[i]] + 1
    for i in range(n):
        child = idx[i]
        status[child] = ASSESSMENT
        quality[child] = 0.0
        assessments[child] = counts[i]
        worker[child] = -1
        waiting_since[child] = week
        section47[child] = False
    return early_help


@numba.njit(cache=True, nogil=True)
def _start_section47(idx, section47, status, kind, task_hours, hours_needed, hours_rate, spread, task, direct):
    """Journey.start_section47 for those of children `idx` without an enquiry under way, step by step as numpy's
    indexing would (each step reads before it writes, a child once): the enquiry starts with `task` hours; an
    assessment needs `direct` more hours, spread over its stage's weeks; a plan gets them as a task. Returns the
    number of enquiries started."""
    n = len(idx)
    fresh = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if not section47[idx[i]]:
            fresh[m] = idx[i]
            m += 1
    fresh = fresh[:m]
    added = np.empty(m)
    for i in range(m):
        added[i] = task_hours[fresh[i]] + task
    for i in range(m):
        section47[fresh[i]] = True
        task_hours[fresh[i]] = added[i]
    needed, rate = np.empty(m), np.empty(m)
    for i in range(m):
        child = fresh[i]
        if status[child] == ASSESSMENT:
            needed[i] = hours_needed[child] + direct
            rate[i] = hours_rate[child] + direct / spread[kind[child]]
    for i in range(m):
        child = fresh[i]
        if status[child] == ASSESSMENT:
            hours_needed[child], hours_rate[child] = needed[i], rate[i]
    for i in range(m):
        if status[fresh[i]] != ASSESSMENT:
            added[i] = task_hours[fresh[i]] + direct
    for i in range(m):
        if status[fresh[i]] != ASSESSMENT:
            task_hours[fresh[i]] = added[i]
    return m


@numba.njit(cache=True, nogil=True)
def _entering_care(idx, status):
    """Those of children `idx` not looked after already, and those of them being assessed."""
    entering, assessed = np.empty(len(idx), dtype=np.int64), np.empty(len(idx), dtype=np.int64)
    e = a = 0
    for child in idx:
        if status[child] != LOOKED_AFTER:
            entering[e] = child
            e += 1
            if status[child] == ASSESSMENT:
                assessed[a] = child
                a += 1
    return entering[:e], assessed[:a]


@numba.njit(cache=True, nogil=True)
def _accommodate(idx, status, in_care_order, next_review, review_week):
    """Children `idx` become looked after, without a care order yet, their first review in `review_week`."""
    for child in idx:
        status[child] = LOOKED_AFTER
        in_care_order[child] = False
        next_review[child] = review_week


@numba.njit(cache=True, nogil=True)
def _quality(idx, worker, worker_since, week, skill, dose, filled, judgment, variety, unskilled, agency_knowledge,
             penalty, floor, weeks_to_full):
    """Journey.quality_and_continuity per child, from each worker's skill, time dose, employment and judgment."""
    quality, continuity = np.zeros(len(idx)), np.zeros(len(idx))
    for i in range(len(idx)):
        child = idx[i]
        w = worker[child]
        if w >= 0:
            local = agency_knowledge if filled[w] == AGENCY else 1.0
            worker_part = (unskilled + (1 - unskilled) * skill[w]) * dose[w] * local
            continuity[i] = floor + (1 - floor) * min((week - worker_since[child]) / weeks_to_full, 1.0)
            fit = 1.0 - variety[child] * penalty * (1.0 - judgment[w] * skill[w])
            quality[i] = worker_part * continuity[i] * fit
    return quality, continuity


@numba.njit(cache=True, nogil=True)
def _help_starts(idx, need_since, week):
    """How many of the children `idx` starting help had been in need, and their weeks from need to help; then none
    of them is in need any more (need_since NEVER)."""
    starts = weeks = 0
    for child in idx:
        if need_since[child] != NEVER:
            starts += 1
            weeks += week - need_since[child]
    for child in idx:
        need_since[child] = NEVER
    return starts, weeks
