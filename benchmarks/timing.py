"""What the wall-time benchmarks share: a scratch run cache, one run timed alone, the JSON line.

`scratch_cache()` points $CPSIM_CACHE at a new empty folder for the run cache while keeping
the project's saved history states (linked, with the cache's signing key copied), so that
"cold" means no finished run is cached, not that the 2011 states must be rebuilt; the
states a benchmark needs are built before any timing starts (`ensure_states`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abm import states  # noqa: E402
from abm.branching import prepare  # noqa: E402
from abm.engines.local import LocalEngine  # noqa: E402
from abm.run import run  # noqa: E402
from abm.seeds import replicate_seeds  # noqa: E402
from abm.signed import KEY_FILE, secret  # noqa: E402


@contextlib.contextmanager
def scratch_cache():
    """An empty run cache in a temporary $CPSIM_CACHE that shares the project's saved states; its folder."""
    home = states.cache_folder()
    secret(home)  # made if the project's cache has no key yet
    saved = home / "states"
    saved.mkdir(parents=True, exist_ok=True)
    before = {name: os.environ.get(name) for name in ("CPSIM_CACHE", "CPSIM_RUN_CACHE")}
    with tempfile.TemporaryDirectory(prefix="cpsim-bench-") as folder:
        folder = Path(folder)
        shutil.copy2(home / KEY_FILE, folder / KEY_FILE)
        (folder / "states").symlink_to(saved.resolve(), target_is_directory=True)
        os.environ.update(CPSIM_CACHE=str(folder), CPSIM_RUN_CACHE="on")
        try:
            yield folder
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def ensure_states(scenarios, seeds: int, workers: int) -> None:
    """Build (untimed, with a progress bar) the saved states the branched `scenarios` need for their first seeds."""
    seed_list = replicate_seeds(scenarios[0].root_seed, seeds)
    with LocalEngine(workers) as pool:
        prepare(scenarios, seed_list, pool, progress=True)


def single_run_s(scenario) -> float:
    """Seconds of one run of `scenario` with its first seed, in this process (no cache)."""
    seed = replicate_seeds(scenario.root_seed, 1)[0]
    began = time.perf_counter()
    run(scenario, seed)
    return time.perf_counter() - began


def report(figures: dict, as_json: bool) -> None:
    """Print `figures` as one JSON line, or one readable line."""
    rounded = {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
    print(json.dumps(rounded) if as_json else ", ".join(f"{k} {v}" for k, v in rounded.items()))
