"""Saved states and branching, on a tiny authority (5,000 children, one warm-up year).

A branched run equals, byte for byte, the continuous run (history, the same switch, the
branch's weeks) on every engine path; a changed parameter or code version makes a saved
state stale and it is rebuilt; a corrupt, tampered or foreign state file is refused with
one message naming it, never unpickled, and rebuilt on request; bad `branch_from` values
are one ScenarioError naming the file and key.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from abm import branching, states
from abm.cli import app
from abm.engines import run_replicates
from abm.outcomes import NAMES
from abm.run import run, scenario_params, weekly_outcomes
from abm.scenario import ScenarioError, load_scenario, scenario_toml
from abm.seeds import replicate_seeds

HISTORY = """
[scenario]
name = "hist"
start_date = 2008-04-01
years = 1
warmup_years = 1
seeds = 2
root_seed = 7
parameters = "fit.toml"

[constants]
children_0_19 = 5000

[[events]]
kind = "national_publicity"
date = 2008-11-11
anxiety_jump = 1.0
"""

FIT = "[constants]\nreferral_threshold_annual_risk = 0.04\n"

# Branches 26 weeks into the history, so its event of 2008-11-11 is still pending (and cancelled);
# changes a threshold, has its own event and a reform that ramps from the branch.
BRANCH = """
[scenario]
name = "branch"
branch_from = "hist@2008-10-01"
years = 1
seeds = 2
parameters = "fit.toml"

[constants]
children_0_19 = 5000
cp_plan_threshold_annual_risk = 0.2

[[levers]]
reform = "R3"
start_week = 10
ramp_years = 0

[[events]]
kind = "national_publicity"
date = 2009-01-10
anxiety_jump = 0.5
"""


@pytest.fixture
def files(tmp_path, monkeypatch):
    """The history, its parameter file and the branch in a scenario folder; the cache in its own folder."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "hist.toml").write_text(HISTORY)
    (folder / "fit.toml").write_text(FIT)
    (folder / "branch.toml").write_text(BRANCH)
    monkeypatch.setenv("CPSIM_CACHE", str(tmp_path / "cache"))
    return folder


def outcome_bytes(table) -> bytes:
    return np.ascontiguousarray(table[list(NAMES)].to_numpy()).tobytes()


def test_branched_equals_continuous(files):
    branch = load_scenario(files / "branch.toml")
    assert (branch.branch_from.week, branch.warmup_years, str(branch.start_date)) == (26, 0, "2008-10-01")
    assert branch.root_seed == 7
    for seed in replicate_seeds(branch.root_seed, 2):
        branched = run(branch, seed)
        assert states.state_file(branch.branch_from, seed).is_file()
        again = run(branch, seed)  # from the saved file
        continuous = weekly_outcomes(branching.continuous(branch, seed), branch, seed)
        assert len(branched) == 52
        assert outcome_bytes(branched) == outcome_bytes(continuous) == outcome_bytes(again)
        assert branched.equals(continuous)


def test_a_branch_may_run_more_seeds_than_its_history_does(files):
    """The history's `seeds` is its own replicate count, not a limit: replicate seeds are stable for any count, so a
    branch run on more seeds (scenarios/baseline.toml --seeds 30 on the history's 20) runs the history's seed i for
    every i, building the state of each seed the history never ran, and stays equal to the continuous run."""
    branch = load_scenario(files / "branch.toml").with_overrides(seeds=3)
    history = branch.branch_from.history
    assert history.seeds == 2
    seeds = replicate_seeds(branch.root_seed, branch.seeds)
    assert seeds[:2] == replicate_seeds(history.root_seed, history.seeds)
    weekly = run_replicates(branch, seeds, workers=1, progress=False)
    assert sorted(set(weekly["seed"])) == sorted(seeds)
    assert states.ready(branch.branch_from, seeds[2])
    third = weekly[weekly["seed"] == seeds[2]].reset_index(drop=True)
    continuous = weekly_outcomes(branching.continuous(branch, seeds[2]), branch, seeds[2])
    assert outcome_bytes(third) == outcome_bytes(continuous)


def test_switch_rule(files):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    history = branching.history_model(branch.branch_from.history, 26, seed)
    anxiety, pending = history.public.anxiety, list(history.scheduled_events)
    model = branching.switch(history, branch, seed)
    assert model.p.cp_plan_threshold_annual_risk == 0.2 and model.warmup_weeks == model.week == 52 + 26
    assert model.public.anxiety == anxiety  # the state carries over
    assert pending and all(event.CANCELED for event in pending)  # the history's 2008-11-11 never fires
    assert len(model.scheduled_events) == 1 and model.scheduled_events[0].time == 52 + 26 + 14 + 0.5
    assert model.p.children_0_19 == 5000 and scenario_params(branch, seed).children_0_19 == 5000
    model.step()
    assert len(model.datacollector.model_vars["outcomes"]) == 1


def test_the_historys_changes_before_the_branch_carry_on(files):
    """A dated change of the history made before the branch point stays in force in the branch (the guardian service's
    added places of 2009-10 after April 2011), one after it does not, and the branch's own setting wins."""
    history = HISTORY + "\n[[changes]]\ndate = 2008-06-01\nguardian_capacity_scale = 1.5\n" \
                        "\n[[changes]]\ndate = 2009-01-01\nguardian_capacity_scale = 2.0\n"
    (files / "hist.toml").write_text(history)
    seed = replicate_seeds(7, 1)[0]
    branch = load_scenario(files / "branch.toml")
    assert scenario_params(branch, seed).guardian_capacity_scale == 1.5
    assert scenario_params(branch.branch_from.history, seed).guardian_capacity_scale == 1.0  # before its changes
    model = branching.switch(branching.history_model(branch.branch_from.history, 26, seed), branch, seed)
    assert model.p.guardian_capacity_scale == 1.5 and model.court.guardians == round(9.0 * 1.5 * 5000 / 1e4)
    (files / "own.toml").write_text(BRANCH.replace('name = "branch"', 'name = "own"').replace(
        "cp_plan_threshold_annual_risk = 0.2", "cp_plan_threshold_annual_risk = 0.2\nguardian_capacity_scale = 0.8"))
    assert scenario_params(load_scenario(files / "own.toml"), seed).guardian_capacity_scale == 0.8
    # a value in the parameter file the history shares is not the branch's own: the history's change still wins
    (files / "fit.toml").write_text(FIT + "guardian_capacity_scale = 0.7\n")
    assert scenario_params(load_scenario(files / "branch.toml"), seed).guardian_capacity_scale == 1.5
    # a change in the branch's own week is in force from its first week
    (files / "hist.toml").write_text(history.replace("date = 2008-06-01", "date = 2008-10-01"))
    branch = load_scenario(files / "branch.toml")
    assert branch.branch_from.history.change_weeks()[0][0] == branch.branch_from.week
    assert scenario_params(branch, seed).guardian_capacity_scale == 1.5


def test_engines_build_once_and_agree(files):
    branch = load_scenario(files / "branch.toml")
    seeds = replicate_seeds(7, 2)
    together = run_replicates(branch, seeds, workers=2, progress=False)
    assert together.equals(run_replicates(branch, seeds, workers=1, progress=False))
    for seed in seeds:
        assert states.ready(branch.branch_from, seed)


def test_concurrent_builders_share_one_state(files):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    code = ("import sys; from abm.scenario import load_scenario; from abm.run import run; "
            f"print(run(load_scenario({str(files / 'branch.toml')!r}), {seed}).iloc[:, 5:].to_numpy().sum())")
    env = {**os.environ, "PYTHONPATH": str(Path(states.__file__).parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs) and outputs[0] == outputs[1]
    assert states.ready(branch.branch_from, seed)
    assert not list(states.state_file(branch.branch_from, seed).parent.glob(".tmp-*"))


def test_a_changed_parameter_rebuilds(files, capsys):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    run(branch, seed)
    path = states.state_file(branch.branch_from, seed)
    first = path.read_bytes()
    (files / "fit.toml").write_text("[constants]\nreferral_threshold_annual_risk = 0.05\n")
    changed = load_scenario(files / "branch.toml")
    assert not states.ready(changed.branch_from, seed)
    run(changed, seed)
    assert "stale (scenario changed)" in capsys.readouterr().err
    assert path.read_bytes() != first and states.ready(changed.branch_from, seed)


def test_a_changed_code_version_rebuilds(files, monkeypatch, capsys):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    run(branch, seed)
    monkeypatch.setattr(states, "code_version", lambda: {"cpsim": "0.0.0", "source": "another"})
    assert not states.ready(branch.branch_from, seed)
    built = []
    states.load(branch.branch_from, seed, lambda: built.append(1) or branching.history_model(
        branch.branch_from.history, 26, seed))
    assert built == [1] and "stale (code changed)" in capsys.readouterr().err
    assert states.ready(branch.branch_from, seed)


def never_unpickled(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a refused state file was unpickled")
    monkeypatch.setattr(states.pickle, "loads", refuse)


class Planted:
    """A pickle that would leave a file behind if it were ever unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "foreign pickle", "other key"])
def test_a_bad_state_file_is_refused_then_rebuilt_on_request(files, monkeypatch, tmp_path, damage):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    expected = outcome_bytes(run(branch, seed))
    path = states.state_file(branch.branch_from, seed)
    data = path.read_bytes()
    marker = tmp_path / "unpickled"
    if damage == "flip a byte":
        data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]
    elif damage == "truncate":
        data = data[:200]
    elif damage == "foreign pickle":
        data = pickle.dumps(Planted(marker))
    else:  # a file signed by another cache's key
        (tmp_path / "cache" / "secret.key").unlink()
    path.write_bytes(data)
    with monkeypatch.context() as m:
        never_unpickled(m)
        with pytest.raises(states.StateError) as e:
            run(branch, seed)
    message = str(e.value)
    assert str(path) in message and "refused, not loaded" in message and "--rebuild" in message
    assert not marker.exists()
    with pytest.raises(states.StateError):
        states.ready(branch.branch_from, seed)
    result = CliRunner().invoke(app, ["states", str(files / "branch.toml"), "--seeds", "1", "--point"])
    assert result.exit_code == 2 and str(path) in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["states", str(files / "branch.toml"), "--seeds", "1", "--rebuild",
                                      "--workers", "1", "--point"])
    assert result.exit_code == 0, result.output
    assert "1 states built" in result.output
    assert outcome_bytes(run(branch, seed)) == expected


def test_the_signing_key_must_be_private(files):
    branch = load_scenario(files / "branch.toml")
    seed = replicate_seeds(7, 1)[0]
    run(branch, seed)
    key = states.cache_folder() / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    with pytest.raises(states.StateError, match="secret.key: the cache's signing key must belong to you and be "
                                                "private"):
        run(branch, seed)


def test_a_branched_scenario_writes_back_and_reads_again(files, tmp_path):
    branch = load_scenario(files / "branch.toml")
    text = scenario_toml(branch)
    assert 'branch_from = "hist@2008-10-01"' in text and "warmup_years" not in text and "root_seed" not in text
    copy = files / "copy.toml"
    copy.write_text(text)
    again = load_scenario(copy)
    assert again.branch_from == branch.branch_from and again.constants == branch.constants


def test_overrides_that_contradict_the_branch_are_refused(files):
    branch = load_scenario(files / "branch.toml")
    assert branch.with_overrides(years=2).years == 2
    with pytest.raises(ValidationError, match="1 contradicts branch_from = .hist@2008-10-01.: a branched scenario "
                                              "has warmup_years 0"):
        type(branch).model_validate({**dict(branch), "warmup_years": 1})
    with pytest.raises(ValidationError, match="6000 differs from the history hist's 5000"):  # e.g. a sweep's point
        type(branch).model_validate({**dict(branch), "constants": {**branch.constants, "children_0_19": 6000}})


BAD = [
    ('branch_from = 5', "scenario.branch_from: must be text in quotes"),
    ('branch_from = "hist"', "scenario.branch_from: 'hist' is not HISTORY@DATE"),
    ('branch_from = "hist@2008-13-01"', "is not HISTORY@DATE"),
    ('branch_from = "hist@"', "is not HISTORY@DATE"),
    ('branch_from = "../hist@2008-10-01"', "is not HISTORY@DATE"),
    ('branch_from = "hits@2008-10-01"', "unknown history scenario 'hits'.*did you mean 'hist'"),
    ('branch_from = "hist@2008-03-31"', r"2008-03-31 is outside the history hist's run: allowed 2008-04-01 to "
                                        r"2009-04-06"),
    ('branch_from = "hist@2009-04-07"', "outside the history hist's run"),
    ('branch_from = "hist@2008-10-01"\nwarmup_years = 1', "scenario.warmup_years: a scenario with branch_from has "
                                                          "no warm-up"),
    ('branch_from = "hist@2008-10-01"\nroot_seed = 7', "scenario.root_seed: a scenario with branch_from runs"),
    ('branch_from = "hist@2008-10-01"\nstart_date = 2008-10-01', "scenario.start_date: a scenario with branch_from"),
    ('branch_from = "again@2008-10-01"', "again.toml: scenario.branch_from: a history must start from its own "
                                         "warm-up"),
    ('branch_from = "undated@2008-10-01"', "has no start_date"),
]


@pytest.mark.parametrize("header, message", BAD)
def test_bad_branch_from_is_one_clear_error(files, header, message):
    (files / "again.toml").write_text('[scenario]\nbranch_from = "hist@2008-10-01"\nyears = 1\nseeds = 1\n')
    (files / "undated.toml").write_text(HISTORY.replace("start_date = 2008-04-01\n", "").split("[[events]]")[0])
    bad = files / "bad.toml"
    bad.write_text(f"[scenario]\n{header}\nyears = 1\nseeds = 1\n")
    with pytest.raises(ScenarioError, match=message) as e:
        load_scenario(bad)
    assert str(e.value).startswith(f"{bad}: scenario.")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("section, line, key", [
    ("constants", "children_0_19 = 6000", "constants.children_0_19: 6000 differs from the history hist's 5000"),
    ("uncertainties", "children_0_19 = { low = 4000, high = 6000 }", "uncertainties.children_0_19: is read only"),
])
def test_a_branch_cannot_change_what_is_built_once(files, section, line, key):
    bad = files / "bad.toml"
    bad.write_text(f'[scenario]\nbranch_from = "hist@2008-10-01"\nyears = 1\nseeds = 1\n\n[{section}]\n{line}\n')
    with pytest.raises(ScenarioError, match=key):
        load_scenario(bad)


def test_a_history_in_the_projects_scenarios_is_found_from_anywhere(tmp_path):
    copy = tmp_path / "elsewhere.toml"
    copy.write_text('[scenario]\nbranch_from = "england_2006_2011@2011-04-01"\nyears = 1\nseeds = 1\n')
    branch = load_scenario(copy)
    assert branch.branch_from.week == 260 and branch.root_seed == 20081111
    assert str(branch.start_date) == "2011-04-01"


def test_compare_pairs_branched_scenarios_only_with_each_other(files):
    from abm.compare import CompareError, run_scenarios

    branch = load_scenario(files / "branch.toml")
    same = branch.with_levers(branch.levers, name="same")
    weekly = run_scenarios([branch, same], 1, workers=1)
    assert outcome_bytes(weekly[weekly.scenario == "branch"]) == outcome_bytes(weekly[weekly.scenario == "same"])
    with pytest.raises(CompareError, match=r"branch.toml: scenario.branch_from: hist@2008-10-01 \(history .*hist.toml\) "
                                           r"differs from None in .*hist.toml"):
        run_scenarios([load_scenario(files / "hist.toml"), branch], 1, workers=1)


def test_a_cache_that_cannot_be_written_is_one_clear_error(files, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    monkeypatch.setenv("CPSIM_CACHE", str(blocked))
    branch = load_scenario(files / "branch.toml")
    with pytest.raises(states.StateError, match="cannot use the cache of saved states .* set CPSIM_CACHE"):
        run(branch, replicate_seeds(7, 1)[0])


def test_links_refuses_a_branched_scenario(files):
    result = CliRunner().invoke(app, ["links", "--scenario", str(files / "branch.toml"), "--seeds", "2"])
    assert result.exit_code == 2 and "scenario.branch_from: the links are measured in 2009/10" in result.output
