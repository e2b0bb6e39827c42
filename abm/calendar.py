"""Weeks to dates and the years outcomes aggregate to.

Week 0 is the first week after the warm-up. With a start date, week k begins on
start + 7k days and belongs to the financial year (April to March) holding that day,
labelled "2009/10"; without one, weeks fall into model years of 52 weeks, "year 1", ...
"""

from __future__ import annotations

import datetime as dt

WEEKS_PER_YEAR = 52


def week_start(start: dt.date, week: int) -> dt.date:
    return start + dt.timedelta(weeks=week)


def financial_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def year_labels(start: dt.date | None, weeks: int) -> list[str]:
    """The label of the year each of `weeks` weeks belongs to."""
    if start is None:
        return [f"year {w // WEEKS_PER_YEAR + 1}" for w in range(weeks)]
    return [financial_year_label(financial_year(week_start(start, w))) for w in range(weeks)]


def week_of(start: dt.date | None, day: dt.date) -> int:
    """The week (counted from the end of warm-up) in which `day` falls."""
    if start is None:
        raise ValueError("a dated event needs a scenario with a start date")
    return (day - start).days // 7
