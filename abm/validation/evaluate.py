"""Reading each target off a weekly outcome table, seed by seed, and judging it.

Per seed, an outcome's value in a period is its yearly aggregate (`abm.outcomes.yearly`:
flows and averages as the year's mean of the annualised weekly values, stocks at the
year's last week, ratio outcomes as the ratio of the year's sums). Financial years are
the table's `year_label`s; a calendar year ("2009") or a month ("2009-08") groups the
weeks whose start date falls in it, aggregated the same way. Then, per seed:

    level  the outcome's value in `period`
    ratio  the value in `period` over the value in `base_period`
    share  the outcome over `denominator`, both in `period`
    mean   the mean of the outcome's yearly values over all financial years

A target passes when the median of its per-seed values lies in [low, high].
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.outcomes import yearly
from abm.validation.targets import Target, period_kind


@dataclass(frozen=True)
class Result:
    """A target beside what the runs gave: the per-seed values and their median and 90% interval."""

    target: Target
    values: pd.Series  # one value per seed, indexed by seed
    median: float
    p05: float
    p95: float

    @property
    def ok(self) -> bool:
        return math.isfinite(self.median) and self.target.low <= self.median <= self.target.high

    def as_dict(self) -> dict:
        t = self.target
        return {"name": t.name, "period": t.period, "held_out": t.held_out, "target": t.value,
                "median": _plain(self.median),
                "p05": _plain(self.p05), "p95": _plain(self.p95), "low": t.low, "high": t.high, "ok": self.ok}


def _plain(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _week_starts(weekly: pd.DataFrame, start: dt.date) -> pd.DatetimeIndex:
    return pd.Timestamp(start) + pd.to_timedelta(weekly["week"].to_numpy(dtype=np.int64) * 7, unit="D")


def calendar_years(weekly: pd.DataFrame, start: dt.date) -> pd.Series:
    """The calendar year in which each weekly row's week starts."""
    return pd.Series(_week_starts(weekly, start).year, index=weekly.index, name="calendar_year")


def calendar_months(weekly: pd.DataFrame, start: dt.date) -> pd.Series:
    """The month ("2009-08") in which each weekly row's week starts."""
    return pd.Series(_week_starts(weekly, start).strftime("%Y-%m"), index=weekly.index, name="month")


class Reader:
    """Per-seed values of a weekly table by financial year label, calendar year or month."""

    def __init__(self, weekly: pd.DataFrame, start: dt.date | None):
        self.seeds = pd.unique(weekly["seed"])
        self.financial = yearly(weekly, ["seed", "year_label"]).set_index(["year_label", "seed"])
        self.calendar = self.monthly = None
        if start is not None:
            dated = weekly.assign(calendar_year=calendar_years(weekly, start).astype(str),
                                  month=calendar_months(weekly, start))
            self.calendar = yearly(dated, ["seed", "calendar_year"]).set_index(["calendar_year", "seed"])
            self.monthly = yearly(dated, ["seed", "month"]).set_index(["month", "seed"])

    def table(self, period: str) -> pd.DataFrame | None:
        """The aggregated table holding periods of `period`'s sort (None for dates in a run without them)."""
        return {"financial": self.financial, "calendar": self.calendar, "month": self.monthly}[period_kind(period)]

    def value(self, outcome: str, period: str) -> pd.Series:
        """The outcome's value in `period` for each seed (indexed by seed)."""
        table = self.table(period)
        if table is None:
            raise ValueError(f"period {period}: the run has no dates (its scenario has no start_date)")
        labels = table.index.get_level_values(0)
        if period not in labels:
            shown = ", ".join(pd.unique(labels))
            raise ValueError(f"period {period} is not in the run (its periods of that sort: {shown})")
        return table.loc[period, outcome].reindex(self.seeds)

    def mean(self, outcome: str) -> pd.Series:
        """The mean over all financial years of the outcome's yearly values, per seed."""
        return self.financial[outcome].groupby(level="seed").mean().reindex(self.seeds)


def seed_values(reader: Reader, target: Target) -> pd.Series:
    """The target's quantity in each seed."""
    if target.kind == "level":
        return reader.value(target.outcome, target.period)
    if target.kind == "ratio":
        return reader.value(target.outcome, target.period) / reader.value(target.outcome, target.base_period)
    if target.kind == "share":
        return reader.value(target.outcome, target.period) / reader.value(target.denominator, target.period)
    return reader.mean(target.outcome)


def evaluate(weekly: pd.DataFrame, targets, start: dt.date | None) -> list[Result]:
    """Each target judged against the weekly outcome table of one or more seeds."""
    reader = Reader(weekly, start)
    results = []
    for target in targets:
        values = seed_values(reader, target).replace([np.inf, -np.inf], np.nan).astype(float)
        q = values.quantile([0.5, 0.05, 0.95]) if values.notna().any() else pd.Series([np.nan] * 3)
        results.append(Result(target, values, *map(float, q)))
    return results


def as_json(results: list[Result]) -> dict:
    """{"ok": every fitted target passes, "targets": [each target's name, period, held_out, target, median, p05,
    p95, low, high, ok]}."""
    return {"ok": all(r.ok for r in results if not r.target.held_out), "targets": [r.as_dict() for r in results]}


def _fmt(x: float, target: Target) -> str:
    if not math.isfinite(x):
        return "n/a"
    if target.percent:
        return f"{100 * x:.1f}%"
    if target.kind == "ratio":
        return f"{x:.3f}"
    size = abs(x)
    if size >= 1000:
        return f"{x:,.0f}"
    if size >= 100:
        return f"{x:.0f}"
    if size >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def render(results: list[Result], scenario_name: str, n_seeds: int) -> str:
    """The results as text tables, fitted targets then held-out ones: target, period, value, simulated median
    (90% interval), band, PASS/FAIL."""
    fitted = [r for r in results if not r.target.held_out]
    held = [r for r in results if r.target.held_out]
    lines = [f"{scenario_name}: calibration targets against the median (5th-95th percentile) over "
             f"{n_seeds} seed{'s' * (n_seeds != 1)}", "", *_table(fitted), "", _count(fitted, "targets")]
    if held:
        lines += ["", "Held out of the fit (2010/11: a year the calibration never saw):", "", *_table(held), "",
                  _count(held, "held-out checks")]
    return "\n".join(lines)


def _count(results: list[Result], what: str) -> str:
    passed = sum(r.ok for r in results)
    return f"{passed} of {len(results)} {what} pass" + ("." if passed == len(results) else
                                                        f"; {len(results) - passed} fail.")


def _table(results: list[Result]) -> list[str]:
    head = ("Target", "Period", "Target value", "Simulated median (5th-95th)", "Band (tolerance)", "Result")
    rows = []
    for r in results:
        t = r.target
        rows.append((t.name, t.when, _fmt(t.value, t),
                     f"{_fmt(r.median, t)} ({_fmt(r.p05, t)} to {_fmt(r.p95, t)})",
                     f"{_fmt(t.low, t)} to {_fmt(t.high, t)} (+/-{t.tolerance:.0%})",
                     "PASS" if r.ok else "FAIL"))
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    right = (False, False, True, True, True, False)

    def line(row) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right)).rstrip()

    return [line(head), *map(line, rows)]
