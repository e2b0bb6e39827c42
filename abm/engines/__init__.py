"""Engines: where the replicate runs of a scenario execute.

An engine is a context manager class built from a number of workers: entering starts
its workers, leaving stops them (also on error or interrupt), and `map(fn, items)`
yields `(index, fn(item))` pairs in whatever order the runs finish. `run_replicates`
puts the results back in the order of the seeds, so the engine never changes the
answer. Besides the local process pool there are Dask (`abm.engines.dask`) and Ray
(`abm.engines.ray`) engines, which take the same `workers` and also an `address` of a
cluster; they import dask or ray only when started, so the base install works without
them. An engine that cannot start raises `EngineError`.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterable, Iterator, Protocol

import pandas as pd
from tqdm import tqdm

from abm.engines.dask import DaskEngine
from abm.engines.errors import EngineError
from abm.engines.local import LocalEngine
from abm.engines.ray import RayEngine
from abm.run_cache import run_all


class Engine(Protocol):
    def __init__(self, workers: int | None = None): ...

    def __enter__(self) -> "Engine": ...

    def __exit__(self, exc_type, exc, tb) -> None: ...

    def map(self, fn: Callable, items: Iterable) -> Iterator[tuple[int, object]]: ...


ENGINES: dict[str, type[Engine]] = {"local": LocalEngine, "dask": DaskEngine, "ray": RayEngine}
__all__ = ["ENGINES", "Engine", "EngineError", "run_replicates"]


def run_replicates(scenario, seeds: list[int], engine: str = "local", workers: int | None = None,
                   progress: bool = True) -> pd.DataFrame:
    """The weekly tables of `run(scenario, seed)` for each seed, stacked in the order of `seeds`: from the run cache
    where it has them, else run (the saved states a branched scenario needs are built first, with their own
    progress bar; abm/run_cache.py)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(sorted(ENGINES))}")
    if not seeds:
        raise ValueError("run_replicates needs at least one seed")
    tables: list[pd.DataFrame | None] = [None] * len(seeds)
    jobs = [(scenario, seed) for seed in seeds]
    with (contextlib.closing(run_all(jobs, lambda n: ENGINES[engine](workers), states_progress=progress)) as runs,
          tqdm(total=len(seeds), desc=scenario.name, unit="run", disable=not progress, file=sys.stderr) as bar):
        for i, table in runs:
            tables[i] = table
            bar.update()
    return pd.concat(tables, ignore_index=True)
