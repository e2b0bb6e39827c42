"""How Compare's results read, without a browser: units and what each outcome counts, one number format
per row with no rounding noise, the table's order and verdicts, the charts' axes, and the warnings before
a run whose settings are too small for the question."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from abm.calendar import WEEKS_PER_YEAR
from abm.compare import compare
from abm.compare.statistics import detectable_multiple
from abm.outcomes import BY_NAME, NAMES
from abm.scenario import load_scenario
from abm.workshop.findings import detectable
from app.charts import band_figure, figure_png
from app.difference_table import VERDICT_STYLE, split_rows, table_rows
from app.guard_rails import (ENOUGH_SEEDS, full_strength_years, ramp_warning, run_warnings, seeds_warning,
                             setup_warnings)
from app.measures import measure
from app.number_format import AxisFormat, RowFormat, fixed, scale_of
from app.state import CompareSetup


def difference(mean, low, high, verdict="no clear difference") -> dict:
    return {"mean": mean, "p05": low, "p95": high, "verdict": verdict}


def test_each_outcome_says_its_unit_and_what_it_counts():
    assert measure("referrals_per_year").period() == "number per year, mean of the years"
    assert measure("looked_after_children").period() == "number on 31 March, end of the last year"
    assert measure("looked_after_children").yearly() == "number on 31 March"
    assert measure("caseload_mean").period() == "number, mean over the weeks"
    assert measure("court_duration_weeks_mean").period() == "weeks, over the whole period"
    assert measure("false_negative_rate").period() == "%, over the whole period; differences in percentage points"
    assert measure("cost_per_year").period("million") == "£ million per year, mean of the years"
    assert measure("burnout_mean").unit == "0-1 scale"
    assert not measure("developmental_harm_per_year").from_zero  # a log-hazard
    assert not measure("profession_status").from_zero  # 1 = neutral
    assert all(measure(o.name).from_zero for o in BY_NAME.values() if o.headline)


def test_a_number_that_rounds_to_zero_is_zero_without_sign():
    assert fixed(-2.22e-16, 1, sign=True) == "0"
    assert fixed(-0.04, 1) == "0"
    assert fixed(1234.5, 0) == "1,234"
    assert fixed(0.25, 2, sign=True) == "+0.25"


def test_rounding_noise_in_a_difference_reads_zero():
    form = RowFormat.of([40.0, 40.0], [difference(-2.22e-16, -8.42, 8.42)], share=False)
    assert form.difference(difference(-2.22e-16, -8.42, 8.42)) == "0 [-8.4, +8.4]"
    no_change = RowFormat.of([50.8, 50.8], [difference(0.0, 0.0, 0.0)], share=False)
    assert no_change.difference(difference(0.0, 0.0, 0.0)) == "0 [0, 0]"


def test_a_row_keeps_one_scale_for_levels_and_differences():
    d = difference(896_000.0, 520_000.0, 1_272_000.0, "worse")
    form = RowFormat.of([23.8e6, 24.7e6], [d], share=False)
    assert form.scale == "million"
    assert [form.level(23.8e6), form.level(24.7e6)] == ["23.8", "24.7"]
    assert form.difference(d) == "+0.90 [+0.52, +1.27]"
    small = RowFormat.of([0.000265, 0.000265], [difference(8.09e-08, -4.3e-07, 5.92e-07)], share=False)
    assert "e" not in small.difference(difference(8.09e-08, -4.3e-07, 5.92e-07))


def test_shares_show_levels_in_percent_and_differences_in_points():
    d = difference(0.00586, 0.00443, 0.0073, "better")
    form = RowFormat.of([0.355, 0.361], [d], share=True)
    assert [form.level(0.355), form.level(0.361)] == ["35.5%", "36.1%"]
    assert form.difference(d) == "+0.59 [+0.44, +0.73]"  # percentage points, not %
    assert RowFormat.of([0.4], [difference(0.1, None, None)], share=True).difference(
        difference(0.1, None, None)) == "+10 (no interval)"


def weekly_table(effects: dict[str, float], seeds: int = 3, years: int = 2) -> pd.DataFrame:
    """Weekly outcomes of "Baseline" and "Reformed" with every outcome 10 + seed, plus `effects` when reformed."""
    rows = []
    for scenario in ("Baseline", "Reformed"):
        for seed in range(seeds):
            for week in range(years * WEEKS_PER_YEAR):
                year = week // WEEKS_PER_YEAR
                row = {"scenario": scenario, "seed": seed, "week": week, "year": 2011 + year,
                       "year_label": f"{2011 + year}/{12 + year}"}
                for name in NAMES:
                    noise = 0.01 * seed * (scenario == "Reformed")
                    row[name] = 10.0 + seed + noise + (effects.get(name, 0.0) if scenario == "Reformed" else 0.0)
                rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result() -> dict:
    effects = {"cost_per_year": 3e7, "children_harmed_per_year": 2.0, "referrals_per_year": -3.0}
    table = weekly_table(effects)
    table["cost_per_year"] += 2e7
    table["direct_work_share"] = 0.35 + 0.01 * (table["scenario"] == "Reformed")
    return compare(table, ["Baseline", "Reformed"])


def test_the_table_gives_headline_outcomes_first_each_with_unit_and_verdict(result):
    rows = table_rows(result)
    headline, others = split_rows(rows)
    assert rows[:len(headline)] == headline
    assert [r.outcome for r in headline] == [n for n in NAMES if BY_NAME[n].headline]
    assert len(others) == len(NAMES) - len(headline)
    by = {r.outcome: r for r in rows}
    cost = by["cost_per_year"]
    assert cost.measure == "£ million per year, mean of the years"
    assert cost.medians == ("20.0", "50.0") and cost.verdicts == ("worse",)
    assert cost.differences[0].startswith("+30")
    assert by["children_harmed_per_year"].verdicts == ("worse",)
    assert by["referrals_per_year"].verdicts == ("lower",)  # no better side
    share = by["direct_work_share"]
    assert "percentage points" in share.measure and share.medians == ("35.0%", "36.0%")
    assert share.verdicts == ("better",) and "%" not in share.differences[0]
    assert all("e-" not in text for r in rows for text in (*r.medians, *r.differences))
    assert {v for r in rows for v in r.verdicts} <= set(VERDICT_STYLE)


def test_a_difference_that_is_not_clear_gives_the_size_its_seeds_would_show(result):
    """Under a difference that is not clear, the smallest difference the seeds would show 80% of the time, in the
    row's format; nothing under a clear one, nor where the runs are identical on every seed (no spread)."""
    unclear = {"mean": 1.0, "p05": -2.0, "p95": 4.0, "n": 10, "verdict": "no clear difference", "detectable": 5.126}
    clear = {**unclear, "p05": 0.5, "verdict": "worse"}
    level = {"median": 300.0, "p05": 280.0, "p95": 320.0}
    entry = {"label": "Children harmed", "better": "lower", "headline": True, "scenarios": {"A": level, "B": level}}
    rows = [table_rows({"scenarios": ["A", "B"], "outcomes": {"children_harmed_per_year": {**entry, "difference":
                                                                                         {"B": d}}}})[0]
            for d in (unclear, clear, {**unclear, "mean": 0.0, "p05": 0.0, "p95": 0.0, "detectable": 0.0})]
    assert rows[0].detectables == ("detectable from 5.1",) and rows[0].differences == ("+1.0 [-2.0, +4.0]",)
    assert rows[1].detectables == ("",) and rows[2].detectables == ("",)
    assert any(r.detectables != ("",) for r in table_rows(result))  # the noisy outcomes of a real comparison


def test_charts_have_axis_titles_plain_ticks_and_start_from_zero(result):
    fig = band_figure(result, "cost_per_year", ["Baseline", "Reformed"])
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_ylabel() == "£ million per year" and ax.get_xlabel().startswith("Financial year")
    assert ax.get_ylim()[0] == 0
    assert ax.yaxis.get_offset_text().get_text() == ""
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels and all("e" not in t for t in labels) and "50" in labels
    share = band_figure(result, "direct_work_share", ["Baseline", "Reformed"])
    share.canvas.draw()
    assert share.axes[0].get_ylabel() == "%, mean over the year's weeks"
    assert all(t.get_text().endswith("%") for t in share.axes[0].get_yticklabels())


def test_a_downloaded_chart_carries_its_caption_and_the_page_keeps_its_figure(result):
    import io

    from PIL import Image

    fig = band_figure(result, "cost_per_year", ["Baseline", "Reformed"])
    plain = Image.open(io.BytesIO(figure_png(fig)))
    captioned = Image.open(io.BytesIO(figure_png(fig, "Shaded: 5th-95th percentile over seeds; line: median. " * 4)))
    assert captioned.height > plain.height  # the caption's lines under the chart
    assert fig.texts == []  # the figure on the page is as it was
    from types import SimpleNamespace

    from app.views.share import chart_caption

    said = chart_caption(SimpleNamespace(labels=("Baseline", "Reformed"), statistics=result))
    assert said.startswith(f"Baseline, Reformed: {len(result['seeds'])} seeds. Shaded: 5th-95th percentile over seeds")
    assert "Intervals include seed noise" in said


def test_axis_ticks_take_the_fewest_places_that_show_each_exactly():
    factor, scale = scale_of([2.5e6], share=False)
    assert scale == "million"
    assert AxisFormat(factor, share=False).format_ticks([0, 500_000, 1_000_000, 1_500_000]) == [
        "0", "0.5", "1.0", "1.5"]
    assert AxisFormat(1.0, share=False).format_ticks([0, 5_000, 10_000]) == ["0", "5,000", "10,000"]
    assert AxisFormat(100.0, share=True).format_ticks([0.3, 0.325, 0.35]) == ["30.0%", "32.5%", "35.0%"]


def test_the_detectable_difference_is_the_workshops_and_holds_in_simulation():
    # the same rule as the workshop's findings: from the half-widths of 90% intervals of 4 seeds of spread 1
    half = stats.t.ppf(0.95, 3) / 2
    subsets = [{"difference": {"x": {"p05": -half, "p95": half}}}]
    assert detectable(subsets, "x", 4) == pytest.approx(detectable_multiple(4))
    # a true difference of that size shows as clear about 80% of the time
    rng = np.random.default_rng(1)
    n = 5
    draws = rng.normal(detectable_multiple(n), 1.0, size=(20_000, n))
    half = stats.t.ppf(0.95, n - 1) * draws.std(axis=1, ddof=1) / np.sqrt(n)
    assert np.mean(draws.mean(axis=1) - half > 0) == pytest.approx(0.80, abs=0.03)
    assert detectable_multiple(1) is None


def test_too_few_seeds_are_warned_of_with_what_they_can_detect():
    two = seeds_warning(2)
    assert "intervals will be wide" in two and "about 5.4 times" in two and "at 5 seeds, about 1.4 times" in two
    assert "no intervals" in seeds_warning(1)
    assert seeds_warning(ENOUGH_SEEDS) is None
    # on the calibration posterior nine pairs in ten must also lie on the difference's side: 1.4 times even at 20
    drawn = seeds_warning(2, draws=True)
    assert "about 5.8 times" in drawn and "at 5 seeds, about 1.7 times" in drawn and "at 20, about 1.4 times" in drawn
    assert "nine pairs in ten" in drawn and "nine pairs" not in two


def test_too_few_years_for_the_reforms_ramps_are_warned_of(scenario_folder):
    small = load_scenario(scenario_folder / "small.toml")
    learning = small.with_levers([("R1", {}), ("R9", {})])  # ramps of 2 and 5 years
    assert full_strength_years(small) == 0
    assert full_strength_years(learning) == 5
    assert ramp_warning([small, learning], 1) == ("The reforms take up to 5 years to reach full strength; with "
                                                  "1 year the results show them part-way.")
    assert ramp_warning([small, learning], 5) is None
    late = small.with_levers([("R1", {"start_week": 26, "ramp_years": 1.0})])
    assert full_strength_years(late) == pytest.approx(1.5)
    assert "up to 1.5 years" in ramp_warning([late], 1)
    assert run_warnings([small, learning], 10, 5) == []
    assert len(run_warnings([small, learning], 2, 1)) == 2


def test_the_compare_setup_is_warned_of_by_the_reforms_it_switches_on(scenario_folder):
    setup = CompareSetup.from_scenario(load_scenario(scenario_folder / "small.toml"))
    setup = setup.with_settings(seeds=2, years=1)
    assert len(setup_warnings(setup)) == 1  # seeds only: no reform yet
    with_ramp = setup.with_reform(1, "R10", True)  # a 3-year ramp
    assert "up to 3 years" in setup_warnings(with_ramp)[-1]
    assert setup_warnings(with_ramp.with_settings(seeds=5, years=3)) == []
