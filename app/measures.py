"""What an outcome's numbers measure, in words a reader needs beside them.

`measure(outcome)` reads the outcome's declaration in `abm.outcomes`: its name and label
give the unit (a number, a share in %, £, weeks, hours, years, a 0-1 scale, ...), its
`aggregate` what one value counts: a flow's yearly total ("mean" of a `_per_year` outcome:
per year, averaged over the years of the period), an average over the weeks (another
"mean"), a count on 31 March ("end": the stock at the last week of a financial year
starting 1 April) or a ratio of the period's totals ("ratio"). Shares' differences are in
percentage points. An axis starts from zero when the unit is an amount that cannot go below
zero (a count, share, sum of money, duration); not for a log-hazard, a threshold or a level
around a neutral 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from abm.outcomes import BY_NAME
from abm.summary import PERCENT

NOT_FROM_ZERO = ("log-hazard", "= neutral", "threshold")


@dataclass(frozen=True)
class Measure:
    """An outcome's unit, how its values aggregate (abm.outcomes), whether it is a share, and whether its axis
    starts from zero. `period` is what a value over a run's whole period counts (the comparison table), `yearly`
    what a value of one year counts (a chart's axis); `scale` ("million", ...) goes with the unit."""

    unit: str
    aggregate: str
    per_year: bool
    share: bool
    from_zero: bool

    def unit_with(self, scale: str = "") -> str:
        if not scale:
            return self.unit
        return f"£ {scale}" if self.unit == "£" else f"{self.unit} ({scale}s)"

    def period(self, scale: str = "") -> str:
        unit = self.unit_with(scale)
        counts = {"end": f"{unit} on 31 March, end of the last year",
                  "ratio": f"{unit}, over the whole period"}.get(self.aggregate)
        if counts is None:
            counts = f"{unit} per year, mean of the years" if self.per_year else f"{unit}, mean over the weeks"
        return counts + ("; differences in percentage points" if self.share else "")

    def yearly(self, scale: str = "") -> str:
        unit = self.unit_with(scale)
        if self.aggregate == "end":
            return f"{unit} on 31 March"
        if self.aggregate == "ratio":
            return f"{unit}, over the year"
        return f"{unit} per year" if self.per_year else f"{unit}, mean over the year's weeks"


def _unit(name: str, label: str) -> str:
    if name in PERCENT:
        return "%"
    if "GBP" in label:
        return "£"
    if "(0-1)" in label:
        return "0-1 scale"
    if "log-hazard" in label:
        return "log-hazard"
    if "annual risk" in label:
        return "annual risk"
    if "child_weeks" in name:
        return "child-weeks"
    for word in ("weeks", "hours", "years"):
        if word in name.split("_"):
            return word
    return "number"


def measure(outcome: str) -> Measure:
    """What the values of `outcome` (a name in abm.outcomes) measure."""
    o = BY_NAME[outcome]
    return Measure(unit=_unit(o.name, o.label), aggregate=o.aggregate, per_year=o.name.endswith("_per_year"),
                   share=o.name in PERCENT, from_zero=not any(word in o.label for word in NOT_FROM_ZERO))
