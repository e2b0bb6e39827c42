"""The back-test's runs: what happened (scenarios/england_2011_2024.toml) and its two counterfactuals.

All three branch from the history on 1 April 2011 and run on the same seeds (common random
numbers), for the back-test's years:

    enacted    the scenario file: the changes that were made, at their dates
    munro_full the same decade (its constants, dated changes and events: the court's timetable, the fall of early
               help, the publicity of 2014 and 2021) with Munro's full package from April 2011
               instead: the levers of scenarios/reforms/munro_full.toml
    baseline   none of the enacted changes: scenarios/baseline.toml (no levers, no events)

The history itself (scenarios/england_2006_2011.toml) is run on the same seeds too, for the
ratios whose base year is 2010/11 or 31 March 2011.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from abm.branch_from import SCENARIOS
from abm.scenario import Scenario, load_scenario

BACKTEST_FILE = SCENARIOS / "england_2011_2024.toml"
MUNRO_FILE = SCENARIOS / "reforms" / "munro_full.toml"
BASELINE_FILE = SCENARIOS / "baseline.toml"
MUNRO_NAME = "munro_full_2011_2024"


class BacktestError(ValueError):
    """A back-test that cannot run as asked, in one line."""


@dataclass(frozen=True)
class Plan:
    """The three scenarios compared (enacted first) and the history they branch from."""

    scenarios: tuple[Scenario, Scenario, Scenario]
    history: Scenario

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]


def plan(path: Path = BACKTEST_FILE, seeds: int | None = None) -> Plan:
    """The back-test of the scenario file at `path` (default: the project's), on `seeds` seeds (default: its own).

    ScenarioError for a file that cannot be read; BacktestError for one that does not branch."""
    enacted = load_scenario(path).with_overrides(seeds=seeds)
    if enacted.branch_from is None:
        raise BacktestError(f"{path}: scenario.branch_from: a back-test starts from the history's saved state; "
                            'give branch_from = "HISTORY@DATE"')
    munro = enacted.with_levers(load_scenario(MUNRO_FILE).levers, name=MUNRO_NAME).model_copy(update={
        "description": "the same decade (its constants, dated changes and events) with Munro's full package from "
                       "April 2011 instead of what was enacted"})
    baseline = load_scenario(BASELINE_FILE).with_overrides(seeds=enacted.seeds, years=enacted.years).model_copy(
        update={"description": "none of the enacted changes: the history's authority carried on as it was"})
    return Plan((enacted, munro, baseline), enacted.branch_from.history.with_overrides(seeds=enacted.seeds))
