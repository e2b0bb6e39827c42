"""The calibration posterior from linear emulators about the point fit (abm/calibration/emulator.py).

The box-restricted normal of the first design is drawn as rejection would draw it (and uniformly
along a direction nothing informs); the emulators predict known quadratic misfits and their chains
draw the posterior a grid computes; the
search on a tiny authority starts from its point fit, saves its runs chunk by chunk, and one
interrupted, or stopped, and resumed gives the same draws, misfits and posterior as one never
stopped; it is never resumed with other settings or over a damaged state, nor run from a
scenario with no point fit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import abm.calibration.emulator as emulator
from abm.calibration import CalibrationError
from abm.calibration.emulator import (STATE_FILE, Emulator, State, calibrate_emulator, features, fitted_point,
                                      truncated_normal)
from abm.calibration.posterior import load_posterior
from abm.calibration.search import prepare
from tests.test_calibration_search import files  # noqa: F401  (the tiny authority's files, a fixture)

FIT = """[constants]
referral_threshold_annual_risk = 0.03
schools_threshold_annual_risk = 0.0315
health_threshold_annual_risk = 0.0315

[provenance]
searched = { referral_threshold_annual_risk = 0.03, referrer_threshold_scale = 1.05 }
"""


def test_a_truncated_normal_is_drawn_as_rejection_draws_it():
    rng = np.random.default_rng(1)
    mean, cov = np.array([0.9, 0.2, 0.5]), np.array([[0.04, 0.03, 0.0], [0.03, 0.04, 0.01], [0.0, 0.01, 0.02]])
    x = truncated_normal(mean, np.linalg.inv(cov), 3000, rng)
    reference = rng.multivariate_normal(mean, cov, 300_000)
    reference = reference[np.all((reference >= 0) & (reference <= 1), axis=1)]
    assert np.all((x >= 0) & (x <= 1))
    se = reference.std(axis=0) / math.sqrt(len(x))
    np.testing.assert_array_less(np.abs(x.mean(axis=0) - reference.mean(axis=0)), 4 * se)  # the box cuts 0.9 to ~0.84
    assert abs(x.mean(axis=0)[0] - mean[0]) > 10 * se[0]
    np.testing.assert_allclose(x.std(axis=0), reference.std(axis=0), rtol=0.08)


def test_a_direction_no_target_informs_is_uniform_over_the_box():
    x = truncated_normal(np.array([0.5, 0.3]), np.diag([0.0, 400.0]), 4000, np.random.default_rng(2))
    assert abs(x[:, 0].mean() - 0.5) < 0.015 and abs(x[:, 0].std() - 1 / math.sqrt(12)) < 0.01
    assert abs(x[:, 1].mean() - 0.3) < 0.003 and abs(x[:, 1].std() - 0.05) < 0.004


def test_the_emulators_recover_quadratic_misfits_and_the_chains_draw_their_posterior():
    """Misfits quadratic in u with noise: the emulators predict them, and the chains' draws have the mean and
    spread of the emulated posterior computed on a fine grid; a target missed by more than the cap is left out."""
    rng = np.random.default_rng(3)
    centre = np.array([0.5, 0.5])

    def truth(u):
        x1, x2 = (u - centre).T
        return np.column_stack([0.4 + 3 * x1 + 2 * x1 ** 2, -0.3 + 4 * x2 - x1 * x2, 0.2 + 2 * x1 + 2 * x2,
                                9.0 + x1])  # the last: beyond sqrt(25) at the point fit

    u = rng.random((2000, 2)) * 0.6 + 0.2
    signal = truth(u)
    e = Emulator.fit(centre, u, signal + rng.normal(0, 0.3, signal.shape), cap=25.0)
    assert list(e.used) == [0, 1, 2]
    grid = np.stack(np.meshgrid(np.linspace(0, 1, 401), np.linspace(0, 1, 401)), axis=-1).reshape(-1, 2)
    inner = np.all((grid >= 0.2) & (grid <= 0.8), axis=1)
    predicted = features(grid[inner], centre) @ e.coef.T
    assert np.max(np.abs(predicted - truth(grid[inner])[:, :3])) < 0.1  # a prediction's se: about 0.3 sqrt(6 / 2000)
    np.testing.assert_allclose(e.r2_held_out, 1 - 0.09 / (signal[:, :3].var(axis=0) + 0.09), atol=0.05)  # noise's share
    np.testing.assert_allclose(e.residual_sd, 0.3, rtol=0.1)

    weight = np.exp(-(e.loss(grid) - e.loss(grid).min()) / 2)
    weight /= weight.sum()
    mean = weight @ grid
    sd = np.sqrt(weight @ (grid - mean) ** 2)
    draws = e.draw(2000, rng)
    assert np.all((draws >= 0) & (draws <= 1))
    np.testing.assert_array_less(np.abs(draws.mean(axis=0) - mean), 4 * sd / math.sqrt(2000) + 0.003)
    np.testing.assert_allclose(draws.std(axis=0), sd, rtol=0.1)


def search(files, out, **options):  # noqa: F811
    args = {k: files[k] for k in ("scenario_path", "space_path", "targets_path")}
    settings = {"seeds": 1, "draws": 10, "rounds": 1, "workers": 1, "progress": False, **options}
    return calibrate_emulator(out=out, **args, **settings)


@pytest.fixture
def fitted(files):  # noqa: F811
    (files["scenario_path"].parent / "fit.toml").write_text(FIT)
    return files


def test_the_search_starts_from_the_point_fit(fitted):
    setup = prepare(fitted["scenario_path"], fitted["space_path"], fitted["targets_path"], 2, 1)
    u = fitted_point(setup)
    assert [d.value_at(x) for d, x in zip(setup.space, u)] == pytest.approx([0.03, 1.05])


def test_a_search_resumed_after_an_interruption_gives_the_same_posterior(tmp_path, fitted, monkeypatch):
    straight, saved, written = search(fitted, tmp_path / "straight", rounds=2)
    assert written is None and saved == tmp_path / "straight" / "posterior.toml"
    assert straight.sizes == [10, 10] and straight.run.all() and np.isfinite(straight.z).all()
    assert len(straight.fit["pilot"]) == emulator.PILOT and np.array(straight.fit["jacobian"]).shape[1] == 2
    assert straight.designs[1] == {"kind": "emulated posterior", "temperature": emulator.SPREAD}
    post = load_posterior(saved, fitted["space_path"])
    assert math.isclose(post.weights.sum(), 1.0) and len(post.members) == emulator.MEMBERS

    monkeypatch.setattr(emulator, "CHUNK", 4)
    out = tmp_path / "stopped"
    search(fitted, out, rounds=1)
    calls = {"n": 0}
    real = emulator.simulate

    def interrupted(item):
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return real(item)

    monkeypatch.setattr(emulator, "simulate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        search(fitted, out, rounds=2, resume=True)
    settings = emulator._settings(prepare(fitted["scenario_path"], fitted["space_path"], fitted["targets_path"],
                                          emulator.JACOBIAN_SEEDS, 1), 1, 10)
    assert State.load(out / STATE_FILE, settings).run.sum() == 14  # design 1, and design 2's first chunk of 4
    monkeypatch.setattr(emulator, "simulate", real)
    resumed, again, _ = search(fitted, out, rounds=2, resume=True)
    np.testing.assert_array_equal(resumed.u, straight.u)  # every draw flows from the root seed
    np.testing.assert_array_equal(resumed.z, straight.z)
    assert [m for m in load_posterior(again, fitted["space_path"]).members] == list(post.members)


def test_a_search_is_never_resumed_with_other_settings_or_from_a_damaged_state(tmp_path, fitted):
    out = tmp_path / "emulator"
    search(fitted, out)
    with pytest.raises(CalibrationError, match=r"already holds an emulator search \(emulator_state.npz\)"):
        search(fitted, out)
    with pytest.raises(CalibrationError, match="its emulator search was run with other draws_per_design"):
        search(fitted, out, draws=12, resume=True)
    with pytest.raises(CalibrationError, match="holds no emulator search to resume"):
        search(fitted, tmp_path / "none", resume=True)
    with pytest.raises(CalibrationError, match="--draws: 3 is out of range: allowed 10 to 100,000"):
        search(fitted, tmp_path / "few", draws=3)
    (out / STATE_FILE).write_bytes(b"not a state")
    with pytest.raises(CalibrationError, match="is not a state this tool saved, or is damaged"):
        search(fitted, out, resume=True)


def test_a_scenario_with_no_point_fit_is_refused_before_any_run(tmp_path, files):  # noqa: F811
    with pytest.raises(CalibrationError, match=r"fit.toml: has no \[provenance\] searched point"):
        search(files, tmp_path / "emulator")
    assert not (tmp_path / "emulator").exists()
