"""Hostile input to every command that reads files, from a seeded generator of damaged TOML and JSON.

The generator damages valid files in the ways a hostile or unlucky user would: truncation,
random bytes, byte order marks, deep nesting, huge and non-finite numbers, wrong types,
unknown keys and sections, far-off dates, and parameter-file paths that reach out of the
folder. A damaged file that still loads is not hostile and is dropped (at least
`MIN_CASES` of each kind remain, so no test can pass empty). Every remaining case is given
to the real command line in process (typer's CliRunner) and must be refused the same way:
exit status 2, one `error:` line on stderr naming the file (and, for a damaged value, its
key), no traceback, and nothing written.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from abm.calibration.space import load_space
from abm.cli import app
from abm.scenario import load_scenario
from abm.sweep.design import make_design
from abm.sweep.spec import load_sweep
from abm.sweep.store import SweepFolder, run_name
from abm.validation import load_targets

ROOT = Path(__file__).resolve().parents[1]
SEED = 20110511
MIN_CASES = 12
PER_KIND = 24  # cases kept per kind of file: each costs a few milliseconds in process
SCENARIO = """\
[scenario]
name = "hostile"
description = "A small authority"
start_date = 2011-04-01
years = 1
warmup_years = 1
seeds = 2
parameters = "calibrated.toml"
root_seed = 7
[constants]
children_0_19 = 5000
deprivation_mean = 0.3
[uncertainties]
turnover_base_rate_per_year = { low = 0.1, high = 0.2 }
[[levers]]
reform = "R1"
start = 2011-10-01
[[events]]
kind = "national_publicity"
date = 2011-11-15
anxiety_jump = 1.0
"""
SWEEP = """\
[sweep]
base = "base.toml"
years = 1
warmup_years = 1
replicates = 1
root_seed = 9
outcomes = ["referrals_per_year", "cp_plans_per_year"]
[design]
kind = "ensemble"
samples = 2
[constants]
children_0_19 = 5000
[parameters]
deprivation_mean = { distribution = "beta", mean = 0.3, concentration = 10 }
social_worker_posts_per_10k_children = { distribution = "lognormal", median = 21, sigma = 0.2 }
"""
VALUES = ["nan", "inf", "-inf", "1e400", "99999999999999999999999999", "-1", '"text"', "[1, 2]", "{ a = 1 }",
          "true", "1979-05-27T07:32:00Z", "9999-12-31", "0001-01-01", "[" * 40 + "]" * 40,
          "{ a = " * 40 + "1" + " }" * 40]
PARAMETER_PATHS = ["../../../../etc/shadow", "/etc/passwd", "/proc/self/environ", "/dev/zero", "", "../x.toml",
                   "calibrated.toml/.."]
KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) = ", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    """One damaged file: how it was damaged, its bytes, and the key its message must name (if any)."""

    how: str
    data: bytes
    key: str | None = None


def damaged(text: str, rng: random.Random, traversal: bool = False) -> list[Case]:
    """Damaged versions of a valid TOML file's `text`, drawn with `rng`."""
    data = text.encode()
    cases = [Case("truncated", data[: rng.randrange(len(data) - 2)]),
             Case("bytes overwritten", _overwrite(data, rng)),
             Case("bytes inserted", _insert(data, rng)),
             Case("UTF-8 BOM and truncated", b"\xef\xbb\xbf" + data[: len(data) // 2]),
             Case("UTF-16", text.encode("utf-16")),
             Case("arrays 5000 deep", b"x = " + b"[" * 5000 + b"]" * 5000),
             Case("dotted key 2000 deep", b"a" + b".a" * 2000 + b" = 1"),
             Case("unknown section", data + b"\n[zzz_section]\na = 1\n"),
             Case("unknown key", data.replace(b"\n", b"\nzzz_key = 1\n", 1), "zzz_key")]
    lines = KEY_LINE.findall(text)
    for value in rng.sample(VALUES, 8):
        key = rng.choice(lines)
        cases.append(Case(f"{key} = {value[:20]}", _set(text, key, value).encode(), key))
    if traversal:
        cases += [Case(f"parameters = {p!r}", _set(text, "parameters", json.dumps(p)).encode(), "parameters")
                  for p in PARAMETER_PATHS]
    return cases


def _overwrite(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 20))) + data[at:]


def _set(text: str, key: str, value: str) -> str:
    """`text` with the first `key = ...` line's value replaced by `value` (a TOML value as written)."""
    return re.sub(rf"^{key} = .*$", lambda _: f"{key} = {value}", text, count=1, flags=re.MULTILINE)


def hostile(cases: list[Case], folder: Path, name: str, loads) -> list[tuple[Case, Path]]:
    """The cases whose file `loads(path)` does not load, each written to its own file in `folder`."""
    kept = []
    for i, case in enumerate(cases):
        path = folder / f"{name}-{i:03d}.toml"
        path.write_bytes(case.data)
        if loads_cleanly(loads, path):
            path.unlink()
        else:
            kept.append((case, path))
    assert len(kept) >= MIN_CASES, f"only {len(kept)} {name} cases are hostile"
    return kept[:PER_KIND]


def loads_cleanly(loads, path: Path) -> bool:
    """Whether `loads(path)` succeeds; a refusal or a crash of the loader is left for the command line to answer."""
    try:
        loads(path)
    except Exception:  # noqa: BLE001 - whatever the loader raises, the command line's answer is what is tested
        return False
    return True


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder with a valid small scenario, the parameter file it names, and a sweep over it."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "base.toml").write_text(SCENARIO)
    shutil.copyfile(ROOT / "scenarios" / "calibrated.toml", folder / "calibrated.toml")
    (folder / "sweep.toml").write_text(SWEEP)
    load_scenario(folder / "base.toml")
    make_design(load_sweep(folder / "sweep.toml"))
    return folder


def files(*folders: Path) -> dict[Path, bytes]:
    """Every file below the folders, with its bytes."""
    return {p: p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def refusal_problems(args: list[str], watched: list[Path], names: str, key: str | None, case: Case) -> list[str]:
    """Run the command line; the problems found with its answer (none when it refused as it should)."""
    before = files(*watched)
    result = CliRunner().invoke(app, args)
    message = result.stderr.strip()
    problems = []
    if result.exit_code != 2 or not isinstance(result.exception, SystemExit):
        problems.append(f"exit status {result.exit_code} ({result.exception!r})")
    if "Traceback" in result.stderr or "\n" in message or not message.startswith("error: "):
        problems.append("not one 'error:' line")
    if names not in message:
        problems.append(f"does not name {names}")
    if key is not None and key not in message:
        problems.append(f"does not name the key {key}")
    if files(*watched) != before:
        problems.append("something was written")
    return [f"{case.how}: {', '.join(problems)}: {message[:300]!r}"] if problems else []


def test_damaged_scenarios_are_refused_by_run_compare_workshop_validate_and_calibrate(inputs, tmp_path):
    rng = random.Random(SEED)
    cases = hostile(damaged(SCENARIO, rng, traversal=True), inputs, "scenario", load_scenario)
    out, bad = str(tmp_path / "out"), []
    for i, (case, path) in enumerate(cases):
        also = [["compare", str(inputs / "base.toml"), str(path), "--seeds", "1", "--report", out],
                ["workshop", str(path), "--seeds", "1", "--report", out],
                ["validate", "--scenario", str(path), "--report", out],
                ["calibrate", "--scenario", str(path), "--out", out]][i % 4]
        if also[0] == "calibrate" and loads_cleanly(lambda p: load_scenario(p, parameter_file=False), path):
            also = ["validate", "--scenario", str(path)]  # calibration leaves the parameter file out: it fits it
        for args in (["run", str(path), "--seeds", "1", "--years", "1", "--workers", "1", "--out", out], also):
            bad += refusal_problems(args, [inputs, tmp_path], str(path), case.key, case)
    assert not bad, "\n".join(bad)


def test_damaged_sweep_files_are_refused_by_sweep(inputs, tmp_path):
    rng = random.Random(SEED + 1)
    cases = hostile(damaged(SWEEP, rng), inputs, "sweep", lambda p: make_design(load_sweep(p)))
    bad = []
    for case, path in cases:
        bad += refusal_problems(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "out")],
                                [inputs, tmp_path], str(path), case.key, case)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("kind, valid", [("targets", ROOT / "abm" / "validation" / "targets.toml"),
                                         ("parameters", ROOT / "abm" / "calibration" / "parameters.toml")])
def test_damaged_targets_and_calibration_parameters_are_refused(inputs, tmp_path, kind, valid):
    rng = random.Random(SEED + 2)
    loads = load_targets if kind == "targets" else load_space
    cases = hostile(damaged(valid.read_text(), rng), inputs, kind, loads)
    bad = []
    for i, (case, path) in enumerate(cases):
        args = (["validate", "--targets", str(path), "--report", str(tmp_path / "out")] if kind == "targets" and i % 2
                else ["calibrate", f"--{kind}", str(path), "--out", str(tmp_path / "out")])
        bad += refusal_problems(args, [inputs, tmp_path], str(path), None, case)
    assert not bad, "\n".join(bad)


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    """A small finished sweep folder, laid out as abm.sweep.store writes one (runs made up, not simulated)."""
    folder = tmp_path_factory.mktemp("sweeps") / "done"
    outcomes = ["referrals_per_year", "cp_plans_per_year"]
    design = pd.DataFrame({"point": np.arange(4, dtype=np.int64), "deprivation_mean": [0.2, 0.3, 0.4, 0.5]})
    manifest = {"sweep": {}, "base": {"years": 1}, "design": "latin", "levers": [], "outcomes": outcomes,
                "parameters": {"deprivation_mean": {"low": 0.2, "high": 0.5}}, "root_seed": 7, "replicates": 1,
                "points": 4, "runs": 4, "salib": None}
    SweepFolder.open(folder, manifest, design, resume=False).close()
    week = np.arange(52)
    for p in range(4):
        pd.DataFrame({"point": p, "replicate": 0, "seed": np.uint64(p), "week": week.astype(np.int32),
                      "year": np.int16(1), "year_label": "year 1", outcomes[0]: 100.0 + p, outcomes[1]: 10.0 + p,
                      }).to_parquet(folder / "runs" / f"{run_name(p, 0)}.parquet", index=False)
    assert CliRunner().invoke(app, ["analyze", str(folder), "--out", str(folder.parent / "check")]).exit_code == 0
    shutil.rmtree(folder.parent / "check")
    return folder


WRONG = {"design": [None, 5, []], "parameters": [None, [], "x", {"a": 1}], "levers": [None, {}, [1]],
         "outcomes": [None, {}, ["no_such_outcome"], [1]], "points": [None, -1, "x", 1.5, True],
         "runs": [None, -1, "x", 1.5, True], "root_seed": [None, "x", 1.5, 10**30]}


def damaged_json(text: str, rng: random.Random) -> list[Case]:
    """Damaged versions of a sweep's manifest, each of which `analyze` cannot use."""
    manifest = json.loads(text)
    cases = [Case("truncated", text[: rng.randrange(len(text) - 1)].encode()) for _ in range(4)]
    cases += [Case("not UTF-8", b"\xff\xfe\x00garbage"), Case("empty", b""), Case("NaN", b"NaN"),
              Case("arrays 100000 deep", b"[" * 100_000 + b"]" * 100_000),
              Case("objects 40 deep", b'{"a":' * 40 + b"1" + b"}" * 40),
              Case("a list", json.dumps([manifest]).encode())]
    for key, values in WRONG.items():
        for value in rng.sample(values, 2):
            cases.append(Case(f"{key} = {value!r}", json.dumps({**manifest, key: value}).encode()))
    return cases


def test_damaged_sweep_records_are_refused_by_analyze(sweep_folder, tmp_path):
    rng = random.Random(SEED + 3)
    manifest = (sweep_folder / "sweep.json").read_text()
    cases = [(c.how, "sweep.json", c.data) for c in damaged_json(manifest, rng)]
    cases += [("failure record 100000 deep", "failures/p000001-r000.json", b"[" * 100_000 + b"]" * 100_000),
              ("failure record truncated", "failures/p000001-r000.json", b'{"point": 1, "re'),
              ("run table truncated", "runs/p000002-r000.parquet", b"PAR1\x00\x00"),
              ("design table garbage", "design.parquet", b"not parquet")]
    assert len(cases) >= MIN_CASES
    bad = []
    for i, (how, name, data) in enumerate(cases):
        folder = tmp_path / f"case{i:03d}"
        shutil.copytree(sweep_folder, folder)
        (folder / name).write_bytes(data)
        bad += refusal_problems(["analyze", str(folder), "--out", str(folder / "analysis")], [folder],
                                str(folder / name), None, Case(how, data))
    assert not bad, "\n".join(bad)
