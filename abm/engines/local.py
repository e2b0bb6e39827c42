"""The local engine: replicate runs on this machine's cores, in workers that never outlive it."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 0.5


def cores() -> int:
    """The number of cores this machine offers (at least 1)."""
    return os.cpu_count() or 1


def usable_workers(asked: int) -> tuple[int, str | None]:
    """`asked` capped at the cores, and a note saying so when it was capped; ValueError if below 1."""
    if asked < 1:
        raise ValueError(f"--workers: {asked} is out of range: allowed 1 or more (at most the {cores()} cores "
                         "are used)")
    if asked > cores():
        return cores(), f"--workers {asked}: this machine has {cores()} cores; using {cores()} workers"
    return asked, None


def die_with_parent(parent: int) -> None:
    """A worker's initializer: end this process when `parent` ends, however it ends.

    On Linux the kernel sends SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); everywhere
    a watchdog thread also checks every half second that the parent is still this process's
    parent, and exits if not (also covering a parent that died before the prctl call).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="cpsim-parent-watchdog", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def _sigint_held():
    """Hold back Ctrl-C (SIGINT) in this thread while workers start: they inherit the blocked signal, so a
    Ctrl-C reaches only this process (delivered when the block ends), which then stops them."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class LocalEngine:
    """Runs tasks in a pool of worker processes, or in this process when `workers` is 1.

    Workers are started with "spawn": each is a fresh interpreter that imports what it
    needs, so it inherits no thread state from the parent. Forking a process whose numpy
    (OpenBLAS/OpenMP) or tqdm threads are running can copy a lock held by a thread that
    does not exist in the child and hang it; spawn cannot, behaves the same on Linux,
    macOS and Windows, and costs only a second or so of imports per worker. A run is a
    pure function of (scenario, seed), so where it executes cannot change its result.

    Workers die with this process however it ends (`die_with_parent`), ignore Ctrl-C (this
    process handles it) and are stopped at once when the engine is left with an error or an
    interrupt, so that no worker (nor multiprocessing's resource tracker, which ends when they
    do) is left behind.
    """

    def __init__(self, workers: int | None = None):
        if workers is None:
            workers = cores()
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalEngine":
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=die_with_parent, initargs=(os.getpid(),))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            if exc_type is not None:
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn, items):
        """Yield (index, fn(item)) for each item, in completion order."""
        if self._pool is None:
            for i, item in enumerate(items):
                yield i, fn(item)
            return
        with _sigint_held():  # the workers start as the tasks are submitted
            futures = {self._pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            yield futures[future], future.result()
