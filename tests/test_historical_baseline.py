"""The calibrated historical baseline (scenarios/england_2006_2011.toml) against England's figures.

`cpsim validate` at `VALIDATION_SEEDS` seeds must miss no fitted target (2006/07-2009/10)
beyond the documented misses; the held-out year 2010/11 is reported, not required
(docs/validation.md says which targets and checks miss, and why). The national publicity of
November 2008 must be the only event, and Cafcass's added guardian capacity of 2009-10 the
only dated change; without the publicity the referral flood must not happen: the median over
the same seeds of each year's referrals over the year before stays within 3%.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from abm.outcomes import NAMES, yearly
from abm.engines import run_replicates
from abm.run import scenario_params, simulate
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds
from tests.conftest import ROOT

ENGLAND = ROOT / "scenarios" / "england_2006_2011.toml"
VALIDATION_SEEDS = 8
PUBLICITY = dt.date(2008, 11, 11)


# The fitted targets the calibrated model does not reach at 8 seeds, each explained in docs/validation.md
# ("What the model does not reach"). The test guards the fit: no other fitted target may fail, and a miss that
# is mended must leave this list (so the documentation follows).
KNOWN_MISSES = {
    ("referrals", "2007/08"), ("core_assessments", "2009/10"),
    ("initial_in_timescale", "2006/07"), ("initial_in_timescale", "2007/08"), ("initial_in_timescale", "2008/09"),
    ("initial_in_timescale", "2009/10"), ("cp_plan_starts", "2007/08"), ("care_applications", "2007/08"),
    ("vacancy", "2006/07"), ("re_referrals", "2006/07"),
}


def test_validate_misses_only_the_documented_targets_at_8_seeds(cpsim):
    result = cpsim("validate", "--seeds", VALIDATION_SEEDS, "--json")
    out = json.loads(result.stdout)
    failing = {(t["name"], t["period"]) for t in out["targets"] if not t["ok"] and not t["held_out"]}
    assert failing == KNOWN_MISSES, (f"new misses: {sorted(failing - KNOWN_MISSES)}; "
                                     f"mended (take them off the list and docs/validation.md): "
                                     f"{sorted(KNOWN_MISSES - failing)}")
    assert result.returncode == (1 if failing else 0), result.stderr[-2000:]
    held = [t for t in out["targets"] if t["held_out"]]
    assert held and all(t["period"] in ("2010/11", "2010-06") and t["median"] is not None for t in held)


def test_the_publicity_is_the_only_event_and_the_guardian_service_the_only_change():
    scenario = load_scenario(ENGLAND)
    assert [(e.kind, e.date, e.anxiety_jump) for e in scenario.events] == [("national_publicity", PUBLICITY, 1.0)]
    assert scenario.levers == () and scenario.uncertainties == {}
    changes = [(c.date, dict(c.constants)) for c in scenario.changes]
    assert [set(constants) for _date, constants in changes] == [{"guardian_capacity_scale"}] * 4
    assert changes[0][0] == dt.date(2009, 9, 1) and changes[-1] == (dt.date(2010, 6, 1),
                                                                   {"guardian_capacity_scale": 1.285})
    assert all(a[1]["guardian_capacity_scale"] < b[1]["guardian_capacity_scale"] for a, b in zip(changes, changes[1:]))


def _without_publicity(scenario):
    return scenario.model_copy(update={"events": ()})


def test_the_event_moves_only_anxiety_and_nothing_before_it():
    scenario = load_scenario(ENGLAND).with_overrides(years=3)
    seed = replicate_seeds(scenario.root_seed, 1)[0]
    with_event, without = simulate(scenario, seed), simulate(_without_publicity(scenario), seed)
    week = scenario.event_weeks()[0][0]  # rows are collected from the end of the warm-up
    rows = with_event.datacollector.model_vars["outcomes"]
    others = without.datacollector.model_vars["outcomes"]
    assert np.array_equal(np.vstack(rows[:week]), np.vstack(others[:week]), equal_nan=True)
    anxiety = NAMES.index("public_anxiety")
    assert rows[week][anxiety] - others[week][anxiety] == pytest.approx(1.0 * 0.5 ** (1 / with_event.p.anxiety_half_life_weeks))
    assert with_event.p == without.p == scenario_params(scenario, seed)


def test_without_the_publicity_referrals_stay_within_3_percent_year_on_year():
    scenario = _without_publicity(load_scenario(ENGLAND))
    weekly = run_replicates(scenario, replicate_seeds(scenario.root_seed, VALIDATION_SEEDS), workers=2, progress=False)
    per_seed = yearly(weekly, ["seed", "year"]).pivot(index="seed", columns="year", values="referrals_per_year")
    growth = (per_seed / per_seed.shift(axis=1)).iloc[:, 1:].median()
    assert growth.between(0.97, 1.03).all(), growth.round(3).to_dict()
