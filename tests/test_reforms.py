"""The reform objects R1-R15: registry, ramp, composition, validation, common random numbers, directions.

The direction tests run each reform against the calibrated baseline (scenarios/baseline.toml,
the average authority as the history leaves it in April 2011, branched from its saved
states) on the same seeds, for `YEARS` years from the branch. To show the mechanism rather than its ramp, each reform acts in full from the
first week (`ramp_years = 0`); the ramp itself is tested on the schedule. Each reform's
documented outcomes (`Reform.expected`) are child or system outcomes downstream of its
levers, never the lever itself, and each must move the stated way: the 90% interval of
the paired differences (baseline and reform on one seed) must lie wholly on that side of
zero.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from abm.model import FIXED_DURING_RUN, ChildProtectionModel
from abm.outcomes import BY_NAME, yearly
from abm.parameters import PARAMETERS
from abm.reforms import FAMILIES, FAMILY_LABELS, REFORMS, Reform, ReformSchedule
from abm.run import run, scenario_params, simulate
from abm.scenario import Event, Lever, Scenario, ScenarioError, Uncertainty, load_scenario, scenario_toml
from abm.seeds import replicate_seeds

ROOT = Path(__file__).resolve().parents[1]
REFORM_SCENARIOS = ROOT / "scenarios" / "reforms"
BAD = Path(__file__).parent / "bad_scenarios"
BASELINE = load_scenario(ROOT / "scenarios" / "baseline.toml")
SEEDS = replicate_seeds(BASELINE.root_seed, 8)
YEARS = 4
MEASURED = BASELINE.model_copy(update={"years": YEARS})
FRESH = load_scenario(ROOT / "scenarios" / "fresh_2011.toml")  # unbranched: a small authority of its own
SMALL_BASE = FRESH.model_copy(update={"constants": {**FRESH.constants, "children_0_19": 20000},
                                      "warmup_years": 1, "years": 2})


def paired_interval(base, reformed, level: float = 0.90) -> tuple[float, float, float]:
    """Mean of the paired differences reformed - base and its `level` t-interval."""
    diff = np.asarray(reformed, dtype=float) - np.asarray(base, dtype=float)
    mean, se = diff.mean(), diff.std(ddof=1) / np.sqrt(len(diff))
    half = stats.t.ppf(0.5 + level / 2, len(diff) - 1) * se
    return float(mean), float(mean - half), float(mean + half)


# R7 acts only while public anxiety is raised; the 2011 baseline carries what is left of the 2008 publicity, which
# fades: its test runs both arms with the national publicity of a child's death in the first week (a condition of
# the test, not a mechanism), so that the anxiety is high enough for long enough to measure.
CONDITIONS = {"R7": (Event(kind="national_publicity", week=0, anxiety_jump=1.0),)}


@functools.lru_cache(maxsize=None)
def _yearly(reform: str | None, seed: int, condition: str | None = None) -> pd.Series:
    scenario = MEASURED.model_copy(update={"events": CONDITIONS.get(condition, ())})
    scenario = scenario if reform is None else scenario.with_levers([(reform, {"ramp_years": 0})])
    return yearly(run(scenario, seed), ["seed"]).iloc[0]


@pytest.mark.parametrize("name", list(REFORMS))
def test_reform_moves_its_documented_outcomes(name):
    cls, condition = REFORMS[name], name if name in CONDITIONS else None
    for outcome, direction in cls.expected.items():
        base = [_yearly(None, seed, condition)[outcome] for seed in SEEDS]
        reformed = [_yearly(name, seed, condition)[outcome] for seed in SEEDS]
        mean, low, high = paired_interval(base, reformed)
        ok = low > 0 if direction == "higher" else high < 0
        assert ok, (f"{name} should make {outcome} {direction}: baseline mean {np.mean(base):.4g}, with {name} "
                    f"{np.mean(reformed):.4g}; paired difference {mean:+.4g}, 90% interval {low:+.4g} to {high:+.4g}")


def test_r1_frees_direct_hours_that_reach_children():
    base = [_yearly(None, seed) for seed in SEEDS]
    reformed = [_yearly("R1", seed) for seed in SEEDS]
    for outcome in ("direct_hours_per_case_week", "direct_work_share", "help_quality_mean"):
        mean, low, high = paired_interval([b[outcome] for b in base], [r[outcome] for r in reformed])
        assert low > 0, f"R1: {outcome} paired difference {mean:+.4g}, 90% interval {low:+.4g} to {high:+.4g}"


def test_registry_holds_r1_to_r15_in_families():
    assert list(REFORMS) == [f"R{i}" for i in range(1, 16)]
    assert list(FAMILIES) == ["guidance", "inspection", "governance", "learning", "early_help", "workforce"]
    assert sorted(sum(FAMILIES.values(), ()), key=lambda n: int(n[1:])) == list(REFORMS)
    assert set(FAMILY_LABELS) == set(FAMILIES)
    for family, names in FAMILIES.items():
        assert all(REFORMS[n].family == family for n in names)


@pytest.mark.parametrize("name", list(REFORMS))
def test_reform_is_documented_and_moves_live_levers(name):
    cls = REFORMS[name]
    assert cls.name == name and cls.label and cls.what_it_does and cls.__doc__
    assert cls.source.startswith("Munro (2011)") and f"Recommendation {name[1:]}:" in cls.source
    assert cls.default_ramp_years > 0 and cls.moves and cls.expected
    for outcome, direction in cls.expected.items():
        assert outcome in BY_NAME and direction in ("lower", "higher")
        assert outcome not in cls.levers(), f"{name} is judged on its own lever {outcome}"
    base = scenario_params(BASELINE, SEEDS[0])
    full = ReformSchedule(base, [(cls(ramp_years=0), 0)]).params_at(0)
    for lever in cls.levers():
        assert lever in PARAMETERS and lever not in FIXED_DURING_RUN
        assert getattr(full, lever) != getattr(base, lever), f"{name} leaves {lever} where the baseline has it"


def test_ramp_moves_a_lever_from_its_start_to_its_end():
    base = scenario_params(BASELINE, SEEDS[0])
    start, before = 10, base.learning_culture
    schedule = ReformSchedule(base, [(REFORMS["R9"](ramp_years=2, start_week=start), start)])
    assert schedule.params_at(start - 1) is None
    assert schedule.params_at(start).learning_culture == before
    assert schedule.params_at(start + 52).learning_culture == pytest.approx(before + 0.5 * (0.8 - before))
    assert schedule.params_at(start + 104).learning_culture == pytest.approx(0.8)
    assert schedule.params_at(start + 105) is None  # the ramp is over: the model keeps the full effect
    half = ReformSchedule(base, [(REFORMS["R9"](ramp_years=2, strength=0.5), 0)])
    assert half.params_at(104).learning_culture == pytest.approx(before + 0.5 * (0.8 - before))
    step = ReformSchedule(base, [(REFORMS["R9"](ramp_years=0), 0)])
    assert step.params_at(0).learning_culture == 0.8 and step.params_at(1) is None


def test_true_false_lever_switches_when_the_reform_starts():
    base = scenario_params(BASELINE, SEEDS[0])
    assert base.assessment_timescales_prescribed is True
    schedule = ReformSchedule(base, [(REFORMS["R1"](ramp_years=3), 20)])
    assert schedule.params_at(19) is None
    assert schedule.params_at(20).assessment_timescales_prescribed is False
    assert schedule.params_at(20).recording_hours_per_case_week == base.recording_hours_per_case_week


def test_two_reforms_on_one_lever_apply_in_registry_order():
    base = scenario_params(BASELINE, SEEDS[0])
    both = [(REFORMS["R10"](ramp_years=2), 0), (REFORMS["R8"](ramp_years=2), 0)]  # listed out of order
    schedule = ReformSchedule(base, both)
    full = schedule.params_at(104)
    assert full.health_consultation_access == 0.4  # R8 sets 0.3, then R10 (later in the registry) sets 0.4
    half = schedule.params_at(52)
    after_r8 = base.health_consultation_access + 0.5 * (0.3 - base.health_consultation_access)
    assert half.health_consultation_access == pytest.approx(after_r8 + 0.5 * (0.4 - after_r8))
    scaled = ReformSchedule(base, [(REFORMS["R8"](ramp_years=0), 0), (REFORMS["R2"](ramp_years=0), 0)])
    assert scaled.params_at(0).health_perception_noise_sd == pytest.approx(base.health_perception_noise_sd * 0.85 * 0.9)


def test_levers_stay_inside_their_parameters_ranges():
    base = dataclasses.replace(scenario_params(BASELINE, SEEDS[0]), skill_growth_per_year=1.9)
    full = ReformSchedule(base, [(REFORMS["R11"](ramp_years=0), 0)]).params_at(0)
    assert full.skill_growth_per_year == PARAMETERS["skill_growth_per_year"].high


class NoLevers(Reform):
    """A reform that moves nothing: its runs must equal the baseline's exactly."""

    name = "R0"
    label = "Nothing"
    moves = ()


def test_reform_with_no_levers_changes_nothing(monkeypatch):
    monkeypatch.setitem(REFORMS, "R0", NoLevers)
    calls = []
    set_params = ChildProtectionModel.set_params
    monkeypatch.setattr(ChildProtectionModel, "set_params", lambda self, p: calls.append(1) or set_params(self, p))
    scenario = SMALL_BASE.with_levers([("R0", {"ramp_years": 0.5, "start_week": 10})])
    for seed in SEEDS[:2]:
        pd.testing.assert_frame_equal(run(scenario, seed), run(SMALL_BASE, seed), check_exact=True)
    assert len(calls) == 2 * 27  # the ramp's 27 weeks did reconfigure the model, to no effect


def _numbers(component) -> dict:
    return {k: v for k, v in vars(component).items() if isinstance(v, (float, int, np.ndarray)) and k != "model"}


def test_set_params_reconfigures_every_component_like_a_fresh_model():
    base = scenario_params(SMALL_BASE, SEEDS[0])
    everything = [(cls(ramp_years=0), 0) for cls in REFORMS.values()]
    reformed = ReformSchedule(base, everything).params_at(0)
    switched = ChildProtectionModel(base, SEEDS[0])
    switched.set_params(reformed)
    fresh = ChildProtectionModel(reformed, SEEDS[0])
    parts = ("public", "governance", "needs", "journey", "workforce", "management", "referrers", "front_door",
             "assessment", "help", "court")
    pairs = [(getattr(switched, n), getattr(fresh, n), n) for n in parts]
    pairs += [(a, b, f"referrer {a.kind}") for a, b in zip(switched.referrers.agencies, fresh.referrers.agencies)]
    for mine, theirs, label in pairs:
        if hasattr(mine, "p"):
            assert mine.p is reformed, f"{label} still holds the old parameters"
        ours, new = _numbers(mine), _numbers(theirs)
        for key in ours.keys() - {"skill"}:  # skill: hired before the reform, with the skill of that time
            assert np.array_equal(ours[key], new[key]), f"{label}.{key} was not reconfigured"


def test_set_params_refuses_a_parameter_read_only_when_built():
    base = scenario_params(SMALL_BASE, SEEDS[0])
    model = ChildProtectionModel(base, SEEDS[0])
    with pytest.raises(ValueError, match="cannot change children_0_19 during a run"):
        model.set_params(dataclasses.replace(base, children_0_19=30000))


def test_simulate_applies_the_levers_and_ends_at_their_full_effect():
    scenario = SMALL_BASE.model_copy(update={"years": 1}).with_levers([("R9", {"ramp_years": 0.5, "start_week": 4})])
    assert simulate(scenario, SEEDS[0]).p.learning_culture == 0.8
    assert simulate(SMALL_BASE.model_copy(update={"years": 1}), SEEDS[0]).reforms is None


def test_with_levers_replaces_validates_and_renames():
    s = BASELINE.with_levers([("R1", {"ramp_years": 1}), Lever(reform="R9", arguments={"strength": 0.5})], name="pair")
    assert s.name == "pair" and [lever.reform for lever in s.levers] == ["R1", "R9"]
    assert s.levers[1].build() == REFORMS["R9"](strength=0.5)
    assert s.with_levers([]).levers == () and s.with_levers([]).name == "pair"
    with pytest.raises(ScenarioError, match=r"levers\[2\]\.ramp_years: 31 is out of range: allowed 0 to 30$"):
        BASELINE.with_levers([("R1", {}), ("R2", {"ramp_years": 31})])
    with pytest.raises(ScenarioError, match=r"levers\[1\]\.reform: unknown reform 'R16'"):
        BASELINE.with_levers([("R16", {})])


@pytest.mark.parametrize("path", sorted(BAD.glob("lever_*.toml")), ids=lambda p: p.stem)
def test_bad_lever_table_is_refused_naming_file_and_key(path):
    expected = path.read_text().split("\n", 1)[0].removeprefix("# expect: ")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value).startswith(f"{path}: {expected}")


def test_scenario_with_levers_round_trips_through_toml(tmp_path):
    scenario = Scenario.model_validate({
        **dict(FRESH),
        "constants": {"learning_culture": 0.3, "team_size_workers": 8, "parallel_planning": True},
        "uncertainties": {"turnover_base_rate_per_year": Uncertainty(low=0.1, high=0.16)},
        "events": (Event(kind="national_publicity", date=dt.date(2012, 11, 15), anxiety_jump=1.0),
                   Event(kind="over_intervention_scandal", week=-10, anxiety_jump=-0.5)),
        "description": 'with "quotes", a \\ backslash, \t a tab, \x7f, a pound sign \u00a3 and \U0001f600',
    }).with_levers(
        [("R1", {"start": dt.date(2012, 4, 1), "ramp_years": 1.5}), ("R9", {"start_week": -20, "strength": 0.25}),
         ("R14", {})], name="round_trip")
    path = tmp_path / "copy.toml"
    path.write_text(scenario_toml(scenario))
    back = load_scenario(path)
    assert back.source == str(path) and back.parameters is None
    # written out, the parameter file's constants are the copy's own: it names no file and has nothing `fitted`
    assert back.fitted == ()
    assert back.model_copy(update={"source": scenario.source, "parameters": scenario.parameters,
                                   "fitted": scenario.fitted}) == scenario


def test_reform_scenario_files_are_the_packages():
    expected = {f"r{int(n[1:]):02d}": (n,) for n in REFORMS}
    expected |= {"munro_full": tuple(REFORMS), "prescription_only": ("R1",), "inspection_performance": ("R2", "R3", "R4"),
                 "learning_only": ("R9", "R15"), "early_help_only": ("R10",),
                 "workforce_only": ("R11", "R12", "R13", "R14"),
                 "munro_without_r1": tuple(n for n in REFORMS if n != "R1")}
    files = sorted(REFORM_SCENARIOS.glob("*.toml"))
    assert len(files) == len(expected)
    baseline = tomllib.loads((ROOT / "scenarios" / "baseline.toml").read_text())["scenario"]
    for path in files:
        assert path.read_text().startswith("# "), f"{path.name} has no header comment"
        s = load_scenario(path)
        key = s.name if s.name in expected else s.name[:3]
        assert tuple(lever.reform for lever in s.levers) == expected[key], path.name
        assert all(lever.arguments == {} for lever in s.levers)  # each from the start with its own ramp
        assert str(s.branch_from) == baseline["branch_from"] == "england_2006_2011@2011-04-01"
        assert (s.start_date, s.years, s.warmup_years, s.parameters) == (dt.date(2011, 4, 1), 10, 0, "../calibrated.toml")
        assert (s.seeds, s.root_seed) == (baseline["seeds"], BASELINE.root_seed)
        assert s.constants == BASELINE.constants and s.name == path.stem
