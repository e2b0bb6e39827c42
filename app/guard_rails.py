"""Warnings before a run whose settings are too small for the question (the run is still allowed).

Too few seeds: below `ENOUGH_SEEDS` the 90% intervals are wide; the warning says how large
a difference must be to show, in units of its spread between seeds
(abm.compare.statistics.detectable_multiple, under the posterior's rule when the run draws from it),
beside the same at `ENOUGH_SEEDS` and `MANY_SEEDS`. Too few years: a reform reaches full strength at the end of its ramp
(abm.reforms.base: its start, then `ramp_years`, else the reform's `default_ramp_years`);
when the latest of the reforms switched on in any scenario to run gets there after the
run ends, the results show them part-way. `setup_warnings` gives them for the Compare page's
setup; the Workshop calls `run_warnings` with its package.
"""

from __future__ import annotations

from typing import Sequence

from abm.calendar import WEEKS_PER_YEAR
from abm.compare.statistics import detectable_multiple
from abm.scenario import Scenario
from app.state import CompareSetup, SetupError, posterior_file
from app.wording import plural

ENOUGH_SEEDS = 5
MANY_SEEDS = 20


def seeds_warning(seeds: int, draws: bool = False) -> str | None:
    """What `seeds` seeds cannot show (with `draws`, on the calibration posterior), or None from ENOUGH_SEEDS on."""
    if seeds >= ENOUGH_SEEDS:
        return None
    if seeds < 2:
        return ("With 1 seed there are no intervals: no difference can be called better or worse. "
                f"Use at least {ENOUGH_SEEDS} seeds.")
    times = {n: detectable_multiple(n, draws) for n in (seeds, ENOUGH_SEEDS, MANY_SEEDS)}
    said = (f"With {plural(seeds, 'seed')} the intervals will be wide: differences smaller than about "
            f"{times[seeds]:.1f} times their spread between seeds (how much a difference varies "
            "from one simulated history to another) may not show; at "
            f"{ENOUGH_SEEDS} seeds, about {times[ENOUGH_SEEDS]:.1f} times; at {MANY_SEEDS}, about "
            f"{times[MANY_SEEDS]:.1f} times.")
    if draws:
        said += (" On the calibration posterior a difference is clear only when nine pairs in ten also lie on its "
                 "side, which more seeds do not relax.")
    return said


def full_strength_years(scenario: Scenario) -> float:
    """Years from the end of the warm-up until the last of the scenario's reforms reaches full strength (0 if none)."""
    weeks = [reform.first_week(scenario.start_date) + reform.ramp_weeks
             for reform in (lever.build() for lever in scenario.levers) if reform is not None]
    return max(weeks, default=0) / WEEKS_PER_YEAR


def ramp_warning(scenarios: Sequence[Scenario], years: int) -> str | None:
    """That the reforms reach full strength only after `years`, or None if they do within them."""
    needed = round(max((full_strength_years(s) for s in scenarios), default=0.0), 1)
    if needed <= years:
        return None
    return (f"The reforms take up to {needed:g} year{'s' * (needed != 1)} to reach full strength; with "
            f"{plural(years, 'year')} the results show them part-way.")


def run_warnings(scenarios: Sequence[Scenario], seeds: int, years: int, point: bool = False) -> list[str]:
    """Every warning for running `scenarios` with `seeds` seeds over `years` years (on the single fit with `point`
    or while there is no posterior, else on the calibration posterior)."""
    draws = not point and posterior_file() is not None
    return [w for w in (seeds_warning(seeds, draws), ramp_warning(scenarios, years)) if w]


def setup_warnings(setup: CompareSetup, point: bool = False) -> list[str]:
    """The warnings for running the Compare page's `setup` (none on the ramps while it cannot run as set)."""
    try:
        scenarios = setup.scenarios()
    except SetupError:
        scenarios = []
    return run_warnings(scenarios, setup.seeds, setup.years, point)
