"""The logic behind the Workshop and Inside-the-system views, without a browser.

Synthetic weekly tables with known values check the aggregation each view shows; one run
of a small authority checks the Taylor-Russell recount against the model's own decisions;
a synthetic workshop result (abm.workshop.analysis on runs with known effects) checks the
walk-through's order, its gains and its sentences.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from abm.calendar import WEEKS_PER_YEAR
from abm.decisions import STAGES
from abm.outcomes import NAMES
from abm.population import ASSESSMENT, CIN, CP, EARLY_HELP, LOOKED_AFTER, NONE
from abm.risk import annual_risk, log_hazard
from abm.scenario import Scenario, load_scenario
from abm.validation import taylor_russell as model_tr
from abm.workshop.analysis import analyse
from abm.workshop.findings import findings
from abm.workshop.planning import assemble, subset_name
from app.views import journey, loops, taylor_russell as tr, workforce, workshop_overview, workshop_steps
from app.views.run_reading import read_pairs
from app.views.status_moves import STATUSES
from app.wording import progress_line

WEEKS = 2 * WEEKS_PER_YEAR


def weekly_table(**columns) -> pd.DataFrame:
    """Two years of one run: every outcome 1.0 each week unless given (a value per week or one value)."""
    frame = pd.DataFrame({"scenario": "synthetic", "seed": 1, "week": np.arange(WEEKS),
                          "year": np.repeat([1, 2], WEEKS_PER_YEAR), "year_label": np.repeat(["y1", "y2"], WEEKS_PER_YEAR)})
    values = {name: np.broadcast_to(np.asarray(columns.get(name, 1.0), dtype=float), (WEEKS,)) for name in NAMES}
    return pd.concat([frame, pd.DataFrame(values)], axis=1)


def by_year(first: float, second: float) -> np.ndarray:
    return np.repeat([first, second], WEEKS_PER_YEAR)


@pytest.fixture(scope="module")
def small_pairs():
    """The small authority and the same with R1 switched on, each on 2 seeds x 1 year, with their progress."""
    base = load_scenario("scenarios/fresh_2011.toml")  # unbranched: its size can change
    small = Scenario.model_validate({**dict(base), "constants": {**base.constants, "children_0_19": 10000},
                                     "years": 1, "warmup_years": 1, "name": "small"})
    reported = []
    pairs = read_pairs(small, small.with_levers([("R1", {})], name="reformed"), 2,
                       lambda done, total: reported.append((done, total)))
    return pairs, reported


@pytest.fixture(scope="module")
def small_run(small_pairs):
    return small_pairs[0].pairs[0][0]


# The child's journey

def front_door(screened: int) -> pd.DataFrame:
    return pd.DataFrame({"stage": ["front door"] * screened + ["assessment"] * 7})


def test_journey_counts_flows_per_year_stocks_at_the_end_and_waits_as_ratios():
    closed = by_year(10.0, 30.0)
    weekly = weekly_table(contacts_per_year=by_year(1000, 2000), referrals_per_year=by_year(300, 500),
                          initial_assessments_per_year=by_year(100, 200), single_assessments_per_year=50.0,
                          looked_after_children=np.linspace(40, 60, WEEKS), care_applications_per_year=6.0,
                          care_proceedings_closed_per_year=closed,
                          court_duration_weeks_total_per_year=closed * by_year(40.0, 60.0))
    moves = np.zeros((STATUSES, STATUSES))
    moves[NONE, ASSESSMENT], moves[EARLY_HELP, ASSESSMENT] = 380, 20
    moves[ASSESSMENT, CIN], moves[ASSESSMENT, CP], moves[ASSESSMENT, LOOKED_AFTER] = 200, 40, 10
    moves[ASSESSMENT, NONE], moves[ASSESSMENT, EARLY_HELP] = 120, 20
    moves[CIN, CP], moves[CP, LOOKED_AFTER], moves[CIN, NONE] = 30, 8, 100
    flow = journey.journey_flow(weekly, front_door(2 * 1480), moves)  # both years: 1,480 screened a year
    assert flow.stage("contacts").per_year == pytest.approx(1500)
    assert flow.stage("referrals").per_year == pytest.approx(400)
    assert flow.stage("no_referral").per_year == pytest.approx(1480 - 400)
    assert flow.stage("contacts_waiting").per_year == pytest.approx(20)
    assert flow.stage("assessments").per_year == pytest.approx(150 + 50)
    assert flow.stage("referral_nfa").per_year == pytest.approx(400 - 200)
    # the ways out of an assessment, per year: half of the two years' moves
    assert [flow.stage(k).per_year for k in ("cin", "cp", "assessment_nfa")] == pytest.approx([100, 20, 70])
    assert flow.stage("assessments_waiting").per_year == pytest.approx(200 - 100 - 20 - 5 - 70)
    assert flow.stage("care").per_year == pytest.approx(5 + 4)  # from an assessment and from a plan at a review
    assert flow.stage("court").per_year == pytest.approx(6)
    assert flow.stage("no_application").per_year == pytest.approx(3)
    assert flow.stage("care").note == "60 looked after at the end"
    assert flow.stage("cp").note == "+15 stepped up; 1 at the end"
    # the mean court duration weighs each year by its concluded cases: (10*40 + 30*60) / 40
    assert flow.court_weeks == pytest.approx(55.0)
    assert flow.stage("court").note == "55 weeks per case"
    assert flow.years == 2
    assert_adds_up(flow)
    rows = journey.side_by_side({"baseline": flow, "reformed": flow})
    assert rows[0] == ["Contacts", "1,500", "1,500"]
    assert ["Waiting to be screened (more at the end than the start)", "+20", "+20"] in rows
    assert len(rows) == len(flow.stages)


def assert_adds_up(flow) -> None:
    """Every fork's ways out add up to it (a plan is not a fork: children stay on it), every box's ways in add up
    to it; Looked after comes before Care applications."""
    for stage in flow.stages:
        if stage.key not in ("cin", "cp") and any(f.source == stage.key for f in flow.flows):
            assert flow.leaving(stage.key) == pytest.approx(stage.per_year), stage.key
        if any(f.target == stage.key for f in flow.flows):
            assert flow.arriving(stage.key) == pytest.approx(stage.per_year), stage.key
    order = [(f.source, f.target) for f in flow.flows]
    assert ("care", "court") in order and ("court", "care") not in order
    assert flow.stage("care").column < flow.stage("court").column
    assert [s.column for s in flow.stages if s.key in ("contacts", "referrals", "assessments", "cin", "care")] == \
        [0, 1, 2, 3, 4]
    ends = {s.key for s in flow.stages if s.kind == "end"}
    assert ends == {"no_referral", "referral_nfa", "assessment_nfa", "no_application"}


def test_the_journey_of_a_run_adds_up_to_the_models_ledger(small_run):
    flow = journey.journey_flow(small_run.weekly, small_run.decisions, small_run.moves.counts)
    h = journey.horizon(small_run.weekly)
    assert_adds_up(flow)
    for key, outcome in (("contacts", "contacts_per_year"), ("referrals", "referrals_per_year"),
                         ("care", "looked_after_starts_per_year"), ("court", "care_applications_per_year")):
        assert flow.stage(key).per_year == pytest.approx(h[outcome]), key
    assert flow.stage("assessments").per_year == pytest.approx(
        h["initial_assessments_per_year"] + h["single_assessments_per_year"])
    moves = small_run.moves.counts
    assert moves[NONE, ASSESSMENT] + moves[EARLY_HELP, ASSESSMENT] == pytest.approx(
        flow.stage("assessments").per_year, rel=0.01)  # every assessment begins at the front door
    for key in ("no_referral", "referral_nfa", "assessment_nfa", "no_application"):
        assert flow.stage(key).per_year >= 0, key
    contacts, referrals, assessments = (flow.stage(k).per_year for k in ("contacts", "referrals", "assessments"))
    assert 0 < assessments <= referrals <= contacts
    assert np.isfinite(flow.weeks_to_help) and flow.weeks_to_help > 0
    figure = journey.journey_figure(flow, "small")
    shown = {t.get_text() for t in figure.axes[0].texts}
    assert f"{contacts:,.0f} a year" in shown and "No further action" in shown
    assert "per year over 1 year" in figure.axes[0].get_title()


# The baseline and a scenario side by side

def test_both_sides_of_a_history_run_on_the_same_seed_and_are_named_by_history(small_pairs):
    pairs, reported = small_pairs
    assert (pairs.baseline, pairs.scenario, pairs.histories) == ("small", "reformed", 2)
    assert [(base.scenario, other.scenario) for base, other in pairs.pairs] == [("small", "reformed")] * 2
    assert all(base.seed == other.seed for base, other in pairs.pairs)
    assert pairs.pairs[0][0].seed != pairs.pairs[1][0].seed
    assert [base.label for base, _ in pairs.pairs] == ["history 1 of 2", "history 2 of 2"]
    assert reported == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert read_pairs(None, None, 3, cancelled=lambda: True) is None  # stops before a run when cancelled


def test_the_progress_line_says_the_time_left_at_the_rate_so_far():
    assert progress_line(0, 0, None) == "Starting the runs..."
    assert progress_line(0, 4, None) == "0 of 4 runs done; estimating the time left..."
    assert progress_line(3, 8, 21.0) == "3 of 8 runs done; about 20 seconds left"
    assert progress_line(1, 1, 0.0) == "1 of 1 run done; a few seconds left"


# The Taylor-Russell picture

def test_the_models_own_threshold_gives_the_models_own_counts(small_run):
    own = model_tr.counts(small_run.decisions)
    for stage, base in small_run.stage_thresholds.items():
        frame = tr.stage_decisions(small_run.decisions, stage, base)
        counts = tr.quadrants_at(frame, base)
        assert dataclasses.asdict(counts) == {q: int(own.at[stage, q]) for q in model_tr.QUADRANTS}
        assert counts.missed_share == pytest.approx(own.at[stage, "false_negative_rate"])


def test_every_stage_is_shown_and_its_quadrants_say_what_was_decided_there(small_run):
    assert set(small_run.stage_thresholds) == set(tr.STAGE_LABELS) == set(tr.STAGE_WORDS) == set(STAGES)
    assert tr.quadrant_labels("front door") == {
        "true_positive": "Assessed, truly at risk", "false_positive": "Assessed, not at risk",
        "false_negative": "Missed: at risk, not assessed", "true_negative": "Rightly not assessed"}
    assert tr.quadrant_labels("assessment")["false_positive"] == "Plan or care, not at risk"
    assert tr.quadrant_labels("assessment")["false_negative"] == "Missed: at risk, no plan"
    assert tr.quadrant_labels("review")["true_positive"] == "Kept helping, truly at risk"
    assert tr.quadrant_labels("review")["true_negative"] == "Rightly closed"


def test_raising_the_threshold_trades_needless_interventions_for_missed_children(small_run):
    base = small_run.stage_thresholds["front door"]
    frame = tr.stage_decisions(small_run.decisions, "front door", base)
    ladder = [z for _, z in tr.threshold_ladder(base, small_run.harm_base_per_week)]
    assert ladder == sorted(ladder) and base in ladder
    counts = [tr.quadrants_at(frame, z) for z in ladder]
    acted = [c.true_positive + c.false_positive for c in counts]
    missed = [c.false_negative for c in counts]
    assert acted == sorted(acted, reverse=True) and acted[0] > acted[-1]
    assert missed == sorted(missed) and missed[0] < missed[-1]
    assert len({sum(dataclasses.asdict(c).values()) for c in counts}) == 1
    nobody = tr.quadrants_at(frame, frame["weighed"].max() + 1)
    assert nobody.true_positive == nobody.false_positive == 0


def test_assessed_risk_is_weighed_against_the_weeks_threshold():
    # two decisions the week's anxiety lowered the threshold for (4.0 instead of 4.5), one on an ordinary week
    decisions = pd.DataFrame({"stage": ["front door"] * 3, "estimate": [4.2, 3.9, 4.6],
                              "threshold": [4.0, 4.0, 4.5], "true_log_hazard": [5.0, 3.0, 3.0],
                              "intervene": [True, False, True], "at_risk": [True, False, False]})
    frame = tr.stage_decisions(decisions, "front door", 4.5)
    assert frame["weighed"].tolist() == pytest.approx([4.7, 4.4, 4.6])
    assert dataclasses.asdict(tr.quadrants_at(frame, 4.5)) == {
        "true_positive": 1, "false_positive": 1, "false_negative": 0, "true_negative": 1}
    assert dataclasses.asdict(tr.quadrants_at(frame, 4.65)) == {
        "true_positive": 1, "false_positive": 0, "false_negative": 0, "true_negative": 2}


def test_the_ladder_is_in_annual_risk_with_the_models_own_threshold_exact():
    base_per_week = 0.0002
    own = log_hazard(0.035, base_per_week) + 1e-12  # not exactly any step of the fixed ladder
    ladder = tr.threshold_ladder(own, base_per_week)
    assert ("3.5%", own) in ladder
    label, z = next((label, z) for label, z in ladder if label == "10%")
    assert float(annual_risk(z, base_per_week)) == pytest.approx(0.10)


# The causal loop diagram

def test_direction_is_steady_within_one_percent():
    assert loops.direction(100.0, 100.9) == "steady"
    assert loops.direction(100.0, 102.0) == "up"
    assert loops.direction(100.0, 97.0) == "down"
    assert loops.direction(0.0, 0.0) == "steady"
    assert loops.direction(float("nan"), 1.0) == "steady"


def test_each_variable_reads_its_first_and_last_year():
    weekly = weekly_table(caseload_mean=by_year(10, 14), scope_for_judgment=by_year(0.5, 0.6),
                          referrals_per_year=by_year(300, 200), public_anxiety=0.2)
    decisions = pd.DataFrame({"stage": ["front door"] * 4 + ["assessment"], "year": [1, 1, 2, 2, 2],
                              "threshold": [1.0, 1.0, 0.5, 0.5, 9.0]})
    base_per_week = 0.001
    values = loops.readings(weekly, decisions, base_per_week, variety_mean=0.3)
    assert values["caseload"] == loops.Reading(10.0, 14.0, "up")
    scope = values["scope"]
    assert (scope.first, scope.last, scope.direction) == (0.5, pytest.approx(0.6), "up")
    assert values["referrals"] == loops.Reading(300.0, 200.0, "down")
    assert values["anxiety"].direction == "steady"
    assert values["variety"] == loops.Reading(0.3, 0.3, "fixed")
    threshold = values["threshold"]
    assert (threshold.first, threshold.last) == pytest.approx(
        (float(annual_risk(1.0, base_per_week)), float(annual_risk(0.5, base_per_week))))
    assert threshold.direction == "down"


def test_the_diagram_joins_known_variables_and_shows_every_value(small_run):
    keys = {v.key for v in loops.VARIABLES}
    assert all(a in keys and b in keys and sign in "+-" for a, b, sign in loops.LINKS)
    assert all(v.source in NAMES or v.source in (loops.THRESHOLD, loops.VARIETY) for v in loops.VARIABLES)
    values = loops.readings(small_run.weekly, small_run.decisions, small_run.harm_base_per_week,
                            small_run.variety_mean)
    texts = " ".join(t.get_text() for t in loops.loops_figure(values, "small").axes[0].texts)
    for v in loops.VARIABLES:
        assert loops.show(v.source, values[v.key].last) in texts
    inks = {t.get_color() for t in loops.loops_figure(values, "small").axes[0].texts if t.get_text()[:1].isdigit()}
    assert inks == {loops.INK}  # one run's moves are not findings: none is coloured better or worse


# The workforce and the court

def test_series_are_yearly_with_rates_and_shares_in_percent():
    backlog = np.linspace(1, 20, WEEKS)
    weekly = weekly_table(vacancy_rate=by_year(0.1, 0.2), caseload_mean=by_year(12, 16), court_backlog_cases=backlog)
    table = workforce.series(weekly, workforce.WORKFORCE)
    assert table["year_label"].tolist() == ["y1", "y2"]
    assert table["vacancy_rate"].tolist() == pytest.approx([10.0, 20.0])
    assert table["caseload_mean"].tolist() == pytest.approx([12.0, 16.0])
    court = workforce.series(weekly, workforce.COURT)
    assert court["court_backlog_cases"].iloc[-1] == pytest.approx(backlog[WEEKS_PER_YEAR:].mean())  # a yearly mean
    figure = workforce.series_figure({"baseline": table, "reformed": table}, "Workforce")
    assert len([ax for ax in figure.axes if ax.lines]) == len(workforce.WORKFORCE)
    assert all(len(ax.lines) == 2 for ax in figure.axes if ax.lines)  # the baseline's line and the scenario's


# The workshop's walk-through

def synthetic_workshop(families: list[str], effect, seeds: int = 4) -> dict:
    """A workshop result from runs whose every outcome is 100 + effect(subset, outcome) + small noise, the same
    noise for every subset on one seed (common random numbers, as in real runs)."""
    ws = assemble("synthetic", {f: (f"R{i + 1}",) for i, f in enumerate(families)},
                  {f: f"Family {f}" for f in families}, lambda combo: None)
    parts = []
    for subset in ws.subsets:
        for seed in range(seeds):
            rng = np.random.default_rng(7 + seed)
            frame = pd.DataFrame({"scenario": subset_name(subset.families), "seed": seed, "week": np.arange(WEEKS),
                                  "year": np.repeat([1, 2], WEEKS_PER_YEAR),
                                  "year_label": np.repeat(["y1", "y2"], WEEKS_PER_YEAR)})
            values = {o: 100.0 + effect(subset.families, o) + rng.normal(0, 0.2, WEEKS) for o in NAMES}
            parts.append(pd.concat([frame, pd.DataFrame(values)], axis=1))
    result = analyse(ws, pd.concat(parts, ignore_index=True))
    result["findings"] = findings(result)
    return result


def cheaper_b_dearer_a(families, outcome):
    """Family a: 5 fewer children harmed and 10 more cost; family b: 8 less cost; c: nothing."""
    harmed = -5.0 * ("a" in families) if outcome == "children_harmed_per_year" else 0.0
    cost = (10.0 * ("a" in families) - 8.0 * ("b" in families)) if outcome == "cost_per_year" else 0.0
    return harmed + cost


@pytest.mark.parametrize("k, expected", [(1, 1), (2, 3), (3, 7)])
def test_steps_go_alone_then_pairs_then_the_whole_package(k, expected):
    families = ["a", "b", "c"][:k]
    steps = workshop_steps.workshop_steps(synthetic_workshop(families, cheaper_b_dearer_a, seeds=2))
    assert len(steps) == expected
    assert [s.kind for s in steps] == ["alone"] * (k if k > 1 else 0) + ["pair"] * (3 if k == 3 else 0) + ["whole"]
    assert steps[-1].families == tuple(families)
    assert len({s.families for s in steps}) == len(steps)


def test_gains_are_positive_when_better_in_percent_of_no_reform():
    result = synthetic_workshop(["a", "b", "c"], cheaper_b_dearer_a)
    steps = workshop_steps.workshop_steps(result)
    alone_a = {r["outcome"]: r for r in workshop_steps.gains(result, steps[0].subset)}
    assert steps[0].title == "Family a alone"
    assert alone_a["children_harmed_per_year"]["gain"] == pytest.approx(5.0, abs=0.2)  # 5 fewer of 100
    assert alone_a["children_harmed_per_year"]["verdict"] == "better"
    assert alone_a["cost_per_year"]["gain"] == pytest.approx(-10.0, abs=0.2)
    assert alone_a["cost_per_year"]["verdict"] == "worse"
    assert alone_a["turnover_rate"]["verdict"] == "neither"
    for row in alone_a.values():
        assert row["low"] <= row["gain"] <= row["high"]


def test_sentences_say_what_is_better_and_worse_and_name_the_cherry_picking():
    result = synthetic_workshop(["a", "b", "c"], cheaper_b_dearer_a)
    steps = {s.title: s for s in workshop_steps.workshop_steps(result)}
    alone_a = workshop_steps.step_sentences(result, steps["Family a alone"])
    assert alone_a == ["Family a: clearly better than no reform on children harmed; but worse on cost."]
    whole = workshop_steps.step_sentences(result, steps["The whole package"])
    # a + b + c: harmed -5 (better), cost +2 (worse); b alone and b + c cost less: cherry-picking goes the other way
    assert whole[0] == "The whole package: clearly better than no reform on children harmed; but worse on cost."
    assert whole[1].startswith("Cherry-picking does better on cost")
    alone_b = workshop_steps.step_sentences(result, steps["Family b alone"])
    assert len(alone_b) == 2 and "b alone (" in alone_b[1]
    alone_c = workshop_steps.step_sentences(result, steps["Family c alone"])
    assert alone_c == ["Family c: no clear difference from no reform on any of the 7 outcomes."]  # no seed noise
    for subset in result["subsets"][1:]:  # the same runs with seed noise: +/-2 harmed a year around each mean
        d = subset["difference"]["children_harmed_per_year"]
        d["p05"], d["p95"] = d["mean"] - 2, d["mean"] + 2
    [said] = workshop_steps.step_sentences(result, steps["Family c alone"])
    assert said.startswith("Family c: no clear difference from no reform on any of the 7 outcomes. At 4 seeds a "
                           "difference is likely to show as clear (80% of the time) only from about ")
    size = float(said.split("only from about ")[1].split(" ")[0])
    assert 2 < size < 4  # beyond the half-width of 2 (a difference that size shows as clear only half the time)
    assert said.endswith(" on children harmed, so a smaller one could go unseen.")


def test_with_one_seed_no_difference_is_called_clear():
    result = synthetic_workshop(["a", "b"], cheaper_b_dearer_a, seeds=1)
    first = workshop_steps.workshop_steps(result)[0]
    assert workshop_steps.step_sentences(result, first) == [
        "Family a: with 1 seed there is no interval, so no difference can be called clear: run more seeds."]
    assert all(row["verdict"] == "neither" for row in workshop_steps.gains(result, first.subset))


def test_a_step_chart_has_a_bar_per_outcome_checked_and_the_whole_package_beside():
    result = synthetic_workshop(["a", "b"], cheaper_b_dearer_a, seeds=2)
    steps = workshop_steps.workshop_steps(result)
    ax = workshop_steps.step_figure(result, steps[0]).axes[0]
    assert len(ax.patches) == len(result["checked"])
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Children harmed"
    assert ax.get_legend() is not None  # the whole package's diamonds
    assert workshop_steps.step_figure(result, steps[-1]).axes[0].get_legend() is None


def test_every_step_chart_has_the_same_x_axis():
    result = synthetic_workshop(["a", "b", "c"], cheaper_b_dearer_a, seeds=2)
    axes = {workshop_steps.step_figure(result, step).axes[0].get_xlim() for step in workshop_steps.workshop_steps(result)}
    assert axes == {workshop_steps.axis_range(result)}
    low, high = workshop_steps.axis_range(result)
    every = [x for step in workshop_steps.workshop_steps(result) for r in workshop_steps.gains(result, step.subset)
             for x in (r["low"], r["high"])]
    assert low < min(every) and max(every) < high


def test_the_overview_grid_has_every_combination_and_the_steps_it_jumps_to():
    result = synthetic_workshop(["a", "b", "c"], cheaper_b_dearer_a)
    steps = workshop_steps.workshop_steps(result)
    heads, rows = workshop_overview.overview(result, steps)
    assert heads[0] == "Children harmed" and len(heads) == len(result["checked"])
    assert [r.name for r in rows] == ["a alone", "b alone", "c alone", "a + b", "a + c", "b + c", "the full package"]
    assert [r.step for r in rows] == list(range(7))  # all but no reform, each a step here (3 families)
    harmed = {r.name: r.cells[0] for r in rows}
    assert harmed["a alone"].verdict == "better" and harmed["a alone"].text == "-5.0% better"
    assert harmed["b alone"].verdict == "neither" and "better" not in harmed["b alone"].text
    four = synthetic_workshop(["a", "b", "c", "d"], cheaper_b_dearer_a, seeds=2)
    _, rows = workshop_overview.overview(four, workshop_steps.workshop_steps(four))
    assert len(rows) == 15 and sorted(r.step for r in rows if r.step is not None) == list(range(11))
    assert all(r.step is None for r in rows if r.name.count("+") == 2)  # the triples are in the grid only


def test_a_grid_cell_that_rounds_to_no_change_reads_zero_without_a_sign():
    base = {"outcomes": {"cost_per_year": {"median": 1e6}}}

    def change(mean: float) -> str:
        return workshop_overview.cell({"difference": {"cost_per_year": {"mean": mean, "verdict": "no clear difference"}}},
                                      base, "cost_per_year").text

    assert [change(m) for m in (0.0, 40.0, -40.0, 12_345.0, -50_000.0)] == ["0%", "0%", "0%", "+1.2%", "-5.0%"]


def test_a_look_inside_a_branched_baseline_prepares_its_saved_states_first_and_says_so(branched_folder, tmp_path,
                                                                                      monkeypatch):
    from app.inside_run import InsideJob
    from app.state import WORKERS_VARIABLE, CompareSetup, Preparing

    monkeypatch.setenv("CPSIM_CACHE", str(tmp_path))  # an empty cache of saved states
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    setup = CompareSetup.from_scenario(load_scenario(branched_folder / "small_branched.toml"))
    base, reformed = setup.with_reform(1, "R1", True).with_settings(years=1, seeds=1).scenarios()
    preparing, progress = [], []
    pairs = InsideJob(base, reformed, 1).run(lambda done, total: progress.append((done, total)), preparing.append)
    assert preparing[0].line.startswith("Preparing the saved starting states of 8 April 2011")
    assert [(p.done, p.total) for p in preparing[:-1]] == [(0, 1), (1, 1)] and preparing[-1] is None
    assert progress == [(1, 2), (2, 2)] and pairs.histories == 1
    assert all(isinstance(p, Preparing) for p in preparing[:-1])


def test_the_threshold_counts_speak_each_stages_words():
    counts = tr.Quadrants(true_positive=30, false_positive=90, false_negative=10, true_negative=870)
    assert tr.count_lines(counts, "front door") == ("Missed (at risk, not assessed): 10 (25% of the children at risk)",
                                                    "Assessed, not at risk: 90 (75% of the 'assessed' decisions)")
    assert tr.count_lines(counts, "review")[1] == "Kept helping, not at risk: 90 (75% of the 'kept helping' decisions)"
    none = tr.Quadrants(true_positive=0, false_positive=0, false_negative=0, true_negative=5)
    assert tr.count_lines(none, "assessment")[0] == "Missed (at risk, no plan): 0 (n/a of the children at risk)"
