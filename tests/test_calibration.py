"""Calibration inputs: the declared parameters, the loss, and the scenario's parameter file.

The project's abm/calibration/parameters.toml loads and each mistake in such a file is one
CalibrationError naming the file, table and key; the loss is checked on synthetic
evaluations whose answers are known; a scenario's `[scenario] parameters` file applies
under its own constants, and a bad one is refused with a message naming it.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from abm.calibration import CAP, CalibrationError, load_space, loss, target_loss
from abm.calibration.space import SPACE_FILE, constants, guess
from abm.parameters import PARAMETERS
from abm.scenario import ScenarioError, load_parameter_file, load_scenario

GOOD = """
[referral_threshold_annual_risk]
low = 0.01
high = 0.04
guess = 0.022
log = true
reason = "sets referrals"

[referrer_threshold_scale]
scales = ["schools_threshold_annual_risk", "health_threshold_annual_risk"]
low = 0.5
high = 2.0
guess = 1.5
log = true
reason = "sets contacts"

[team_size_workers]
low = 4
high = 10
guess = 7
log = false
reason = "a whole-number parameter"
"""


def write(tmp_path: Path, text: str, name: str = "space.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_project_parameters_load_within_their_ranges():
    space = load_space()
    assert 8 <= len(space) <= 32
    point = constants(space, guess(space))
    assert all(PARAMETERS[name].low <= value <= PARAMETERS[name].high for name, value in point.items())
    assert all(d.reason and d.low <= d.guess <= d.high for d in space)
    assert load_space(SPACE_FILE) == space


def test_a_point_becomes_plain_parameter_values(tmp_path):
    space = load_space(write(tmp_path, GOOD))
    assert [d.name for d in space] == ["referral_threshold_annual_risk", "referrer_threshold_scale",
                                       "team_size_workers"]
    assert space[1].scales == ("schools_threshold_annual_risk", "health_threshold_annual_risk")
    values = constants(space, {"referral_threshold_annual_risk": 0.0123456789, "referrer_threshold_scale": 2.0,
                               "team_size_workers": 6.6})
    school = PARAMETERS["schools_threshold_annual_risk"].default
    assert values == {"referral_threshold_annual_risk": 0.0123457, "schools_threshold_annual_risk": 2 * school,
                      "health_threshold_annual_risk": 2 * PARAMETERS["health_threshold_annual_risk"].default,
                      "team_size_workers": 7}
    assert type(values["team_size_workers"]) is int and space[2].integer


BAD = [
    ("low = 0.01", "low = 0.05", r"referral_threshold_annual_risk: low = 0.05 must be below high = 0.04"),
    ("[referral_threshold_annual_risk]", "[referal_threshold_annual_risk]",
     r"referal_threshold_annual_risk: unknown parameter 'referal_threshold_annual_risk'; did you mean "
     r"'referral_threshold_annual_risk'"),
    ("guess = 0.022", "guess = 0.05", r"referral_threshold_annual_risk\.guess: 0\.05 is outside the bounds: "
                                      r"allowed 0\.01 to 0\.04"),
    ("high = 0.04", "high = 0.95", r"referral_threshold_annual_risk\.high: 'referral_threshold_annual_risk' = 0\.95 "
                                   r"is out of range: allowed 0\.0005 to 0\.9"),
    ('reason = "sets referrals"', 'reasons = "sets referrals"',
     r"referral_threshold_annual_risk\.reasons: unknown key; did you mean 'reason'"),
    ('reason = "sets referrals"', "", r"referral_threshold_annual_risk: reason is missing; it is required"),
    ("low = 0.01", "low = 0.0", r"referral_threshold_annual_risk\.low: 0\.0 must be above 0 on a log scale"),
    ("low = 0.01", 'low = "0.01"', r"referral_threshold_annual_risk\.low: must be a number, not '0\.01'"),
    ("log = true\nreason = \"sets referrals\"", "log = 1\nreason = \"sets referrals\"",
     r"referral_threshold_annual_risk\.log: must be true or false, not 1"),
    ("high = 2.0", "high = 40.0", r"referrer_threshold_scale\.high: 'schools_threshold_annual_risk' = 1\.32 is out of "
                                  r"range: allowed 0\.0005 to 0\.9 \(its default 0\.033 times high 40\.0\)"),
    ('"health_threshold_annual_risk"]', '"referral_threshold_annual_risk"]',
     r"referrer_threshold_scale: sets 'referral_threshold_annual_risk', which referral_threshold_annual_risk "
     r"already sets"),
    ('"health_threshold_annual_risk"]', '"team_size_workers"]',
     r"referrer_threshold_scale\.scales: 'team_size_workers' is not a decimal parameter"),
    ("guess = 7", "guess = 6.5",
     r"team_size_workers\.guess: 'team_size_workers' must be a whole number \(2 to 30\), not 6\.5"),
]


@pytest.mark.parametrize("old, new, message", BAD, ids=[b[2][:40] for b in BAD])
def test_a_bad_parameters_file_is_refused_naming_file_table_and_key(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CalibrationError, match=rf"^{path}: {message}"):
        load_space(path)


def test_a_true_false_parameter_or_an_empty_file_is_refused(tmp_path):
    path = write(tmp_path, '[parallel_planning]\nlow = 0\nhigh = 1\nguess = 0\nlog = false\nreason = "x"\n')
    with pytest.raises(CalibrationError, match="'parallel_planning' is true or false and cannot be calibrated"):
        load_space(path)
    with pytest.raises(CalibrationError, match="declares no calibration parameter"):
        load_space(write(tmp_path, ""))
    with pytest.raises(CalibrationError, match="no such file"):
        load_space(tmp_path / "missing.toml")


def result(median: float, value: float, tolerance: float, held_out: bool = False):
    return SimpleNamespace(median=median, target=SimpleNamespace(value=value, tolerance=tolerance, held_out=held_out))


def test_loss_counts_half_bands_squared_and_caps_each_target():
    assert target_loss(110.0, 100.0, 0.10) == pytest.approx(1.0)  # on the band's edge
    assert target_loss(95.0, 100.0, 0.10) == pytest.approx(0.25)
    assert target_loss(1.0, 1.25, 0.04) == pytest.approx(25.0)
    assert target_loss(300.0, 100.0, 0.10) == CAP  # 20 half-bands off: capped
    assert target_loss(float("nan"), 100.0, 0.10) == CAP  # unreadable: the cap
    assert target_loss(None, 100.0, 0.10, cap=9.0) == 9.0
    runs = [result(105.0, 100.0, 0.10), result(0.06, 0.06, 0.15), result(math.nan, 3.0, 0.2), result(2.0, 1.0, 0.1)]
    assert loss(runs) == pytest.approx(0.25 + 0.0 + CAP + CAP)
    assert loss(runs, cap=4.0) == pytest.approx(8.25)
    assert loss([]) == 0.0
    assert loss(runs + [result(200.0, 100.0, 0.10, held_out=True)]) == loss(runs)  # a held-out target is never fitted


SCENARIO = """
[scenario]
years = 1
warmup_years = 1
seeds = 1
root_seed = 1
parameters = "fit.toml"

[constants]
learning_culture = 0.6

[uncertainties]
turnover_base_rate_per_year = { low = 0.1, high = 0.2 }
"""

FIT = """
[constants]
learning_culture = 0.3
referral_threshold_annual_risk = 0.03
turnover_base_rate_per_year = 0.15

[provenance]
date = "2026-01-01"
search_seeds = [1, 2]
"""


def test_a_parameter_file_applies_under_the_scenarios_own_settings(tmp_path):
    write(tmp_path, FIT, "fit.toml")
    path = write(tmp_path, SCENARIO, "trial.toml")
    s = load_scenario(path)
    assert s.parameters == "fit.toml"
    assert s.constants == {"referral_threshold_annual_risk": 0.03, "learning_culture": 0.6}
    assert set(s.uncertainties) == {"turnover_base_rate_per_year"}
    assert load_scenario(path, parameter_file=False).constants == {"learning_culture": 0.6}
    assert s.with_overrides(seeds=2).constants == s.constants
    assert load_parameter_file(tmp_path / "fit.toml") == (
        {"learning_culture": 0.3, "referral_threshold_annual_risk": 0.03, "turnover_base_rate_per_year": 0.15},
        {"date": "2026-01-01", "search_seeds": [1, 2]})


BAD_FIT = [
    (FIT.replace("0.03", "2.0"), r"constants\.referral_threshold_annual_risk: 'referral_threshold_annual_risk' = 2\.0 "
                                 r"is out of range: allowed 0\.0005 to 0\.9"),
    (FIT.replace("learning_culture", "learning_cultur"), r"constants\.learning_cultur: unknown parameter "
                                                         r"'learning_cultur'; did you mean learning_culture\?"),
    (FIT.replace("[provenance]", "[provenence]"), r"unknown section 'provenence'; did you mean 'provenance'\?"),
    ('[constants]\nprovenance = "not a table"\n[scenario]\n', r"unknown section 'scenario'"),
    ('provenance = "not a table"\n[constants]\n', r"provenance: must be a table written \[provenance\]"),
    ('[provenance]\nstatus = "x"\n', r"constants: is missing; a parameter file needs a \[constants\] table"),
    ("", r"file is empty; a parameter file needs a \[constants\] table"),
    ("[constants\n", r"not valid TOML"),
]


@pytest.mark.parametrize("text, message", BAD_FIT, ids=[b[1][:40] for b in BAD_FIT])
def test_a_bad_parameter_file_is_refused_naming_it(tmp_path, text, message):
    fit = write(tmp_path, text, "fit.toml")
    path = write(tmp_path, SCENARIO, "trial.toml")
    with pytest.raises(ScenarioError, match=rf"^{path}: scenario\.parameters: {fit}: {message}"):
        load_scenario(path)


def test_a_missing_or_mistyped_parameter_file_name_is_refused(tmp_path):
    path = write(tmp_path, SCENARIO, "trial.toml")
    with pytest.raises(ScenarioError, match=rf"^{path}: scenario\.parameters: {tmp_path / 'fit.toml'}: no such file$"):
        load_scenario(path)
    path = write(tmp_path, SCENARIO.replace('"fit.toml"', "3"), "trial.toml")
    with pytest.raises(ScenarioError, match=r"scenario\.parameters: must be text in quotes .* not 3$"):
        load_scenario(path)


def test_the_project_scenarios_name_the_calibrated_parameter_file():
    root = Path(__file__).resolve().parents[1] / "scenarios"
    fitted, provenance = load_parameter_file(root / "calibrated.toml")
    assert isinstance(provenance, dict) and provenance
    for name in ("baseline.toml", "england_2006_2011.toml"):
        s = load_scenario(root / name)
        assert s.parameters == "calibrated.toml"
        assert all(s.constants[k] == v for k, v in fitted.items())
