"""One run: a pure, picklable function of a scenario and a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm import calendar
from abm.model import FIXED_DURING_RUN, ChildProtectionModel
from abm.outcomes import NAMES
from abm.parameters import PARAMETERS, resolve
from abm.posterior_draws import member_constants
from abm.reforms import ReformSchedule
from abm.seeds import streams


def scenario_params(scenario, seed: int):
    """The scenario's constants, with each uncertainty drawn uniformly from its range for this seed.

    Under the calibration posterior the calibrated parameters the scenario does not set
    itself are the seed's member's (abm/posterior_draws.py); its own settings still win.

    A branched scenario keeps its history's values of the parameters read only when the
    model is built (abm.scenario.Branch checks that it sets none to another value), and the
    history's dated changes made before the branch, or in its week, carry on where the scenario
    does not set the parameter itself in its own constants or uncertainties (the guardian
    service's funding of 2009-10 stays after April 2011).
    """
    values = {**scenario.constants, **member_constants(scenario, seed)}
    rng = streams(seed)["uncertainty"]
    for name, u in sorted(scenario.uncertainties.items()):
        whole = PARAMETERS[name].kind is int
        values[name] = int(rng.integers(u.low, u.high + 1)) if whole else float(rng.uniform(u.low, u.high))
    branch = scenario.branch_from
    if branch is not None:
        own = (set(scenario.constants) - set(scenario.fitted)) | set(scenario.uncertainties)
        for week, constants in branch.history.change_weeks():
            if week <= branch.week:
                values.update({name: value for name, value in constants.items() if name not in own})
        kept = scenario_params(branch.history, seed)
        values.update({name: getattr(kept, name) for name in FIXED_DURING_RUN})
    return resolve(values)


def new_model(scenario, seed: int) -> ChildProtectionModel:
    """A model of the unbranched `scenario` with `seed`, at the first week of its warm-up."""
    params = scenario_params(scenario, seed)
    return ChildProtectionModel(params, seed, warmup_weeks=scenario.warmup_years * calendar.WEEKS_PER_YEAR,
                                events=scenario.event_weeks(), reforms=ReformSchedule.from_scenario(scenario, params))


def simulate(scenario, seed: int, watch=None) -> ChildProtectionModel:
    """Run `scenario` once with `seed` and return the finished model (warm-up and years simulated).

    A branched scenario starts from its history's saved state (built on first use) instead of a warm-up.
    `watch(model)`, if given, is called before the first week and after every week (it draws nothing).
    """
    if scenario.branch_from is None:
        model = new_model(scenario, seed)
    else:
        from abm.branching import start  # here: abm.branching runs histories with this module

        model = start(scenario, seed)
    if watch is not None:
        watch(model)
    for _ in range((scenario.warmup_years + scenario.years) * calendar.WEEKS_PER_YEAR):
        model.step()
        if watch is not None:
            watch(model)
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
