"""A results folder: the weekly outcome table and the manifest that says how it was made.

`write_results` writes the folder whole with `abm.folders.atomic_folder` (built as a
hidden sibling, flushed, swapped in, marked as a cpsim "run" folder), so an interrupted
write leaves the previous folder untouched, and a folder cpsim did not make is never
replaced. `read_results` checks the folder and raises `ResultsError` with one message
naming the file at fault. (`atomic_write_bytes` is re-exported for the writers of single
files.)
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

import abm
from abm.folders import atomic_folder, atomic_write_bytes
from abm.outcomes import NAMES
from abm.parameters import as_dict
from abm.posterior_draws import member, posterior_at, uncertainty
from abm.run import scenario_params
from abm.tomlfile import JSONFileError, read_json

TABLE = "outcomes.parquet"
MANIFEST = "manifest.json"
ID_COLUMNS = ("scenario", "seed", "week", "year", "year_label")
PACKAGES = ("numpy", "pandas", "mesa", "pyarrow", "pydantic")
__all__ = ["ResultsError", "atomic_folder", "atomic_write_bytes", "read_results", "write_results"]
PROJECT_ROOT = Path(abm.__file__).resolve().parent.parent


class ResultsError(Exception):
    """A results folder is missing, incomplete or corrupt; the message names the file."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


def write_results(out_dir, scenario, seeds: list[int], weekly: pd.DataFrame) -> Path:
    """Write `out_dir/outcomes.parquet` and `out_dir/manifest.json` atomically; return `out_dir`.

    Raises abm.folders.OutputError if `out_dir` is not free, empty or an earlier run folder of cpsim's.
    """
    out = Path(out_dir)
    columns = [*ID_COLUMNS, *NAMES]
    if list(weekly.columns) != columns:
        raise ValueError(f"weekly table columns differ from {columns}")
    with atomic_folder(out, "run") as tmp:
        weekly.to_parquet(tmp / TABLE, index=False)
        manifest = json.dumps(_manifest(scenario, seeds), indent=2, default=_jsonable) + "\n"
        (tmp / MANIFEST).write_bytes(manifest.encode())
    return out


def read_results(out_dir) -> tuple[pd.DataFrame, dict]:
    """The weekly table and manifest of a results folder, or ResultsError naming the bad file."""
    out = Path(out_dir)
    if not out.is_dir():
        raise ResultsError(out, "no such results folder")
    manifest_path, table_path = out / MANIFEST, out / TABLE
    if not manifest_path.is_file():
        raise ResultsError(manifest_path, "missing manifest; the folder is not a complete results folder")
    try:
        manifest = read_json(manifest_path)
        outcomes = list(manifest["outcomes"])
    except JSONFileError as exc:
        raise ResultsError(manifest_path, f"unreadable or corrupt manifest: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise ResultsError(manifest_path, f"corrupt manifest ({type(exc).__name__}: {exc})") from None
    if not table_path.is_file():
        raise ResultsError(table_path, "missing outcome table")
    try:
        weekly = pd.read_parquet(table_path)
    except Exception as exc:
        raise ResultsError(table_path, f"unreadable or corrupt parquet file ({type(exc).__name__}: {exc})")
    expected = [*ID_COLUMNS, *outcomes]
    if list(weekly.columns) != expected:
        missing = [c for c in expected if c not in weekly.columns]
        extra = [c for c in weekly.columns if c not in expected]
        raise ResultsError(table_path, f"columns do not match the manifest's outcomes "
                                       f"(missing: {missing or 'none'}; unexpected: {extra or 'none'})")
    return weekly, manifest


def _manifest(scenario, seeds: list[int]) -> dict:
    dump = scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else vars(scenario)
    return {
        "scenario": dump,
        "seeds": [int(s) for s in seeds],
        "root_seed": scenario.root_seed,
        "parameters": {str(s): as_dict(scenario_params(scenario, s)) for s in seeds},
        **_drawn(scenario, seeds),
        "outcomes": list(NAMES),
        "code": {"version": abm.__version__, **_git()},
        "packages": {"python": platform.python_version(), **{p: _version(p) for p in PACKAGES}},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _drawn(scenario, seeds: list[int]) -> dict:
    """What the runs' intervals include; under the posterior also its file and each seed's member (from 0)."""
    if not hasattr(scenario, "posterior"):
        return {}
    drawn = uncertainty([scenario])
    if scenario.posterior is not None:
        posterior = posterior_at(scenario.posterior)
        drawn["posterior"]["member_of_seed"] = {str(s): member(posterior, s) for s in seeds}
    return drawn


def _git() -> dict:
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "describe": git("describe", "--always", "--dirty", "--tags"),
        "dirty": None if status is None else bool(status),
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dict__"):
        return vars(value)
    return str(value)
