"""Numbers for readers: one format per table row or chart axis, never scientific notation.

The values of a row (or an axis) share one scale, chosen by the largest of them: million or
billion from 1e6 or 1e9 (said once, with the unit: app.measures), shares in percent. Levels
show 3 significant figures of the largest level; differences 2 significant figures of the
widest half-interval in the row (of the largest mean where there are no intervals);
thousands are separated by commas. A number that rounds to zero reads "0", without a sign:
a difference whose interval straddles zero and whose mean rounds to zero is 0, never
"-2.22e-16".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from matplotlib.ticker import Formatter

SCALES = ((1e9, "billion"), (1e6, "million"))
MAX_PLACES = 6


def places(size: float, figures: int) -> int:
    """Decimal places that show `figures` significant figures of `size` (0 to MAX_PLACES)."""
    if not size or not math.isfinite(size):
        return 0
    return min(max(figures - 1 - math.floor(math.log10(abs(size))), 0), MAX_PLACES)


def fixed(x: float, decimals: int, sign: bool = False) -> str:
    """`x` with `decimals` places and commas; "0" when it rounds to zero; a "+" for a positive `sign`ed one."""
    text = f"{x:,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return "0"
    return "+" + text if sign and x > 0 else text


def scale_of(values: Iterable[float | None], share: bool) -> tuple[float, str]:
    """(factor, scale word): shares times 100; otherwise millions or billions when the largest value reaches them."""
    if share:
        return 100.0, ""
    size = max((abs(x) for x in values if x is not None and math.isfinite(x)), default=0.0)
    return next(((1 / limit, word) for limit, word in SCALES if size >= limit), (1.0, ""))


@dataclass(frozen=True)
class RowFormat:
    """The format of one table row: its scale `factor` and word, whether it is a share (levels in %, differences
    in percentage points) and the decimal places of its levels and of its differences. `difference` gives a
    paired difference of abm.compare as "mean [p05, p95]"."""

    factor: float
    scale: str
    share: bool
    level_places: int
    difference_places: int

    @classmethod
    def of(cls, levels: list[float | None], differences: list[dict], share: bool) -> RowFormat:
        factor, scale = scale_of(levels, share)
        largest = max((abs(x) for x in levels if x is not None), default=0.0)
        halves = [(d["p95"] - d["p05"]) / 2 for d in differences if d["p05"] is not None and d["p95"] is not None]
        means = [abs(d["mean"]) for d in differences if d["mean"] is not None]
        spread = max(halves, default=0.0) or max(means, default=0.0)
        return cls(factor, scale, share, places(largest * factor, 3), places(spread * factor, 2))

    def level(self, x: float | None) -> str:
        if x is None:
            return "n/a"
        return fixed(x * self.factor, self.level_places) + ("%" if self.share else "")

    def size(self, x: float) -> str:
        """A size of a difference (no sign), as the row's differences are written."""
        return fixed(x * self.factor, self.difference_places)

    def difference(self, d: dict) -> str:
        if d["mean"] is None:
            return "n/a"
        mean = fixed(d["mean"] * self.factor, self.difference_places, sign=True)
        if d["p05"] is None or d["p95"] is None:
            return f"{mean} (no interval)"
        low, high = (fixed(d[k] * self.factor, self.difference_places, sign=True) for k in ("p05", "p95"))
        return f"{mean} [{low}, {high}]"


class AxisFormat(Formatter):
    """Tick labels of a chart axis: values times `factor`, all with the fewest decimal places that show every tick
    exactly, with commas (and "%" for a share): no offset, no power of ten."""

    def __init__(self, factor: float, share: bool):
        self.factor, self.share, self.decimals = factor, share, 0

    def set_locs(self, locs) -> None:
        ticks = [v * self.factor for v in locs]
        self.decimals = next((d for d in range(MAX_PLACES) if all(abs(round(v, d) - v) <= 1e-9 * max(abs(v), 1)
                                                                  for v in ticks)), MAX_PLACES)

    def __call__(self, x, pos=None) -> str:
        return fixed(x * self.factor, self.decimals) + ("%" if self.share else "")
