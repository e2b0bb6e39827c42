"""Results as runs land: the seeds complete in every scenario, and a provisional line on them.

A seed is complete when the runs of every scenario on it have landed. Provisional results are
those of the complete seeds only, so every difference in them stays paired seed by seed; they
are the final results' statistics on fewer seeds (wider intervals), not estimates of them.
`cpsim compare` and `cpsim workshop` print one provisional line on stderr when a seed completes
(from the second seed on, until the last; at most one every LINE_SECONDS), of HEADLINE's paired
difference from the first scenario.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import pandas as pd

from abm.compare.comparison import compare
from abm.compare.table import difference_cell

HEADLINE = "children_harmed_per_year"
LEAST_SEEDS = 2  # the fewest complete seeds a provisional result shows (an interval needs 2)
LINE_SECONDS = 5.0  # the least time between two provisional lines on the command line


class Landing:
    """The runs of `scenarios` scenarios x `seeds` seeds landed so far, by (scenario, seed), and which seeds
    are complete (in the order they completed)."""

    def __init__(self, scenarios: int, seeds: int):
        self.scenarios, self.seeds = scenarios, seeds
        self.tables: dict[tuple[int, int], pd.DataFrame] = {}
        self.complete: list[int] = []

    def add(self, scenario: int, seed: int, table: pd.DataFrame) -> bool:
        """Keep a landed run; True when it completes its seed."""
        self.tables[(scenario, seed)] = table
        if all((i, seed) in self.tables for i in range(self.scenarios)):
            self.complete.append(seed)
            return True
        return False

    @property
    def provisional(self) -> bool:
        """Whether enough seeds are complete for provisional results, and not yet all."""
        return LEAST_SEEDS <= len(self.complete) < self.seeds

    def weekly(self) -> pd.DataFrame:
        """The complete seeds' runs, stacked scenario by scenario, seed by seed (as run_scenarios returns them)."""
        return pd.concat([self.tables[(i, k)] for i in range(self.scenarios) for k in sorted(self.complete)],
                         ignore_index=True)


def provisional_line(landing: Landing, names: Sequence[str], shown: Sequence[str] | None = None) -> str:
    """One line on HEADLINE's paired difference from `names[0]` of `shown` (default: every later scenario), over
    the complete seeds."""
    o = compare(landing.weekly(), names, outcomes=[HEADLINE], per_year=False)["outcomes"][HEADLINE]
    differences = "; ".join(f"{name} {difference_cell(o['difference'][name], False)}"
                            for name in (shown if shown is not None else names[1:]))
    return (f"provisional, {len(landing.complete)} of {landing.seeds} seeds: {o['label'].lower()} a year, "
            f"difference from {names[0]}: {differences}")


def line_printer(names: Sequence[str], seeds: int, write: Callable[[str], None],
                 shown: Sequence[str] | None = None) -> Callable[[int, int, pd.DataFrame], None]:
    """A `landed` callback for run_scenarios that writes a provisional line when a seed completes (see above)."""
    landing, last = Landing(len(names), seeds), {"at": -LINE_SECONDS}

    def landed(scenario: int, seed: int, table: pd.DataFrame) -> None:
        if landing.add(scenario, seed, table) and landing.provisional \
                and time.monotonic() - last["at"] >= LINE_SECONDS:
            write(provisional_line(landing, names, shown))
            last["at"] = time.monotonic()

    return landed
