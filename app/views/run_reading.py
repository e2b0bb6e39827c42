"""One run of a chosen scenario, read once for the Inside-the-system views.

`read_run` simulates the scenario with one of its replicate seeds and keeps what the
views draw: the weekly outcomes, the Taylor-Russell decisions (at the front door, after
assessment and at reviews, after the warm-up) and the risk levels they were judged against.
The model itself is not kept, so a session holds tables, not a live simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from abm.calendar import WEEKS_PER_YEAR
from abm.risk import threshold_log_hazard
from abm.run import simulate, weekly_outcomes
from abm.seeds import replicate_seeds
from abm.validation import taylor_russell

STAGE_THRESHOLDS = {"front door": "initial_assessment_threshold_annual_risk",
                    "assessment": "cin_plan_threshold_annual_risk", "review": "close_threshold_annual_risk"}


@dataclass(frozen=True)
class RunReading:
    """The tables of one finished run that the Inside-the-system views draw."""

    scenario: str
    seed: int
    weekly: pd.DataFrame
    decisions: pd.DataFrame
    significant_log_hazard: float
    harm_base_per_week: float
    stage_thresholds: dict[str, float]
    variety_mean: float

    @property
    def years(self) -> list[str]:
        return list(pd.unique(self.weekly["year_label"]))


def read_run(scenario, replicate: int = 0) -> RunReading:
    """Simulate `scenario` with its replicate seed number `replicate` (counted from 0) and read it."""
    seed = replicate_seeds(scenario.root_seed, replicate + 1)[replicate]
    model = simulate(scenario, seed)
    decisions = taylor_russell.decisions(model, stages=tuple(STAGE_THRESHOLDS))
    decisions["year"] = (decisions["week"] - model.warmup_weeks) // WEEKS_PER_YEAR + 1
    p = model.p
    return RunReading(
        scenario=scenario.name,
        seed=seed,
        weekly=weekly_outcomes(model, scenario, seed),
        decisions=decisions,
        significant_log_hazard=float(model.population.z_significant),
        harm_base_per_week=float(p.harm_hazard_base_per_week),
        stage_thresholds={stage: threshold_log_hazard(p, name) for stage, name in STAGE_THRESHOLDS.items()},
        variety_mean=float(model.population.variety.mean()),
    )
