"""The runs of two scenarios on the same seeds, read once for the Inside-the-system views.

`read_run` simulates a scenario with one of its replicate seeds and keeps what the views
draw: the weekly outcomes, the Taylor-Russell decisions (at the front door, after
assessment and at reviews, after the warm-up), the children's moves between statuses
(`status_moves`) and the risk levels the decisions were judged against. The model itself is
not kept, so a session holds tables, not a live simulation. `read_pairs` runs the baseline
and one other scenario on each of the same replicate seeds: history k of n is the same
simulated history with and without the reforms, so the two sides compare like for like.
Runs are labelled by their history number, never by their seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from abm.calendar import WEEKS_PER_YEAR
from abm.risk import threshold_log_hazard
from abm.run import weekly_outcomes
from abm.seeds import replicate_seeds
from abm.validation import taylor_russell
from app.views.status_moves import StatusMoves, simulate_counting

STAGE_THRESHOLDS = {"front door": "initial_assessment_threshold_annual_risk",
                    "assessment": "cin_plan_threshold_annual_risk", "review": "close_threshold_annual_risk"}


@dataclass(frozen=True)
class RunReading:
    """The tables of one finished run that the Inside-the-system views draw."""

    scenario: str
    history: int  # counted from 1
    histories: int
    seed: int
    weekly: pd.DataFrame
    decisions: pd.DataFrame
    moves: StatusMoves
    significant_log_hazard: float
    harm_base_per_week: float
    stage_thresholds: dict[str, float]
    variety_mean: float

    @property
    def years(self) -> list[str]:
        return list(pd.unique(self.weekly["year_label"]))

    @property
    def label(self) -> str:
        return f"history {self.history} of {self.histories}"


@dataclass(frozen=True)
class RunPairs:
    """The baseline and one other scenario, run on the same replicate seeds: `pairs[k]` is history k + 1."""

    baseline: str
    scenario: str
    pairs: tuple[tuple[RunReading, RunReading], ...]

    @property
    def histories(self) -> int:
        return len(self.pairs)


def read_run(scenario, replicate: int = 0, histories: int = 1) -> RunReading:
    """Simulate `scenario` with its replicate seed number `replicate` (counted from 0) and read it."""
    seed = replicate_seeds(scenario.root_seed, replicate + 1)[replicate]
    model, moves = simulate_counting(scenario, seed)
    decisions = taylor_russell.decisions(model, stages=tuple(STAGE_THRESHOLDS))
    decisions["year"] = (decisions["week"] - model.warmup_weeks) // WEEKS_PER_YEAR + 1
    p = model.p
    return RunReading(
        scenario=scenario.name,
        history=replicate + 1,
        histories=histories,
        seed=seed,
        weekly=weekly_outcomes(model, scenario, seed),
        decisions=decisions,
        moves=moves,
        significant_log_hazard=float(model.population.z_significant),
        harm_base_per_week=float(p.harm_hazard_base_per_week),
        stage_thresholds={stage: threshold_log_hazard(p, name) for stage, name in STAGE_THRESHOLDS.items()},
        variety_mean=float(model.population.variety.mean()),
    )


def read_pairs(baseline, scenario, histories: int, progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> RunPairs | None:
    """Run `baseline` and `scenario` on each of their first `histories` replicate seeds (the same seeds: both come
    from one Compare setup, so they share a root seed), calling `progress(done, total)` after each run; None when
    `cancelled()` says so between runs."""
    total, pairs = 2 * histories, []
    for k in range(histories):
        pair = []
        for run in (baseline, scenario):
            if cancelled():
                return None
            pair.append(read_run(run, k, histories))
            if progress is not None:
                progress(2 * k + len(pair), total)
        pairs.append(tuple(pair))
    return RunPairs(baseline.name, scenario.name, tuple(pairs))
