"""The calibration search end to end, on a tiny authority (5,000 children, one warm-up year, one year).

A search of a few trials runs, is saved in study.db and continues with --resume (a search
stopped after 2 trials and resumed to 3 asks for the same points as one never stopped);
a saved search is never silently overwritten or resumed with other settings; `--write`
writes a parameter file that `load_scenario` accepts, with its provenance, only when the
fit beats the starting guess on the held-aside seeds.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import optuna
import pytest
from typer.testing import CliRunner

from abm.calibration import CalibrationError, calibrate
from abm.calibration.search import STUDY_FILE, STUDY_NAME
from abm.calibration.space import constants
from abm.cli import app
from abm.scenario import load_parameter_file, load_scenario
from abm.seeds import replicate_seeds

SCENARIO = """
[scenario]
name = "tiny"
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

FIT = '[constants]\n\n[provenance]\nstatus = "not yet calibrated"\n'

# The guess (a referral threshold of 0.04) lets too few contacts through; the target is about
# what a lower threshold gives, so the search's first steps (3% of the log range) find better points.
SPACE = """
[referral_threshold_annual_risk]
low = 0.01
high = 0.2
guess = 0.04
log = true
reason = "sets referrals"

[referrer_threshold_scale]
scales = ["schools_threshold_annual_risk", "health_threshold_annual_risk"]
low = 0.8
high = 1.25
guess = 1.0
log = false
reason = "sets contacts"
"""

TARGETS = """
[tolerances]
flow = { tolerance = 0.10, reason = "test" }

[[target]]
name = "referrals"
outcome = "referrals_per_year"
kind = "level"
period = "2008/09"
value = 150
band = "flow"
source = "test"

[[target]]
name = "children_in_need"
outcome = "children_in_need_stock"
kind = "mean"
value = 150
band = "flow"
source = "test"
"""


@pytest.fixture
def files(tmp_path):
    for name, text in {"tiny.toml": SCENARIO, "fit.toml": FIT, "space.toml": SPACE, "targets.toml": TARGETS}.items():
        (tmp_path / name).write_text(text)
    return {"scenario_path": tmp_path / "tiny.toml", "space_path": tmp_path / "space.toml",
            "targets_path": tmp_path / "targets.toml", "seeds": 2, "holdout_seeds": 2, "workers": 1,
            "progress": False}


def trials(out: Path) -> list:
    study = optuna.load_study(study_name=STUDY_NAME, storage=f"sqlite:///{out / STUDY_FILE}")
    return study.get_trials(deepcopy=False)


def test_a_search_runs_resumes_and_resumes_to_the_same_points(tmp_path, files):
    first = calibrate(out=tmp_path / "a", trials=2, **files)
    assert [t.state.name for t in trials(tmp_path / "a")] == ["COMPLETE", "COMPLETE"]
    assert trials(tmp_path / "a")[0].params == {"referral_threshold_annual_risk": 0.04, "referrer_threshold_scale": 1.0}
    assert first.comparison.trials == 2 and first.written is None
    assert first.setup.search_seeds == replicate_seeds(7, 2)
    assert first.setup.holdout_seeds == replicate_seeds(8, 2)
    assert not set(first.setup.search_seeds) & set(first.setup.holdout_seeds)

    resumed = calibrate(out=tmp_path / "a", trials=3, resume=True, **files)
    assert len(trials(tmp_path / "a")) == 3 and resumed.comparison.trials == 3
    calibrate(out=tmp_path / "b", trials=3, **files)
    assert [t.params for t in trials(tmp_path / "a")] == [t.params for t in trials(tmp_path / "b")]
    assert [t.value for t in trials(tmp_path / "a")] == [t.value for t in trials(tmp_path / "b")]
    assert all(t.user_attrs["seconds"] > 0 for t in trials(tmp_path / "a"))
    again = calibrate(out=tmp_path / "a", trials=2, resume=True, **files)  # nothing left to run: compares only
    assert len(trials(tmp_path / "a")) == 3 and again.comparison.best_holdout == resumed.comparison.best_holdout

    report = (tmp_path / "a" / "calibration.json").read_text()
    assert '"beats_guess"' in report and '"holdout_seeds"' in report
    fitted, provenance = load_parameter_file(tmp_path / "a" / "calibrated.toml")
    assert fitted == constants(resumed.setup.space, resumed.comparison.best)  # the proposal reads back
    assert provenance["trials"] == 3


def test_a_saved_search_is_neither_overwritten_nor_resumed_with_other_settings(tmp_path, files):
    out = tmp_path / "out"
    with pytest.raises(CalibrationError, match="holds no search to resume"):
        calibrate(out=out, trials=1, resume=True, **files)
    calibrate(out=out, trials=1, **files)
    with pytest.raises(CalibrationError, match=r"already holds a search \(study.db\); continue it with --resume"):
        calibrate(out=out, trials=2, **files)
    with pytest.raises(CalibrationError, match="its search was run with other search_seeds"):
        calibrate(out=out, trials=2, resume=True, **{**files, "seeds": 3})
    # A trial killed mid-run stays RUNNING in the study; a resumed search fails it and goes on.
    study = optuna.load_study(study_name=STUDY_NAME, storage=f"sqlite:///{out / STUDY_FILE}")
    study.ask()
    calibrate(out=out, trials=2, resume=True, **files)
    assert [t.state.name for t in trials(out)] == ["COMPLETE", "FAIL", "COMPLETE"]


def test_write_saves_a_fit_that_beats_the_guess_with_its_provenance(tmp_path, files):
    args = ["calibrate", "--scenario", str(files["scenario_path"]), "--parameters", str(files["space_path"]),
            "--targets", str(files["targets_path"]), "--seeds", "2", "--holdout-seeds", "2", "--workers", "1"]
    # One trial is the guess alone: it cannot beat itself, so nothing is written.
    refused = CliRunner().invoke(app, [*args, "--trials", "1", "--out", str(tmp_path / "one"), "--write"])
    assert refused.exit_code == 1, refused.output
    assert "does NOT beat the starting guess" in refused.output and "nothing written" in refused.output
    assert (tmp_path / "fit.toml").read_text() == FIT

    done = CliRunner().invoke(app, [*args, "--trials", "8", "--out", str(tmp_path / "out"), "--write"])
    assert done.exit_code == 0, done.output
    assert f"written: {tmp_path / 'fit.toml'}" in done.output
    fitted, provenance = load_parameter_file(tmp_path / "fit.toml")
    assert set(fitted) == {"referral_threshold_annual_risk", "schools_threshold_annual_risk",
                           "health_threshold_annual_risk"}
    assert fitted["referral_threshold_annual_risk"] != 0.04
    scenario = load_scenario(files["scenario_path"])
    assert scenario.constants == {**fitted, "children_0_19": 5000}
    assert provenance["status"] == "calibrated" and provenance["trials"] == 8
    assert provenance["search_seeds"] == replicate_seeds(7, 2) and provenance["holdout_seeds"] == replicate_seeds(8, 2)
    assert provenance["loss_holdout"] < provenance["guess_loss_holdout"]
    assert {"date", "loss_search", "guess_loss_search", "code_version", "code_commit"} <= set(provenance)
    assert tomllib.loads((tmp_path / "fit.toml").read_text()) == tomllib.loads(
        (tmp_path / "out" / "calibrated.toml").read_text())


def test_levenberg_marquardt_lowers_the_loss_and_resumes_to_the_same_points(tmp_path, files):
    # Referrals alone (the children-in-need target pulls the other way, so the guess is near the best compromise).
    files["targets_path"].write_text(TARGETS.split("\n[[target]]\nname = \"children_in_need\"")[0])
    lm = {**files, "method": "levenberg-marquardt"}
    done = calibrate(out=tmp_path / "a", trials=8, **lm)
    points = [t.params for t in trials(tmp_path / "a")]
    assert points[0] == {"referral_threshold_annual_risk": 0.04, "referrer_threshold_scale": 1.0}  # the guess first
    # then the Jacobian: each dimension moved alone by 15% of its (log) range
    assert points[1]["referrer_threshold_scale"] == 1.0 and points[1]["referral_threshold_annual_risk"] > 0.04
    assert points[2]["referral_threshold_annual_risk"] == 0.04 and points[2]["referrer_threshold_scale"] > 1.0
    assert done.comparison.best_search < done.comparison.guess_search
    calibrate(out=tmp_path / "b", trials=4, **lm)
    calibrate(out=tmp_path / "b", trials=8, resume=True, **lm)
    assert [t.params for t in trials(tmp_path / "b")] == points
    with pytest.raises(CalibrationError, match="run with --method levenberg-marquardt"):
        calibrate(out=tmp_path / "b", trials=9, resume=True, **files)
    with pytest.raises(CalibrationError, match="unknown method 'newton'"):
        calibrate(out=tmp_path / "c", trials=1, **{**files, "method": "newton"})
