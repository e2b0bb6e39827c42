"""Shared fixtures: the real `cpsim` command, run as a subprocess in a scratch folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# every test runs every run it asks for (a determinism test served from the run cache would prove nothing);
# tests/test_run_cache.py turns the cache on in its own folders
os.environ["CPSIM_RUN_CACHE"] = "off"


@pytest.fixture
def cpsim(tmp_path):
    """Run `python -m abm.cli ARGS` with the scratch folder `tmp_path` as working directory."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    def run(*args: str | Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "abm.cli", *map(str, args)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    return run
