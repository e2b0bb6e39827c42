"""Calibration targets, loaded strictly from a TOML file (abm/validation/targets.toml).

The file has a `[tolerances]` table of named bands, each `{ tolerance = t, reason = "..." }`
with 0 < t <= 0.20 and a reason saying why the band is that wide, and `[[target]]` tables:

    name        the series the target belongs to (targets sharing a name share an outcome and kind)
    outcome     an outcome of abm/outcomes.py
    kind        "level", "ratio", "share" or "mean"
    period      a financial year "2008/09", a calendar year "2009" or a month "2009-08" (not for "mean")
    base_period the period a "ratio" divides by (same sort of period as `period`)
    denominator the outcome a "share" divides by, in the same period
    value       the target, a positive number (a share is at most 1)
    band        the name of a band in [tolerances]
    source      where the value comes from
    note        optional remarks
    held_out    optional, true for a target kept out of the fit (2010/11): reported, never fitted

A target's accepted range is value * (1 - tolerance) to value * (1 + tolerance). Every
mistake is one `TargetsError` naming the file, the entry ("target[3] (referrals 2009/10)"),
the key and what is allowed. `check_periods` then checks that a scenario simulates every
year the targets are read in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from abm.tomlfile import did_you_mean, read_toml
from abm import calendar
from abm.outcomes import BY_NAME

TARGETS_FILE = Path(__file__).with_name("targets.toml")
MAX_TOLERANCE = 0.20
KINDS = ("level", "ratio", "share", "mean")
BAND_KEYS = ("tolerance", "reason")
REQUIRED = ("name", "outcome", "kind", "value", "band", "source")
NEEDS = {"level": ("period",), "ratio": ("period", "base_period"), "share": ("period", "denominator"), "mean": ()}
OPTIONAL = ("period", "base_period", "denominator", "note", "held_out")
SECTIONS = ("tolerances", "target")
FINANCIAL = re.compile(r"^(\d{4})/(\d{2})$")
CALENDAR = re.compile(r"^(\d{4})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class TargetsError(ValueError):
    """A targets file that cannot be used, explained in one line: file, entry, key, problem, what is allowed."""


@dataclass(frozen=True)
class Band:
    """A named tolerance with the reason it is that wide."""

    name: str
    tolerance: float
    reason: str


@dataclass(frozen=True)
class Target:
    """One calibration target: an outcome read in a period, its value and its accepted band."""

    name: str
    outcome: str
    kind: str
    value: float
    band: Band
    source: str
    period: str | None = None
    base_period: str | None = None
    denominator: str | None = None
    note: str | None = None
    held_out: bool = False

    @property
    def tolerance(self) -> float:
        return self.band.tolerance

    @property
    def low(self) -> float:
        return self.value * (1.0 - self.band.tolerance)

    @property
    def high(self) -> float:
        return self.value * (1.0 + self.band.tolerance)

    @property
    def when(self) -> str:
        """The period as shown in tables: "2009/10", "2009/10 over 2008/09" or "all years"."""
        if self.kind == "mean":
            return "all years"
        if self.kind == "ratio":
            return f"{self.period} over {self.base_period}"
        return str(self.period)

    @property
    def percent(self) -> bool:
        """Whether the target is a proportion, shown as a percentage."""
        return self.kind == "share" or self.outcome.endswith(("_rate", "_share"))

    def periods(self) -> tuple[str, ...]:
        return tuple(p for p in (self.period, self.base_period) if p is not None)


def period_kind(label: str) -> str:
    """"financial" for "2008/09", "calendar" for "2009", "month" for "2009-08"; ValueError for anything else."""
    if not isinstance(label, str):
        raise ValueError(f"must be text in quotes like \"2008/09\", \"2009\" or \"2009-08\", not {label!r}")
    m = FINANCIAL.match(label)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        if second != (first + 1) % 100:
            raise ValueError(f"'{label}' is not a financial year: the year after {first} is "
                             f"'{calendar.financial_year_label(first)}'")
        return "financial"
    if CALENDAR.match(label):
        return "calendar"
    m = MONTH.match(label)
    if m:
        if not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"'{label}' is not a month: give the year and a month 01 to 12, like \"2009-08\"")
        return "month"
    raise ValueError(f"unknown period label '{label}': give a financial year like \"2008/09\", "
                     "a calendar year like \"2009\" or a month like \"2009-08\"")


def period_span(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a financial year "2008/09", a calendar year "2009" or a month "2009-08"."""
    kind, year = period_kind(period), int(period[:4])
    if kind == "financial":
        return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    if kind == "month":
        month = int(period[5:])
        return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)



def _sort(kind: str) -> str:
    return "month" if kind == "month" else f"{kind} year"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _read(path: Path) -> dict:
    raw = read_toml(path, "targets", TargetsError, "give a [tolerances] table and [[target]] tables")
    for section in raw:
        if section not in SECTIONS:
            raise TargetsError(f"{path}: unknown section '{section}'{did_you_mean(section, SECTIONS)} "
                               f"(allowed: [tolerances] and [[target]])")
    if not isinstance(raw.get("tolerances"), dict) or not raw["tolerances"]:
        raise TargetsError(f"{path}: tolerances: missing or empty; give a [tolerances] table of named bands, "
                           "e.g. stock = { tolerance = 0.10, reason = \"...\" }")
    targets = raw.get("target")
    if not isinstance(targets, list) or not targets or not all(isinstance(t, dict) for t in targets):
        raise TargetsError(f"{path}: target: missing; give one [[target]] table per target")
    return raw


def _band(path: Path, name: str, entry) -> Band:
    where = f"{path}: tolerances.{name}"
    if not isinstance(entry, dict):
        raise TargetsError(f"{where}: must be a table {{ tolerance = 0.1, reason = \"...\" }}, not {entry!r}")
    for key in entry:
        if key not in BAND_KEYS:
            raise TargetsError(f"{where}.{key}: unknown key{did_you_mean(key, BAND_KEYS)} (allowed: tolerance, reason)")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise TargetsError(f"{where}: has no reason; every band must say why it is that wide "
                           "(reason = \"...\")")
    t = entry.get("tolerance")
    if not _number(t):
        raise TargetsError(f"{where}.tolerance: must be a number between 0 and {MAX_TOLERANCE}, not {t!r}")
    if not 0 < t <= MAX_TOLERANCE:
        raise TargetsError(f"{where}.tolerance: {t} is out of range: a band may be at most "
                           f"+/-{MAX_TOLERANCE:.0%} (tolerance above 0, at most {MAX_TOLERANCE})")
    return Band(name, float(t), reason.strip())


def _target(path: Path, i: int, entry: dict, bands: dict[str, Band]) -> Target:
    shown = f"target[{i}]"
    if isinstance(entry.get("name"), str):
        shown += f" ({entry['name']}{' ' + entry['period'] if isinstance(entry.get('period'), str) else ''})"
    where = f"{path}: {shown}"
    allowed = REQUIRED + OPTIONAL
    for key in entry:
        if key not in allowed:
            raise TargetsError(f"{where}.{key}: unknown key{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")
    for key in REQUIRED:
        if key not in entry:
            raise TargetsError(f"{where}: {key} is missing; it is required")
    if "held_out" in entry and not isinstance(entry["held_out"], bool):
        raise TargetsError(f"{where}.held_out: must be true or false, not {entry['held_out']!r}")
    for key in ("name", "outcome", "kind", "band", "source", *OPTIONAL[:-1]):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            raise TargetsError(f"{where}.{key}: must be non-empty text in quotes, not {entry[key]!r}")
    if not NAME.match(entry["name"]):
        raise TargetsError(f"{where}.name: '{entry['name']}' must be 1-64 letters, digits, '.', '_' or '-'")
    kind = entry["kind"]
    if kind not in KINDS:
        raise TargetsError(f"{where}.kind: unknown kind '{kind}'{did_you_mean(kind, KINDS)} (allowed: {', '.join(KINDS)})")
    for key in ("outcome", "denominator"):
        name = entry.get(key)
        if name is not None and name not in BY_NAME:
            raise TargetsError(f"{where}.{key}: unknown outcome '{name}'{did_you_mean(name, BY_NAME)} "
                               "(the outcomes are listed in abm/outcomes.py)")
    for key in ("period", "base_period", "denominator"):
        if key in NEEDS[kind] and key not in entry:
            raise TargetsError(f"{where}: {key} is missing; a '{kind}' target needs {' and '.join(NEEDS[kind])}")
        if key in entry and key not in NEEDS[kind]:
            raise TargetsError(f"{where}.{key}: not used by a '{kind}' target; remove it "
                               f"(a '{kind}' target takes {' and '.join(NEEDS[kind]) or 'no period'})")
    sorts = {}
    for key in ("period", "base_period"):
        if key in entry:
            try:
                sorts[key] = period_kind(entry[key])
            except ValueError as e:
                raise TargetsError(f"{where}.{key}: {e}") from None
    if len(set(sorts.values())) > 1:
        raise TargetsError(f"{where}.base_period: '{entry['base_period']}' is a {_sort(sorts['base_period'])} but "
                           f"period '{entry['period']}' is a {_sort(sorts['period'])}; use the same sort of period")
    if kind == "ratio" and entry["period"] == entry["base_period"]:
        raise TargetsError(f"{where}.base_period: is the same year as period; a ratio compares two years")
    value = entry["value"]
    if not _number(value) or value <= 0 or (kind == "share" and value > 1):
        top = " and at most 1 (a share)" if kind == "share" else ""
        raise TargetsError(f"{where}.value: must be a number above 0{top}, not {value!r}")
    band = entry["band"]
    if band not in bands:
        raise TargetsError(f"{where}.band: unknown band '{band}'{did_you_mean(band, bands)} "
                           f"(the bands in [tolerances]: {', '.join(bands)})")
    return Target(name=entry["name"], outcome=entry["outcome"], kind=kind, value=float(value), band=bands[band],
                  source=entry["source"].strip(), period=entry.get("period"), base_period=entry.get("base_period"),
                  denominator=entry.get("denominator"), note=entry.get("note"),
                  held_out=entry.get("held_out", False))


def load_targets(path: str | Path = TARGETS_FILE) -> tuple[Target, ...]:
    """The targets in the TOML file at `path`, or a TargetsError saying what is wrong with it."""
    path = Path(path)
    raw = _read(path)
    bands = {name: _band(path, name, entry) for name, entry in raw["tolerances"].items()}
    targets = tuple(_target(path, i, entry, bands) for i, entry in enumerate(raw["target"], start=1))
    series: dict[str, Target] = {}
    seen: set[tuple] = set()
    for i, t in enumerate(targets, start=1):
        key = (t.name, t.period, t.base_period)
        if key in seen:
            raise TargetsError(f"{path}: target[{i}] ({t.name} {t.when}): a second target with the same name and "
                               "period; give each target of a series its own period")
        seen.add(key)
        first = series.setdefault(t.name, t)
        same = (first.outcome, first.kind, first.denominator) == (t.outcome, t.kind, t.denominator)
        if not same:
            raise TargetsError(f"{path}: target[{i}] ({t.name} {t.when}): targets named '{t.name}' must read the "
                               f"same outcome the same way ({first.outcome}, {first.kind}); give this one its own name")
    return targets


def scenario_periods(scenario) -> tuple[list[str], list[int]]:
    """The financial-year labels and the calendar years that `scenario`'s simulated weeks start in."""
    weeks = scenario.years * calendar.WEEKS_PER_YEAR
    if scenario.start_date is None:
        return [], []
    labels = list(dict.fromkeys(calendar.year_labels(scenario.start_date, weeks)))
    years = sorted({calendar.week_start(scenario.start_date, w).year for w in range(weeks)})
    return labels, years


def check_periods(targets, scenario) -> None:
    """Raise TargetsError unless `scenario` simulates every whole year the targets are read in."""
    if not any(t.periods() for t in targets):
        return
    if scenario.start_date is None:
        raise TargetsError(f"scenario '{scenario.name}' has no start_date, so it has no financial or calendar "
                           "years to compare with the targets; set scenario.start_date")
    start = scenario.start_date
    end = calendar.week_start(start, scenario.years * calendar.WEEKS_PER_YEAR) - dt.timedelta(days=1)
    for t in targets:
        for label in t.periods():
            lo, hi = period_span(label)
            # A period counts as simulated when every week starting in it is simulated (within a week at each end).
            if lo < start - dt.timedelta(days=6) or hi > end + dt.timedelta(days=7):
                raise TargetsError(f"target {t.name} {t.when}: {label} is not a whole simulated "
                                   f"{'month' if period_kind(label) == 'month' else 'year'} of scenario "
                                   f"'{scenario.name}', which runs {start} to {end}")
