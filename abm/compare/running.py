"""Running several scenarios on the same seeds (common random numbers) as one job.

Every scenario runs with every seed of one list, so a scenario differs from another only
by what it changes: the families, referrals and events each seed draws are the same.
Scenarios can be paired only when they cover the same weeks (the same history and branch
date if they branch, years, warm-up, start date) and name the same root seed (the seeds are
drawn from it), and draw their parameters the same way: all from the calibration posterior (seed
s draws the same member in each: abm/posterior_draws.py) or all on the point fit. Runs the
run cache holds are read from it; the others go to one engine together, after the saved
states they branch from are built (abm/run_cache.py, abm/branching.py). The runs are queued
seed by seed (every scenario's run of the first seed, then of the second...), so complete
pairs land early; `landed(scenario_index, seed_index, table)` is called with each run's
table as it lands (to show results as they come), then `progress(done, total)`;
`cancelled()` is polled between runs: when it returns True the queued runs are dropped, the
engine is shut down and `Cancelled` is raised.
"""

from __future__ import annotations

import contextlib
import os
from typing import Callable, Sequence

import pandas as pd

from abm.engines import ENGINES
from abm.run_cache import run_all
from abm.scenario import RANGES
from abm.seeds import replicate_seeds

PAIRED = ("branch_from", "years", "warmup_years", "start_date")


class CompareError(ValueError):
    """Scenarios or options that cannot be compared, explained in one line."""


class Cancelled(Exception):
    """The caller cancelled the job; nothing was returned."""


def _where(scenario) -> str:
    return scenario.source or f"scenario '{scenario.name}'"


def check_pairable(scenarios: Sequence) -> None:
    """CompareError unless the scenarios have distinct names, cover the same weeks and share a root seed."""
    if not scenarios:
        raise CompareError("no scenarios to compare")
    seen: dict[str, object] = {}
    for s in scenarios:
        if s.name in seen:
            raise CompareError(f"{_where(s)}: scenario.name: '{s.name}' is also the name of {_where(seen[s.name])}; "
                               "scenarios compared together need distinct names")
        seen[s.name] = s
    first = scenarios[0]
    for s in scenarios[1:]:
        for key in PAIRED:
            if _setting(s, key) != _setting(first, key):
                raise CompareError(
                    f"{_where(s)}: scenario.{key}: {_shown(s, key)} differs from {_shown(first, key)} in "
                    f"{_where(first)}; runs can be paired seed by seed only over the same weeks, so "
                    f"{', '.join(PAIRED)} must agree")
        if s.posterior != first.posterior:
            raise CompareError(
                f"{_where(s)}: runs on {_source(s)} but {_where(first)} on {_source(first)}; paired runs draw "
                "their parameters the same way (the calibration posterior, or --point for the single fit)")
        if s.root_seed != first.root_seed:
            raise CompareError(
                f"{_where(s)}: scenario.root_seed: {s.root_seed} differs from {first.root_seed} in {_where(first)}; "
                "every scenario runs on the seeds drawn from one root_seed (common random numbers), so the "
                "files' root_seed must agree")


def _setting(scenario, key: str):
    """A setting as pairing compares it: a branch by its name, date and history's content (not where it was read)."""
    value = getattr(scenario, key)
    if key == "branch_from" and value is not None:
        return str(value), value.history.model_dump(exclude={"source"})
    return value


def _source(scenario) -> str:
    return "the single calibrated fit" if scenario.posterior is None else f"the posterior {scenario.posterior}"


def _shown(scenario, key: str) -> str:
    value = getattr(scenario, key)
    return f"{value} (history {value.history.source})" if key == "branch_from" and value is not None else str(value)


def check_seeds(seeds: int) -> None:
    """CompareError unless `seeds` is in the allowed range of a scenario's seeds."""
    low, high = RANGES["seeds"]
    if not low <= seeds <= high:
        raise CompareError(f"--seeds: {seeds} is out of range: allowed {low:,} to {high:,}")


def run_scenarios(scenarios: Sequence, seeds: int | None = None, *, root_seed: int | None = None,
                  workers: int | None = None, engine: str = "local",
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  landed: Callable[[int, int, pd.DataFrame], None] | None = None) -> pd.DataFrame:
    """The weekly tables of every scenario on the same seeds, stacked (scenario by scenario, seed by seed)."""
    scenarios = list(scenarios)
    check_pairable(scenarios)
    first = scenarios[0]
    n = first.seeds if seeds is None else seeds
    check_seeds(n)
    if engine not in ENGINES:
        raise CompareError(f"unknown engine '{engine}' (allowed: {', '.join(ENGINES)})")
    if workers is not None and workers < 1:
        raise CompareError(f"--workers: {workers} is out of range: allowed 1 or more")
    seed_list = replicate_seeds(first.root_seed if root_seed is None else root_seed, n)
    queue = [(i, k) for k in range(n) for i in range(len(scenarios))]  # seed by seed
    jobs = [(scenarios[i], seed_list[k]) for i, k in queue]
    tables: list[pd.DataFrame | None] = [None] * len(jobs)
    if cancelled is not None and cancelled():
        raise Cancelled("cancelled before the first run")

    def make_engine(runs: int):
        return ENGINES[engine](min(workers or os.cpu_count() or 1, runs))

    with contextlib.closing(run_all(jobs, make_engine, states_progress=progress is not None)) as runs:
        for done, (j, table) in enumerate(runs, start=1):
            i, k = queue[j]
            tables[i * n + k] = table
            if landed is not None:
                landed(i, k, table)
            if progress is not None:
                progress(done, len(jobs))
            if cancelled is not None and cancelled():
                raise Cancelled(f"cancelled after {done} of {len(jobs)} runs")
    return pd.concat(tables, ignore_index=True)
