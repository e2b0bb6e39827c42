"""Running sweeps: the same results on every engine, nothing finished lost to a kill -9,
failures recorded and retried, and a results folder that keeps the layout contract.

Every sweep here is tiny (5,000 children, one warm-up year, one year). Ray is started
once per test session (`ray_runtime`), on 127.0.0.1 with 2 CPUs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import abm.sweep.runner
from abm.cli import app
from abm.engines.dask import DaskEngine
from abm.engines.ray import RayEngine
from abm.folders import MARKER
from abm.outcomes import NAMES
from abm.run import run
from abm.sweep.design import make_design
from abm.sweep.runner import Failure, point_scenario, run_seed, run_sweep
from abm.sweep.spec import load_sweep
from abm.sweep.store import (RUN_ID_COLUMNS, STOCKS, SweepFolder, SweepStoreError, national_totals, read_failures,
                             read_sweep)

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ["referrals_per_year", "cp_plans_open", "caseload_mean"]
TINY = """[sweep]
base = "{base}"
years = 1
warmup_years = 1
replicates = {replicates}
root_seed = 42
outcomes = {outcomes}

[design]
kind = "grid"

[constants]
children_0_19 = 5000

[parameters]
deprivation_mean = {{ low = 0.2, high = 0.4, levels = {points} }}
"""


def tiny(tmp_path: Path, points: int = 2, replicates: int = 2, name: str = "tiny"):
    path = tmp_path / f"{name}.toml"
    path.write_text(TINY.format(base=ROOT / "scenarios" / "fresh_2011.toml", points=points, replicates=replicates,
                                outcomes=json.dumps(OUTCOMES)))
    sweep = load_sweep(path)
    return path, sweep, make_design(sweep)


def flaky(scenario, seed):
    """abm.run.run, except that it raises for the points with deprivation above 0.3."""
    if scenario.constants["deprivation_mean"] > 0.3:
        raise RuntimeError("injected failure")
    return run(scenario, seed)


def hidden(out: Path) -> list[str]:
    """The hidden files in a sweep folder besides its marker."""
    return [str(p) for p in out.rglob(".*") if p != out / MARKER]


@pytest.fixture(scope="session")
def ray_runtime():
    """A local Ray runtime for the session (127.0.0.1 only, 2 CPUs); yields its start-up time in seconds."""
    from abm.engines.ray import start_local

    began = time.perf_counter()
    start_local(2)
    import ray

    yield time.perf_counter() - began
    ray.shutdown()


def test_every_engine_and_worker_count_gives_identical_results(tmp_path, ray_runtime):
    _, sweep, design = tiny(tmp_path)
    results = {}
    for engine, workers in (("local", 1), ("local", 2), ("dask", 2), ("ray", 2), ("ray", 1)):
        out = tmp_path / f"{engine}-{workers}"
        report = run_sweep(sweep, design, out, engine=engine, workers=workers, progress=False)
        assert (report.total, report.earlier, report.finished, report.failed) == (4, 0, 4, 0)
        manifest, table, runs = read_sweep(out)
        assert table.equals(design.table) and manifest["runs"] == 4
        results[engine, workers] = runs.sort_values(["point", "replicate", "week"], ignore_index=True)
    first = results["local", 1]
    assert len(first) == 4 * 52
    for key, runs in results.items():
        pd.testing.assert_frame_equal(runs, first, check_exact=True, obj=str(key))


def test_local_dask_and_ray_listen_on_127_0_0_1_only(ray_runtime):
    # Nested functions: cloudpickle sends them by value, so workers need not import this test module.
    def where_am_i(_):
        import distributed

        worker = distributed.get_worker()
        return worker.address, worker.scheduler.address

    def ray_node(_):
        import ray

        return ray.util.get_node_ip_address()

    with DaskEngine(2) as engine:
        addresses = {a for _, pair in engine.map(where_am_i, range(4)) for a in pair}
    assert addresses and all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
    with RayEngine(2) as engine:
        assert {ip for _, ip in engine.map(ray_node, range(2))} == {"127.0.0.1"}
    print(f"Ray started in {ray_runtime:.1f} s")


def test_run_files_keep_the_layout_contract(tmp_path):
    _, sweep, design = tiny(tmp_path)
    out = tmp_path / "out"
    run_sweep(sweep, design, out, workers=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "design.parquet", "failures", "runs", "sweep.json"]
    assert sorted(p.name for p in (out / "runs").iterdir()) == [
        "p000000-r000.parquet", "p000000-r001.parquet", "p000001-r000.parquet", "p000001-r001.parquet"]
    manifest = json.loads((out / "sweep.json").read_text())
    assert {"sweep", "base", "design", "parameters", "levers", "outcomes", "root_seed", "replicates", "points",
            "runs", "salib", "notes", "code", "packages", "created", "uncertainty"} == set(manifest)
    assert manifest["uncertainty"] == ["seeds"]  # the API runs the point fit; `cpsim sweep` draws from the posterior
    assert (manifest["design"], manifest["root_seed"], manifest["replicates"], manifest["points"]) == ("grid", 42, 2, 2)
    assert manifest["parameters"] == {"deprivation_mean": {"low": 0.2, "high": 0.4}}
    assert manifest["outcomes"] == OUTCOMES and manifest["salib"] is None
    assert manifest["base"]["constants"]["children_0_19"] == 5000 and manifest["base"]["years"] == 1
    assert manifest["sweep"]["design"] == {"kind": "grid"}
    assert {"SALib", "dask", "ray", "numpy"} <= set(manifest["packages"]) and manifest["code"]["version"]
    stored = pd.read_parquet(out / "design.parquet")
    assert stored["point"].dtype == np.int64 and stored["deprivation_mean"].tolist() == [0.2, 0.4]
    for point in range(2):
        scenario = point_scenario(sweep.base, {"deprivation_mean": [0.2, 0.4][point]})
        for replicate in range(2):
            table = pd.read_parquet(out / "runs" / f"p{point:06d}-r{replicate:03d}.parquet")
            assert list(table.columns) == [*RUN_ID_COLUMNS, *OUTCOMES]
            assert [str(table[c].dtype) for c in ("point", "replicate", "seed")] == ["int64", "int64", "uint64"]
            seed = run_seed(42, point, replicate)
            assert set(table["point"]) == {point} and set(table["replicate"]) == {replicate}
            assert set(table["seed"]) == {seed}
            weekly = run(scenario, seed)[["week", "year", "year_label", *OUTCOMES]]
            pd.testing.assert_frame_equal(table.iloc[:, 3:], weekly, check_exact=True)


def test_a_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    path, sweep, design = tiny(tmp_path, points=4, replicates=4)
    killed = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "abm.cli", "sweep", str(path), "--out", str(killed),
                             "--workers", "1", "--point"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not (killed / "runs").is_dir() or len(list((killed / "runs").glob("p*.parquet"))) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no run finished in 120 s"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    saved = len(list((killed / "runs").glob("p*.parquet")))
    assert 2 <= saved < 16
    report = run_sweep(sweep, design, killed, resume=True, workers=1, progress=False)
    assert (report.earlier, report.finished, report.failed) == (saved, 16 - saved, 0)
    assert hidden(killed) == []
    whole = tmp_path / "whole"
    run_sweep(sweep, design, whole, workers=1, progress=False)
    resumed, uninterrupted = read_sweep(killed), read_sweep(whole)
    pd.testing.assert_frame_equal(resumed[2], uninterrupted[2], check_exact=True)
    assert resumed[1].equals(uninterrupted[1])
    again = run_sweep(sweep, design, killed, resume=True, workers=1, progress=False)
    assert (again.earlier, again.finished) == (16, 0)


def test_resume_removes_the_temporary_files_of_a_killed_write(tmp_path):
    _, sweep, design = tiny(tmp_path, points=2, replicates=1)
    out = tmp_path / "out"
    run_sweep(sweep, design, out, workers=1, progress=False)
    (out / "runs" / ".p000000-r001.parquet.tmp-999-abcd").write_bytes(b"half a parquet file")
    (out / ".sweep.json.tmp-999-abcd").write_text("{")
    assert len(read_sweep(out)[2]) == 2 * 52  # a reader ignores them
    run_sweep(sweep, design, out, resume=True, workers=1, progress=False)
    assert hidden(out) == []


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "process-pool"])
def test_a_failing_run_is_recorded_with_its_seed_and_the_rest_finish(tmp_path, workers):
    _, sweep, design = tiny(tmp_path)
    out = tmp_path / "out"
    report = run_sweep(sweep, design, out, workers=workers, progress=False, fn=flaky)
    assert (report.finished, report.failed) == (2, 2)
    failures = read_failures(out)
    assert [(f["point"], f["replicate"], f["seed"]) for f in failures] == [
        (1, 0, run_seed(42, 1, 0)), (1, 1, run_seed(42, 1, 1))]
    assert all(f["error"] == "RuntimeError: injected failure" for f in failures)
    assert all("injected failure" in f["traceback"] and "flaky" in f["traceback"] for f in failures)
    assert set(read_sweep(out)[2]["point"]) == {0}
    retried = run_sweep(sweep, design, out, resume=True, workers=1, progress=False)
    assert (retried.earlier, retried.finished, retried.failed) == (2, 2, 0)
    assert read_failures(out) == [] and list((out / "failures").iterdir()) == []
    whole = tmp_path / "whole"
    run_sweep(sweep, design, whole, workers=1, progress=False)
    pd.testing.assert_frame_equal(read_sweep(out)[2], read_sweep(whole)[2], check_exact=True)


def test_the_command_reports_failures_and_exits_1_only_when_every_run_failed(tmp_path, monkeypatch):
    from abm.calibration.posterior import POSTERIOR_FILE, load_posterior
    from abm.posterior_draws import sentence

    # the sweep's base names the calibrated parameters: posterior draws, once a posterior is committed
    drawn = ({"uncertainty": ["seeds", "parameters"], "posterior": {"members": len(load_posterior().members)}}
             if POSTERIOR_FILE.exists() else {"uncertainty": ["seeds"]})
    path, _, _ = tiny(tmp_path)
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(abm.sweep.runner, "attempt", lambda job, fn: Failure("RuntimeError: no", "traceback"))
        result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1", "--out", "all-failed"])
    assert result.exit_code == 1, result.output
    assert result.stdout == "tiny: 0 of 4 runs finished (0 earlier), 4 failed; results in all-failed\n"
    assert "4 runs failed: see all-failed/failures" in result.stderr
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1", "--out", "all-failed", "--resume"])
    assert result.exit_code == 0, result.output
    finished = "tiny: 4 of 4 runs finished (0 earlier), 0 failed; results in all-failed."
    assert result.stdout == f"{finished} {sentence(drawn)}\n"


def test_a_finished_sweep_folder_is_not_overwritten_or_mixed_with_another(tmp_path, monkeypatch):
    path, sweep, design = tiny(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["sweep", str(path), "--workers", "1"]).exit_code == 0
    out = tmp_path / "results" / "sweeps" / "tiny"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {Path('results/sweeps/tiny')}: already holds a sweep; continue it "
                                     "with --resume, or choose another --out")
    path.write_text(path.read_text().replace("root_seed = 42", "root_seed = 43"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1", "--resume"])
    assert result.exit_code == 2
    assert "sweep.json: this folder holds a different sweep (its sweep.root_seed differs)" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    with SweepFolder.open(out, json.loads((out / "sweep.json").read_text()), design.table, resume=True):
        with pytest.raises(SweepStoreError, match="another cpsim sweep is writing to this folder"):
            SweepFolder.open(out, {}, design.table, resume=True)


def test_reading_a_damaged_sweep_folder_names_the_file_at_fault(tmp_path):
    _, sweep, design = tiny(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(SweepStoreError, match="no such sweep folder"):
        read_sweep(out)
    run_sweep(sweep, design, out, workers=1, progress=False)
    (out / "runs" / "p000001-r000.parquet").write_bytes(b"not parquet")
    with pytest.raises(SweepStoreError, match=r"p000001-r000\.parquet: unreadable or corrupt parquet file"):
        read_sweep(out)
    (out / "sweep.json").write_text("{")
    with pytest.raises(SweepStoreError, match=r"sweep\.json: unreadable or corrupt manifest"):
        read_sweep(out)
    (out / "sweep.json").unlink()
    with pytest.raises(SweepStoreError, match=r"sweep\.json: missing manifest"):
        read_sweep(out)


def test_national_totals_add_up_flows_and_stocks_and_recompute_ratios():
    weeks = 104
    rows = []
    for point, (referrals, contacts, plans, caseload) in enumerate([(1000, 4000, 50, 15), (3000, 8000, 150, 25)]):
        rows.append(pd.DataFrame({
            "point": point, "replicate": 0, "seed": np.uint64(point), "week": np.arange(weeks, dtype=np.int32),
            "year": np.repeat(np.array([1, 2], dtype=np.int16), 52), "year_label": np.repeat(["y1", "y2"], 52),
            "referrals_per_year": float(referrals), "contacts_per_year": float(contacts),
            "contact_to_referral_rate": np.nan, "cp_plans_open": np.linspace(0, plans, weeks),
            "caseload_mean": float(caseload)}))
    totals = national_totals(pd.concat(rows, ignore_index=True))
    assert list(totals.columns) == ["replicate", "year", "year_label", "points", "contacts_per_year",
                                    "referrals_per_year", "contact_to_referral_rate", "cp_plans_open"]
    assert totals["points"].tolist() == [2, 2]
    assert totals["referrals_per_year"].tolist() == [4000, 4000]
    assert totals["contact_to_referral_rate"].tolist() == pytest.approx([4000 / 12000] * 2)
    ends = [np.linspace(0, p, weeks)[[51, 103]] for p in (50, 150)]
    assert totals["cp_plans_open"].tolist() == pytest.approx(list(ends[0] + ends[1]))
    assert set(NAMES) >= set(totals.columns[4:]) and set(NAMES) >= set(STOCKS)
