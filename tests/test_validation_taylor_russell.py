"""The Taylor-Russell check: decisions classified against true risk.

Quadrants and rates are checked on a synthetic decision log; on the model, lowering the
intervention thresholds (to assess at the front door, to intervene after assessment)
must trade false negatives for false positives: paired over seeds, the false negative
rate falls and the false positive rate rises, each by more than two standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.run import run, simulate
from abm.scenario import Scenario
from abm.validation import taylor_russell

SEEDS = (1, 2, 3, 4)


def small(**constants) -> Scenario:
    return Scenario(name="tr", years=1, warmup_years=1, seeds=len(SEEDS), root_seed=3,
                    constants={"children_0_19": 10_000, **constants})


def test_quadrants_and_rates_on_a_known_log():
    frame = pd.DataFrame({
        "stage": pd.Categorical(["front door"] * 6 + ["assessment"] * 3, ["front door", "assessment"]),
        "at_risk":   [True, True, False, False, False, True, True, False, False],
        "intervene": [True, False, True, False, False, True, False, True, True],
    })
    frame["quadrant"] = taylor_russell.quadrant(frame["at_risk"].to_numpy(), frame["intervene"].to_numpy())
    counts = taylor_russell.counts(frame)
    assert counts.loc["front door", list(taylor_russell.QUADRANTS)].tolist() == [2, 1, 1, 2]
    assert counts.loc["assessment", list(taylor_russell.QUADRANTS)].tolist() == [0, 2, 1, 0]
    assert counts.loc["front door", "false_negative_rate"] == pytest.approx(1 / 3)
    assert counts.loc["front door", "false_positive_rate"] == pytest.approx(1 / 3)
    assert counts.loc["assessment", "false_negative_rate"] == 1.0
    assert counts.loc["assessment", "false_positive_rate"] == 1.0
    everything = taylor_russell.counts(frame, by=None).loc["all"]
    assert everything[list(taylor_russell.QUADRANTS)].tolist() == [2, 3, 2, 2]


def test_decisions_after_warmup_match_the_recorded_outcomes():
    scenario = small()
    model = simulate(scenario, SEEDS[0])
    frame = taylor_russell.decisions(model, stages=("front door", "assessment", "review"))
    assert frame["week"].min() >= model.warmup_weeks
    assert (frame["at_risk"] == (frame["true_log_hazard"] >= model.population.z_significant)).all()
    assert (frame["intervene"] == (frame["estimate"] >= frame["threshold"])).all()
    # Every decision of every stage is counted in the weekly outcomes: the quadrant totals agree.
    weekly = run(scenario, SEEDS[0])
    total = taylor_russell.counts(frame, by=None).loc["all"]
    for q in taylor_russell.QUADRANTS:
        assert weekly[f"{q}s_per_year"].sum() / 52 == pytest.approx(total[q])
    two = taylor_russell.decisions(model)
    assert list(two["stage"].cat.categories) == ["front door", "assessment"]


def test_lower_thresholds_trade_false_negatives_for_false_positives():
    base = small()
    lower = small(initial_assessment_threshold_annual_risk=0.018, cin_plan_threshold_annual_risk=0.006)
    rates = []
    for seed in SEEDS:
        pair = [taylor_russell.counts(taylor_russell.decisions(simulate(s, seed)), by=None).loc["all"]
                for s in (base, lower)]
        rates.append([pair[1][r] - pair[0][r] for r in ("false_negative_rate", "false_positive_rate")])
    change = np.array(rates)
    mean, se = change.mean(axis=0), change.std(axis=0, ddof=1) / np.sqrt(len(SEEDS))
    assert mean[0] + 2 * se[0] < 0, f"false negative rate should fall: {mean[0]:.3f} +/- {se[0]:.3f}"
    assert mean[1] - 2 * se[1] > 0, f"false positive rate should rise: {mean[1]:.3f} +/- {se[1]:.3f}"


def test_a_pickled_decision_log_gives_the_same_decisions():
    """A saved state keeps its decisions as one row of columns: the frame read back is the frame before."""
    import pickle

    model = simulate(small(), SEEDS[0])
    before = model.decisions.frame()
    assert len(model.decisions.rows) > 1 and before["week"].min() >= model.warmup_weeks
    restored = pickle.loads(pickle.dumps(model))
    assert len(restored.decisions.rows) == 1
    pd.testing.assert_frame_equal(restored.decisions.frame(), before)
