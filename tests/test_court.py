"""The family court's queue for children's guardians, as the outcomes report it."""

from __future__ import annotations

import dataclasses

import numpy as np

from abm.model import ChildProtectionModel
from abm.parameters import resolve


def test_cases_beyond_the_guardian_services_places_wait_and_are_counted():
    params = resolve({"children_0_19": 5000, "guardian_cases_per_10k_children": 10.0})  # 5 places
    model = ChildProtectionModel(params, seed=3)
    court = model.court
    assert court.guardians == 5
    court.apply(np.arange(100, 108))  # eight cases at once
    model.court.step()
    model.collect()
    assert court.backlog == 8 and court.without_guardian == 3
    assert model.outcomes["court_cases_without_guardian"] == 3.0
    assert model.outcomes["court_cases_without_guardian_share"] == 3 / 8
    model.set_params(dataclasses.replace(params, guardian_capacity_scale=1.4))  # Cafcass's added places: 7
    model.court.step()
    model.collect()
    assert court.guardians == 7 and model.outcomes["court_cases_without_guardian"] == 1.0
