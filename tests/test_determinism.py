"""Same scenario and seed give the same table, wherever and in whatever order the runs execute."""

import hashlib

import pandas as pd
import pytest

import abm.engines
from abm.engines import run_replicates
from abm.engines.local import LocalEngine
from abm.results import TABLE, write_results
from abm.run import run
from abm.scenario import Scenario

SCENARIO = Scenario(name="determinism", years=1, warmup_years=1, seeds=3, root_seed=11,
                    uncertainties={"deprivation_mean": {"low": 0.2, "high": 0.4}})
SEEDS = [907, 13, 4242]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_seed_twice_gives_byte_identical_tables(tmp_path):
    first, second = run(SCENARIO, SEEDS[0]), run(SCENARIO, SEEDS[0])
    assert first.equals(second)
    write_results(tmp_path / "a", SCENARIO, SEEDS[:1], first)
    write_results(tmp_path / "b", SCENARIO, SEEDS[:1], second)
    assert digest(tmp_path / "a" / TABLE) == digest(tmp_path / "b" / TABLE)


def test_process_pool_matches_plain_loop():
    expected = pd.concat([run(SCENARIO, s) for s in SEEDS], ignore_index=True)
    pooled = run_replicates(SCENARIO, SEEDS, workers=2, progress=False)
    assert pooled.equals(expected)
    assert list(pooled["seed"].unique()) == SEEDS


def test_in_process_engine_matches_plain_loop():
    expected = pd.concat([run(SCENARIO, s) for s in SEEDS], ignore_index=True)
    assert run_replicates(SCENARIO, SEEDS, workers=1, progress=False).equals(expected)


class ReversedEngine(LocalEngine):
    """Finishes the runs in reverse order, as a busy pool might."""

    def map(self, fn, items):
        yield from reversed(list(super().map(fn, items)))


def test_seed_order_is_kept_whatever_the_completion_order(monkeypatch):
    monkeypatch.setitem(abm.engines.ENGINES, "reversed", ReversedEngine)
    table = run_replicates(SCENARIO, SEEDS, engine="reversed", workers=1, progress=False)
    assert list(table["seed"].unique()) == SEEDS
    assert table.equals(pd.concat([run(SCENARIO, s) for s in SEEDS], ignore_index=True))


def test_pool_pairs_each_result_with_its_item():
    items = list(range(12))
    with LocalEngine(2) as engine:
        results = dict(engine.map(str, items))
    assert results == {i: str(i) for i in items}


def test_different_seeds_differ():
    a, b = run(SCENARIO, SEEDS[0]), run(SCENARIO, SEEDS[1])
    outcomes = [c for c in a.columns if c not in ("scenario", "seed", "week", "year", "year_label")]
    assert not a[outcomes].equals(b[outcomes])


def test_unknown_engine_names_the_allowed_ones():
    with pytest.raises(ValueError, match="allowed: dask, local, ray"):
        run_replicates(SCENARIO, SEEDS, engine="spark", progress=False)


def test_progress_bar_on_stderr(capsys):
    run_replicates(SCENARIO, SEEDS[:1], workers=1, progress=True)
    captured = capsys.readouterr()
    assert "determinism" in captured.err and "run" in captured.err
    assert captured.out == ""
