"""Running a workshop: every subset of the package's families on the same seeds, then its numbers and findings."""

from __future__ import annotations

from typing import Callable

import pandas as pd

from abm.compare.running import run_scenarios
from abm.workshop.analysis import analyse
from abm.workshop.findings import findings
from abm.workshop.planning import Workshop, plan

DEFAULT_SEEDS = 5  # a workshop is 2^k x seeds runs: 320 for the full package at 5 seeds


def run_plan(ws: Workshop, seeds: int | None = None, *, root_seed: int | None = None, workers: int | None = None,
             engine: str = "local", progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None,
             landed: Callable[[int, int, pd.DataFrame], None] | None = None) -> dict:
    """Run every subset of `ws` on common seeds (default: the package's) and return its result with findings;
    `landed` as in run_scenarios (subsets in `ws.subsets` order)."""
    weekly = run_scenarios([s.scenario for s in ws.subsets], seeds, root_seed=root_seed, workers=workers,
                           engine=engine, progress=progress, cancelled=cancelled, landed=landed)
    result = analyse(ws, weekly)
    result["findings"] = findings(result)
    return result


def run_workshop(package, seeds: int | None = None, *, workers: int | None = None, engine: str = "local",
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> dict:
    """The cherry-picking analysis of a package scenario: its families, 2^k subsets, effects and findings, on
    `seeds` seeds (default DEFAULT_SEEDS, not the package's own count: the runs multiply by 2^k)."""
    return run_plan(plan(package), DEFAULT_SEEDS if seeds is None else seeds, workers=workers, engine=engine,
                    progress=progress, cancelled=cancelled)
