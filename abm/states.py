"""The cache of saved states: a history's model at a branch date, one signed file per seed.

The cache folder is `$CPSIM_CACHE` if set, else `.cache/cpsim/` in the project folder (the
folder holding abm/; git ignores `.cache/`):

    secret.key                               the cache's signing key (abm/signed.py; mode 0600)
    states/HISTORY@DATE/seed-SEED.state      the pickled model, signed
    states/HISTORY@DATE/seed-SEED.lock       held by the process that checks or builds that state
    states/HISTORY@DATE+posterior/...        the same under the calibration posterior (abm/posterior_draws.py)

A state's key, in its signed header, is: the format; the history's name and a SHA-256 of
its content (the loaded scenario: its run settings but its replicate count, constants
including its parameter file's, uncertainties, levers, events; not its description); under
the posterior, the parameter values of the seed's member; the branch date and week; the seed; and the code version
(cpsim's version, a SHA-256 of every .py file under abm/, and the versions of Python,
numpy, numba and mesa). `load`, holding the state's lock (fcntl.flock), returns

    the file's model     if its signature holds and its key is the one wanted;
    a new build          if there is no file, or its key differs (stale: a note on stderr
                         says what changed), or `rebuild` is asked for;
    StateError           if its signature fails (corrupt, changed, or not written by this
                         cache): the file is never unpickled; it is rebuilt only on request
                         (`cpsim states SCENARIO --rebuild`) or once deleted.

A build writes the file atomically (temporary file, then rename), so processes that do
not share working locks (machines sharing the folder) still never see half a file, and the
model returned is always the one unpickled from the file's bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import pickle
import platform
import sys
from pathlib import Path
from typing import Callable

import abm
from abm import signed

FORMAT = 1
SOURCE = Path(abm.__file__).resolve().parent
PROJECT = SOURCE.parent


class StateError(ValueError):
    """A saved state that cannot be used, in one line naming its file and what to do."""


def cache_folder() -> Path:
    """The cache folder: $CPSIM_CACHE, else .cache/cpsim in the project folder."""
    return Path(os.environ.get("CPSIM_CACHE") or PROJECT / ".cache" / "cpsim")


def state_file(branch, seed: int) -> Path:
    """The file of the saved state of `branch` (an abm.scenario.Branch) for `seed`."""
    folder = str(branch) if branch.history.posterior is None else f"{branch}+posterior"
    return cache_folder() / "states" / folder / f"seed-{seed}.state"


@functools.cache
def code_version() -> dict:
    """cpsim's version, a SHA-256 of its source files and the versions of what a saved state's pickle holds."""
    import mesa  # here, so that the command line can import StateError without loading these
    import numba
    import numpy as np

    digest = hashlib.sha256()
    for path in sorted(SOURCE.rglob("*.py")):
        digest.update(path.relative_to(SOURCE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {"cpsim": abm.__version__, "source": digest.hexdigest(), "python": platform.python_version(),
            "numpy": np.__version__, "numba": numba.__version__, "mesa": mesa.__version__}


def state_key(branch, seed: int) -> dict:
    """What a saved state depends on; a state whose header differs is stale."""
    from abm.posterior_draws import member_constants

    content = branch.history.model_dump(mode="json", exclude={"source", "description", "seeds"})
    member = member_constants(branch.history, seed)
    return {"format": FORMAT, "history": branch.history.name,
            "scenario": hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest(),
            **({"member": member} if member else {}),
            "date": branch.date.isoformat(), "week": branch.week, "seed": seed, "code": code_version()}


def saved_files() -> list[Path]:
    """Every saved state file in the cache folder."""
    return sorted((cache_folder() / "states").glob("*/seed-*.state"))


def clear() -> int:
    """Delete every saved state (and its lock file; a history's folder once empty); the number deleted."""
    found = saved_files()
    for path in found:
        with _cache_io(path):
            path.unlink(missing_ok=True)
            path.with_suffix(".lock").unlink(missing_ok=True)
    for folder in {path.parent for path in found}:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty
    return len(found)


def ready(branch, seed: int) -> bool:
    """True if the cache holds the state of `branch` for `seed` with the wanted key; StateError if its file is bad."""
    path = state_file(branch, seed)
    return path.exists() and _read(path)[0] == state_key(branch, seed)


def load(branch, seed: int, build: Callable[[], object], rebuild: bool = False):
    """The saved model of `branch` for `seed`, from its file, or from `build()` (saved first) when missing, stale,
    or `rebuild` is asked for; StateError for a file whose signature fails (unless rebuilding)."""
    path = state_file(branch, seed)
    key = state_key(branch, seed)
    with _locked(path):
        if path.exists() and not rebuild:
            header, payload = _read(path)
            if header == key:
                return pickle.loads(payload)
            changed = sorted(name for name in key if header.get(name) != key[name])
            print(f"note: saved state {path} is stale ({', '.join(changed)} changed); rebuilding it", file=sys.stderr)
        payload = pickle.dumps(build(), protocol=pickle.HIGHEST_PROTOCOL)
        with _cache_io(path):
            signed.write(path, _secret(), key, payload)
        return pickle.loads(payload)


def _secret() -> bytes:
    try:
        with _cache_io(cache_folder() / signed.KEY_FILE):
            return signed.secret(cache_folder())
    except signed.SignatureError as e:
        raise StateError(str(e)) from None


def _read(path: Path) -> tuple[dict, memoryview]:
    try:
        with _cache_io(path):
            return signed.read(path, _secret())
    except signed.SignatureError as e:
        raise StateError(f"{path}: refused, not loaded: {e}. Only a state file this cache signed is loaded; "
                         "rebuild it with `cpsim states SCENARIO --rebuild` (SCENARIO: a scenario that branches "
                         "from it) or delete it") from None


@contextlib.contextmanager
def _cache_io(path: Path):
    """StateError, naming `path`, for a cache folder or file that cannot be read or written."""
    try:
        yield
    except OSError as e:
        raise StateError(f"{path}: cannot use the cache of saved states ({e.strerror or e}); set CPSIM_CACHE to a "
                         "folder you can write") from None


@contextlib.contextmanager
def _locked(path: Path):
    """Hold the lock of the state file `path` (its `.lock` file, made with its folder if need be)."""
    with _cache_io(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path.with_suffix(".lock"), "a")
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
