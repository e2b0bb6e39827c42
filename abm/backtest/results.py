"""The back-test's result: yearly bands of each scenario, the observed figures beside them, and the
closing note's figures (issue 13), as plain JSON.

Per seed an outcome's yearly value is `abm.outcomes.yearly`'s (flows over the financial year,
stocks at its last week, ratios of sums); a calendar year ("2016", for court durations and the
workforce census) groups the weeks starting in it (`abm.validation.evaluate.calendar_years`).
A band is the median and 5th-95th percentiles over seeds. A closing ratio is taken seed by
seed (the same seed of the history for a base year of 2010/11), then banded. Observed figures
(abm/backtest/observed.py) and the history's 2010/11 figures (its held-out checks in
abm/validation/targets.toml) are shown beside them; nothing here feeds back into a fit.
"""

from __future__ import annotations

import pandas as pd

from abm.compare import compare
from abm.compare.statistics import band
from abm.outcomes import BY_NAME, yearly
from abm.validation.evaluate import calendar_years
from abm.validation.targets import load_targets

OUTCOMES = (
    "referrals_per_year", "section47_enquiries_per_year", "initial_conferences_per_year", "cp_plans_per_year",
    "cp_plans_open", "looked_after_children", "looked_after_starts_per_year", "care_applications_per_year",
    "court_duration_weeks_mean", "turnover_rate", "vacancy_rate", "agency_share", "caseload_mean",
    "unallocated_cases", "direct_work_share", "children_harmed_per_year", "children_harmed_recently_known_per_year",
    "unmet_risk_child_weeks_per_year", "public_anxiety", "early_help_starts_per_year",
    "intervention_threshold_annual_risk", "court_backlog_cases", "recording_share", "prescription_level",
)
CALENDAR = ("court_duration_weeks_mean", "turnover_rate", "caseload_mean", "vacancy_rate", "agency_share")
BASE = "2010/11"  # the history's last year

# (key, label, outcome, period, base period or None for a level); a base of 2010/11 is the history's
CLOSING = (
    ("referrals", "Referrals 2018/19 vs 2011/12", "referrals_per_year", "2018/19", "2011/12"),
    ("s47", "Section 47 enquiries 2019/20 vs 2010/11", "section47_enquiries_per_year", "2019/20", BASE),
    ("cp_stock", "Children on a CP plan, 31 March 2018 vs 2011", "cp_plans_open", "2017/18", BASE),
    ("looked_after", "Looked-after children, 31 March 2020 vs 2011", "looked_after_children", "2019/20", BASE),
    ("care_applications", "Care applications 2016/17 vs 2010/11", "care_applications_per_year", "2016/17", BASE),
    *((f"court_{y}", f"Court weeks {y}", "court_duration_weeks_mean", str(y), None) for y in (2013, 2016, 2019, 2021)),
    *((f"turnover_{y}", f"Turnover {y}", "turnover_rate", str(y), None) for y in range(2014, 2020)),
    *((f"caseload_{y}", f"Caseload {y}", "caseload_mean", str(y), None) for y in range(2014, 2020)),
)


def _per_seed(weekly: pd.DataFrame, start) -> dict[str, pd.DataFrame]:
    """Per (scenario, seed) yearly values, by financial-year label and by calendar year."""
    financial = yearly(weekly, ["scenario", "seed", "year_label"])
    dated = weekly.assign(calendar_year=calendar_years(weekly, start).astype(str))
    by_calendar = yearly(dated, ["scenario", "seed", "calendar_year"])
    return {"financial": financial.rename(columns={"year_label": "period"}),
            "calendar": by_calendar.rename(columns={"calendar_year": "period"})}


def _values(tables: dict, scenario: str, outcome: str, period: str) -> pd.Series:
    table = tables["calendar" if "/" not in period else "financial"]
    rows = table[(table["scenario"] == scenario) & (table["period"] == period)]
    return rows.set_index("seed")[outcome].astype(float)


def _observed_value(observed, outcome: str, period: str) -> dict | None:
    for o in observed:
        if o.outcome == outcome and o.period == period:
            return {"value": o.value, "source": o.source}
    if period == BASE:
        for t in load_targets():
            if t.outcome == outcome and t.period == period and t.kind == "level":
                return {"value": t.value, "source": f"{t.source} (the history's held-out check)"}
    return None


def _closing(tables: dict, history: dict, names: list[str], observed) -> list[dict]:
    rows = []
    for key, label, outcome, period, base in CLOSING:
        row = {"key": key, "label": label, "outcome": outcome, "period": period, "base": base, "scenarios": {}}
        for name in names:
            top = _values(tables, name, outcome, period)
            if base is not None:
                bottom = _values(history if base == BASE else tables, "history" if base == BASE else name,
                                 outcome, base)
                top = top / bottom.reindex(top.index)
            row["scenarios"][name] = band(top.to_numpy(dtype=float))
        seen, seen_base = _observed_value(observed, outcome, period), base and _observed_value(observed, outcome, base)
        if seen and base is None:
            row["observed"] = seen
        elif seen and seen_base:
            row["observed"] = {"value": seen["value"] / seen_base["value"],
                               "source": f"{seen['source']}; over {seen_base['source']}"}
        rows.append(row)
    return rows


def backtest_result(weekly: pd.DataFrame, history_weekly: pd.DataFrame, plan, observed, uncertainty: dict) -> dict:
    """The result of the back-test `plan` from its runs (`weekly`: its three scenarios stacked; `history_weekly`:
    the history on the same seeds) with the `observed` figures beside them."""
    names = plan.names
    start = plan.scenarios[0].start_date
    tables = _per_seed(weekly, start)
    history = _per_seed(history_weekly.assign(scenario="history"), plan.history.start_date)
    result = compare(weekly, names, outcomes=OUTCOMES, uncertainty=uncertainty)
    years = sorted({int(p) for p in tables["calendar"]["period"]})
    calendar = {name: {outcome: [band(_values(tables, name, outcome, str(y)).to_numpy(dtype=float)) for y in years]
                       for outcome in CALENDAR} for name in names}
    return {"scenarios": names, "descriptions": {s.name: s.description for s in plan.scenarios},
            "seeds": result["seeds"], **uncertainty, "labels": result["years"]["labels"],
            "outcomes": {o: {"label": BY_NAME[o].label, "better": BY_NAME[o].better} for o in OUTCOMES},
            "years": result["years"]["scenarios"], "difference": result["years"]["difference"],
            "calendar": {"years": [str(y) for y in years], "scenarios": calendar},
            "observed": [{"outcome": o.outcome, "period": o.period, "value": o.value, "national": o.national,
                          "source": o.source} for o in observed],
            "closing": _closing(tables, history, names, observed)}


