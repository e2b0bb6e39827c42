"""The back-test 2011-2024 (issue 13): the scenario branches from the history's saved state and every dated change
takes effect in its week, read off the running model; `cpsim run --json` labels its years 2011/12 ... 2023/24; the
observed figures are for comparison only; the report is written whole or not at all; bad input is one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from abm import calendar
from abm.backtest import (
    ObservedError,
    backtest_result,
    load_observed,
    plan,
    write_report,
)
from abm.backtest.report import REPORT_FILE
from abm.branching import saved
from abm.outcomes import NAMES
from abm.reforms.registry import REFORMS
from abm.run import simulate
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds
from abm.validation.targets import load_targets

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "england_2011_2024.toml"
LABELS = [calendar.financial_year_label(y) for y in range(2011, 2024)]


@pytest.fixture(scope="module")
def watched():
    """One seed of the back-test for 11 years (to its last dated change, December 2021): the parameters and public
    anxiety the model holds after each week, and its state at the branch."""
    scenario = load_scenario(SCENARIO).with_overrides(years=11)
    seed = replicate_seeds(scenario.root_seed, 1)[0]
    seen, first = {}, {}

    def watch(model):
        done = model.week - model.warmup_weeks  # weeks simulated since the branch
        seen[done] = (model.p, model.public.anxiety)
        if done == 0:
            first.update(week=model.week, status=model.population.status.copy(), anxiety=model.public.anxiety)

    simulate(scenario, seed, watch)
    return scenario, seed, seen, first


def test_the_scenario_branches_from_the_historys_saved_state(watched):
    scenario, seed, _, first = watched
    branch = scenario.branch_from
    assert (str(branch), branch.week, scenario.start_date, scenario.warmup_years) == (
        "england_2006_2011@2011-04-01", 260, dt.date(2011, 4, 1), 0)
    state = saved(branch, seed)
    assert first["week"] == state.week == 520  # the history's 5 warm-up years and 5 years
    assert np.array_equal(first["status"], state.population.status)
    assert first["anxiety"] == state.public.anxiety > 0  # still raised after the publicity of November 2008


def test_every_lever_moves_in_its_week(watched):
    """The parameters of week t are those the model holds after t + 1 weeks. A lever holds the value it had before
    the reform up to the week before its start; a true/false lever or a step has switched in its first week, a ramp
    has moved one week later (its weight is 0 in the first week)."""
    scenario, _, seen, _ = watched
    assert len(scenario.levers) == 9
    for lever in scenario.levers:
        reform = REFORMS[lever.reform](**lever.arguments)
        week = reform.first_week(scenario.start_date)
        assert week == (lever.arguments["start"] - dt.date(2011, 4, 1)).days // 7
        before, at, after = (seen[w + 1][0] for w in (week - 1, week, week + 1))
        for name in reform.levers():
            assert getattr(before, name) == getattr(seen[1][0], name), (lever.reform, name, "moved early")
            switched = isinstance(getattr(before, name), bool) or reform.ramp_weeks == 0
            moved = at if switched else after
            assert getattr(moved, name) != getattr(before, name), (lever.reform, name, "did not move")


def test_every_dated_change_sets_its_parameters_in_its_week(watched):
    """A change's parameters hold their earlier value through the week before its date and its value from its
    week on (the parameters of week t are those the model holds after t + 1 weeks)."""
    scenario, _, seen, _ = watched
    assert len(scenario.changes) == 15
    for week, constants in scenario.change_weeks():
        for name, value in constants.items():
            assert getattr(seen[week + 1][0], name) == value, (name, week, "not set in its week")
            if week > 0:
                assert getattr(seen[week][0], name) != value, (name, week, "set early")


def test_working_together_2013_replaces_the_split_on_15_april_2013(watched):
    scenario, _, seen, _ = watched
    week = (dt.date(2013, 4, 15) - scenario.start_date).days // 7
    before, at = seen[week][0], seen[week + 1][0]
    assert (before.assessment_timescales_prescribed, at.assessment_timescales_prescribed) == (True, False)
    assert at.single_assessment_timescale_working_days == 45
    assert at.recording_hours_per_case_week == pytest.approx(before.recording_hours_per_case_week * 0.875)


def test_every_event_raises_public_anxiety_in_its_week(watched):
    scenario, _, seen, _ = watched
    for week, _kind, jump in scenario.event_weeks():
        anxiety = [seen[w][1] for w in (week - 1, week, week + 1)]
        assert anxiety[1] - anxiety[0] < jump / 2, "anxiety jumped before the event's week"
        assert anxiety[2] - anxiety[1] > 0.8 * jump, "the event's week did not raise anxiety"


def test_run_json_labels_the_financial_years(cpsim, tmp_path):
    done = cpsim("run", SCENARIO, "--seeds", "1", "--json", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [year["label"] for year in summary["years"]] == LABELS
    for year in summary["years"]:
        band = year["outcomes"]["referrals_per_year"]
        assert set(band) == {"median", "p05", "p95"} and band["median"] > 0


def test_observed_figures_are_never_targets(tmp_path):
    observed = load_observed()
    assert observed and all(o.period >= "2011" for o in observed)
    assert all(t.period < "2011" for t in load_targets())  # "2010/11" and "2010" sort before: nothing after March 2011
    bad = tmp_path / "observed.toml"
    bad.write_text('[[observed]]\noutcome = "referals_per_year"\nperiod = "2012/13"\nvalue = 1\nsource = "x"\n')
    with pytest.raises(ObservedError, match=r"observed\[1\]\.outcome: unknown outcome 'referals_per_year'; did you "
                                            r"mean 'referrals_per_year'"):
        load_observed(bad)


def _weekly(scenario: str, start: dt.date, years: int, seeds=(1, 2)) -> pd.DataFrame:
    weeks = years * calendar.WEEKS_PER_YEAR
    labels = calendar.year_labels(start, weeks)
    rng = np.random.default_rng(0)
    frames = [pd.DataFrame({"scenario": scenario, "seed": np.full(weeks, s, dtype=np.uint64),
                            "week": np.arange(weeks), "year": pd.factorize(pd.Series(labels))[0] + 1,
                            "year_label": labels, **{n: rng.uniform(1, 2, weeks) for n in NAMES}}) for s in seeds]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def result():
    chosen = plan()
    weekly = pd.concat([_weekly(name, dt.date(2011, 4, 1), 13) for name in chosen.names], ignore_index=True)
    history = _weekly("england_2006_2011", dt.date(2006, 4, 1), 5)
    return chosen, backtest_result(weekly, history, chosen, load_observed(), {"uncertainty": ["seeds"]})


def test_the_report_is_written_whole_or_not_at_all(result, tmp_path, monkeypatch):
    chosen, res = result
    assert res["labels"] == LABELS and [r["key"] for r in res["closing"]][:5] == [
        "referrals", "s47", "cp_stock", "looked_after", "care_applications"]
    out = tmp_path / "report"
    calls = []
    real = Figure.savefig

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", failing)
    with pytest.raises(OSError):
        write_report(out, res, chosen)
    assert list(tmp_path.iterdir()) == []  # no half-written folder, no temporary left beside it
    monkeypatch.setattr(Figure, "savefig", real)
    page = write_report(out, res, chosen)
    assert page == out / REPORT_FILE and "## The closing figures" in page.read_text()
    assert {"closing.png", "overview.png", "court_duration_weeks_mean.png"} <= {p.name for p in out.iterdir()}


@pytest.mark.parametrize("args, message", [
    (("--seeds", "0"), "error: command line: --seeds: 0 is out of range: allowed 1 to 10,000"),
    (("nowhere.toml",), "error: nowhere.toml: no such file"),
])
def test_bad_input_is_one_line_and_nothing_runs(cpsim, args, message):
    done = cpsim("backtest", *args)
    assert done.returncode == 2 and done.stderr.strip() == message and done.stdout == ""


def test_a_report_place_that_is_a_file_is_refused(cpsim, tmp_path):
    (tmp_path / "taken").write_text("mine")
    done = cpsim("backtest", "--seeds", "1", "--report", "taken")
    assert done.returncode == 2 and done.stderr.startswith("error: --report: ") and len(done.stderr.splitlines()) == 1
    assert (tmp_path / "taken").read_text() == "mine"


def test_backtest_runs_and_writes_its_report(cpsim, tmp_path):
    """The whole command on one seed of a one-year copy (its dated changes left out: they fall after its year): the
    closing figures it cannot reach are n/a, not errors."""
    text = SCENARIO.read_text().split("\n[[levers]]\n")[0].replace("years = 13", "years = 1").replace(
        'parameters = "calibrated.toml"', f'parameters = "{ROOT / "scenarios" / "calibrated.toml"}"')
    (tmp_path / "short.toml").write_text(text)
    done = cpsim("backtest", "short.toml", "--seeds", "1", "--report", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("back-test 2011-2024: median (5th-95th percentile) over 1 seed")
    assert "Referrals 2018/19 vs 2011/12" in done.stdout and "n/a" in done.stdout
    assert "report: out/backtest.md" in done.stderr
    assert {"backtest.md", "overview.png", "closing.png"} <= {p.name for p in (tmp_path / "out").iterdir()}
