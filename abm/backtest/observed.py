"""Observed national figures after March 2011, for comparison with the back-test only (never targets).

`abm/backtest/observed.toml` holds `[[observed]]` tables: `outcome` (an outcome of
abm/outcomes.py), `period` (a financial year "2016/17" or a calendar year "2016"), `value` (the
figure for the average authority: England's count / 152, a rate or duration as published),
`national` (optional: England's count) and `source`. Calibration and `cpsim validate` never read
it. Every mistake is one `ObservedError` naming the file, the entry and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from abm.outcomes import BY_NAME
from abm.tomlfile import did_you_mean, read_toml
from abm.validation.targets import period_kind

OBSERVED_FILE = Path(__file__).parent / "observed.toml"  # beside the back-test, apart from the calibration targets
REQUIRED = ("outcome", "period", "value", "source")
KEYS = (*REQUIRED, "national")


class ObservedError(ValueError):
    """An observed-figures file that cannot be used, in one line: file, entry, key, problem."""


@dataclass(frozen=True)
class Observation:
    """One published figure, scaled to the average authority, with its source."""

    outcome: str
    period: str
    value: float
    source: str
    national: float | None = None

    @property
    def calendar(self) -> bool:
        return period_kind(self.period) == "calendar"


def load_observed(path: Path = OBSERVED_FILE) -> list[Observation]:
    """The observations in `path`, checked strictly."""
    raw = read_toml(Path(path), "observed-figures", ObservedError, "give [[observed]] tables")
    extra = sorted(set(raw) - {"observed"})
    if extra:
        raise ObservedError(f"{path}: unknown section '{extra[0]}' (allowed: observed)")
    tables = raw.get("observed")
    if not isinstance(tables, list):
        raise ObservedError(f"{path}: observed: write [[observed]] tables (an array of tables)")
    found = []
    for i, table in enumerate(tables, start=1):
        where = f"{path}: observed[{i}]"
        if not isinstance(table, dict):
            raise ObservedError(f"{where}: must be a table")
        for key in table:
            if key not in KEYS:
                raise ObservedError(f"{where}.{key}: unknown key{did_you_mean(key, KEYS)} (allowed: {', '.join(KEYS)})")
        for key in REQUIRED:
            if key not in table:
                raise ObservedError(f"{where}.{key}: missing (required: {', '.join(REQUIRED)})")
        found.append(_observation(where, table))
    return found


def _observation(where: str, table: dict) -> Observation:
    outcome = table["outcome"]
    if outcome not in BY_NAME:
        raise ObservedError(f"{where}.outcome: unknown outcome {outcome!r}{did_you_mean(str(outcome), BY_NAME)}")
    try:
        period_kind(table["period"])
    except ValueError as e:
        raise ObservedError(f"{where}.period: {e}") from None
    for key in ("value", "national"):
        x = table.get(key, 1)
        if isinstance(x, bool) or not isinstance(x, (int, float)) or x <= 0:
            raise ObservedError(f"{where}.{key}: must be a positive number, not {x!r}")
    if not isinstance(table["source"], str) or not table["source"].strip():
        raise ObservedError(f"{where}.source: must be text naming where the figure comes from")
    national = table.get("national")
    return Observation(outcome, table["period"], float(table["value"]), table["source"],
                       None if national is None else float(national))
