"""The run cache: a finished run's weekly table, kept under a key of everything that decides it.

A run is a pure function of (scenario, seed) (abm/run.py), so a table computed once can be
read back instead of run again. The entries live in the cache folder of abm/states.py:

    runs/KK/KEY.run     one run: a signed file (abm/signed.py) whose header is the key and whose
                        payload is the weekly table (without its scenario-name column) in Arrow's
                        file format (Feather, LZ4-compressed: read 4x faster than Parquet)

KEY is the SHA-256 of the key's JSON; the key is: the format; a SHA-256 of the scenario's
content (its run settings, constants, uncertainties, levers and events; not its name,
description, replicate count, parameter-file path or where it was read, which decide
nothing in a run); the seed; under the calibration posterior, the parameter values of the
seed's member (abm/posterior_draws.py); for a branched scenario, the key of the saved state
it starts from (abm/states.py: its history's content, branch date and week); and the code
version (cpsim's source files and the versions of Python, numpy, numba and mesa). Two
scenarios that differ only in name share their runs; the table read back carries the
asking scenario's name.

`get` returns the entry's table, or None when there is none. An entry whose signature fails
(damaged, truncated, changed) or whose header is not the key asked for is deleted, with a
note on stderr, and None is returned, so the run is computed again. `put` writes atomically
(a temporary file renamed into place). A hit refreshes the entry's modification time, and
after a `put` the least recently used entries are deleted until the runs take at most the
limit: $CPSIM_CACHE_LIMIT_MB megabytes (default LIMIT_MB). $CPSIM_RUN_CACHE=off turns the
run cache off (the test suite does, so that its determinism tests run every run).

`run_all` is how `cpsim run`, `compare`, `workshop`, `sweep` and the app run: it yields the
cached tables first, then starts an engine only for the runs missing (building the saved
states they need first) and stores each table as it lands.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pandas as pd
from pyarrow import feather

from abm import signed, states
from abm.branching import prepare
from abm.posterior_draws import member_constants
from abm.run import run

FORMAT = 1
LIMIT_MB = 2000
SUFFIX = ".run"
UNKEYED = {"name", "description", "seeds", "parameters", "source", "branch_from"}


def enabled() -> bool:
    """False when $CPSIM_RUN_CACHE is "off" (or "0", "no", "false")."""
    return os.environ.get("CPSIM_RUN_CACHE", "on").strip().lower() not in {"off", "0", "no", "false"}


def limit_bytes() -> int:
    """The runs' size limit from $CPSIM_CACHE_LIMIT_MB (StateError naming it if it is not a positive number)."""
    raw = os.environ.get("CPSIM_CACHE_LIMIT_MB", str(LIMIT_MB))
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not mb > 0:
        raise states.StateError(f"CPSIM_CACHE_LIMIT_MB: {raw!r} is not allowed: give the run cache's size limit in "
                         "megabytes, a number above 0")
    return int(mb * 1_000_000)


def run_key(scenario, seed: int) -> dict:
    """Everything that decides the run of `scenario` with `seed` (the module docstring)."""
    content = scenario.model_dump(mode="json", exclude=UNKEYED)
    member = member_constants(scenario, seed)
    branch = scenario.branch_from
    return {"format": FORMAT, "scenario": hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest(),
            "seed": seed, **({"member": member} if member else {}),
            **({"branch": {k: v for k, v in states.state_key(branch, seed).items() if k != "code"}}
               if branch is not None else {}),
            "code": states.code_version()}


class RunCache:
    """The run entries of the cache folder `folder` (default: abm.states.cache_folder()), at most `limit` bytes."""

    def __init__(self, folder: Path | None = None, limit: int | None = None):
        self.folder = (folder or states.cache_folder()) / "runs"
        self.limit = limit_bytes() if limit is None else limit
        self._sizes: dict[Path, int] | None = None

    def path(self, key: dict) -> Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}{SUFFIX}"

    def get(self, scenario, seed: int) -> pd.DataFrame | None:
        key = run_key(scenario, seed)
        path = self.path(key)
        try:
            header, payload = signed.read(path, self._secret())
            if header != key:
                raise signed.SignatureError("its key is not the one its name says")
            table = feather.read_feather(io.BytesIO(payload))
        except FileNotFoundError:
            return None
        except Exception as e:  # any damage at all: the entry is dropped and the run computed again
            print(f"note: run cache entry {path} is damaged ({e}); deleting it and running again", file=sys.stderr)
            self._drop(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        table.insert(0, "scenario", scenario.name)
        return table

    def put(self, scenario, seed: int, table: pd.DataFrame) -> None:
        key = run_key(scenario, seed)
        path = self.path(key)
        buffer = io.BytesIO()
        feather.write_feather(table.drop(columns="scenario"), buffer, compression="lz4")
        with self._io(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            signed.write(path, self._secret(), key, buffer.getvalue())
        sizes = self.sizes()
        sizes[path] = path.stat().st_size
        self._evict(sizes)

    def sizes(self) -> dict[Path, int]:
        """Every entry's size in bytes, oldest use first (read once, then kept up to date by this object)."""
        if self._sizes is None:
            found = []
            for path in self.folder.glob(f"??/*{SUFFIX}"):
                with contextlib.suppress(OSError):
                    info = path.stat()
                    found.append((info.st_mtime, path, info.st_size))
            self._sizes = {path: size for _, path, size in sorted(found)}
        return self._sizes

    def clear(self) -> int:
        """Delete every entry (only files this cache names); the number deleted."""
        entries = list(self.sizes())
        for path in entries:
            self._drop(path)
        for sub in self.folder.glob("??"):
            with contextlib.suppress(OSError):
                sub.rmdir()  # only if empty
        return len(entries)

    def _evict(self, sizes: dict[Path, int]) -> None:
        total = sum(sizes.values())
        for path in list(sizes):
            if total <= self.limit:
                break
            total -= sizes[path]
            self._drop(path)

    def _drop(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()
        if self._sizes is not None:
            self._sizes.pop(path, None)

    def _secret(self) -> bytes:
        with self._io(self.folder.parent / signed.KEY_FILE):
            return signed.secret(self.folder.parent)

    @staticmethod
    @contextlib.contextmanager
    def _io(path: Path):
        try:
            yield
        except OSError as e:
            raise states.StateError(f"{path}: cannot use the run cache ({e.strerror or e}); set CPSIM_CACHE to a "
                                    "folder you can write, or CPSIM_RUN_CACHE=off") from None


def run_job(job: tuple) -> pd.DataFrame:
    """A worker's task: the weekly table of one (scenario, seed) run."""
    scenario, seed = job
    return run(scenario, seed)


def run_all(jobs: Sequence[tuple], make_engine: Callable[[int], object], *, fn: Callable[[tuple], object] = run_job,
            states_progress: bool = True, cache: RunCache | bool = True) -> Iterator[tuple[int, object]]:
    """Yield (i, fn(jobs[i])) for every (scenario, seed) job: the cached tables first, then the others as they land.

    `make_engine(n)` gives the (unstarted) engine for n runs; it is started only if a run is missing. The saved
    states the missing runs branch from are built first (abm/branching.py, a progress bar if `states_progress`).
    `fn` runs a job in a worker (default: the run's weekly table); what it returns is stored only if it is a
    table. `cache`: True for the cache folder's (none when the run cache is off), False for none, or a RunCache.
    Close the generator (or use contextlib.closing) to stop early: the engine then stops its workers. The cache
    is opened at once (a bad $CPSIM_CACHE_LIMIT_MB raises StateError here, before anything runs).
    """
    if cache is True:
        cache = RunCache() if enabled() else False
    return _runs(jobs, make_engine, fn, states_progress, cache)


def _runs(jobs, make_engine, fn, states_progress, cache) -> Iterator[tuple[int, object]]:
    missing = []
    for i, (scenario, seed) in enumerate(jobs):
        table = cache.get(scenario, seed) if cache else None
        if table is None:
            missing.append(i)
        else:
            yield i, table
    if not missing:
        return
    todo = [jobs[i] for i in missing]
    with make_engine(len(todo)) as pool:
        scenarios = list({id(s): s for s, _ in todo}.values())
        prepare(scenarios, sorted({seed for _, seed in todo}), pool, states_progress)
        for k, result in pool.map(fn, todo):
            if cache and isinstance(result, pd.DataFrame):
                cache.put(*todo[k], result)
            yield missing[k], result
