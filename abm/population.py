"""The vectorised population of households and children.

Households carry deprivation, three parental problems (mental ill-health, domestic
violence, substance misuse) as a bit mask, and sudden escalations of violence. Children
live in households (stored contiguously: household h owns children
`first[h] : first[h] + count[h]`), carry their own vulnerability and disability, the primary need type and its variety (how far
their circumstances depart from the standard family) read when a case opens
(abm/needs.py), the mitigation that help has built, how many child protection plans they
have had, and their journey through children's social care (`status`).

A child's latent risk (a log-hazard, see abm.risk) is `base_risk - mitigation`. The base
risk and an upper bound of the harm hazard (without mitigation) are cached and refreshed
only for children whose circumstances changed. Mitigation is kept lazily: it is
`mitigation_level` while help goes on; from the week help ended (`ebb_from`) the part
above `mitigation_durable` ebbs geometrically, so it is computed only for the children a
process looks at. The weekly
work is proportional to events, not to the population.
"""

from __future__ import annotations

import numba
import numpy as np

from abm.risk import threshold_log_hazard

NONE, EARLY_HELP, ASSESSMENT, CIN, CP, LOOKED_AFTER = range(6)
STATUS_NAMES = ("none", "early help", "assessment", "child in need plan",
                "child protection plan", "looked after")
OPEN = ASSESSMENT  # statuses >= OPEN are open cases of children's social care
PROBLEMS = ("mental_health", "domestic_violence", "substance_misuse")
DV = PROBLEMS.index("domestic_violence")
AGE_OUT_WEEKS = 20 * 52  # the population is 0-19 year olds
NEVER = -(10**6)
ONGOING = 10**9  # ebb_from of a child whose mitigation is not ebbing
EBB_TABLE_WEEKS = 200 * 52  # longer than any run (scenarios allow 150 years)
THINNING_BOUND = 0.002  # weekly hazard above which harm is drawn child by child (speed only; same law)


class Population:
    """State arrays of households and children, and the refresh of their risk."""

    def __init__(self, params, rng: np.random.Generator):
        p = self.p = params
        n = p.children_0_19
        sizes = 1 + rng.poisson(p.children_per_household_mean - 1.0, size=int(n / p.children_per_household_mean) + 16)
        sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
        sizes[-1] -= sizes.sum() - n
        self.n, self.h = n, len(sizes)
        self.count = sizes.astype(np.int32)
        self.first = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int32)
        self.household = np.repeat(np.arange(self.h, dtype=np.int32), sizes)

        a = p.deprivation_mean * p.deprivation_concentration
        b = (1.0 - p.deprivation_mean) * p.deprivation_concentration
        self.deprivation = rng.beta(a, b, self.h)
        gradient = np.log(p.problem_onset_deprivation_rate_ratio)
        self.onset_multiplier = np.exp(gradient * (self.deprivation - self.deprivation.mean()))
        self.problem_weight = np.array([p.risk_weight_mental_health, p.risk_weight_domestic_violence,
                                        p.risk_weight_substance_misuse])
        self.remission = np.array([1.0 / getattr(p, f"{k}_episode_weeks_mean") for k in PROBLEMS])
        prevalence = np.array([getattr(p, f"{k}_prevalence") for k in PROBLEMS])
        self.onset = self.remission * prevalence / np.maximum(1.0 - prevalence, 1e-9)
        stationary = self.onset[None, :] * self.onset_multiplier[:, None]
        stationary = stationary / (stationary + self.remission[None, :])
        active = rng.random((self.h, 3)) < stationary
        self.problems = (active * (1 << np.arange(3))).sum(axis=1).astype(np.uint8)
        self.household_risk = np.zeros(self.h)
        self.update_household_risk(np.arange(self.h))
        self.next_transition = np.empty((self.h, 3), dtype=np.int32)
        self.schedule_transitions(rng, np.arange(self.h * 3), now=0)
        self.escalated_until = np.zeros(self.h, dtype=np.int32)
        self.escalations_ending: dict[int, np.ndarray] = {}
        self.violent_flag = active[:, DV].copy()
        self.violent = np.flatnonzero(self.violent_flag)  # kept with the flags by the community process

        self.birth_week = -rng.integers(0, AGE_OUT_WEEKS, n).astype(np.int32)
        order = np.argsort(self.birth_week, kind="stable")
        weeks, starts = np.unique(self.birth_week[order], return_index=True)
        self.born_in: dict[int, np.ndarray] = dict(zip(weeks.tolist(), np.split(order, starts[1:])))
        self.disabled = np.zeros(n, dtype=bool)
        self.vulnerability = np.zeros(n)
        self.variety = np.zeros(n)
        self.need_type = np.zeros(n, dtype=np.int8)
        self.cp_plans = np.zeros(n, dtype=np.int8)
        self.status = np.zeros(n, dtype=np.int8)
        self.mitigation_level = np.zeros(n)
        self.mitigation_durable = np.zeros(n)
        self.ebb_from = np.full(n, ONGOING, dtype=np.int64)
        self.in_care_order = np.zeros(n, dtype=bool)
        self.in_proceedings = np.zeros(n, dtype=bool)
        self.permanent_home = np.zeros(n, dtype=bool)
        self.last_referral = np.full(n, NEVER, dtype=np.int32)
        self.last_closed = np.full(n, NEVER, dtype=np.int32)
        self.last_turned_away = np.full(n, NEVER, dtype=np.int32)
        self.harm_count = np.zeros(n, dtype=np.int16)
        self.assessments = np.zeros(n, dtype=np.int16)
        self.re_referrals = np.zeros(n, dtype=np.int16)
        self.need_since = np.full(n, NEVER, dtype=np.int32)
        self.mark = np.zeros(n, dtype=bool)  # scratch for `isin`, all False between calls
        self.new_children(rng, np.arange(n))

        self.now = 0
        self.base_risk = np.full(n, -np.inf)  # below every threshold until the first refresh
        self.hazard_bound = np.zeros(n)
        self.high_hazard = np.zeros(n, dtype=bool)
        self.high = np.empty(0, dtype=np.int64)  # the children of high_hazard, kept by `refresh` (in no order)
        self.significant = np.empty(0, dtype=np.int64)  # those with base_risk >= z_significant, likewise
        self.ebb_after = (1.0 - p.mitigation_decay_per_week) ** np.arange(EBB_TABLE_WEEKS, dtype=float)
        self.base = p.harm_hazard_base_per_week
        self.z_need = threshold_log_hazard(p, "early_help_threshold_annual_risk")
        self.z_significant = threshold_log_hazard(p, "significant_harm_annual_risk")
        self.refresh(np.arange(n))

    def new_children(self, rng: np.random.Generator, idx: np.ndarray) -> None:
        """Draw the own characteristics of children `idx` (at the start, or when born)."""
        p = self.p
        k = len(idx)
        _new_children(np.asarray(idx), rng.random(k), rng.normal(0.0, p.child_vulnerability_sd, k), p.disability_share,
                      p.risk_weight_disability, self.disabled, self.vulnerability, self.status, self.variety,
                      self.need_type, self.cp_plans, self.mitigation_level, self.mitigation_durable, self.ebb_from,
                      self.in_care_order, self.in_proceedings, self.permanent_home, self.need_since,
                      self.last_referral, self.last_closed, self.last_turned_away, self.harm_count, self.assessments,
                      self.re_referrals)

    def schedule_transitions(self, rng: np.random.Generator, flat: np.ndarray, now: int) -> None:
        """Draw the week of the next onset or remission of household problems (flat = h*3 + problem)."""
        rate = _transition_rates(flat, self.problems, self.remission, self.onset, self.onset_multiplier)
        self.next_transition.ravel()[flat] = now + rng.geometric(rate)

    def update_household_risk(self, households: np.ndarray) -> None:
        """Log-hazard that households `households` add to their children: deprivation and parental problems."""
        _household_risk(households, self.household_risk, self.problems, self.deprivation,
                        self.p.risk_weight_deprivation, self.problem_weight)

    def isin(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which children of `a` are among the children `b` (as np.isin, in time proportional to their sizes)."""
        if not len(a) or not len(b):
            return np.zeros(len(a), dtype=bool)
        mark = self.mark
        mark[b] = True
        found = mark[a]
        mark[b] = False
        return found

    @staticmethod
    def sorted_unique(a: np.ndarray) -> np.ndarray:
        """np.unique(a) (sorted, each once), cheaper for the small arrays of a week's events."""
        a = np.sort(a)
        return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a

    def children_of(self, households: np.ndarray) -> np.ndarray:
        return _children_of(np.asarray(households), self.first, self.count)

    def age_weeks(self, idx, now: int):
        return now - self.birth_week[idx]

    def risk(self, idx: np.ndarray) -> np.ndarray:
        """Latent risk (log-hazard) of children `idx` this week: base risk less mitigation."""
        return _risk(np.asarray(idx), self.base_risk, self.now, self.ebb_from, self.mitigation_durable,
                     self.mitigation_level, self.ebb_after)

    def settle_mitigation(self, idx: np.ndarray, quality: np.ndarray) -> None:
        """Children `idx` whose status changed this week. Help (re)starts (a status, mitigation ebbing): freeze
        mitigation at its current level. Help of `quality` (per child, of all children) ends (no status, mitigation
        not ebbing, no permanent home): a share of what it built lasts, the rest ebbs from now on,

            durable += help_durability_share * quality * max(level - durable, 0)

        with level the mitigation now; that quality becomes 0."""
        _settle_mitigation(np.asarray(idx), quality, self.status, self.permanent_home, self.now, self.ebb_from,
                           self.mitigation_durable, self.mitigation_level, self.ebb_after, self.p.help_durability_share)

    def refresh(self, idx: np.ndarray) -> None:
        """Recompute base risk and hazard bound of children `idx`, and when their need began; keep the lists of
        children of high hazard and of significant base risk (so that no process scans the population for them)."""
        p = self.p
        idx = np.asarray(idx)
        exponent, significant = _base_risk(idx, self.base_risk, self.vulnerability, self.household_risk,
                                           self.household, self.escalated_until, self.now, p.escalation_risk_weight,
                                           self.z_significant)
        self.high, self.significant = _settle_risk(
            idx, np.exp(exponent), self.status, self.base, p.care_harm_hazard_multiplier, self.hazard_bound,
            self.high_hazard, self.need_since, self.base_risk, self.z_need, self.now, self.ebb_from,
            self.mitigation_durable, self.mitigation_level, self.ebb_after, self.high, self.significant, significant,
            self.z_significant)


@numba.njit(cache=True, nogil=True)
def _new_children(idx, uniforms, normals, disability_share, disability_weight, disabled, vulnerability, status, variety,
                  need_type, cp_plans, level, durable, ebb_from, in_care_order, in_proceedings, permanent_home,
                  need_since, last_referral, last_closed, last_turned_away, harm_count, assessments, re_referrals):
    """Children `idx` start afresh: disabled when their uniform is below disability_share, vulnerability their
    normal plus disability_weight if disabled, and every other state at its value for a child never known."""
    for i in range(len(idx)):
        child = idx[i]
        disabled[child] = uniforms[i] < disability_share
        vulnerability[child] = normals[i] + disability_weight * (1.0 if disabled[child] else 0.0)
        status[child] = NONE
        variety[child] = 0.0
        need_type[child] = 0
        cp_plans[child] = 0
        level[child] = 0.0
        durable[child] = 0.0
        ebb_from[child] = ONGOING
        in_care_order[child] = False
        in_proceedings[child] = False
        permanent_home[child] = False
        need_since[child] = NEVER
        last_referral[child] = NEVER
        last_closed[child] = NEVER
        last_turned_away[child] = NEVER
        harm_count[child] = 0
        assessments[child] = 0
        re_referrals[child] = 0


@numba.njit(cache=True, nogil=True)
def mitigation_of(child, now, ebb_from, durable, level, ebb_after):
    """A child's mitigation in week `now`: durable + (level - durable) * ebb_after[max(now - ebb_from, 0)]."""
    return durable[child] + (level[child] - durable[child]) * ebb_after[max(now - ebb_from[child], 0)]


@numba.njit(cache=True, nogil=True)
def _risk(idx, base_risk, now, ebb_from, durable, level, ebb_after):
    out = np.empty(len(idx))
    for i in range(len(idx)):
        out[i] = base_risk[idx[i]] - mitigation_of(idx[i], now, ebb_from, durable, level, ebb_after)
    return out


@numba.njit(cache=True, nogil=True)
def _settle_mitigation(idx, quality, status, permanent_home, now, ebb_from, durable, level, ebb_after, share):
    """Population.settle_mitigation, reading each child's state before writing any (as numpy's indexing would):
    first the ends of help, then the (re)starts."""
    n = len(idx)
    ending, starting = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    level_now, durable_now, quality_now = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        child = idx[i]
        unhelped = status[child] == NONE
        ebbing = ebb_from[child] != ONGOING
        ending[i] = unhelped and not ebbing and not permanent_home[child]
        starting[i] = not unhelped and ebbing
        if ending[i]:
            level_now[i] = mitigation_of(child, now, ebb_from, durable, level, ebb_after)
            durable_now[i], quality_now[i] = durable[child], quality[child]
    for i in range(n):
        if ending[i]:
            child = idx[i]
            built = level_now[i] - durable_now[i]
            level[child] = level_now[i]
            durable[child] = durable_now[i] + share * quality_now[i] * (0.0 if built < 0 else built)
            ebb_from[child] = now
            quality[child] = 0.0
    for i in range(n):
        if starting[i]:
            level_now[i] = mitigation_of(idx[i], now, ebb_from, durable, level, ebb_after)
    for i in range(n):
        if starting[i]:
            level[idx[i]] = level_now[i]
            ebb_from[idx[i]] = ONGOING


@numba.njit(cache=True, nogil=True)
def _base_risk(idx, base_risk, vulnerability, household_risk, household, escalated_until, now, escalation_weight,
               z_significant):
    """Sets base_risk = vulnerability + household risk + escalation weight while escalated, for children `idx`;
    returns it for them (the exponent of their hazard bound, taken by numpy's exp) and the children whose base
    risk has just reached z_significant."""
    out = np.empty(len(idx))
    reached = np.empty(len(idx), dtype=np.int64)
    k = 0
    for i in range(len(idx)):
        child = idx[i]
        hh = household[child]
        risk = vulnerability[child] + household_risk[hh] + escalation_weight * (escalated_until[hh] > now)
        if risk >= z_significant and not base_risk[child] >= z_significant:
            reached[k] = child
            k += 1
        base_risk[child] = risk
        out[i] = risk
    return out, reached[:k]


@numba.njit(cache=True, nogil=True)
def _settle_risk(idx, exp_risk, status, base, care_multiplier, hazard_bound, high_hazard, need_since, base_risk,
                 z_need, now, ebb_from, durable, level, ebb_after, high, significant, reached, z_significant):
    """For children `idx` (exp_risk = exp(base_risk)): hazard bound min(base exp_risk care, 1), looked-after
    children's times the care multiplier; whether it is high (above THINNING_BOUND); and since when an unhelped
    child has been in need (risk, base less mitigation, at or above z_need), NEVER for the rest. Returns the lists
    `high` and `significant` brought up to date: those still high (of significant base risk), then those that
    have just become so (`reached`, for the significant)."""
    became = np.empty(len(idx), dtype=np.int64)
    k = 0
    for i in range(len(idx)):
        child = idx[i]
        care = care_multiplier if status[child] == LOOKED_AFTER else 1.0
        bound = min(base * exp_risk[i] * care, 1.0)
        hazard_bound[child] = bound
        if bound > THINNING_BOUND and not high_hazard[child]:
            became[k] = child
            k += 1
        high_hazard[child] = bound > THINNING_BOUND
        risk = base_risk[child] - mitigation_of(child, now, ebb_from, durable, level, ebb_after)
        if risk >= z_need and status[child] == NONE:
            if need_since[child] == NEVER:
                need_since[child] = now
        else:
            need_since[child] = NEVER
    return (np.concatenate((high[high_hazard[high]], became[:k])),
            np.concatenate((significant[base_risk[significant] >= z_significant], reached)))


@numba.njit(cache=True, nogil=True)
def _transition_rates(flat, problems, remission, onset, onset_multiplier):
    """Weekly rate of each problem's next transition (flat = h*3 + problem): remission while the household has
    it, else onset times the household's deprivation multiplier; at most 1."""
    rate = np.empty(len(flat))
    for i in range(len(flat)):
        hh, bit = flat[i] // 3, flat[i] % 3
        rate[i] = min(remission[bit] if (problems[hh] >> bit) & 1 else onset[bit] * onset_multiplier[hh], 1.0)
    return rate


@numba.njit(cache=True, nogil=True)
def _household_risk(households, household_risk, problems, deprivation, deprivation_weight, problem_weight):
    """household_risk = deprivation_weight * deprivation + the weights of the problems the household has."""
    for hh in households:
        problem_risk = 0.0
        for bit in range(3):
            problem_risk += ((problems[hh] >> bit) & 1) * problem_weight[bit]
        household_risk[hh] = deprivation_weight * deprivation[hh] + problem_risk


@numba.njit(cache=True, nogil=True)
def _children_of(households, first, count):
    """The children of `households`, household by household (household h owns first[h] : first[h] + count[h])."""
    total = 0
    for hh in households:
        total += count[hh]
    out = np.empty(total, dtype=np.int64)
    k = 0
    for hh in households:
        for child in range(first[hh], first[hh] + count[hh]):
            out[k] = child
            k += 1
    return out
