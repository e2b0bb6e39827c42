"""The calibration posterior: the ABC-SMC search on a tiny authority, its file, and `cpsim posterior`.

The search (abm/calibration/abc.py) saves each generation in abc_state.npz and continues with
--resume, never over another search or with other settings; its posterior file loads, its
weights sum to 1 and every member lies within its prior's range; a hostile or stale posterior
file is refused with one message naming the file and what is wrong; and the committed posterior
(scenarios/posterior/) passes the same checks. The search committed under results/ can still be
resumed with today's setup (a new scenario feature left unused must not orphan it).
"""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pytest
from typer.testing import CliRunner

from abm.calibration import CalibrationError
from abm.calibration.abc import (MOVES_LEAST, MOVES_MOST, STATE_FILE, STAY, Distance, Search, State, _settings,
                                  calibrate_abc, moves, reflect, run_seeds, simulate)
from abm.calibration.loss import loss
from abm.calibration.posterior import PosteriorError, load_posterior
from abm.calibration.search import prepare
from abm.cli import app
from tests.conftest import ROOT
from tests.test_calibration_search import files  # noqa: F401  (the tiny authority's files, a fixture)


def abc(files, out, **options):  # noqa: F811
    args = {k: files[k] for k in ("scenario_path", "space_path", "targets_path")}
    settings = {"seeds": 1, "population": 10, "generations": 1, "workers": 1, "progress": False, **options}
    return calibrate_abc(out=out, **args, **settings)


def test_an_abc_search_saves_each_generation_and_resumes_to_the_same_population(tmp_path, files):  # noqa: F811
    out = tmp_path / "abc"
    first, saved, written = abc(files, out, generations=2)
    assert written is None and saved == out / "posterior.toml" and (out / STATE_FILE).exists()
    assert first.t == 1 and first.u.shape == (10, 2) and len(first.epsilons) == 1
    assert first.simulations > 10
    post = load_posterior(saved, files["space_path"])
    assert math.isclose(post.weights.sum(), 1.0) and 1 <= len(post.members) <= 10
    provenance = tomllib.loads(saved.read_text())["provenance"]
    assert provenance["generations"] == 2 and provenance["population"] == 10 and provenance["seeds_per_particle"] == 1

    resumed, _, _ = abc(files, out, generations=4, resume=True)
    straight, _, _ = abc(files, tmp_path / "straight", generations=4)
    assert resumed.t == straight.t == 3
    np.testing.assert_array_equal(resumed.u, straight.u)  # every draw flows from the root seed
    np.testing.assert_array_equal(resumed.distance, straight.distance)
    assert resumed.epsilons == straight.epsilons and resumed.epsilons[0] == first.epsilons[0]
    assert all(b <= a for a, b in zip(resumed.epsilons, resumed.epsilons[1:]))
    assert np.all(resumed.distance <= resumed.epsilons[-1])  # the population lies within its epsilon
    with pytest.raises(CalibrationError, match=r"already holds an ABC search \(abc_state.npz\); continue it with"):
        abc(files, out)
    with pytest.raises(CalibrationError, match="its ABC search was run with other population"):
        abc(files, out, population=12, resume=True)
    with pytest.raises(CalibrationError, match="holds no ABC search to resume"):
        abc(files, tmp_path / "none", resume=True)
    with pytest.raises(CalibrationError, match="--population: 3 is out of range: allowed 10 to 10,000"):
        abc(files, tmp_path / "small", population=3)
    (out / STATE_FILE).write_bytes(b"not a state")
    with pytest.raises(CalibrationError, match="is not a state this tool saved, or is damaged"):
        abc(files, out, generations=5, resume=True)


def test_a_particle_runs_its_own_seeds_and_is_scored_by_the_point_fits_loss(files):  # noqa: F811
    setup = prepare(files["scenario_path"], files["space_path"], files["targets_path"], seeds=1, holdout_seeds=1)
    assert run_seeds(7, 1, 2, 2) == run_seeds(7, 1, 2, 2) and len(set(run_seeds(7, 1, 2, 2))) == 2
    assert run_seeds(7, 1, 2, 1) != run_seeds(7, 1, 3, 1) != run_seeds(7, 2, 2, 1)
    assert all(math.isclose(d.value_at(0.0), d.low) and math.isclose(d.value_at(1.0), d.high) for d in setup.space)
    assert math.isclose(setup.space[0].value_at(0.5), math.sqrt(0.01 * 0.2))  # log range: the geometric middle
    assert all(math.isclose(d.unit_of(d.value_at(0.3)), 0.3) for d in setup.space)
    scenario = setup.scenario_with({"referral_threshold_annual_risk": 0.03, "referrer_threshold_scale": 1.1})
    medians = simulate((scenario, run_seeds(7, 0, 0, 1), setup.targets))
    assert set(medians) == {"referrals 2008/09", "children_in_need all years"}

    class Stub:  # a result as abm.validation.evaluate gives it
        def __init__(self, target, median):
            self.target, self.median = target, median

    results = [Stub(t, medians[f"{t.name} {t.when}"]) for t in setup.targets]
    assert math.isclose(Distance(setup)(medians), loss(results, setup.cap))


GOOD_MEMBER = '[[member]]\nweight = {w}\nsearched = {{ referral_threshold_annual_risk = {x}, referrer_threshold_scale = 1.0 }}\n'


def posterior_file(tmp_path, files, members, space=None):  # noqa: F811
    space = space or ('referral_threshold_annual_risk = [0.01, 0.2, true]\n'
                      'referrer_threshold_scale = [0.8, 1.25, false]\n')
    text = f'[provenance]\nmethod = "test"\n\n[provenance.space]\n{space}\n' + "\n".join(members)
    path = tmp_path / "posterior.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("members, space, message", [
    ([GOOD_MEMBER.format(w=0.5, x=0.05)], None, "weights sum to 0.5, not 1"),
    ([GOOD_MEMBER.format(w=1.0, x=0.5)], None, r"member 1.searched.referral_threshold_annual_risk: 0.5 is outside "
                                               "its prior's range 0.01 to 0.2"),
    ([GOOD_MEMBER.format(w=1.0, x=0.05)], "referral_threshold_annual_risk = [0.01, 0.3, true]\n"
                                          "referrer_threshold_scale = [0.8, 1.25, false]\n", "drawn over other"),
    ([GOOD_MEMBER.format(w=1.0, x='"high"')], None, "is outside its prior's range"),
    ([GOOD_MEMBER.format(w=-1, x=0.05)], None, "member 1.weight: -1 is not a number from 0 to 1"),
    (['[[member]]\nweight = 1.0\n'], None, "member 1: must hold exactly 'weight' and 'searched'"),
    ([], None, r"holds no \[\[member\]\]"),
])
def test_a_hostile_or_stale_posterior_is_refused(tmp_path, files, members, space, message):  # noqa: F811
    path = posterior_file(tmp_path, files, members, space)
    with pytest.raises(PosteriorError, match=message) as e:
        load_posterior(path, files["space_path"])
    assert str(path) in str(e.value)


def test_posterior_summarises_a_file_as_json_and_as_a_table(tmp_path, files):  # noqa: F811
    path = posterior_file(tmp_path, files, [GOOD_MEMBER.format(w=0.25, x=0.02), GOOD_MEMBER.format(w=0.75, x=0.04)])
    post = load_posterior(path, files["space_path"])
    assert math.isclose(post.effective_sample_size, 1 / (0.25**2 + 0.75**2))
    p05, median, p95 = post.quantiles("referral_threshold_annual_risk")
    assert 0.02 <= p05 < median < p95 <= 0.04 and median > 0.03  # the heavier member pulls the median its way
    shown = CliRunner().invoke(app, ["posterior", str(path), "--json", "--parameters", str(files["space_path"])])
    assert shown.exit_code == 0, shown.output
    summary = json.loads(shown.output)
    assert summary["method"] == "test" and summary["members"] == 2
    assert set(summary["parameters"]["referrer_threshold_scale"]) == {"p05", "median", "p95"}
    table = CliRunner().invoke(app, ["posterior", str(path), "--parameters", str(files["space_path"])])
    assert table.exit_code == 0 and "effective sample size 1.6" in table.output
    missing = CliRunner().invoke(app, ["posterior", str(tmp_path / "nowhere.toml")])
    assert missing.exit_code == 2 and "nowhere.toml" in missing.output


def test_the_committed_posterior_loads_within_its_priors_and_is_what_its_committed_search_draws():
    from abm.calibration import emulator

    post = load_posterior()
    assert 50 <= len(post.members) <= 200
    assert math.isclose(post.weights.sum(), 1.0)
    assert all(d.low <= m[d.name] <= d.high for m in post.members for d in post.space)
    assert post.provenance["method"].startswith("Bayesian calibration with quadratic emulators")
    setup = prepare(seeds=emulator.JACOBIAN_SEEDS, holdout_seeds=1)
    search = ROOT / "results" / "emulator-2026-12-07c" / emulator.STATE_FILE
    state = emulator.State.load(search, emulator._settings(setup, post.provenance["seeds_per_draw"], 1000))
    points, _ = emulator.members(setup, state)
    assert [{k: float(f"{v:.6g}") for k, v in p.items()} for p in points] == list(post.members)


COMMITTED_SEARCH = ROOT / "results" / "abc-2026-12-07d" / STATE_FILE


@pytest.mark.skipif(not COMMITTED_SEARCH.exists(), reason="no ABC search committed")
def test_the_committed_search_is_a_record_that_todays_targets_refuse_to_resume():
    """The fourth ABC search ran on the 55 targets before care applications of 2007/08 were added
    (docs/calibration.md)."""
    with pytest.raises(CalibrationError, match=r"abc-2026-12-07d: its ABC search was run with other setup"):
        State.load(COMMITTED_SEARCH, _settings(prepare(seeds=2), 2, 100))


def test_the_report_checks_every_target_on_the_posterior_predictive(tmp_path, files):  # noqa: F811
    _, saved, _ = abc(files, tmp_path / "abc", generations=2)
    args = ["calibrate", "--scenario", str(files["scenario_path"]), "--parameters", str(files["space_path"]),
            "--targets", str(files["targets_path"]), "--workers", "1"]
    done = CliRunner().invoke(app, [*args, "--report", str(tmp_path / "report"), "--posterior", str(saved)])
    assert done.exit_code == 0, done.output
    result = json.loads((tmp_path / "report" / "posterior.json").read_text())
    assert [(t["name"], t["period"]) for t in result["targets"]] == [("referrals", "2008/09"),
                                                                      ("children_in_need", "all years")]
    assert result["fitted"] == 2 and result["fitted_pass"] == sum(t["ok"] for t in result["targets"])
    assert all(t["p05"] <= t["median"] <= t["p95"] for t in result["targets"])
    assert "posterior predictive" in done.output and "Marginals" in (tmp_path / "report" / "posterior.html").read_text()
    inside = CliRunner().invoke(app, [*args, "--report", str(files["scenario_path"].parent), "--posterior", str(saved)])
    assert inside.exit_code == 2 and "--report" in inside.output  # never written over the inputs' folder


def test_a_move_is_folded_back_into_the_unit_box():
    u = np.array([[-0.25, 0.5, 1.25, 2.5, -3.75, 1.0]])
    np.testing.assert_allclose(reflect(u), [[0.25, 0.5, 0.75, 0.5, 0.25, 1.0]])
    folded = reflect(np.random.default_rng(1).normal(0, 5, (200, 3)))
    assert folded.min() >= 0 and folded.max() <= 1


def test_a_generation_drops_a_quarter_even_when_copies_tie(files):  # noqa: F811
    setup = prepare(files["scenario_path"], files["space_path"], files["targets_path"], seeds=1, holdout_seeds=1)

    class Engine:  # every run meets both targets exactly (distance 0); the population is all ties
        def map(self, fn, items):
            return ((i, dict.fromkeys(("referrals 2008/09", "children_in_need all years"), 150.0))
                    for i, _ in enumerate(items))

    search = Search(setup, Engine(), 1, 12)
    state = State(0, np.full((12, 2), 0.5), np.full(12, 3.0), 0.1)
    after = search.step(state)
    assert after.epsilons == [3.0] and after.acceptance[-1] == 1.0  # every copy moved (its runs are within epsilon)
    assert len(np.unique(after.u, axis=0)) == 1 + 3  # the 9 survivors (one point) and the 3 copies, each moved


def test_copies_move_more_as_fewer_moves_are_accepted():
    def after(rate):
        return moves(State(1, np.zeros((1, 1)), np.zeros(1), 1.0, acceptance=[rate]))

    assert moves(State(0, np.zeros((1, 1)), np.zeros(1), 1.0)) == MOVES_LEAST  # no rate yet
    assert [after(r) for r in (0.9, 0.44, 0.2, 0.05, 0.0)] == [MOVES_LEAST, 6, 14, MOVES_MOST, MOVES_MOST]
    for rate in np.linspace(0.15, 0.6, 10):  # where the count is not capped, a copy stays a copy rarely
        assert (1 - rate) ** after(rate) <= STAY < (1 - rate) ** (after(rate) - 1)
