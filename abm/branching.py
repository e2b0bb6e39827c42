"""Branching: a scenario that goes on from a history's saved state instead of its own warm-up.

At the branch, week w of the history (the week holding the branch date, abm/branch_from.py),
`switch` applies this rule:

1. The state carries over whole: children, families, cases, workers, managers, the court,
   public anxiety (what the history's events and local deaths left of it), and every random
   stream mid-sequence: the process generators of abm/seeds.py and Mesa's; the per-child
   uniforms of abm/crn.py are a hash of (seed, child, week, purpose) with the model's week
   counted on, so they continue too.
2. The parameters become the branched scenario's (its constants, its parameter file's, its
   uncertainties drawn for the seed; the history's values of the parameters read only when
   the model is built), through ChildProtectionModel.set_params, as a reform's would.
3. The history's reforms and dated changes stop; the branch's levers ramp, and its dated
   changes apply, from the branch's week 0, on the branch's parameters.
4. The history's events still pending are cancelled; the branch's events apply, their
   weeks counted from the branch.
5. Outcomes are collected afresh: row 0 of the branch's weekly table is week w.

Seeds: seed i of a branched scenario is seed i of the history's replicate seeds (it has the
history's root seed), and the saved state of seed s is the history run with seed s for
`52 * warmup_years + w` weeks (abm/states.py keeps it). So a branched run is, byte for
byte, the continuous run `continuous(scenario, seed)`: the history run to week w, the same
switch, then the branch's weeks, with nothing saved (tests/test_branching.py).
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Callable

from tqdm import tqdm

from abm import states
from abm.calendar import WEEKS_PER_YEAR
from abm.model import ChildProtectionModel
from abm.reforms import ReformSchedule
from abm.run import new_model, scenario_params


def history_model(history, week: int, seed: int) -> ChildProtectionModel:
    """The unbranched `history` run with `seed` through its warm-up and `week` weeks: its state at week `week`."""
    model = new_model(history, seed)
    for _ in range(history.warmup_years * WEEKS_PER_YEAR + week):
        model.step()
    return model


def switch(model: ChildProtectionModel, scenario, seed: int) -> ChildProtectionModel:
    """`model` going on as the branched `scenario` from now (the rule above)."""
    params = scenario_params(scenario, seed)
    model.branch(params, scenario.event_weeks(), ReformSchedule.from_scenario(scenario, params))
    return model


def continuous(scenario, seed: int) -> ChildProtectionModel:
    """The branched `scenario` run with `seed` in one go (history, switch, its years), saving nothing."""
    branch = scenario.branch_from
    model = switch(history_model(branch.history, branch.week, seed), scenario, seed)
    for _ in range(scenario.years * WEEKS_PER_YEAR):
        model.step()
    return model


def saved(branch, seed: int, rebuild: bool = False) -> ChildProtectionModel:
    """The history's state at the branch for `seed`, from the cache (built first if missing or stale)."""
    return states.load(branch, seed, partial(history_model, branch.history, branch.week, seed), rebuild)


def start(scenario, seed: int) -> ChildProtectionModel:
    """The branched `scenario` with `seed` at its week 0: the saved state, switched."""
    return switch(saved(scenario.branch_from, seed), scenario, seed)


def missing(scenarios, seeds: list[int], rebuild: bool = False) -> list[tuple]:
    """The (branch, seed) pairs whose saved states the branched `scenarios` need for `seeds` and the cache lacks
    (all of them with `rebuild`), each once."""
    needed = {(str(s.branch_from), seed): (s.branch_from, seed) for s in scenarios if s.branch_from is not None
              for seed in seeds}
    return [(b, seed) for b, seed in needed.values() if rebuild or not states.ready(b, seed)]


def prepare(scenarios, seeds: list[int], pool, progress: bool = True, rebuild: bool = False,
            built: Callable[[int, int], None] | None = None) -> int:
    """Build, on the engine `pool`, the saved states `missing` lists, with a progress bar (and `built(done, total)`
    called after each state, e.g. for the app's progress line); the number built.

    Raises states.StateError, before building anything, for a state file that is not one this cache wrote.
    """
    todo = missing(scenarios, seeds, rebuild)
    if todo:
        drawn = "" if todo[0][0].history.posterior is None else " (posterior draws: one history per seed's member)"
        with tqdm(total=len(todo), desc=f"saved states {todo[0][0]}{drawn}", unit="state", disable=not progress,
                  file=sys.stderr) as bar:
            for done, _ in enumerate(pool.map(_ensure, [(b, seed, rebuild) for b, seed in todo]), start=1):
                bar.update()
                if built is not None:
                    built(done, len(todo))
    return len(todo)


def _ensure(task: tuple) -> None:
    """A worker's task: make sure the cache holds the state of (branch, seed, rebuild); nothing is sent back."""
    saved(*task)
