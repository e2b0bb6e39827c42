"""Running a workshop: every subset of the package's families on the same seeds, then its numbers and findings.

The runs are queued seed by seed (`abm.compare.running.run_scenarios`: every subset's run of the first seed, then
of the second...), so the seeds complete early; `landed(subset_index, seed_index, table)` is called with each
run's table as it lands, and `result_of` the runs of any complete seeds is the workshop of those seeds alone.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from abm.compare.running import run_scenarios
from abm.workshop.analysis import analyse
from abm.workshop.findings import findings
from abm.workshop.planning import Workshop, plan

DEFAULT_SEEDS = 5  # a workshop is 2^k x seeds runs: 320 for the full package at 5 seeds


def result_of(ws: Workshop, weekly: pd.DataFrame) -> dict:
    """The workshop's result with its findings, from `weekly`, the runs of every subset of `ws` on some seeds."""
    result = analyse(ws, weekly)
    result["findings"] = findings(result)
    return result


def run_plan(ws: Workshop, seeds: int | None = None, *, root_seed: int | None = None, workers: int | None = None,
             engine: str = "local", progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None,
             landed: Callable[[int, int, pd.DataFrame], None] | None = None) -> dict:
    """Run every subset of `ws` on common seeds (default: the package's) and return its result with findings."""
    weekly = run_scenarios([s.scenario for s in ws.subsets], seeds, root_seed=root_seed, workers=workers,
                           engine=engine, progress=progress, cancelled=cancelled, landed=landed)
    return result_of(ws, weekly)


def run_workshop(package, seeds: int | None = None, *, workers: int | None = None, engine: str = "local",
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 landed: Callable[[int, int, pd.DataFrame], None] | None = None) -> dict:
    """The cherry-picking analysis of a package scenario: its families, 2^k subsets, effects and findings, on
    `seeds` seeds (default DEFAULT_SEEDS, not the package's own count: the runs multiply by 2^k)."""
    return run_plan(plan(package), DEFAULT_SEEDS if seeds is None else seeds, workers=workers, engine=engine,
                    progress=progress, cancelled=cancelled, landed=landed)
