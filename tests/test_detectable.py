"""`cpsim detectable`: which outcomes the fifteen recommendations move, and the smallest difference the seeds show.

The minimal detectable difference is checked for the power it promises on simulated paired differences; the
summary (abm.compare.reach) on synthetic runs whose answers are known; the command on real runs of the baseline and
the fifteen recommendations, where R1's single assessment must do away with initial assessments.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from abm.compare import compare
from abm.compare.reach import lever_files, reach, unreached
from abm.compare.statistics import POWER, detectable_multiple, mean_interval, minimal_detectable, verdict
from abm.compare.table import compared_cell, render_reach
from abm.outcomes import NAMES
from tests.test_compare import synthetic_weekly


def test_a_difference_of_the_minimal_detectable_size_is_shown_clear_as_often_as_promised():
    seeds, trials, sd = 10, 4000, 3.0
    rng = np.random.default_rng(2026)
    size = detectable_multiple(seeds) * sd
    shown = sum(verdict(mean_interval(rng.normal(size, sd, seeds)), "higher") == "better" for _ in range(trials))
    # the exact power of the one-sided t test at this noncentrality (0.805 at 10 seeds): a z-based size
    # ((1.645 + 0.842) / sqrt(10) sd) would be shown about 0.75 of the time, below this band
    exact = stats.nct.sf(stats.t.ppf(0.95, seeds - 1), seeds - 1, size / sd * np.sqrt(seeds))
    assert exact == pytest.approx(POWER, abs=0.01)
    assert shown / trials == pytest.approx(exact, abs=0.02)


@pytest.mark.parametrize("seeds", [5, 10, 40])
def test_under_the_posterior_the_detectable_size_also_keeps_nine_pairs_in_ten_on_its_side(seeds):
    """Under the posterior a clear verdict also needs at most a tenth of the pairs on the other side: a difference
    of the posterior's detectable size is shown clear (not uncertain) as often as promised, where one of the single
    fit's size mostly is not."""
    trials, sd = 4000, 2.0
    rng = np.random.default_rng(seeds)

    def shown(size: float) -> float:
        draws = (rng.normal(size, sd, seeds) for _ in range(trials))
        return sum(verdict(mean_interval(d, draws=True), "higher") == "better" for d in draws) / trials

    assert shown(detectable_multiple(seeds, draws=True) * sd) == pytest.approx(POWER, abs=0.025)
    if seeds >= 10:
        assert shown(detectable_multiple(seeds) * sd) < 0.5


def test_the_minimal_detectable_difference_is_the_multiple_of_the_spread_of_the_defined_differences():
    differences = np.array([1.0, 3.0, 2.0, 6.0, np.nan])
    assert minimal_detectable(differences) == pytest.approx(detectable_multiple(4) * np.std(differences[:4], ddof=1))
    assert minimal_detectable(np.array([2.0, np.nan])) is None  # one seed: no interval, no size


def test_compare_gives_each_difference_its_detectable_size_and_shows_it_where_nothing_is_clear():
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    noise = np.array([2.0, -3.0, 1.0, 4.0, -4.0])
    result = compare(synthetic_weekly({"base": base, "noisy": base + noise}), ["base", "noisy"], per_year=False)
    d = result["outcomes"]["children_harmed_per_year"]["difference"]["noisy"]
    assert d["verdict"] == "no clear difference"
    assert d["detectable"] == pytest.approx(detectable_multiple(5) * np.std(noise, ddof=1))
    assert compared_cell(d, False).endswith(f"(detectable from {d['detectable']:.3g})")


def test_reach_names_the_levers_that_move_an_outcome_and_the_largest_effect_of_any():
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    runs = {"baseline": base, "strong": base - np.array([5.0, 6.0, 5.0, 4.0, 5.0]),
            "noisy": base + np.array([2.0, -3.0, 1.0, 4.0, -4.0]), "idle": base}
    comparison = compare(synthetic_weekly(runs), list(runs), per_year=False)
    labels = {"strong": "R1", "noisy": "R2", "idle": "R3"}
    result = reach(comparison, labels)
    harmed = result["outcomes"]["children_harmed_per_year"]
    assert harmed["moved_by"] == ["R1"]
    assert harmed["largest"]["lever"] == "R1" and harmed["largest"]["mean"] == pytest.approx(-5.0)
    assert harmed["largest"]["verdict"] == "better"
    assert [e["lever"] for e in harmed["effects"]] == ["R1", "R2", "R3"] and harmed["effects"][2]["mean"] == 0.0
    # without the strong lever, the noisy one is the largest effect, not clear, with its detectable size
    alone = reach(compare(synthetic_weekly({k: runs[k] for k in ("baseline", "noisy", "idle")}),
                          ["baseline", "noisy", "idle"], per_year=False), labels)
    largest = alone["outcomes"]["children_harmed_per_year"]["largest"]
    assert largest["lever"] == "R2" and largest["verdict"] == "no clear difference"
    assert largest["detectable"] == pytest.approx(detectable_multiple(5) * np.std([2.0, -3.0, 1.0, 4.0, -4.0], ddof=1))
    # every other outcome is 1.0 in every run: no lever changes it on any seed
    assert alone["outcomes"]["referrals_per_year"]["largest"] is None
    assert set(unreached(alone)) == set(NAMES) and "children_harmed_per_year" not in unreached(result)
    table = render_reach(alone)
    assert "unchanged on every seed" in table and f"No recommendation moves {len(NAMES)} of the {len(NAMES)}" in table
    json.dumps(result)


def test_reach_says_which_outcomes_are_undefined_and_refuses_labels_that_collide():
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    weekly = synthetic_weekly({"baseline": base, "strong": base - 5.0})
    weekly["re_referrals_per_year"] = 0.0  # the re-referral rate's numerator, over referrals...
    weekly["referrals_per_year"] = 0.0  # ...of which there are none: the rate is undefined on every seed
    result = reach(compare(weekly, ["baseline", "strong"], per_year=False), {"strong": "R1"})
    rate = result["outcomes"]["re_referral_rate"]
    assert not rate["defined"] and rate["largest"] is None and rate["moved_by"] == []
    assert result["outcomes"]["children_harmed_per_year"]["defined"]
    assert "not defined on any seed" in render_reach(result)
    weekly = synthetic_weekly({"baseline": base, "a": base - 5.0, "b": base - 4.0})
    with pytest.raises(ValueError, match="labels must differ"):
        reach(compare(weekly, ["baseline", "a", "b"], per_year=False), {"a": "R1", "b": "R1"})


def test_the_fifteen_recommendations_each_have_their_own_scenario():
    assert [f.name[:3] for f in lever_files()] == [f"r{k:02d}" for k in range(1, 16)]


def test_cli_reports_what_each_recommendation_moves(cpsim):
    done = cpsim("detectable", "--seeds", "2", "--years", "1", "--point", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["levers"] == [f"R{k}" for k in range(1, 16)] and result["baseline"] == "baseline"
    assert set(result["outcomes"]) == set(NAMES)
    # R1's single assessment replaces the initial/core split: no initial assessments, clear on any two seeds
    initial = result["outcomes"]["initial_assessments_per_year"]
    assert "R1" in initial["moved_by"] and initial["largest"]["lever"] == "R1" and initial["largest"]["mean"] < 0
    table = render_reach(result)  # what the command prints without --json
    row = next(line for line in table.splitlines() if "[initial_assessments_per_year]" in line)
    assert "R1" in row.split("]", 1)[1] and "seed noise only" in table
    assert f"No recommendation moves {len(unreached(result))} of the {len(NAMES)} outcomes clearly" in table


def test_cli_refuses_a_single_seed(cpsim):
    done = cpsim("detectable", "--seeds", "1", "--point")
    assert done.returncode == 2 and "allowed 2 or more" in done.stderr and "scenarios x" not in done.stderr


def test_cli_refuses_a_bad_seed_count_before_any_run(cpsim):
    done = cpsim("detectable", "--seeds", "0", "--point")
    assert done.returncode == 2 and "seeds" in done.stderr and "scenarios x" not in done.stderr
