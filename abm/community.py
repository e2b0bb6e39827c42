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

import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.population import AGE_OUT_WEEKS, CIN, DV, EARLY_HELP, NONE, OPEN, THINNING_BOUND


def community_step(model) -> None:
    pop, p, rng, now = model.population, model.p, model.rngs["community"], model.week
    pop.now = now
    households = np.concatenate([_problem_transitions(pop, rng, now), _escalations(pop, p, rng, now)])
    pop.refresh(np.concatenate([pop.children_of(households), _births(pop, rng, now)]))
    _mitigation(model, pop, p)
    _harm(model, pop, p, rng, now)


def _problem_transitions(pop, rng, now) -> np.ndarray:
    due = np.flatnonzero(pop.next_transition.ravel() == now)
    households, problem = np.divmod(due, 3)
    for bit in range(3):
        pop.problems[households[problem == bit]] ^= np.uint8(1 << bit)
    flipped = households[problem == DV]
    pop.violent_flag[flipped] = ~pop.violent_flag[flipped]
    pop.update_household_risk(households)
    pop.schedule_transitions(rng, due, now)
    return households


def _escalations(pop, p, rng, now) -> np.ndarray:
    ending = pop.escalations_ending.pop(now, np.empty(0, dtype=np.int64))
    ending = ending[pop.escalated_until[ending] == now]
    pop.violent = np.flatnonzero(pop.violent_flag)
    starting = pop.violent[rng.random(len(pop.violent)) < p.escalation_rate_per_week]
    pop.escalated_until[starting] = now + p.escalation_weeks
    pop.escalations_ending[now + p.escalation_weeks] = starting
    return np.concatenate([ending, starting])


def _mitigation(model, pop, p) -> None:
    """Help builds protection in engaged families (its ebbing after help is kept lazily by the population).

    target = help_effect_log_hazard * quality * (1 + evidence_based_method_effect * proficiency of the worker)
    level += help_mitigation_rate_per_week * engaged * max(target - level, 0)
    """
    journey = model.journey
    status = pop.status[model.known]
    helped = model.known[(status == EARLY_HELP) | (status >= CIN)]
    worker = journey.worker[helped]
    proficiency = np.where(worker >= 0, model.workforce.proficiency[np.maximum(worker, 0)], 0.0)
    target = p.help_effect_log_hazard * journey.quality[helped] * (1 + p.evidence_based_method_effect * proficiency)
    level = pop.mitigation_level[helped]
    pop.mitigation_level[helped] = level + (p.help_mitigation_rate_per_week * journey.engaged[helped]
                                            * np.maximum(target - level, 0.0))


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
    high = np.flatnonzero(pop.high_hazard)
    high = high[uniform(high, now, crn.HARM) < pop.hazard_bound[high] * np.exp(-pop.mitigation(high))]
    candidates = (rng.random(rng.poisson(THINNING_BOUND * pop.n)) * pop.n).astype(np.int64)
    accept = rng.random(len(candidates)) * THINNING_BOUND
    low = ~pop.high_hazard[candidates]
    candidates, accept = candidates[low], accept[low]
    keep = accept < pop.hazard_bound[candidates] * np.exp(-pop.mitigation(candidates))
    harmed = np.unique(np.concatenate([high, candidates[keep]]))
    if not len(harmed):
        return
    ledger = model.ledger
    known = pop.status[harmed] >= OPEN
    ledger.children_harmed += len(harmed)
    ledger.children_harmed_known += int(known.sum())
    pop.harm_count[harmed] += 1
    draws = uniform(harmed, now, crn.SERIOUS, count=3)  # SERIOUS, DEATH, REVIEW
    serious = draws[0] < p.serious_harm_share
    died = serious & (draws[1] < p.death_share_of_serious_harm)
    ledger.serious_incidents += int(serious.sum())
    ledger.child_deaths += int(died.sum())
    year = now - WEEKS_PER_YEAR
    ledger.children_harmed_recently_known += int((~known & ((pop.last_closed[harmed] >= year)
                                                            | (pop.last_referral[harmed] >= year))).sum())
    window = now - p.error_window_weeks
    missed = (pop.last_turned_away[harmed] >= window) | (pop.last_closed[harmed] >= window)
    errors = known | missed
    ledger.errors += int(errors.sum())
    reviewed = (serious & errors) | (~serious & missed & (draws[2] < p.error_review_share))
    ledger.errors_reviewed += int(reviewed.sum())
    model.management.review_errors(int(reviewed.sum()))
    model.public.local_deaths(int((died & errors).sum()))
    model.referrers.report_harm(harmed[~known & ~died])
    dead = harmed[died]
    if len(dead):
        model.journey.close(dead[pop.status[dead] != NONE])
        _newborn(pop, model.rngs["population"], dead, now)  # off the community stream: deaths differ by scenario
        pop.refresh(dead)

