"""One run: a pure, picklable function of a scenario and a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm import calendar
from abm.model import ChildProtectionModel
from abm.outcomes import NAMES
from abm.parameters import PARAMETERS, resolve
from abm.reforms import ReformSchedule
from abm.seeds import streams


def scenario_params(scenario, seed: int):
    """The scenario's constants, with each uncertainty drawn uniformly from its range for this seed."""
    values = dict(scenario.constants)
    rng = streams(seed)["uncertainty"]
    for name, u in sorted(scenario.uncertainties.items()):
        whole = PARAMETERS[name].kind is int
        values[name] = int(rng.integers(u.low, u.high + 1)) if whole else float(rng.uniform(u.low, u.high))
    return resolve(values)


def simulate(scenario, seed: int) -> ChildProtectionModel:
    """Run `scenario` once with `seed` and return the finished model (warm-up and years simulated)."""
    params = scenario_params(scenario, seed)
    warmup = scenario.warmup_years * calendar.WEEKS_PER_YEAR
    weeks = scenario.years * calendar.WEEKS_PER_YEAR
    model = ChildProtectionModel(params, seed, warmup_weeks=warmup, events=scenario.event_weeks(),
                                 reforms=ReformSchedule.from_scenario(scenario, params))
    for _ in range(warmup + weeks):
        model.step()
    return model


def run(scenario, seed: int) -> pd.DataFrame:
    """Run `scenario` once with `seed`; one row per week after the warm-up."""
    return weekly_outcomes(simulate(scenario, seed), scenario, seed)


def weekly_outcomes(model: ChildProtectionModel, scenario, seed: int) -> pd.DataFrame:
    """The finished model's outcomes, one row per week after the warm-up (the app reads a model's own run)."""
    weeks = scenario.years * calendar.WEEKS_PER_YEAR
    weekly = model.datacollector.model_vars["outcomes"]
    table = pd.DataFrame(np.vstack(weekly), columns=list(NAMES))
    labels = calendar.year_labels(scenario.start_date, weeks)
    frame = pd.DataFrame({
        "scenario": scenario.name,
        "seed": np.full(weeks, seed, dtype=np.uint64),
        "week": np.arange(weeks, dtype=np.int32),
        "year": (pd.factorize(pd.Series(labels))[0] + 1).astype(np.int16),
        "year_label": labels,
    })
    return pd.concat([frame, table], axis=1)
