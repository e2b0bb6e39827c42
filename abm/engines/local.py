"""The local engine: replicate runs on this machine's cores."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed


class LocalEngine:
    """Runs tasks in a pool of worker processes, or in this process when `workers` is 1.

    Workers are started with "spawn": each is a fresh interpreter that imports what it
    needs, so it inherits no thread state from the parent. Forking a process whose numpy
    (OpenBLAS/OpenMP) or tqdm threads are running can copy a lock held by a thread that
    does not exist in the child and hang it; spawn cannot, behaves the same on Linux,
    macOS and Windows, and costs only a second or so of imports per worker. A run is a
    pure function of (scenario, seed), so where it executes cannot change its result.
    """

    def __init__(self, workers: int | None = None):
        if workers is None:
            workers = os.cpu_count() or 1
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalEngine":
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc_type is None, cancel_futures=True)
            self._pool = None

    def map(self, fn, items):
        """Yield (index, fn(item)) for each item, in completion order."""
        if self._pool is None:
            for i, item in enumerate(items):
                yield i, fn(item)
            return
        futures = {self._pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            yield futures[future], future.result()
