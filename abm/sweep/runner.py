"""Running a sweep: every (design point, replicate) once, each finished run saved at once.

A run is keyed by (point, replicate) and its seed comes from the sweep's root seed and
that key alone (`run_seed`), so a run gives the same table whichever engine, worker count
or order runs it. `run_sweep` opens the results folder (abm.sweep.store), skips the runs
already finished there (resume), hands the others to an engine and writes each result
the moment it comes back: a table, or a failure record with the error and seed (a run
that raises does not stop the sweep). A progress bar on stderr shows runs done of the
total and the rate.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from tqdm import tqdm

from abm.engines import ENGINES
from abm.engines import dask as dask_engine
from abm.engines import ray as ray_engine
from abm.parameters import PARAMETERS, check_value
from abm.run import run
from abm.run_cache import run_all
from abm.scenario import Lever, Scenario
from abm.sweep.design import Design
from abm.sweep.spec import Sweep
from abm.sweep.store import SweepFolder, SweepStoreError, manifest


REQUIRE = {"dask": dask_engine.require, "ray": ray_engine.require}


def run_seed(root_seed: int, point: int, replicate: int) -> int:
    """The seed of one run: SeedSequence([root_seed, point, replicate]) as one 63-bit integer."""
    state = np.random.SeedSequence([root_seed, point, replicate]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def point_scenario(base: Scenario, values: dict) -> Scenario:
    """`base` with one design point's values: parameters as constants, levers switched on when true."""
    constants, levers = {}, list(base.levers)
    for name, value in values.items():
        if name in PARAMETERS:
            constants[name] = check_value(name, value)
        elif value:
            levers.append(Lever(reform=name))
    return base.with_constants(constants).model_copy(update={"levers": tuple(levers)})


@dataclass(frozen=True)
class Task:
    """One run of a sweep: its key, its seed, the scenario of its point and the outcomes to keep."""

    point: int
    replicate: int
    seed: int
    scenario: Scenario
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class Failure:
    """A run that raised: the error in one line and its traceback."""

    error: str
    traceback: str


@dataclass(frozen=True)
class Report:
    """What a call of `run_sweep` did: runs in the sweep, finished before it, finished and failed in it."""

    out: Path
    total: int
    earlier: int
    finished: int
    failed: int

    @property
    def done(self) -> int:
        return self.earlier + self.finished


def attempt(job: tuple, fn: Callable[[Scenario, int], pd.DataFrame] = run) -> pd.DataFrame | Failure:
    """A worker's task: the weekly table of `fn(*job)` (abm.run.run unless a test injects another), or its Failure."""
    try:
        return fn(*job)
    except Exception as e:
        return Failure(f"{type(e).__name__}: {e}", traceback.format_exc())


def as_saved(task: Task, weekly: pd.DataFrame) -> pd.DataFrame:
    """The table a sweep saves of a run: its key columns and the outcomes it keeps."""
    rows = len(weekly)
    keys = pd.DataFrame({"point": np.full(rows, task.point, np.int64),
                         "replicate": np.full(rows, task.replicate, np.int64),
                         "seed": np.full(rows, task.seed, np.uint64)})
    kept = weekly.loc[:, ["week", "year", "year_label", *task.outcomes]].reset_index(drop=True)
    return pd.concat([keys, kept], axis=1)


def tasks(sweep: Sweep, design: Design) -> list[Task]:
    """Every run of the sweep, point by point, replicate by replicate."""
    out = []
    for point in range(design.points):
        scenario = point_scenario(sweep.base, design.values(point))
        for replicate in range(sweep.replicates):
            out.append(Task(point, replicate, run_seed(sweep.root_seed, point, replicate), scenario, sweep.outcomes))
    return out


def check_engine(name: str, workers: int | None = None, address: str | None = None,
                 dashboard: bool = False) -> None:
    """Check an engine and its options before anything is written.

    Raises ValueError naming the command-line option for an engine or options that cannot
    work, or EngineError if the engine's optional package is not installed.
    """
    if name not in ENGINES:
        raise ValueError(f"--engine: unknown engine '{name}' (allowed: {', '.join(ENGINES)})")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers: {workers} is out of range: allowed 1 or more")
    if address is not None and name == "local":
        raise ValueError("--address: the local engine runs on this machine; an address is for --engine dask or ray")
    if address is not None and workers is not None:
        raise ValueError("--workers: a cluster at --address has its own workers; give one or the other")
    if dashboard and (name != "dask" or address is not None):
        raise ValueError("--dashboard: only a local Dask cluster (--engine dask without --address) has one to start")
    if dashboard and importlib.util.find_spec("bokeh") is None:
        raise ValueError("--dashboard: the Dask dashboard needs bokeh: install with pip install bokeh")
    if name in REQUIRE:
        REQUIRE[name]()


def make_engine(name: str, workers: int | None, address: str | None, dashboard: bool, runs: int):
    """The engine `name` (not yet started); the local one gets `workers` or one per core, at most `runs`."""
    if name == "local":
        return ENGINES[name](workers or min(os.cpu_count() or 1, runs))
    if name == "dask":
        return ENGINES[name](workers, address=address, dashboard=dashboard)
    return ENGINES[name](workers, address=address)


def run_sweep(sweep: Sweep, design: Design, out_dir, *, engine: str = "local", workers: int | None = None,
              address: str | None = None, dashboard: bool = False, resume: bool = False, progress: bool = True,
              fn: Callable[[Scenario, int], pd.DataFrame] = run) -> Report:
    """Run every unfinished run of `sweep` on `engine`, saving each in `out_dir` as it finishes.

    Raises, before running anything: ValueError or EngineError for an engine or option
    that cannot work (`check_engine`); SweepStoreError if `out_dir` holds another sweep, or
    holds this one and `resume` is false. EngineError if the engine cannot start. With the
    local engine, `workers` defaults to one per core, at most one per run to do. `fn`
    replaces abm.run.run (tests inject failures with it).
    """
    check_engine(engine, workers, address, dashboard)
    all_tasks = tasks(sweep, design)
    with SweepFolder.open(out_dir, manifest(sweep, design), design.table, resume) as folder:
        if folder.damaged and progress:
            print(f"note: running again {len(folder.damaged)} runs whose files were damaged (first: "
                  f"{folder.damaged[0]})", file=sys.stderr)
        todo = [t for t in all_tasks if (t.point, t.replicate) not in folder.finished]
        earlier, finished, failed = len(all_tasks) - len(todo), 0, 0
        if todo:
            jobs = [(t.scenario, t.seed) for t in todo]
            runs = run_all(jobs, partial(make_engine, engine, workers, address, dashboard), fn=partial(attempt, fn=fn),
                           states_progress=progress, cache=fn is run)
            with contextlib.closing(runs), tqdm(total=len(all_tasks), initial=earlier, desc=sweep.name, unit="run",
                                                file=sys.stderr, disable=not progress, dynamic_ncols=True) as bar:
                for i, result in runs:
                    try:
                        failed += _save(folder, todo[i], result)
                    except OSError as e:
                        raise SweepStoreError(folder.out, f"cannot save a finished run: {e.strerror or e}; the "
                                                          f"{len(folder.finished)} runs finished so far are saved "
                                                          "here: continue with --resume once it can be written"
                                              ) from None
                    finished = len(folder.finished) - earlier
                    bar.set_postfix(failed=failed, refresh=False)
                    bar.update()
        return Report(Path(out_dir), len(all_tasks), earlier, finished, failed)


def _save(folder: SweepFolder, task: Task, result: pd.DataFrame | Failure) -> int:
    """Save one run's table or failure record in `folder`; 1 if it failed, else 0."""
    if isinstance(result, Failure):
        folder.write_failure(task.point, task.replicate, task.seed, result.error, result.traceback)
        return 1
    folder.write_run(task.point, task.replicate, as_saved(task, result))
    return 0
