"""Results folders: written whole or not at all, read back intact, refused clearly when damaged."""

import json

import pandas as pd
import pytest

import abm.folders
import abm.results
from abm.outcomes import NAMES
from abm.parameters import PARAMETERS
from abm.results import MANIFEST, TABLE, ResultsError, read_results, write_results
from abm.run import run
from abm.scenario import Scenario

SCENARIO = Scenario(name="results", description="a test", years=1, warmup_years=0, seeds=2, root_seed=5,
                    constants={"children_0_19": 50000}, uncertainties={"deprivation_mean": {"low": 0.2, "high": 0.4}})
SEEDS = [21, 22]


@pytest.fixture(scope="module")
def weekly():
    return pd.concat([run(SCENARIO, s) for s in SEEDS], ignore_index=True)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_round_trip(tmp_path, weekly):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    table, manifest = read_results(out)
    assert table.equals(weekly)
    assert manifest["seeds"] == SEEDS and manifest["root_seed"] == 5
    assert manifest["outcomes"] == list(NAMES)
    assert manifest["scenario"]["constants"] == {"children_0_19": 50000}
    params = manifest["parameters"]
    assert set(params) == {"21", "22"} and set(params["21"]) == set(PARAMETERS)
    assert params["21"]["children_0_19"] == 50000
    assert 0.2 <= params["21"]["deprivation_mean"] <= 0.4
    assert params["21"]["deprivation_mean"] != params["22"]["deprivation_mean"]
    assert set(manifest["packages"]) == {"python", "numpy", "pandas", "mesa", "pyarrow", "pydantic"}
    assert {"version", "commit", "describe", "dirty"} <= set(manifest["code"])
    assert manifest["created"]


def test_rewrite_replaces_folder(tmp_path, weekly):
    out = tmp_path / "out"
    write_results(out, SCENARIO, SEEDS, weekly)
    write_results(out, SCENARIO, SEEDS[:1], weekly[weekly["seed"] == SEEDS[0]].reset_index(drop=True))
    table, manifest = read_results(out)
    assert manifest["seeds"] == SEEDS[:1] and set(table["seed"]) == {SEEDS[0]}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("target, failing_call", [
    ("results.json.dumps", 1),  # after the new table is written, before its manifest
    ("folders.os.rename", 2),  # old folder moved aside, new one about to be moved in
])
def test_interrupted_write_leaves_old_folder_and_no_temp(tmp_path, weekly, monkeypatch, target, failing_call):
    out = tmp_path / "out"
    write_results(out, SCENARIO, SEEDS, weekly)
    before = snapshot(out)
    owner, module, name = target.split(".")
    module = getattr(getattr(abm, owner), module)
    real = getattr(module, name)
    calls = []

    def interrupt(*args, **kwargs):
        calls.append(args)
        if len(calls) == failing_call:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_results(out, SCENARIO, SEEDS[:1], weekly[weekly["seed"] == SEEDS[0]].reset_index(drop=True))
    monkeypatch.undo()
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_refuses_to_replace_other_folder(tmp_path, weekly):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="refusing to replace .*: it was not made by cpsim"):
        write_results(tmp_path, SCENARIO, SEEDS, weekly)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_missing_folder(tmp_path):
    with pytest.raises(ResultsError, match="nowhere"):
        read_results(tmp_path / "nowhere")


def test_missing_manifest(tmp_path, weekly):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    (out / MANIFEST).unlink()
    with pytest.raises(ResultsError, match=MANIFEST) as err:
        read_results(out)
    assert err.value.path == out / MANIFEST


def test_corrupt_manifest(tmp_path, weekly):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    (out / MANIFEST).write_text('{"seeds": [1')
    with pytest.raises(ResultsError, match=MANIFEST):
        read_results(out)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_corrupt_parquet(tmp_path, weekly, damage):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    table = out / TABLE
    if damage == "garbage":
        table.write_bytes(b"not a parquet file at all")
    elif damage == "truncated":
        table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    else:
        table.unlink()
    with pytest.raises(ResultsError, match=TABLE) as err:
        read_results(out)
    assert err.value.path == table


def test_columns_not_matching_manifest(tmp_path, weekly):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    weekly.drop(columns=["cp_plans_open"]).to_parquet(out / TABLE, index=False)
    with pytest.raises(ResultsError, match=rf"{TABLE}.*missing: \['cp_plans_open'\]"):
        read_results(out)


def test_manifest_is_plain_json(tmp_path, weekly):
    out = write_results(tmp_path / "out", SCENARIO, SEEDS, weekly)
    text = (out / MANIFEST).read_text()
    assert json.loads(text)["scenario"]["uncertainties"] == {"deprivation_mean": {"low": 0.2, "high": 0.4}}
