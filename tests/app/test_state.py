"""The app's session state without a browser: the Compare setup, background runs and uploads."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pandas as pd
import pytest

from abm.compare import Cancelled, compare
from abm.posterior_draws import uncertainty
from abm.reforms import REFORMS
from abm.scenario import ScenarioError, load_scenario
from app.state import (MAX_SCENARIOS, MAX_UPLOAD_BYTES, WORKERS_VARIABLE, CompareSetup, Preparing, ProvisionalGate,
                       RunJob, SetupError, baseline_files, load_upload, packages, prepare_states, reform_catalogue,
                       results_csv, results_parquet, run_comparison)
from app.wording import time_left
from app.workshop_run import WorkshopJob, WorkshopSetup


@pytest.fixture
def setup(scenario_folder) -> CompareSetup:
    return CompareSetup.from_scenario(load_scenario(scenario_folder / "small.toml"))


def test_baselines_are_the_loadable_scenario_files(scenario_folder):
    # calibrated.toml is a parameter file, not a scenario: it is not offered
    assert baseline_files(scenario_folder) == {"small": scenario_folder / "small.toml"}


def test_packages_are_offered_only_when_ticking_their_reforms_is_the_same_package(tmp_path):
    (tmp_path / "reforms").mkdir()
    header = "[scenario]\nyears = 1\nwarmup_years = 1\nseeds = 2\nroot_seed = 1\n"
    (tmp_path / "reforms" / "pair.toml").write_text(header + '[[levers]]\nreform = "R10"\n[[levers]]\nreform = "R2"\n')
    (tmp_path / "reforms" / "weak.toml").write_text(header + '[[levers]]\nreform = "R1"\nstrength = 0.5\n'
                                                    '[[levers]]\nreform = "R3"\n')
    (tmp_path / "reforms" / "single.toml").write_text(header + '[[levers]]\nreform = "R1"\n')
    (tmp_path / "reforms" / "broken.toml").write_text(header + '[[levers]]\nreform = "R99"\n')
    assert packages(tmp_path) == {"pair": ("R2", "R10")}


def test_a_package_ticks_exactly_its_reforms(setup):
    ticked = setup.with_reform(1, "R1", True).with_reforms(1, ("R2", "R10"))
    assert ticked.drafts[1].reforms == ("R2", "R10")


def test_a_new_setup_compares_the_baseline_with_one_scenario(setup):
    assert [d.name for d in setup.drafts] == ["Baseline", "Reformed"]
    assert (setup.start_year, setup.years, setup.seeds) == (2011, 2, 2)
    assert all(d.reforms == () for d in setup.drafts)


def test_the_shipped_baseline_branches_so_it_has_no_start_year_to_choose():
    """The project's baseline branches from the history at 1 April 2011: its start is the branch date, not a choice
    (like an undated baseline, no start year); every scenario built on it branches from the same states."""
    from abm.results import PROJECT_ROOT
    folder = PROJECT_ROOT / "scenarios"
    assert set(baseline_files(folder)) == {"baseline", "england_2006_2011", "england_2011_2024", "fresh_2011"}
    assert {"munro_full", "learning_only", "workforce_only"} <= set(packages(folder))
    base = load_scenario(baseline_files(folder)["baseline"])
    setup = CompareSetup.from_scenario(base).with_reforms(1, ("R1", "R10"))
    assert setup.start_year is None and (setup.years, setup.seeds) == (10, 10)
    built = setup.with_settings(years=2, seeds=3).scenarios()
    assert [str(s.branch_from) for s in built] == ["england_2006_2011@2011-04-01"] * 2
    assert {(s.start_date, s.root_seed, s.years, s.seeds) for s in built} == {(dt.date(2011, 4, 1), 20081111, 2, 3)}
    assert CompareSetup.from_scenario(load_scenario(folder / "fresh_2011.toml")).start_year == 2011


def test_the_catalogue_lists_every_reform_once_in_families():
    listed = [name for _, _, reforms in reform_catalogue() for name, _, _ in reforms]
    assert sorted(listed) == sorted(REFORMS)
    assert all(label and what for _, _, reforms in reform_catalogue() for _, label, what in reforms)


def test_reforms_switch_on_and_off_in_registry_order(setup):
    on = setup.with_reform(1, "R10", True).with_reform(1, "R2", True)
    assert on.drafts[1].reforms == ("R2", "R10")
    assert on.with_reform(1, "R2", False).drafts[1].reforms == ("R10",)
    assert setup.drafts[1].reforms == ()  # the setup is immutable: changes return a new one
    with pytest.raises(SetupError, match="the baseline runs as its scenario file says"):
        setup.with_reform(0, "R1", True)
    with pytest.raises(SetupError, match="unknown reform 'R99'"):
        setup.with_reform(1, "R99", True)


def test_at_most_four_named_scenarios(setup):
    full = setup.with_scenario_added("Third").with_scenario_added("Fourth")
    assert len(full.drafts) == MAX_SCENARIOS == 4
    with pytest.raises(SetupError, match="at most 4 scenarios"):
        full.with_scenario_added("Fifth")
    assert [d.name for d in full.with_scenario_removed(2).drafts] == ["Baseline", "Reformed", "Fourth"]
    with pytest.raises(SetupError, match="cannot be removed"):
        full.with_scenario_removed(0)


def test_scenario_names_must_be_distinct_and_usable(setup):
    with pytest.raises(SetupError, match="'baseline' is already used"):
        setup.renamed(1, "baseline")
    with pytest.raises(SetupError, match="use 1-64 letters"):
        setup.renamed(1, "no/slashes")
    assert setup.renamed(1, "Early help").drafts[1].name == "Early help"


def test_settings_are_checked_against_their_ranges(setup):
    changed = setup.with_settings(start_year=2015, years=5, seeds=10)
    assert (changed.start_year, changed.years, changed.seeds) == (2015, 5, 10)
    with pytest.raises(SetupError, match="seeds: 0 is out of range: allowed whole numbers 1 to 50"):
        setup.with_settings(seeds=0)
    with pytest.raises(SetupError, match="years: 31 is out of range"):
        setup.with_settings(years=31)


def test_the_scenarios_share_the_baseline_and_add_their_reforms(setup):
    chosen = setup.renamed(1, "Early help").with_reform(1, "R10", True).with_settings(start_year=2014, years=1)
    base, reformed = chosen.scenarios()
    assert (base.name, reformed.name) == ("Baseline", "Early_help")
    assert base.levers == () and [lever.reform for lever in reformed.levers] == ["R10"]
    for s in (base, reformed):
        assert (s.years, s.seeds, s.start_date) == (1, 2, dt.date(2014, 4, 1))
        assert s.constants == setup.base.constants


def test_a_run_reports_progress_and_returns_the_comparison(setup):
    chosen = setup.with_reform(1, "R1", True).with_settings(years=1)
    seen = []
    job = RunJob()
    comparison = run_comparison(chosen, job, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert (job.done, job.total) == (4, 4)
    assert comparison.names == ["Baseline", "Reformed"]
    assert comparison.labels == ("Baseline", "Reformed")
    assert set(comparison.weekly.groupby("scenario")["seed"].nunique()) == {2}
    headline = [o for o, entry in comparison.statistics["outcomes"].items() if entry["headline"]]
    assert "children_harmed_per_year" in headline
    assert set(comparison.statistics["outcomes"]["referrals_per_year"]["difference"]) == {"Reformed"}


def test_cancel_stops_a_run_between_runs(setup):
    job = RunJob()
    seen = []

    def cancel_after_first(done: int, total: int) -> None:
        seen.append(done)
        job.cancel()

    with pytest.raises(Cancelled):
        run_comparison(setup.with_settings(years=1), job, on_progress=cancel_after_first)
    assert seen == [1]
    assert job.done == 1 and job.total == 4


def test_the_time_left_goes_by_the_recent_rate_not_by_runs_read_from_the_cache(monkeypatch):
    import app.state

    clock = [100.0]
    monkeypatch.setattr(app.state, "time", type("Clock", (), {"monotonic": staticmethod(lambda: clock[0])}))
    job = RunJob()
    clock[0] = 100.1
    for done in range(1, 9):  # 8 runs read from the run cache at once
        job.report(done, 20)
    assert job.seconds_left() == pytest.approx(0.1 / 8 * 12, abs=0.01)  # the cache's rate, until runs land
    for done in range(9, 17):  # then 8 runs computed, one every 10 s
        clock[0] += 10
        job.report(done, 20)
    assert job.seconds_left() == pytest.approx(40.0)  # 4 runs left at the recent 10 s each
    clock[0] += 5
    assert job.seconds_left() == pytest.approx(35.0)


def test_results_are_shown_as_seeds_land_then_all_of_them(setup, monkeypatch):
    monkeypatch.setattr("app.state.PROVISIONAL_SECONDS", 0)  # as soon as seeds are complete, however quick the runs
    chosen = setup.with_reform(1, "R1", True).with_settings(years=1, seeds=3)
    partial = []
    final = run_comparison(chosen, RunJob(), on_partial=partial.append)
    assert final.landed is None and len(final.statistics["seeds"]) == 3
    assert [p.landed for p in partial] == [2]  # just before the last run lands, two seeds are complete
    [first] = partial
    seeds = first.statistics["seeds"]
    assert len(seeds) == 2 and set(seeds) < set(final.statistics["seeds"])
    kept = final.weekly[final.weekly["seed"].isin(seeds)]
    expected = compare(kept, final.names, uncertainty=uncertainty(list(final.scenarios)))
    assert first.statistics["outcomes"] == expected["outcomes"]


def test_provisional_results_wait_for_complete_seeds_and_two_seconds_and_stop_at_cancel(monkeypatch):
    import app.state

    clock = [100.0]
    monkeypatch.setattr(app.state, "time", type("Clock", (), {"monotonic": staticmethod(lambda: clock[0])}))
    job, shown = RunJob(), []
    gate = ProvisionalGate(job, 2, 5)  # 2 scenarios x 5 seeds

    def land(scenario: int, seed: int) -> None:
        gate.land(scenario, seed, pd.DataFrame({"scenario": [scenario], "seed": [seed]}),
                  lambda complete, weekly: shown.append((complete, list(zip(weekly["scenario"], weekly["seed"])))))

    for scenario, seed in ((0, 0), (1, 0), (0, 1), (1, 1)):
        land(scenario, seed)
    assert shown == []  # 2 complete seeds within 2 seconds of the start (as runs read from the run cache land)
    other = ProvisionalGate(RunJob(), 2, 5)
    clock[0] += 2
    for scenario, seed in ((0, 0), (1, 0), (0, 1)):
        other.land(scenario, seed, pd.DataFrame(), lambda complete, weekly: shown.append(complete))
    assert shown == []  # one complete seed: too few for an interval
    land(0, 4)
    assert shown == [(2, [(0, 0), (0, 1), (1, 0), (1, 1)])]  # scenario by scenario, as the finished runs stack
    land(0, 2)
    land(1, 2)
    assert len(shown) == 1  # a third seed within 2 seconds of the last: it waits
    clock[0] += 2
    land(0, 3)
    assert shown[-1][0] == 3
    job.cancel()
    clock[0] += 5
    land(1, 3)
    assert len(shown) == 2  # nothing new once Cancel is pressed


def test_the_workshop_shows_its_complete_seeds_as_they_land_as_the_workshop_of_those_seeds(two_family_package,
                                                                                          monkeypatch):
    """Runs are queued seed by seed: the provisional workshop of the first 2 of 3 seeds is exactly the workshop run
    on 2 seeds (the same seeds, the same runs: only their order differs)."""
    from abm.posterior_draws import OFFERED
    from abm.workshop.planning import plan
    from abm.workshop.running import run_plan

    from app.state import NO_POSTERIOR, POSTERIOR_VARIABLE

    monkeypatch.setattr("app.state.PROVISIONAL_SECONDS", 0)  # as soon as seeds are complete, however quick the runs
    monkeypatch.setenv(POSTERIOR_VARIABLE, NO_POSTERIOR)  # the single fit, as run_plan runs it below
    partial = []
    job = WorkshopJob(two_family_package, seeds=3, years=1)
    final = job.run(lambda done, total: None, on_partial=partial.append)
    assert final.landed is None and len(final.result["seeds"]) == 3
    assert [(p.landed, p.seeds) for p in partial] == [(2, 3)]  # just before the last run lands, 2 seeds are complete
    [first] = partial
    alone = run_plan(plan(job.package), 2)
    assert first.result["seeds"] == alone["seeds"] == final.result["seeds"][:2]
    shown = {key: value for key, value in first.result.items() if key != OFFERED}
    assert json.dumps(shown, sort_keys=True, default=str) == json.dumps(alone, sort_keys=True, default=str)


def test_provisional_results_scroll_and_are_announced_once_a_run_then_again_when_all_are_in(two_family_package,
                                                                                          monkeypatch):
    from app.views.announcement import announcement_token
    from app.views.workshop import ready_message

    monkeypatch.setattr("app.state.PROVISIONAL_SECONDS", 0)
    partial = []
    final = WorkshopJob(two_family_package, seeds=4, years=1).run(lambda done, total: None, on_partial=partial.append)
    assert [p.landed for p in partial] == [2, 3]
    tokens = [announcement_token(run, ready_message(run)) for run in (*partial, final)]
    assert tokens[0] == tokens[1] != tokens[2]  # a third seed in does not scroll the page again; the whole deck does
    assert ready_message(partial[0]) == "First results: 4 combinations x 1 year, shown as their seeds finish"


def test_the_start_page_says_no_posterior_is_offered_only_when_none_is():
    from app.views.start import intervals_bullet

    assert "Here this app offers no calibration posterior (docs/calibration.md)" in intervals_bullet(False)
    offered = intervals_bullet(True)
    assert "offers a calibration posterior" in offered and "no calibration posterior" not in offered


def test_a_workshop_read_from_the_run_cache_shows_at_once_with_no_provisional_grid(two_family_package, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("CPSIM_RUN_CACHE", "on")
    monkeypatch.setenv("CPSIM_CACHE", str(tmp_path))
    WorkshopJob(two_family_package, seeds=3, years=1).run(lambda done, total: None)  # the deck prepared beforehand
    partial = []
    warm = WorkshopJob(two_family_package, seeds=3, years=1).run(lambda done, total: None, on_partial=partial.append)
    assert partial == [] and warm.landed is None  # every run landed at once: no extra analysis of the first seeds


def test_a_run_on_the_single_fit_says_a_posterior_was_offered_when_the_environment_names_one(tmp_path, monkeypatch):
    import abm.calibration.posterior as committed
    from abm.posterior_draws import sentence
    from app.state import POSTERIOR_VARIABLE, posterior_file, posterior_offered

    monkeypatch.setattr(committed, "POSTERIOR_FILE", tmp_path / "none.toml")  # none committed
    monkeypatch.delenv(POSTERIOR_VARIABLE, raising=False)
    single_fit = {"uncertainty": ["seeds"]}
    assert "no calibration posterior is committed yet" in sentence({**single_fit, **posterior_offered()})
    named = tmp_path / "named.toml"
    named.write_text("")
    monkeypatch.setenv(POSTERIOR_VARIABLE, str(named))
    assert sentence({**single_fit, **posterior_offered()}) == (
        "Intervals include seed noise only (the single calibrated fit, chosen instead of the calibration posterior).")
    monkeypatch.setattr(committed, "POSTERIOR_FILE", named)  # one committed, and the app told to offer none
    monkeypatch.setenv(POSTERIOR_VARIABLE, " None ")
    assert posterior_file() is None
    assert sentence({**single_fit, **posterior_offered()}) == (
        "Intervals include seed noise only (the single calibrated fit: this app offers no calibration posterior, "
        "docs/calibration.md).")


def test_the_saved_states_a_branched_run_needs_are_prepared_first_and_said(branched_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("CPSIM_CACHE", str(tmp_path))  # an empty cache of saved states
    monkeypatch.setenv(WORKERS_VARIABLE, "1")  # one state after another (in this process)
    branched = CompareSetup.from_scenario(load_scenario(branched_folder / "small_branched.toml"))
    scenarios = branched.with_settings(years=1).scenarios()
    seen: list = []
    job = RunJob()
    job.cancel()  # Cancel pressed while the first state is built: no state after it
    with pytest.raises(Cancelled, match="cancelled after 1 of 2 saved states"):
        prepare_states(scenarios, 2, job, seen.append)
    assert seen[0] == Preparing(0, 2, dt.date(2011, 4, 8)) and seen[-1] is None
    seen.clear()
    job = RunJob()
    job.started -= 100  # the rate of the runs is measured from the runs alone, not the states
    prepare_states(scenarios, 2, job, seen.append)
    assert [(p.done, p.total) for p in seen[:-1]] == [(0, 1), (1, 1)] and seen[-1] is None
    assert seen[0].line == ("Preparing the saved starting states of 8 April 2011 (the history run up to that date, "
                            "built once for each seed and then reused): 0 of 1 built")
    assert time.monotonic() - job.started < 100
    seen.clear()
    prepare_states(scenarios, 2, RunJob(), seen.append)  # every state ready: nothing to say
    assert seen == []


def test_the_time_left_is_measured_from_the_runs_done():
    job = RunJob()
    assert job.seconds_left() is None  # no run done yet: no rate to go by
    job.started = time.monotonic() - 10.0
    job.report(2, 8)  # 2 runs in 10 s: 6 more take about 30 s
    assert job.seconds_left() == pytest.approx(30.0, abs=1.0)
    assert [time_left(s) for s in (4, 31, 95, 3600, 4000)] == [
        "a few seconds left", "about 30 seconds left", "about 2 minutes left", "about 1 hour left",
        "about 1 hour 7 minutes left"]


def test_the_workshop_setup_starts_from_the_package_and_keeps_the_seeds_across_packages(scenario_folder,
                                                                                         two_family_package):
    setup = WorkshopSetup.of(two_family_package)
    assert setup == WorkshopSetup("two_families", 2, 2)  # the package's 2 seeds (fewer than DEFAULT_SEEDS)
    other = load_scenario(scenario_folder / "small.toml").with_overrides(years=5)
    assert WorkshopSetup("two_families", 7, 1).with_package(other) == WorkshopSetup("small", 7, 5)


def test_an_uploaded_scenario_is_checked_like_the_command_line(scenario_folder):
    with pytest.raises(ScenarioError) as bad:
        load_upload(b"[scenario]\nyears = 500\nwarmup_years = 1\nseeds = 2\nroot_seed = 1\n", "mine.toml",
                    scenario_folder)
    assert str(bad.value) == "mine.toml: scenario.years: 500 is out of range: allowed 1 to 100"
    with pytest.raises(ScenarioError, match=r"mine.toml: scenario.yeers: unknown key 'yeers'; did you mean 'years'"):
        load_upload(b"[scenario]\nyeers = 5\n", "mine.toml", scenario_folder)
    with pytest.raises(ScenarioError, match="mine.toml: "):
        load_upload(b"import os\nos.system('true')\n", "mine.toml", scenario_folder)


def test_an_upload_is_size_limited_and_must_be_toml(scenario_folder):
    with pytest.raises(ScenarioError, match=f"at most {MAX_UPLOAD_BYTES:,} bytes"):
        load_upload(b"#" * (MAX_UPLOAD_BYTES + 1), "big.toml", scenario_folder)
    with pytest.raises(ScenarioError, match="a TOML file ending in .toml"):
        load_upload(b"[scenario]\n", "scenario.py", scenario_folder)


def test_a_good_upload_finds_its_parameter_file_in_the_scenarios_folder(scenario_folder):
    uploaded = load_upload((scenario_folder / "small.toml").read_bytes(), "my area.toml", scenario_folder)
    expected = load_scenario(scenario_folder / "small.toml")
    assert uploaded.name == "small" and uploaded.source == "my area.toml"
    assert uploaded.constants == expected.constants


def test_an_uploaded_baseline_keeps_its_reforms_and_description(scenario_folder):
    text = ((scenario_folder / "small.toml").read_text().replace("A small authority for the app's tests", "Ours")
            + '\n[[levers]]\nreform = "R10"\n\n[[levers]]\nreform = "R1"\n')
    setup = CompareSetup.from_scenario(load_upload(text.encode(), "ours.toml", scenario_folder))
    assert setup.base.description == "Ours" and setup.base_reforms == ("R1", "R10")
    base, reformed = setup.with_reform(1, "R2", True).scenarios()
    assert [lv.reform for lv in base.levers] == ["R10", "R1"]
    assert [lv.reform for lv in reformed.levers] == ["R10", "R1", "R2"]


def test_results_download_as_csv_and_parquet():
    weekly = pd.DataFrame({"scenario": ["a", "b"], "seed": [1, 1], "referrals_per_year": [1.5, 2.5]})
    assert pd.read_csv(io.BytesIO(results_csv(weekly))).equals(weekly)
    assert pd.read_parquet(io.BytesIO(results_parquet(weekly))).equals(weekly)


def test_the_server_needs_a_valid_port_and_the_asset_cache(tmp_path):
    from app.server import ServerError, server_command

    with pytest.raises(ServerError, match="--port: 0 is out of range: allowed 1 to 65535"):
        server_command("127.0.0.1", 0)
    with pytest.raises(ServerError, match="run 'make install'"):
        server_command("127.0.0.1", 8765, cache=tmp_path)
    argv, env = server_command("127.0.0.1", 8765)
    assert argv[-6:] == ["--host", "127.0.0.1", "--port", "8765", "--production", "--no-open"]
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
