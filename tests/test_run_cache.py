"""The run cache (abm/run_cache.py): a cached run is the run, damage is recomputed, the size limit holds."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from abm.cli import app
from abm.compare import run_scenarios
from abm.engines.local import LocalEngine
from abm.run import run
from abm.run_cache import RunCache, run_all, run_key
from abm.scenario import Lever, load_scenario
from abm.signed import KEY_FILE, secret
from abm.states import cache_folder

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small():
    """The fresh 2011 authority, small and short (one year of warm-up, one year run)."""
    base = load_scenario(ROOT / "scenarios" / "fresh_2011.toml")
    return base.with_constants({"children_0_19": 4000}).model_copy(update={"years": 1, "warmup_years": 1})


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    """The run cache on, in a scratch cache folder that shares the suite's saved states (built once); the folder."""
    home, folder = cache_folder(), tmp_path / "cache"
    secret(home)
    (home / "states").mkdir(parents=True, exist_ok=True)
    folder.mkdir()
    shutil.copy2(home / KEY_FILE, folder / KEY_FILE)
    (folder / "states").symlink_to(home / "states", target_is_directory=True)
    monkeypatch.setenv("CPSIM_RUN_CACHE", "on")
    monkeypatch.setenv("CPSIM_CACHE", str(folder))
    return folder


def no_engine(runs: int):
    raise AssertionError(f"an engine was started for {runs} runs the cache holds")


def collected(jobs, make_engine=lambda n: LocalEngine(1), **options) -> list[pd.DataFrame]:
    tables = [None] * len(jobs)
    with contextlib.closing(run_all(jobs, make_engine, states_progress=False, **options)) as runs:
        for i, table in runs:
            tables[i] = table
    return tables


def test_a_cached_run_is_the_run_exactly_and_a_renamed_scenario_shares_it(small, cache_on):
    fresh = [run(small, seed) for seed in (1, 2)]
    for table, expected in zip(collected([(small, 1), (small, 2)]), fresh):
        pd.testing.assert_frame_equal(table, expected, check_exact=True)
    for table, expected in zip(collected([(small, 1), (small, 2)], no_engine), fresh):
        pd.testing.assert_frame_equal(table, expected, check_exact=True)
    renamed = small.model_copy(update={"name": "renamed", "description": "the same authority"})
    [table] = collected([(renamed, 1)], no_engine)
    assert set(table["scenario"]) == {"renamed"}
    pd.testing.assert_frame_equal(table.drop(columns="scenario"), fresh[0].drop(columns="scenario"), check_exact=True)


def test_what_decides_a_run_is_in_its_key(small):
    key = run_key(small, 1)
    assert run_key(small.model_copy(update={"name": "other"}), 1) == key
    assert run_key(small, 2) != key
    assert run_key(small.with_constants({"children_0_19": 4001}), 1) != key
    assert run_key(small.model_copy(update={"years": 2}), 1) != key
    assert run_key(small.model_copy(update={"levers": (Lever(reform="R1"),)}), 1) != key
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml")
    assert run_key(baseline, 1)["branch"]["history"] == baseline.branch_from.history.name


def test_a_damaged_entry_is_noticed_deleted_and_run_again(small, cache_on, capsys):
    [first] = collected([(small, 3)])
    [entry] = (cache_on / "runs").glob("*/*.run")
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    [again] = collected([(small, 3)])
    err = capsys.readouterr().err
    assert f"note: run cache entry {entry} is damaged" in err and "deleting it and running again" in err
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    pd.testing.assert_frame_equal(collected([(small, 3)], no_engine)[0], first, check_exact=True)


def test_the_least_recently_used_runs_go_first_when_the_cache_is_over_its_limit(small, cache_on):
    collected([(small, seed) for seed in (1, 2)])
    one = RunCache().sizes()
    entry_bytes = max(one.values())
    limit = int(2.5 * entry_bytes)
    cache = RunCache(limit=limit)
    first, second = cache.path(run_key(small, 1)), cache.path(run_key(small, 2))
    os.utime(second, (1, 1))  # seed 2 used long ago, seed 1 just now
    collected([(small, 3)], cache=RunCache(limit=limit))
    assert first.exists() and not second.exists() and cache.path(run_key(small, 3)).exists()
    assert sum(RunCache().sizes().values()) <= limit


def test_a_warm_comparison_starts_no_engine(small, cache_on, monkeypatch):
    reformed = small.model_copy(update={"name": "reformed", "levers": (Lever(reform="R1"),)})
    cold = run_scenarios([small, reformed], 2, workers=1)
    import abm.compare.running as running

    monkeypatch.setattr(running, "ENGINES", {"local": no_engine})
    warm = run_scenarios([small, reformed], 2, workers=1)
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)


def test_the_cache_command_reports_and_clears_only_its_own_files(small, cache_on):
    collected([(small, 1)])
    (cache_on / "runs" / "notes.txt").write_text("mine")
    info = CliRunner().invoke(app, ["cache", "info", "--json"])
    assert info.exit_code == 0, info.output
    assert '"runs": 1' in info.stdout and '"run_cache": "on"' in info.stdout
    cleared = CliRunner().invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "deleted 1 finished runs" in cleared.stdout
    assert list((cache_on / "runs").rglob("*.run")) == [] and (cache_on / "runs" / "notes.txt").read_text() == "mine"


def test_a_bad_size_limit_is_refused_before_any_run(small, cache_on, monkeypatch, tmp_path):
    monkeypatch.setenv("CPSIM_CACHE_LIMIT_MB", "lots")
    path = tmp_path / "small.toml"
    path.write_text('[scenario]\nname = "small"\nyears = 1\nwarmup_years = 1\nseeds = 1\nroot_seed = 1\n')
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == ("error: CPSIM_CACHE_LIMIT_MB: 'lots' is not allowed: give the run cache's size "
                                     "limit in megabytes, a number above 0")
    assert not (tmp_path / "out").exists()


def test_a_workshop_prepared_on_the_command_line_is_shown_by_the_app_without_running(cache_on, monkeypatch):
    import abm.compare.running as running
    from app.workshop_run import WorkshopJob

    package = ROOT / "scenarios" / "reforms" / "prescription_only.toml"
    prepared = CliRunner().invoke(app, ["workshop", str(package), "--seeds", "2", "--years", "1"])
    assert prepared.exit_code == 0, prepared.output
    monkeypatch.setattr(running, "ENGINES", {"local": no_engine})
    shown = WorkshopJob(load_scenario(package), seeds=2, years=1).run(lambda done, total: None)
    assert shown.result["runs"] == 4 and len(shown.result["seeds"]) == 2 and shown.result["years"] == 1
