"""Calibration targets and their evaluation.

The targets file loads, and every band in it is at most +/-20% and says why; a malformed
targets file (a band over 20%, an unknown outcome, an unknown period label, a band
without a reason, ...) is refused with one clear message. The evaluation is checked on a
synthetic weekly table whose answers are known: levels in financial years (flows as
yearly means, stocks at the year's end), ratios and shares per seed, calendar-year court
durations as a ratio of sums, means over all years, and pass/fail at the band's edges.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from abm import calendar
from abm.outcomes import NAMES
from abm.results import ID_COLUMNS
from abm.scenario import Scenario, load_scenario
from abm.validation import (Band, Target, TargetsError, as_json, check_periods, evaluate,
                            load_targets, render)
from abm.validation.evaluate import calendar_months, calendar_years
from abm.validation.targets import MAX_TOLERANCE, period_kind, period_span
from tests.conftest import ROOT

START = dt.date(2006, 4, 1)
WEEKS = 5 * calendar.WEEKS_PER_YEAR
SEEDS = (11, 12, 13)
OFFSET = {11: -100.0, 12: 0.0, 13: 100.0}  # seed 12 is always the median seed


# --- the targets file ----------------------------------------------------------------------------------

def test_targets_file_loads_with_reasoned_bands_of_at_most_20_percent():
    targets = load_targets()
    assert len(targets) >= 20
    assert {"level", "ratio"} <= {t.kind for t in targets} <= {"level", "ratio", "share", "mean"}
    held = [t for t in targets if t.held_out]
    # only the year kept out of the fit (April 2010 to March 2011) is held out; the court's calendar 2010 is fitted
    in_2010_11 = [t for t in targets
                  if t.period and dt.date(2010, 4, 1) <= period_span(t.period)[0] < dt.date(2011, 4, 1)]
    assert held and held == in_2010_11
    assert {t.period for t in held} == {"2010/11", "2010-06"}
    assert not any(t.period == "2011" for t in targets)
    for t in targets:
        assert 0 < t.tolerance <= MAX_TOLERANCE and t.band.reason
        assert t.low == pytest.approx(t.value * (1 - t.tolerance))
        assert t.high == pytest.approx(t.value * (1 + t.tolerance))
    court = [t for t in targets if t.name == "court_duration"]
    assert [t.period for t in court] == ["2008", "2009", "2010"]
    check_periods(targets, load_scenario(ROOT / "scenarios" / "england_2006_2011.toml"))


GOOD = """
[tolerances]
flow = { tolerance = 0.10, reason = "a flow of thousands: returns revised by a few per cent" }
stock = { tolerance = 0.15, reason = "counting rules differ" }

[[target]]
name = "referrals"
outcome = "referrals_per_year"
kind = "level"
period = "2008/09"
value = 3599
band = "flow"
source = "547,000 / 152"

[[target]]
name = "referrals"
outcome = "referrals_per_year"
kind = "level"
period = "2009/10"
value = 3997
band = "flow"
source = "607,500 / 152"

[[target]]
name = "referral_flood"
outcome = "referrals_per_year"
kind = "ratio"
period = "2009/10"
base_period = "2008/09"
value = 1.11
band = "flow"
source = "+11%"

[[target]]
name = "ia_share"
outcome = "initial_assessments_per_year"
kind = "share"
denominator = "referrals_per_year"
period = "2009/10"
value = 0.64
band = "stock"
source = "about 64%"

[[target]]
name = "turnover"
outcome = "turnover_rate"
kind = "mean"
value = 0.14
band = "stock"
source = "DfE"
note = "a remark"
"""
BAD = [
    ("flow = { tolerance = 0.10,", "flow = { tolerance = 0.25,",
     ["tolerances.flow.tolerance", "0.25 is out of range", "at most +/-20%"]),
    ("flow = { tolerance = 0.10,", "flow = { tolerance = 0,", ["tolerance above 0"]),
    ('stock = { tolerance = 0.15, reason = "counting rules differ" }', "stock = { tolerance = 0.15 }",
     ["tolerances.stock: has no reason"]),
    ('reason = "counting rules differ"', 'reason = "  "', ["tolerances.stock: has no reason"]),
    ('reason = "counting rules differ"', 'reason = "x", why = "y"', ["tolerances.stock.why: unknown key"]),
    ('outcome = "referrals_per_year"', 'outcome = "referals_per_year"',
     ["target[1] (referrals 2008/09).outcome", "unknown outcome 'referals_per_year'",
      "did you mean 'referrals_per_year'"]),
    ('period = "2008/09"', 'period = "2008-9"',
     ["target[1] (referrals 2008-9).period", "unknown period label '2008-9'", "a month like \"2009-08\""]),
    ('period = "2008/09"', 'period = "2008-13"', ["target[1] (referrals 2008-13).period", "'2008-13' is not a month"]),
    ('period = "2008/09"', 'period = "2008/10"', ["'2008/10' is not a financial year", "'2008/09'"]),
    ('period = "2008/09"', 'period = 2008', ["target[1] (referrals).period: must be non-empty text in quotes"]),
    ('band = "flow"', 'band = "flows"',
     ["target[1] (referrals 2008/09).band", "unknown band 'flows'", "did you mean 'flow'"]),
    ('value = 3599\nband = "flow"', 'value = 3599', ["target[1] (referrals 2008/09): band is missing"]),
    ('source = "547,000 / 152"\n', '', ["target[1] (referrals 2008/09): source is missing"]),
    ('value = 3599', 'value = "3599"', ["target[1] (referrals 2008/09).value: must be a number above 0"]),
    ('value = 3599', 'value = -3599', ["target[1] (referrals 2008/09).value: must be a number above 0"]),
    ('value = 0.64', 'value = 64', ["target[4] (ia_share 2009/10).value", "above 0 and at most 1 (a share)"]),
    ('kind = "ratio"', 'kind = "growth"', ["target[3] (referral_flood 2009/10).kind", "unknown kind 'growth'"]),
    ('base_period = "2008/09"\n', '', ["target[3] (referral_flood 2009/10): base_period is missing"]),
    ('base_period = "2008/09"', 'base_period = "2009/10"', ["is the same year as period"]),
    ('base_period = "2008/09"', 'base_period = "2008"', ["'2008' is a calendar year but period '2009/10' is a "
                                                         "financial year"]),
    ('base_period = "2008/09"', 'base_period = "2008-08"', ["'2008-08' is a month but period '2009/10' is a "
                                                            "financial year; use the same sort of period"]),
    ('denominator = "referrals_per_year"', 'denominator = "referral"', ["unknown outcome 'referral'"]),
    ('note = "a remark"', 'period = "2009/10"', ["target[5] (turnover 2009/10).period: not used by a 'mean' target"]),
    ('value = 1.11', 'value = 1.11\nbase = "2008/09"',
     ["target[3] (referral_flood 2009/10).base: unknown key", "did you mean 'base_period'"]),
    ('[tolerances]', '[tolerance]', ["unknown section 'tolerance'"]),
    ('period = "2009/10"\nvalue = 3997', 'period = "2008/09"\nvalue = 3997', ["a second target with the same name"]),
    ('name = "referral_flood"', 'name = "referrals"',
     ["targets named 'referrals' must read the same outcome the same way"]),
]


def test_the_test_file_is_valid(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    targets = load_targets(tmp_path / "good.toml")
    assert [t.kind for t in targets] == ["level", "level", "ratio", "share", "mean"]
    assert targets[3].denominator == "referrals_per_year" and targets[4].note == "a remark"
    assert targets[3].band == Band("stock", 0.15, "counting rules differ")


@pytest.mark.parametrize(("old", "new", "expected"), BAD, ids=[e[0] for _o, _n, e in BAD])
def test_malformed_targets_refused_with_clear_message(tmp_path, old, new, expected):
    assert old in GOOD
    path = tmp_path / "targets.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(TargetsError) as caught:
        load_targets(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for fragment in expected:
        assert fragment in message


def test_missing_or_broken_targets_file(tmp_path):
    with pytest.raises(TargetsError, match="no such file"):
        load_targets(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("[tolerances\n")
    with pytest.raises(TargetsError, match="not valid TOML"):
        load_targets(tmp_path / "bad.toml")
    (tmp_path / "empty.toml").write_text('[tolerances]\nx = { tolerance = 0.1, reason = "r" }\n')
    with pytest.raises(TargetsError, match=r"target: missing; give one \[\[target\]\] table per target"):
        load_targets(tmp_path / "empty.toml")


def test_periods_must_be_simulated():
    targets = load_targets()
    short = Scenario(name="short", start_date=START, years=3, warmup_years=0, seeds=1, root_seed=1)
    with pytest.raises(TargetsError, match=r"^target referrals 2009/10: 2009/10 is not a whole simulated year of "
                                           r"scenario 'short', which runs 2006-04-01 to 2009-03-27$"):
        check_periods(targets, short)
    undated = Scenario(name="undated", years=5, warmup_years=0, seeds=1, root_seed=1)
    with pytest.raises(TargetsError, match="has no start_date"):
        check_periods(targets, undated)
    check_periods([t for t in targets if t.kind == "mean"], undated)


# --- evaluation on a synthetic weekly table ------------------------------------------------------------

@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    """Five years from April 2006, three seeds, with values whose yearly aggregates are known."""
    labels = calendar.year_labels(START, WEEKS)
    order = list(dict.fromkeys(labels))
    fy = np.array([order.index(label) for label in labels])  # 0 = 2006/07, ..., 4 = 2010/11
    years = np.array([calendar.week_start(START, w).year for w in range(WEEKS)])
    tables = []
    for seed in SEEDS:
        d = OFFSET[seed]
        data = {name: np.zeros(WEEKS) for name in NAMES}
        data["referrals_per_year"] = 3000.0 + 300.0 * fy + d  # 2008/09: 3600 + d, 2009/10: 3900 + d
        data["initial_assessments_per_year"] = 0.64 * data["referrals_per_year"]
        data["children_in_need_stock"] = np.arange(WEEKS) + d  # a stock: read at the year's last week
        data["turnover_rate"] = 0.10 + 0.01 * fy + d / 10_000  # yearly means 0.10 ... 0.14 (+ d/1e4)
        # Court: in 2009, one case of 50 weeks closes in odd weeks, three of 70 weeks in even weeks: the ratio
        # of sums is (50 + 3 * 70) / 4 = 65 (a mean of weekly ratios would give 60). In 2008 every case is 40.
        odd = np.arange(WEEKS) % 2 == 1
        closed = np.where(years == 2009, np.where(odd, 1.0, 3.0), 1.0) * 52
        duration = np.where(years == 2009, np.where(odd, 50.0, 70.0), 40.0) + d / 100
        # Guardians: 40 cases before the court; in the weeks starting in August 2009, 4 + 4 * (week % 2) + d / 100
        # of them wait (a month's share is the ratio of its weeks' sums).
        august = np.array([calendar.week_start(START, w).strftime("%Y-%m") == "2009-08" for w in range(WEEKS)])
        data["court_backlog_cases"] = np.full(WEEKS, 40.0)
        data["court_cases_without_guardian"] = np.where(august, 4.0 + 4.0 * (np.arange(WEEKS) % 2) + d / 100, 0.0)
        data["care_proceedings_closed_per_year"] = closed
        data["court_duration_weeks_total_per_year"] = closed * duration
        ids = {"scenario": "synthetic", "seed": np.full(WEEKS, seed, dtype=np.uint64),
               "week": np.arange(WEEKS, dtype=np.int32), "year": (fy + 1).astype(np.int16), "year_label": labels}
        tables.append(pd.DataFrame({**ids, **data})[[*ID_COLUMNS, *NAMES]])
    return pd.concat(tables, ignore_index=True)


BAND = Band("test", 0.10, "a test band")


def target(name, outcome, kind, value, period=None, **extra) -> Target:
    return Target(name=name, outcome=outcome, kind=kind, value=value, band=BAND, source="synthetic", period=period,
                  **extra)


def last_week_of(label: str) -> int:
    return max(w for w, lab in enumerate(calendar.year_labels(START, WEEKS)) if lab == label)


# Weeks 174-178 start in August 2009 (2009-08-01 ... 2009-08-29), week 173 on 2009-07-25.
AUGUST_2009 = np.arange(174, 179)


def test_calendar_months_follow_week_start_dates(weekly):
    months = calendar_months(weekly[weekly["seed"] == SEEDS[0]], START)
    assert calendar.week_start(START, 173) == dt.date(2009, 7, 25) and months.iloc[173] == "2009-07"
    assert list(np.flatnonzero(months == "2009-08")) == list(AUGUST_2009)
    assert calendar.week_start(START, 178) == dt.date(2009, 8, 29) and months.iloc[179] == "2009-09"
    assert period_span("2009-08") == (dt.date(2009, 8, 1), dt.date(2009, 8, 31))
    assert period_span("2009-12") == (dt.date(2009, 12, 1), dt.date(2009, 12, 31))
    assert period_kind("2009-02") == "month"


def test_calendar_years_follow_week_start_dates(weekly):
    one = weekly[weekly["seed"] == SEEDS[0]]
    years = calendar_years(one, START)
    assert years.iloc[0] == 2006 and years.iloc[-1] == 2011
    # Week 143 starts on 2008-12-27 (calendar 2008), week 144 on 2009-01-03.
    assert calendar.week_start(START, 143) == dt.date(2008, 12, 27) and years.iloc[143] == 2008
    assert years.iloc[144] == 2009
    assert (years == 2009).sum() == 52


def test_levels_ratios_shares_means_per_seed_then_median(weekly):
    end_0809, end_0910 = last_week_of("2008/09"), last_week_of("2009/10")
    cases = [
        (target("referrals", "referrals_per_year", "level", 3600, "2008/09"), {s: 3600 + OFFSET[s] for s in SEEDS}),
        (target("referrals", "referrals_per_year", "level", 3900, "2009/10"), {s: 3900 + OFFSET[s] for s in SEEDS}),
        (target("flood", "referrals_per_year", "ratio", 3900 / 3600, "2009/10", base_period="2008/09"),
         {s: (3900 + OFFSET[s]) / (3600 + OFFSET[s]) for s in SEEDS}),
        (target("ia_share", "initial_assessments_per_year", "share", 0.64, "2009/10",
                denominator="referrals_per_year"), {s: 0.64 for s in SEEDS}),
        (target("cin", "children_in_need_stock", "level", end_0809, "2008/09"),
         {s: end_0809 + OFFSET[s] for s in SEEDS}),
        (target("cin_rise", "children_in_need_stock", "ratio", end_0910 / end_0809, "2009/10", base_period="2008/09"),
         {s: (end_0910 + OFFSET[s]) / (end_0809 + OFFSET[s]) for s in SEEDS}),
        (target("court", "court_duration_weeks_mean", "level", 40, "2008"), {s: 40 + OFFSET[s] / 100 for s in SEEDS}),
        (target("court", "court_duration_weeks_mean", "level", 65, "2009"), {s: 65 + OFFSET[s] / 100 for s in SEEDS}),
        (target("turnover", "turnover_rate", "mean", 0.12), {s: 0.12 + OFFSET[s] / 10_000 for s in SEEDS}),
        (target("guardian", "court_cases_without_guardian_share", "level", 0.15, "2009-08"),
         {s: (4.0 + 4.0 * np.mean(AUGUST_2009 % 2) + OFFSET[s] / 100) / 40 for s in SEEDS}),
    ]
    results = evaluate(weekly, [t for t, _ in cases], START)
    for (t, expected), r in zip(cases, results):
        assert r.values.to_dict() == pytest.approx(expected), t.name
        assert r.median == pytest.approx(expected[12]), t.name
        assert r.p05 == pytest.approx(np.percentile(list(expected.values()), 5)), t.name
        assert r.p95 == pytest.approx(np.percentile(list(expected.values()), 95)), t.name
    by_name = {(r.target.name, r.target.period): r for r in results}
    assert by_name[("court", "2009")].median == pytest.approx(65.0)  # ratio of sums, not mean of ratios (60)
    assert all(r.ok for r in results)


def test_pass_and_fail_at_the_band_edges(weekly):
    half = Band("half", 0.5, "exact edges")  # 2400 * 1.5 and 7200 * 0.5 are both exactly 3600, the median
    edges = [Target("referrals", "referrals_per_year", "level", v, half, "synthetic", "2008/09")
             for v in (2400, 7200, 2399, 7201)]
    undefined = target("undefined", "cp_plans_per_year", "share", 0.5, "2009/10", denominator="contacts_per_year")
    results = evaluate(weekly, [*edges, undefined], START)
    assert [r.median for r in results[:4]] == [3600.0] * 4
    assert [r.ok for r in results] == [True, True, False, False, False]
    assert math.isnan(results[4].median) and as_json(results[4:])["targets"][0]["median"] is None


def test_json_shape_and_table(weekly):
    targets = [target("referrals", "referrals_per_year", "level", 3600, "2008/09"),
               target("flood", "referrals_per_year", "ratio", 1.5, "2009/10", base_period="2008/09"),
               target("turnover", "turnover_rate", "mean", 0.12)]
    results = evaluate(weekly, targets, START)
    out = as_json(results)
    assert list(out) == ["ok", "targets"] and out["ok"] is False
    keys = ["name", "period", "held_out", "target", "median", "p05", "p95", "low", "high", "ok"]
    assert [list(t) for t in out["targets"]] == [keys] * 3
    first, flood, turnover = out["targets"]
    assert first == {"name": "referrals", "period": "2008/09", "held_out": False, "target": 3600, "median": 3600.0,
                     "p05": pytest.approx(3510.0), "p95": pytest.approx(3690.0), "low": pytest.approx(3240.0),
                     "high": pytest.approx(3960.0), "ok": True}
    assert flood["period"] == "2009/10" and flood["ok"] is False and turnover["period"] is None
    table = render(results, "synthetic", 3)
    lines = table.splitlines()
    assert lines[0] == "synthetic: calibration targets against the median (5th-95th percentile) over 3 seeds"
    assert lines[3].split() == ["referrals", "2008/09", "3,600", "3,600", "(3,510", "to", "3,690)", "3,240", "to",
                                "3,960", "(+/-10%)", "PASS"]
    assert lines[4].startswith("flood") and "2009/10 over 2008/09" in lines[4] and lines[4].endswith("FAIL")
    assert "all years" in lines[5] and "12.0%" in lines[5]
    assert lines[-1] == "2 of 3 targets pass; 1 fail."


def test_period_outside_the_run_is_an_error(weekly):
    with pytest.raises(ValueError, match=r"period 2012/13 is not in the run \(its periods of that sort: 2006/07, "):
        evaluate(weekly, [target("referrals", "referrals_per_year", "level", 1, "2012/13")], START)
