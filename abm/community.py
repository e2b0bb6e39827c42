"""Community: the first weekly process.

Parental problems start and stop (each household's next transition is drawn ahead, so a
week touches only the households whose transition falls in it); violence suddenly
escalates in some domestic-violence households, unseen; help received builds mitigation
only in families that engage (help is co-produced) and mitigation ebbs once help ends;
children born replace those who turn 20; and harm happens with a hazard rising with true
risk, sometimes serious, rarely fatal, even when practice is good. Serious incidents and
harm soon after a child was turned away or closed are the errors the authority may
review; a death of a known child raises public anxiety.
"""

from __future__ import annotations

import numba
import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.population import AGE_OUT_WEEKS, CIN, DV, EARLY_HELP, NONE, OPEN, THINNING_BOUND, mitigation_of


def community_step(model) -> None:
    pop, p, rng, now = model.population, model.p, model.rngs["community"], model.week
    pop.now = now
    households = np.concatenate([_problem_transitions(pop, rng, now), _escalations(pop, p, rng, now)])
    pop.refresh(np.concatenate([pop.children_of(households), _births(pop, rng, now)]))
    _mitigation(model, pop, p)
    _harm(model, pop, p, rng, now)


def _problem_transitions(pop, rng, now) -> np.ndarray:
    due = np.flatnonzero(pop.next_transition.ravel() == now)
    households, pop.violent = _flip_problems(due, pop.problems, pop.violent_flag, pop.violent)
    pop.update_household_risk(households)
    pop.schedule_transitions(rng, due, now)
    return households


@numba.njit(cache=True, nogil=True)
def _flip_problems(due, problems, violent_flag, violent):
    """The problems `due` (ascending) start or stop (domestic violence flags follow); returns their households and
    the violent households afterwards (`violent`, ascending, with those whose violence started or stopped: as
    np.flatnonzero(violent_flag))."""
    households = due // 3
    toggled = np.empty(len(due), dtype=np.int64)
    flips = 0
    for i in range(len(due)):
        bit = due[i] % 3
        problems[households[i]] ^= np.uint8(1 << bit)
        if bit == DV:
            violent_flag[households[i]] = not violent_flag[households[i]]
            toggled[flips] = households[i]
            flips += 1
    out = np.empty(len(violent) + flips, dtype=np.int64)
    kept = j = 0
    for hh in violent:
        while j < flips and toggled[j] < hh:
            out[kept] = toggled[j]
            kept += 1
            j += 1
        if j < flips and toggled[j] == hh:
            j += 1
        else:
            out[kept] = hh
            kept += 1
    while j < flips:
        out[kept] = toggled[j]
        kept += 1
        j += 1
    return households, out[:kept]


def _escalations(pop, p, rng, now) -> np.ndarray:
    ending = pop.escalations_ending.pop(now, np.empty(0, dtype=np.int64))
    ending = ending[pop.escalated_until[ending] == now]
    starting = pop.violent[rng.random(len(pop.violent)) < p.escalation_rate_per_week]
    pop.escalated_until[starting] = now + p.escalation_weeks
    pop.escalations_ending[now + p.escalation_weeks] = starting
    return np.concatenate([ending, starting])


def _mitigation(model, pop, p) -> None:
    """Help builds protection in engaged families (its ebbing after help is kept lazily by the population).

    target = help_effect_log_hazard * quality * (1 + evidence_based_method_effect * proficiency of the worker)
    level += help_mitigation_rate_per_week * engaged * max(target - level, 0)
    """
    _build_mitigation(model.known, pop.status, model.journey.worker, model.journey.quality, model.journey.engaged,
                      model.workforce.proficiency, pop.mitigation_level, p.help_effect_log_hazard,
                      p.evidence_based_method_effect, p.help_mitigation_rate_per_week)


@numba.njit(cache=True, nogil=True)
def _build_mitigation(known, status, worker, quality, engaged, proficiency, level, effect, method_effect, rate):
    """_mitigation's update for the children in early help or on plans or looked after among `known`."""
    for child in known:
        if status[child] == EARLY_HELP or status[child] >= CIN:
            w = worker[child]
            target = effect * quality[child] * (1 + method_effect * (proficiency[w] if w >= 0 else 0.0))
            level[child] = level[child] + rate * (1.0 if engaged[child] else 0.0) * max(target - level[child], 0.0)


def _births(pop, rng, now) -> np.ndarray:
    """Children who turn 20 leave the population; a newborn takes each one's place in the household."""
    born = pop.born_in.pop(now - AGE_OUT_WEEKS, np.empty(0, dtype=np.int64))
    born = born[pop.birth_week[born] == now - AGE_OUT_WEEKS]
    _newborn(pop, rng, born, now)
    return born


def _newborn(pop, rng, idx: np.ndarray, now: int) -> None:
    pop.birth_week[idx] = now
    pop.born_in[now] = np.concatenate([pop.born_in.get(now, np.empty(0, dtype=np.int64)), idx])
    pop.new_children(rng, idx)


def _harm(model, pop, p, rng, now) -> None:
    """Harm: children whose hazard bound is high are drawn one by one; the rest by thinning at that bound.

    Whether a child is harmed, and how seriously, is decided by the child's own uniforms (abm/crn.py) and by
    thinning draws whose number does not depend on the state, so scenarios on one seed differ in harm only
    where children's hazards differ.
    """
    uniform = model.child_uniforms
    high = pop.high
    high_draws = uniform(high, now, crn.HARM)
    candidates = rng.random(rng.poisson(THINNING_BOUND * pop.n))
    children, draws, minus_mitigation = _harm_draws(
        high, high_draws, candidates, rng.random(len(candidates)), pop.n, pop.high_hazard, now, pop.ebb_from,
        pop.mitigation_durable, pop.mitigation_level, pop.ebb_after)
    harmed = _harmed(children, draws, pop.hazard_bound, np.exp(minus_mitigation))
    if not len(harmed):
        return
    ledger = model.ledger
    pop.harm_count[harmed] += 1
    known, died, counts = _consequences(harmed, uniform(harmed, now, crn.SERIOUS, count=3), pop.status,
                                        pop.last_closed, pop.last_referral, pop.last_turned_away,
                                        now - WEEKS_PER_YEAR, now - p.error_window_weeks, p.serious_harm_share,
                                        p.death_share_of_serious_harm, p.error_review_share)
    ledger.children_harmed += len(harmed)
    (known_count, serious, deaths, recently_known, errors, reviewed, deaths_of_errors) = counts
    ledger.children_harmed_known += known_count
    ledger.serious_incidents += serious
    ledger.child_deaths += deaths
    ledger.children_harmed_recently_known += recently_known
    ledger.errors += errors
    ledger.errors_reviewed += reviewed
    model.management.review_errors(reviewed)
    model.public.local_deaths(deaths_of_errors)
    model.referrers.report_harm(harmed[~known & ~died])
    dead = harmed[died]
    if len(dead):
        model.journey.close(dead[pop.status[dead] != NONE])
        _newborn(pop, model.rngs["population"], dead, now)  # off the community stream: deaths differ by scenario
        pop.refresh(dead)


@numba.njit(cache=True, nogil=True)
def _harm_draws(high, high_draws, candidates, accept, n, high_hazard, now, ebb_from, durable, level, ebb_after):
    """The children who may be harmed this week, their draws and minus their mitigation (for numpy's exp): the
    `high` hazard children with their own uniforms; then the thinning candidates, child int(u * n) for each
    uniform of `candidates`, that are not of high hazard, with their `accept` uniform times THINNING_BOUND."""
    m = len(high)
    children, draws = np.empty(m + len(candidates), dtype=np.int64), np.empty(m + len(candidates))
    children[:m], draws[:m] = high, high_draws
    for i in range(len(candidates)):
        child = np.int64(candidates[i] * n)
        if not high_hazard[child]:
            children[m], draws[m] = child, accept[i] * THINNING_BOUND
            m += 1
    minus_mitigation = np.empty(m)
    for i in range(m):
        minus_mitigation[i] = -mitigation_of(children[i], now, ebb_from, durable, level, ebb_after)
    return children[:m], draws[:m], minus_mitigation


@numba.njit(cache=True, nogil=True)
def _harmed(children, draws, hazard_bound, exp_minus_mitigation):
    """The children harmed (sorted, each once): a draw below the hazard bound times exp(-mitigation)."""
    harmed = np.empty(len(children), dtype=np.int64)
    k = 0
    for i in range(len(children)):
        if draws[i] < hazard_bound[children[i]] * exp_minus_mitigation[i]:
            harmed[k] = children[i]
            k += 1
    harmed = np.sort(harmed[:k])
    distinct = 0
    for i in range(k):
        if i == 0 or harmed[i] != harmed[i - 1]:
            harmed[distinct] = harmed[i]
            distinct += 1
    return harmed[:distinct]


@numba.njit(cache=True, nogil=True)
def _consequences(harmed, draws, status, last_closed, last_referral, last_turned_away, year_ago, window_start,
                  serious_share, death_share, review_share):
    """What the harm to children `harmed` was and what the authority makes of it, from each child's uniforms
    `draws` (rows SERIOUS, DEATH, REVIEW): serious when below serious_share, a death when also below death_share;
    an error when the child was known (an open case) or missed (turned away or closed since `window_start`);
    reviewed when serious and an error, or missed and not serious and below review_share. Returns whether each
    child was known and died, and the counts: known, serious, deaths, harmed within a year of a referral or a
    closure while not known, errors, reviewed, deaths that were errors."""
    n = len(harmed)
    known, died = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    counts = np.zeros(7, dtype=np.int64)
    for i in range(n):
        child = harmed[i]
        known[i] = status[child] >= OPEN
        serious = draws[0, i] < serious_share
        died[i] = serious and draws[1, i] < death_share
        missed = last_turned_away[child] >= window_start or last_closed[child] >= window_start
        error = known[i] or missed
        counts[0] += known[i]
        counts[1] += serious
        counts[2] += died[i]
        counts[3] += not known[i] and (last_closed[child] >= year_ago or last_referral[child] >= year_ago)
        counts[4] += error
        counts[5] += (serious and error) or (not serious and missed and draws[2, i] < review_share)
        counts[6] += died[i] and error
    return known, died, (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6])
