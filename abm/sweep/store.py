"""A sweep's results folder: written one finished run at a time, read back whole.

The layout (a contract: `cpsim analyze` reads it):

- `DIR/sweep.json`: the manifest: `sweep` (the sweep file as loaded), `base` (the base
  scenario every run starts from, with the sweep's years and constants), `uncertainty`
  (["seeds"], or ["seeds", "parameters"] with `posterior`: each run's parameters drawn from
  the calibration posterior by its seed, abm/posterior_draws.py), `design` (its
  name), `parameters` (each varied parameter's range, `{low, high}`), `levers` (the varied
  reforms), `outcomes` (those kept), `root_seed`, `replicates`, `points`, `runs`, `salib`
  (for latin, sobol and morris: SALib's `problem` and, for Sobol, `calc_second_order`, for
  Morris, `num_levels`; else null), `notes` (values clamped into range), `code`,
  `packages` and `created`;
- `DIR/design.parquet`: column `point` (int64), then one column per varied parameter and
  lever, the values as run;
- `DIR/runs/p{point:06d}-r{replicate:03d}.parquet`: one finished run: columns `point`
  (int64), `replicate` (int64), `seed` (uint64), `week`, `year`, `year_label` and the kept
  outcomes, one row per week after the warm-up, as `abm.run.run` returns them;
- `DIR/failures/p{point:06d}-r{replicate:03d}.json`: a run that raised: `point`,
  `replicate`, `seed`, `error`, `traceback`. It is removed when the run later succeeds.
- `DIR/.cpsim.json`: the marker of a cpsim folder, of kind "sweep" (abm.folders).

Every file is written whole through a temporary file and a rename, so a killed sweep
leaves only complete files (and perhaps a hidden temporary file, removed when the sweep
is resumed). A resumed sweep also checks each finished run's file (its Parquet footer:
the columns and one row per week) and runs again any that is damaged, e.g. truncated by
a copy. `SweepFolder` is the writing side, locked to one writer at a time;
`read_sweep` the reading side, raising `SweepStoreError` naming the file at fault.
`national_totals` sums the runs of an ensemble of authorities to national figures.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import json
import os
import platform
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import abm
from abm.calendar import WEEKS_PER_YEAR
from abm.folders import atomic_write_bytes, write_marker
from abm.outcomes import BY_NAME, NAMES, OUTCOMES, yearly
from abm.posterior_draws import SEEDS, uncertainty
from abm.results import PACKAGES as RESULT_PACKAGES
from abm.results import _git, _version
from abm.tomlfile import JSONFileError, read_json

MANIFEST = "sweep.json"
DESIGN = "design.parquet"
RUNS = "runs"
FAILURES = "failures"
RUN_ID_COLUMNS = ("point", "replicate", "seed", "week", "year", "year_label")
PACKAGES = (*RESULT_PACKAGES, "SALib", "dask", "distributed", "ray")
RUN_FILE = re.compile(r"^p(\d{6})-r(\d{3})\.(parquet|json)$")
# The outcomes summed over authorities besides the `_per_year` flows: counts of children or staff.
STOCKS = ("children_in_need_open", "cp_plans_open", "looked_after_children", "court_backlog_cases",
          "social_workers_in_post")
_IDENTITY = ("sweep", "base", "design", "parameters", "levers", "outcomes", "root_seed", "replicates", "points",
             "salib")
_SCHEMA = {"point": pa.int64(), "replicate": pa.int64(), "seed": pa.uint64(), "week": pa.int32(),
           "year": pa.int16(), "year_label": pa.string()}


class SweepStoreError(Exception):
    """A sweep folder that is missing, corrupt, busy or holds another sweep; the message names the file."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


def run_name(point: int, replicate: int) -> str:
    """The file name (without extension) of one run: p{point:06d}-r{replicate:03d}."""
    return f"p{point:06d}-r{replicate:03d}"


def manifest(sweep, design) -> dict:
    """The manifest of a sweep about to run (see the module docstring for its keys)."""
    return {
        "sweep": sweep.as_dict(),
        "base": sweep.base.model_dump(mode="json"),
        **uncertainty([sweep.base]),
        "design": design.kind,
        "parameters": _ranges(sweep, design),
        "levers": list(sweep.levers),
        "outcomes": list(sweep.outcomes),
        "root_seed": sweep.root_seed,
        "replicates": sweep.replicates,
        "points": design.points,
        "runs": design.points * sweep.replicates,
        "salib": design.salib,
        "notes": [*sweep.notes, *design.notes],
        "code": {"version": abm.__version__, **_git()},
        "packages": {"python": platform.python_version(), **{p: _version(p) for p in PACKAGES}},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _ranges(sweep, design) -> dict:
    if design.salib is not None:
        bounds = design.salib["problem"]["bounds"]
        return {n: {"low": low, "high": high} for n, (low, high) in zip(sweep.parameters, bounds)}
    return {n: {"low": design.table[n].min().item(), "high": design.table[n].max().item()} for n in sweep.parameters}


class SweepFolder:
    """The results folder of a running sweep, locked against a second writer until closed.

    `open` creates it (or, with `resume`, checks that it holds the same sweep), removes
    temporary files a killed sweep left and the files of damaged runs (`damaged` names them),
    and knows which runs have `finished`.
    """

    def __init__(self, out: Path, lock: int, finished: set[tuple[int, int]], damaged: list[str]):
        self.out = out
        self._lock = lock
        self.finished = finished
        self.damaged = damaged

    @classmethod
    def open(cls, out_dir, manifest: dict, design: pd.DataFrame, resume: bool) -> SweepFolder:
        out = Path(out_dir)
        if out.exists() and not out.is_dir():
            raise SweepStoreError(out, "is a file, not a folder")
        lock = _lock(out)
        try:
            _check_empty_or_sweep(out, resume)
            if (out / MANIFEST).exists():
                _check_same(out, manifest, design)
            _remove_temporaries(out)
            if not (out / MANIFEST).exists():
                _set_up(out, manifest, design)
            finished, damaged = _finished(out, manifest)
            for point, replicate in finished:
                (out / FAILURES / f"{run_name(point, replicate)}.json").unlink(missing_ok=True)
        except BaseException:
            os.close(lock)
            raise
        return cls(out, lock, finished, damaged)

    def write_run(self, point: int, replicate: int, table: pd.DataFrame) -> None:
        """Save a finished run (and forget an earlier failure of it)."""
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        name = run_name(point, replicate)
        atomic_write_bytes(self.out / RUNS / f"{name}.parquet", buffer.getvalue(), tidy=False)
        (self.out / FAILURES / f"{name}.json").unlink(missing_ok=True)
        self.finished.add((point, replicate))

    def write_failure(self, point: int, replicate: int, seed: int, error: str, traceback: str) -> None:
        """Record a run that raised, with its seed, so that it can be reproduced."""
        record = {"point": point, "replicate": replicate, "seed": seed, "error": error, "traceback": traceback}
        data = (json.dumps(record, indent=2) + "\n").encode()
        atomic_write_bytes(self.out / FAILURES / f"{run_name(point, replicate)}.json", data, tidy=False)

    def close(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1

    def __enter__(self) -> SweepFolder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()


def _lock(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise SweepStoreError(out, "another cpsim sweep is writing to this folder; wait for it or choose "
                                   "another --out") from None
    return fd


def _check_empty_or_sweep(out: Path, resume: bool) -> None:
    if not out.exists():
        return
    if (out / MANIFEST).exists():
        if not resume:
            raise SweepStoreError(out, "already holds a sweep; continue it with --resume, or choose another --out")
        return
    leftovers = {p.name for p in out.iterdir() if not p.name.startswith(".")} - {DESIGN, RUNS, FAILURES}
    busy = [d for d in (RUNS, FAILURES) if (out / d).is_dir() and any(_visible(out / d))]
    if leftovers or busy:
        raise SweepStoreError(out, "is not empty and holds no sweep (no sweep.json); choose another --out")


def _visible(folder: Path):
    return (p for p in folder.iterdir() if not p.name.startswith("."))


def _comparable(manifest: dict) -> dict:
    same = {k: manifest.get(k) for k in _IDENTITY}
    same["uncertainty"] = manifest.get("uncertainty", [SEEDS])  # a sweep written before posterior draws: seeds
    same["posterior"] = manifest.get("posterior")
    same["sweep"] = {k: v for k, v in _table(same["sweep"]).items() if k not in ("source", "base_file")}
    same["base"] = {k: v for k, v in _table(same["base"]).items() if k != "source"}
    return json.loads(json.dumps(same))


def _table(value) -> dict:
    return value if isinstance(value, dict) else {}


def _check_same(out: Path, manifest: dict, design: pd.DataFrame) -> None:
    old = _read_manifest(out)
    differs = _difference(_comparable(manifest), _comparable(old))
    if differs:
        raise SweepStoreError(out / MANIFEST, f"this folder holds a different sweep (its {differs} differs); "
                                              "resume it with the same sweep file, or choose another --out")
    if not _read_design(out, old).equals(design):
        raise SweepStoreError(out / DESIGN, "this folder's design differs from the sweep's; resume it with the "
                                            "same sweep file and version of cpsim, or choose another --out")


def _difference(new, had, key: str = "") -> str | None:
    """The first key (dotted) at which two JSON values differ, or None if they are equal."""
    if isinstance(new, dict) and isinstance(had, dict):
        for k in [*new, *(k for k in had if k not in new)]:
            found = _difference(new.get(k), had.get(k), f"{key}.{k}" if key else k)
            if found:
                return found
        return None
    return None if new == had else (key or "content")


def _remove_temporaries(out: Path) -> None:
    for folder in (out, out / RUNS, out / FAILURES):
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name.startswith(".") and ".tmp-" in p.name and p.is_file():
                    p.unlink()


def _set_up(out: Path, manifest: dict, design: pd.DataFrame) -> None:
    (out / RUNS).mkdir(exist_ok=True)
    (out / FAILURES).mkdir(exist_ok=True)
    buffer = io.BytesIO()
    design.to_parquet(buffer, index=False)
    atomic_write_bytes(out / DESIGN, buffer.getvalue(), tidy=False)
    write_marker(out, "sweep", [])
    # The manifest last: a folder with sweep.json is a complete sweep folder.
    atomic_write_bytes(out / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode(), tidy=False)


def _finished(out: Path, manifest: dict) -> tuple[set[tuple[int, int]], list[str]]:
    """The (point, replicate) of every finished run whose file is whole, and the names of the damaged
    run files, which are removed so that their runs are run again."""
    done, damaged = set(), []
    columns = [*RUN_ID_COLUMNS, *manifest["outcomes"]]
    rows = manifest["base"]["years"] * WEEKS_PER_YEAR
    for p in sorted((out / RUNS).iterdir()):
        m = RUN_FILE.match(p.name)
        if not (m and m.group(3) == "parquet"):
            continue
        if _whole(p, columns, rows):
            done.add((int(m.group(1)), int(m.group(2))))
        else:
            damaged.append(p.name)
            p.unlink()
    return done, damaged


def _whole(path: Path, columns: list[str], rows: int) -> bool:
    """Whether the run file's Parquet footer reads and records these columns and this many rows."""
    try:
        meta = pq.read_metadata(path)
    except Exception:  # pyarrow raises several types for a damaged file
        return False
    return meta.num_rows == rows and meta.schema.to_arrow_schema().names == columns


def read_sweep(sweep_dir) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(manifest, design, runs) of a sweep folder; runs sorted by point, replicate and week.

    Raises SweepStoreError naming the file if the folder is missing, incomplete or corrupt.
    The runs table holds the finished runs only (a sweep still running or interrupted has
    fewer than manifest["runs"]).
    """
    out = Path(sweep_dir)
    if not out.is_dir():
        raise SweepStoreError(out, "no such sweep folder")
    manifest = _read_manifest(out)
    return manifest, _read_design(out, manifest), _read_runs(out, manifest)


def read_failures(sweep_dir) -> list[dict]:
    """The failure records of a sweep folder ({point, replicate, seed, error, traceback}), in run order."""
    folder = Path(sweep_dir) / FAILURES
    records = []
    for p in sorted(folder.iterdir()) if folder.is_dir() else ():
        if RUN_FILE.match(p.name) and p.suffix == ".json":
            try:
                records.append(read_json(p))
            except JSONFileError as exc:
                raise SweepStoreError(p, f"unreadable or corrupt failure record: {exc}") from None
    return records


def _read_manifest(out: Path) -> dict:
    path = out / MANIFEST
    if not path.is_file():
        raise SweepStoreError(path, f"missing manifest: {out} is not a complete sweep folder (one written by "
                                    "cpsim sweep)")
    try:
        manifest = read_json(path)
    except JSONFileError as exc:
        raise SweepStoreError(path, f"unreadable or corrupt manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise SweepStoreError(path, "corrupt manifest: not a JSON object")
    missing = [k for k in (*_IDENTITY, "runs") if k not in manifest]
    if missing:
        raise SweepStoreError(path, f"corrupt manifest (missing: {missing})")
    wrong = _shape_problem(manifest)
    if wrong:
        raise SweepStoreError(path, f"corrupt manifest: {wrong}")
    return manifest


_SHAPES = {"design": (str, "text"), "parameters": (dict, "an object"), "levers": (list, "a list"),
           "outcomes": (list, "a list"), "root_seed": (int, "a whole number"), "replicates": (int, "a whole number"),
           "points": (int, "a whole number"), "runs": (int, "a whole number")}


def _shape_problem(manifest: dict) -> str | None:
    """What is wrong with the shape of the manifest's keys that reading and analysing rely on, or None."""
    for key, (kind, said) in _SHAPES.items():
        value = manifest[key]
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
            return f"{key} must be {said}{' (0 or more)' if kind is int else ''}, not {json.dumps(value)[:40]}"
    if not all(isinstance(o, str) and o in BY_NAME for o in manifest["outcomes"]):
        return "outcomes must be a list of outcome names"
    if not all(isinstance(lever, str) for lever in manifest["levers"]):
        return "levers must be a list of reform names"
    if not all(isinstance(r, dict) for r in manifest["parameters"].values()):
        return "parameters must map each name to its {low, high}"
    return None


def _read_design(out: Path, manifest: dict) -> pd.DataFrame:
    path = out / DESIGN
    if not path.is_file():
        raise SweepStoreError(path, "missing design table")
    try:
        design = pd.read_parquet(path)
    except Exception as exc:
        raise SweepStoreError(path, f"unreadable or corrupt parquet file ({type(exc).__name__}: {exc})") from None
    expected = ["point", *manifest["parameters"], *manifest["levers"]]
    if list(design.columns) != expected or len(design) != manifest["points"]:
        raise SweepStoreError(path, f"does not match the manifest: expected columns {expected} and "
                                    f"{manifest['points']} rows, found {list(design.columns)} and {len(design)} rows")
    return design


def _read_runs(out: Path, manifest: dict) -> pd.DataFrame:
    folder = out / RUNS
    if not folder.is_dir():
        raise SweepStoreError(folder, "missing runs folder")
    expected = [*RUN_ID_COLUMNS, *manifest["outcomes"]]
    tables = []
    for p in sorted(_visible(folder)):
        m = RUN_FILE.match(p.name)
        if not m or m.group(3) != "parquet":
            raise SweepStoreError(p, "unexpected file in the runs folder (run files are named p000000-r000.parquet)")
        try:
            table = pq.read_table(p)
        except Exception as exc:
            raise SweepStoreError(p, f"unreadable or corrupt parquet file ({type(exc).__name__}: {exc})") from None
        if table.column_names != expected:
            raise SweepStoreError(p, f"columns do not match the manifest's outcomes (expected {expected})")
        key = (int(m.group(1)), int(m.group(2)))
        for column, value in zip(("point", "replicate"), key):
            if not np.all(table.column(column).to_numpy() == value):
                raise SweepStoreError(p, f"holds rows of another run (its {column} column is not {value})")
        tables.append(table.replace_schema_metadata(None))
    if not tables:
        schema = pa.schema([*_SCHEMA.items(), *((o, pa.float64()) for o in manifest["outcomes"])])
        return schema.empty_table().to_pandas()
    return pa.concat_tables(tables).to_pandas()


def additive(name: str) -> bool:
    """Whether an outcome adds up over authorities: a `_per_year` flow or a count of children or staff."""
    return name.endswith("_per_year") or name in STOCKS


def national_totals(runs: pd.DataFrame) -> pd.DataFrame:
    """National figures from an ensemble's runs: one row per replicate and year.

    Each run is first aggregated to years with `abm.outcomes.yearly`; then, per replicate
    and year, the flows (`_per_year`) and stocks (`STOCKS`) are summed over the points (the
    authorities), and each kept ratio outcome whose numerator and denominator are kept is
    recomputed from the national sums. Averages and shares of one authority (caseload,
    turnover, ...) do not add up and are left out. Column `points` counts the runs summed
    in each row (fewer than the ensemble's points if some failed or are still to run).
    """
    kept = [n for n in NAMES if n in runs.columns]
    weekly = runs.reindex(columns=[*RUN_ID_COLUMNS, *NAMES])
    per_run = yearly(weekly, ["point", "replicate", "year", "year_label"])
    summed = [n for n in kept if additive(n)]
    grouped = per_run.groupby(["replicate", "year", "year_label"], sort=True)
    totals = grouped[summed].sum(min_count=1)
    totals.insert(0, "points", grouped["point"].nunique().astype(np.int64))
    for o in OUTCOMES:
        if o.aggregate == "ratio" and o.name in kept and o.numerator in summed and o.denominator in summed:
            den = totals[o.denominator]
            totals[o.name] = totals[o.numerator] / den.where(den > 0, np.nan)
    order = ["points", *(n for n in kept if n in totals.columns)]
    return totals[order].reset_index()
