"""Scenario files: every one in scenarios/ loads and runs, and the loader reads what a file says.

Each file runs for one seed and one year after its own warm-up, to stay quick. The baseline
and the reform packages of scenarios/reforms/ (22 files) branch from the history at 1 April
2011: they share the history's first seed and its one saved state (built once, about 4 s,
when the cache lacks it), and tests/test_reforms.py checks what each file holds.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest

from abm import scenario as scenario_module
from abm.engines import run_replicates
from abm.outcomes import NAMES, yearly
from abm.parameters import PARAMETERS, ParameterError
from abm.reforms.base import ReformArgumentError
from abm.results import ID_COLUMNS
from abm.scenario import Event, ScenarioError, Uncertainty, load_parameter_file, load_scenario
from abm.seeds import replicate_seeds

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FILES = sorted(p for p in SCENARIOS.rglob("*.toml") if p.name != "calibrated.toml"  # a parameter file
               and "sweeps" not in p.relative_to(SCENARIOS).parts  # sweep files: tests/test_sweep_spec.py
               and "posterior" not in p.relative_to(SCENARIOS).parts)  # posteriors: tests/test_posterior.py


RUN = "[scenario]\nyears = 1\nwarmup_years = 1\nseeds = 1\nroot_seed = 1\n"


def write(tmp_path: Path, text: str, name: str = "trial.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_baseline_is_the_average_authority():
    baseline = load_scenario(SCENARIOS / "baseline.toml")
    assert SCENARIOS / "baseline.toml" in FILES
    history = load_scenario(SCENARIOS / "england_2006_2011.toml")
    assert str(baseline.branch_from) == "england_2006_2011@2011-04-01"
    assert baseline.branch_from.history.model_dump(exclude={"source"}) == history.model_dump(exclude={"source"})
    assert baseline.branch_from.week == 260  # the end of the history's 5 years
    assert (baseline.name, baseline.start_date, baseline.years, baseline.warmup_years, baseline.seeds,
            baseline.root_seed) == ("baseline", dt.date(2011, 4, 1), 10, 0, 10, history.root_seed)
    fitted, _ = load_parameter_file(SCENARIOS / "calibrated.toml")
    assert baseline.parameters == "calibrated.toml"
    assert (baseline.constants, baseline.uncertainties, baseline.levers, baseline.events) == (fitted, {}, (), ())


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_scenario_file_loads_and_runs(path):
    full = load_scenario(path)
    short = full.with_overrides(years=1)
    assert short.warmup_years == full.warmup_years
    if path.parent.name == "reforms" or path.name == "baseline.toml":
        assert str(full.branch_from) == "england_2006_2011@2011-04-01"
    seeds = replicate_seeds(short.root_seed, 1)
    weekly = run_replicates(short, seeds, workers=1, progress=False)
    assert list(weekly.columns) == [*ID_COLUMNS, *NAMES]
    assert len(weekly) == 52
    referrals = yearly(weekly, ["seed", "year", "year_label"])["referrals_per_year"]
    assert len(referrals) >= 1 and np.isfinite(referrals).all()


def test_full_scenario_is_read_as_written(tmp_path):
    path = write(tmp_path, """
[scenario]
description = "all parts"
start_date = 2009-04-01
years = 3
warmup_years = 2
seeds = 4
root_seed = 7

[constants]
learning_culture = 0.6
team_size_workers = 8.0
parallel_planning = true

[uncertainties]
turnover_base_rate_per_year = { low = 0.10, high = 0.16 }
escalation_weeks = { low = 5, high = 9 }

[[events]]
kind = "over_intervention_scandal"
week = 30
anxiety_jump = -0.5

[[events]]
kind = "national_publicity"
date = 2008-11-15
anxiety_jump = 1
""")
    s = load_scenario(path)
    assert (s.name, s.source, s.description) == ("trial", str(path), "all parts")
    assert s.constants == {"learning_culture": 0.6, "team_size_workers": 8, "parallel_planning": True}
    assert type(s.constants["team_size_workers"]) is int
    assert s.uncertainties["turnover_base_rate_per_year"] == Uncertainty(low=0.10, high=0.16)
    assert type(s.uncertainties["escalation_weeks"].low) is int
    assert s.event_weeks() == [(-20, "national_publicity", 1.0), (30, "over_intervention_scandal", -0.5)]
    assert isinstance(s.events[1], Event) and s.events[1].date == dt.date(2008, 11, 15)
    assert pickle.loads(pickle.dumps(s)) == s


def test_overrides_replace_only_what_they_name(tmp_path):
    s = load_scenario(SCENARIOS / "baseline.toml")
    changed = s.with_overrides(seeds=3)
    assert (changed.seeds, changed.years) == (3, s.years)
    assert changed.with_overrides(years=2).model_dump() == {**s.model_dump(), "seeds": 3, "years": 2}
    assert s.with_overrides() == s
    with pytest.raises(ScenarioError, match=r"^command line: --years: 0 is out of range: allowed 1 to 100$"):
        s.with_overrides(years=0)


def test_levers_are_checked_against_the_reform_registry(tmp_path, monkeypatch):
    path = write(tmp_path, RUN + '[[levers]]\nreform = "R1"\nstart_date = 2011-04-01\nramp_years = 3\n')
    monkeypatch.setattr(scenario_module, "registered_reforms", lambda: {})
    with pytest.raises(ScenarioError, match=r"levers\[1\]\.reform: unknown reform 'R1' \(registered: none yet\)"):
        load_scenario(path)
    monkeypatch.setattr(scenario_module, "registered_reforms", lambda: {"R1": object, "R10": object})
    lever = load_scenario(path).levers[0]
    assert (lever.reform, lever.arguments) == ("R1", {"start_date": dt.date(2011, 4, 1), "ramp_years": 3})
    path = write(tmp_path, RUN + '[[levers]]\nreform = "R1O"\n')
    with pytest.raises(ScenarioError, match=r"unknown reform 'R1O'; did you mean 'R1' or 'R10'\? \(registered: R1, R10\)"):
        load_scenario(path)


def test_event_at_the_first_warmup_week_is_allowed_and_one_earlier_is_not(tmp_path):
    text = RUN + '[[events]]\nkind = "national_publicity"\nweek = {}\nanxiety_jump = 1\n'
    assert load_scenario(write(tmp_path, text.format(-52))).event_weeks() == [(-52, "national_publicity", 1.0)]
    with pytest.raises(ScenarioError, match=r"allowed from week -52 on"):
        load_scenario(write(tmp_path, text.format(-53)))


def test_every_parameter_can_be_set_to_its_default(tmp_path):
    lines = [f"{name} = {str(p.default).lower()}" for name, p in PARAMETERS.items()]
    s = load_scenario(write(tmp_path, RUN + "[constants]\n" + "\n".join(lines) + "\n"))
    assert s.constants == {name: p.default for name, p in PARAMETERS.items()}


@pytest.mark.parametrize("error", [ParameterError("help_effect_log_hazard", "below 0.05"),
                                   ReformArgumentError("strength", "must be at most 1")])
def test_input_errors_survive_the_trip_from_a_worker_process(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and back.key == error.key and str(back) == str(error)


def test_a_dated_change_sets_its_parameters_from_its_week_and_a_reform_moves_them_in_turn(tmp_path):
    from abm.run import simulate

    path = tmp_path / "changed.toml"
    path.write_text("""[scenario]
start_date = 2011-04-01
years = 2
warmup_years = 1
seeds = 1
root_seed = 1

[constants]
children_0_19 = 4000

[[levers]]
reform = "R10"
start = 2011-04-01
ramp_years = 0

[[changes]]
date = 2012-04-01
early_help_places_per_10k_children = 40
court_timetable_target_weeks = 30
""")
    scenario = load_scenario(path)
    base = PARAMETERS["early_help_places_per_10k_children"].default
    seen = []
    simulate(scenario, 1, watch=lambda model: seen.append((model.week, model.p.early_help_places_per_10k_children,
                                                           model.p.court_timetable_target_weeks)))
    change = 52 + 52  # the warm-up's 52 weeks, then 1 April 2012 is the run's week 52
    before, after = seen[change], seen[change + 1]  # the watch sees the model after the week's step
    assert before[1:] == (2.0 * base, PARAMETERS["court_timetable_target_weeks"].default)  # R10 doubles the places
    assert after[1:] == (2.0 * 40, 30)  # the change sets them, and R10 doubles the new places
    assert seen[-1][1:] == (2.0 * 40, 30)
