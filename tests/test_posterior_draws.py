"""Posterior draws (issue 12 item 4): every comparison's intervals include parameter uncertainty.

On a tiny authority (5,000 children, one warm-up year, one year) whose parameter file is
the calibrated one: seed s draws the same posterior member in every scenario, so a copy of
a scenario differs from it by exactly zero in every pair; two seeds can draw different
members, so the posterior is really used; `--point` gives, byte for byte, the runs made
before posterior draws existed; the JSON says which uncertainties an interval includes; a
posterior that cannot be used is one clear error before any run; a difference whose sign
flips across the pairs is "uncertain". A branched scenario's history runs with the
branch's member, its saved states kept apart from the point fit's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import abm.calibration.posterior as posterior_module
from abm.calibration.posterior import PosteriorError
from abm.cli import app
from abm.compare import CompareError
from abm.compare.running import check_pairable
from abm.compare.statistics import verdict
from abm.model import FIXED_DURING_RUN
from abm.posterior_draws import OFFERED, member, member_constants, posterior_at, sentence, with_posterior
from abm.results import read_results
from abm.run import run, scenario_params
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds
from abm.states import state_file, state_key
from abm.sweep.runner import point_scenario
from tests.posterior_members import write_test_posterior

ROOT = Path(__file__).resolve().parents[1]
TINY = """
[scenario]
name = "{name}"
start_date = 2011-04-01
years = 1
warmup_years = 1
seeds = 3
root_seed = 5
parameters = "fit.toml"

[constants]
children_0_19 = 5000
"""



@pytest.fixture(autouse=True)
def posterior(tmp_path_factory, monkeypatch) -> Path:
    """A posterior of three members around the point fit, in the committed posterior's place."""
    path = write_test_posterior(tmp_path_factory.mktemp("posterior") / "england_2006_2011.toml")
    monkeypatch.setattr(posterior_module, "POSTERIOR_FILE", path)
    return path


def tiny(folder: Path, name: str = "tiny") -> Path:
    shutil.copyfile(ROOT / "scenarios" / "calibrated.toml", folder / "fit.toml")
    path = folder / f"{name}.toml"
    path.write_text(TINY.format(name=name))
    return path


def cli(*args) -> object:
    return CliRunner().invoke(app, [*map(str, args)])


def test_a_seed_draws_one_member_for_every_scenario_and_seeds_draw_different_members(tmp_path):
    one = with_posterior(load_scenario(tiny(tmp_path)))
    lever = one.with_levers([("R10", {})], name="lever")
    posterior = posterior_at(one.posterior)
    seeds = replicate_seeds(5, 8)
    members = [member(posterior, s) for s in seeds]
    assert len(set(members)) > 1
    for seed, k in zip(seeds, members):
        drawn = posterior.constants(k)
        for scenario in (one, lever):
            params = scenario_params(scenario, seed)
            assert {name: getattr(params, name) for name in drawn} == drawn
    assert scenario_params(one, seeds[0]).children_0_19 == 5000  # the scenario's own constant wins


def test_compare_keeps_pairs_a_copy_differs_by_exactly_zero_and_says_what_intervals_include(tmp_path):
    first, copy = tiny(tmp_path), tiny(tmp_path, "copy")
    done = cli("compare", first, copy, "--seeds", 3, "--workers", 1, "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["uncertainty"] == ["seeds", "parameters"] and result["posterior"]["members"] > 1
    for outcome in result["outcomes"].values():
        d = outcome["difference"]["copy"]
        assert d["n"] == 0 or (d["mean"], d["above"], d["below"]) == (0, 0, 0)
        assert {d["p05"], d["p95"]} <= {0, None}  # no interval from a single defined pair
    point = json.loads(cli("compare", first, copy, "--seeds", 3, "--workers", 1, "--json", "--point").stdout)
    assert point["uncertainty"] == ["seeds"] and "posterior" not in point
    assert any(result["outcomes"][o]["scenarios"] != point["outcomes"][o]["scenarios"] for o in result["outcomes"])
    table = cli("compare", first, copy, "--seeds", 2, "--workers", 1)
    assert f"parameter uncertainty (posterior, {result['posterior']['members']} members)" in table.stdout


def test_point_reproduces_a_run_of_the_unchanged_scenario_and_the_default_records_members(tmp_path, posterior):
    path = tiny(tmp_path)
    assert cli("run", path, "--point", "--workers", 1, "--out", tmp_path / "point").exit_code == 0
    weekly, manifest = read_results(tmp_path / "point")
    scenario = load_scenario(path)
    seeds = replicate_seeds(5, 3)
    pd.testing.assert_frame_equal(weekly, pd.concat([run(scenario, s) for s in seeds], ignore_index=True))
    assert manifest["uncertainty"] == ["seeds"]
    done = cli("run", path, "--workers", 1, "--out", tmp_path / "drawn", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["uncertainty"] == ["seeds", "parameters"]
    drawn, manifest = read_results(tmp_path / "drawn")
    drawn_from = posterior_at(posterior)
    assert manifest["posterior"]["member_of_seed"] == {str(s): member(drawn_from, s) for s in seeds}
    assert not drawn.equals(weekly)


@pytest.mark.parametrize("text, problem", [("[[member]]\nweight = 2\n", "was drawn over other"),
                                           ("[[member]\n", "not valid TOML")])
def test_an_unusable_posterior_is_one_error_naming_it_before_any_run(tmp_path, monkeypatch, text, problem):
    bad = tmp_path / "posterior.toml"
    bad.write_text(text)
    monkeypatch.setattr(posterior_module, "POSTERIOR_FILE", bad)
    path = tiny(tmp_path)
    for args in (["run", path, "--out", tmp_path / "out"], ["compare", path, path], ["workshop", path]):
        done = cli(*args)
        assert done.exit_code == 2 and len(done.stderr.strip().splitlines()) == 1, done.output
        assert str(bad) in done.stderr and problem in done.stderr and "--point" in done.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(PosteriorError):
        with_posterior(load_scenario(path), bad)


def test_while_no_posterior_is_committed_the_default_is_the_single_fit_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(posterior_module, "POSTERIOR_FILE", tmp_path / "none.toml")
    path = tiny(tmp_path)
    assert with_posterior(load_scenario(path)).posterior is None
    done = cli("compare", path, tiny(tmp_path, "copy"), "--seeds", 2, "--workers", 1)
    assert done.exit_code == 0, done.output
    assert "seed noise only (the single calibrated fit: no calibration posterior is committed yet" in done.stdout
    with pytest.raises(PosteriorError, match="cannot read the posterior"):
        with_posterior(load_scenario(path), tmp_path / "none.toml")


NONE_YET = "Intervals include seed noise only (the single calibrated fit: no calibration posterior is committed yet"
CHOSEN = "Intervals include seed noise only (the single calibrated fit, chosen instead of the calibration posterior)."


def test_the_sentence_on_the_single_fit_says_no_posterior_only_when_there_is_none(tmp_path, monkeypatch):
    single_fit = {"uncertainty": ["seeds"]}
    monkeypatch.setattr(posterior_module, "POSTERIOR_FILE", tmp_path / "none.toml")
    assert sentence(single_fit).startswith(NONE_YET)  # none committed, the result says nothing else
    assert sentence({**single_fit, OFFERED: False}).startswith(NONE_YET)
    assert sentence({**single_fit, OFFERED: True}) == CHOSEN  # one offered (the app's CPSIM_APP_POSTERIOR)
    committed = tmp_path / "committed.toml"
    committed.write_text("")
    monkeypatch.setattr(posterior_module, "POSTERIOR_FILE", committed)
    assert sentence(single_fit) == CHOSEN  # one committed: the single fit was chosen (--point)
    drawn = {"uncertainty": ["seeds", "parameters"], "posterior": {"file": "p.toml", "members": 3}}
    assert sentence(drawn) == "Intervals include seed noise and parameter uncertainty (posterior, 3 members)."


def test_a_branched_scenario_runs_its_history_on_the_same_member_with_its_own_saved_states():
    point = load_scenario(ROOT / "scenarios" / "baseline.toml")
    drawn = with_posterior(point)
    history = drawn.branch_from.history
    assert history.posterior == drawn.posterior
    seed = replicate_seeds(point.root_seed, 1)[0]
    branched, kept = scenario_params(drawn, seed), scenario_params(history, seed)
    assert all(getattr(branched, n) == getattr(kept, n) for n in FIXED_DURING_RUN)
    assert member_constants(history, seed) == member_constants(drawn, seed) != {}
    assert state_file(drawn.branch_from, seed) != state_file(point.branch_from, seed)
    assert state_key(drawn.branch_from, seed)["member"] == member_constants(history, seed)
    assert "member" not in state_key(point.branch_from, seed)


def test_a_sweep_point_or_own_constant_keeps_its_value_under_the_posterior(tmp_path):
    scenario = with_posterior(load_scenario(tiny(tmp_path)))
    swept = point_scenario(scenario, {"referral_threshold_annual_risk": 0.033})
    seed = replicate_seeds(5, 1)[0]
    assert scenario_params(swept, seed).referral_threshold_annual_risk == 0.033
    assert "referral_threshold_annual_risk" in member_constants(scenario, seed)
    assert "fitted" not in scenario.model_dump() and "posterior" not in scenario.model_dump()


@pytest.mark.parametrize("shares, expected", [({}, "better"), ({"above": 0.95, "below": 0.05}, "better"),
                                              ({"above": 0.3, "below": 0.0}, "better"),  # the rest exactly zero
                                              ({"above": 0.7, "below": 0.3}, "uncertain"),
                                              ({"above": 0.1, "below": 0.9}, "uncertain")])
def test_a_clear_interval_whose_pairs_disagree_is_uncertain(shares, expected):
    assert verdict({"p05": 0.1, "p95": 0.5, **shares}, "higher") == expected


def test_scenarios_drawn_differently_are_not_paired(tmp_path):
    point = load_scenario(tiny(tmp_path))
    drawn = with_posterior(load_scenario(tiny(tmp_path, "copy")))
    with pytest.raises(CompareError, match="draw their parameters the same way"):
        check_pairable([point, drawn])
    check_pairable([with_posterior(point), drawn])


def test_a_workshop_draws_one_member_per_seed_for_every_combination(tmp_path):
    path = tiny(tmp_path)
    path.write_text(path.read_text() + '\n[[levers]]\nreform = "R1"\nstrength = 0.0\n\n[[levers]]\nreform = "R10"\n')
    done = cli("workshop", path, "--seeds", 2, "--workers", 1, "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["uncertainty"] == ["seeds", "parameters"]
    # R1 at strength 0 changes nothing: on the same (member, seed) pairs its subset equals no reform exactly.
    assert result["subsets"][1]["families"] == ["guidance"]
    assert all(d["n"] == 0 or (d["mean"], d["above"], d["below"]) == (0, 0, 0)
               for d in result["subsets"][1]["difference"].values())
