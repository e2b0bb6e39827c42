"""A results folder: the weekly outcome table and the manifest that says how it was made.

`write_results` builds the whole folder as a hidden sibling, flushes it to disk and only
then swaps it in, so an interrupted write leaves the previous folder untouched and no
temporary folder behind. (The swap is two renames: old folder aside, new folder in. A
crash between exactly those two leaves the old complete folder under its hidden name
`.<name>.old-...` beside the missing one.) `read_results` checks the folder and raises
`ResultsError` with one message naming the file at fault.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

import abm
from abm.outcomes import NAMES
from abm.parameters import as_dict
from abm.run import scenario_params

TABLE = "outcomes.parquet"
MANIFEST = "manifest.json"
ID_COLUMNS = ("scenario", "seed", "week", "year", "year_label")
PACKAGES = ("numpy", "pandas", "mesa", "pyarrow", "pydantic")
PROJECT_ROOT = Path(abm.__file__).resolve().parent.parent


class ResultsError(Exception):
    """A results folder is missing, incomplete or corrupt; the message names the file."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


def write_results(out_dir, scenario, seeds: list[int], weekly: pd.DataFrame) -> Path:
    """Write `out_dir/outcomes.parquet` and `out_dir/manifest.json` atomically; return `out_dir`."""
    out = Path(out_dir)
    columns = [*ID_COLUMNS, *NAMES]
    if list(weekly.columns) != columns:
        raise ValueError(f"weekly table columns differ from {columns}")
    if out.exists() and not _is_results_folder(out):
        raise ValueError(f"refusing to replace {out}: it is not a results folder")
    with atomic_folder(out) as tmp:
        weekly.to_parquet(tmp / TABLE, index=False)
        manifest = json.dumps(_manifest(scenario, seeds), indent=2, default=_jsonable) + "\n"
        (tmp / MANIFEST).write_bytes(manifest.encode())
    return out


@contextlib.contextmanager
def atomic_folder(out: Path):
    """Build a folder beside `out`, then swap it in whole (files synced); on any error remove it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(out, "tmp")
    os.mkdir(tmp)
    try:
        yield tmp
        for path in sorted(tmp.rglob("*"), reverse=True):
            _fsync(path)
        _fsync(tmp)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_results(out_dir) -> tuple[pd.DataFrame, dict]:
    """The weekly table and manifest of a results folder, or ResultsError naming the bad file."""
    out = Path(out_dir)
    if not out.is_dir():
        raise ResultsError(out, "no such results folder")
    manifest_path, table_path = out / MANIFEST, out / TABLE
    if not manifest_path.is_file():
        raise ResultsError(manifest_path, "missing manifest; the folder is not a complete results folder")
    try:
        manifest = json.loads(manifest_path.read_text())
        outcomes = list(manifest["outcomes"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResultsError(manifest_path, f"unreadable or corrupt manifest ({type(exc).__name__}: {exc})")
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


def atomic_write_bytes(path, data: bytes) -> None:
    """Write `data` to `path` via a flushed temporary file in the same directory and a rename."""
    path = Path(path)
    tmp = _sibling(path, "tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(path.parent)


def _manifest(scenario, seeds: list[int]) -> dict:
    dump = scenario.model_dump(mode="json") if hasattr(scenario, "model_dump") else vars(scenario)
    return {
        "scenario": dump,
        "seeds": [int(s) for s in seeds],
        "root_seed": scenario.root_seed,
        "parameters": {str(s): as_dict(scenario_params(scenario, s)) for s in seeds},
        "outcomes": list(NAMES),
        "code": {"version": abm.__version__, **_git()},
        "packages": {"python": platform.python_version(), **{p: _version(p) for p in PACKAGES}},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


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


def _is_results_folder(path: Path) -> bool:
    return path.is_dir() and (not any(path.iterdir()) or (path / MANIFEST).exists() or (path / TABLE).exists())


def _sibling(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _swap_in(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
    else:
        old = _sibling(out, "old")
        os.rename(out, old)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old, out)
            raise
        shutil.rmtree(old)
    _fsync(out.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
