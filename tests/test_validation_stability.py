"""The seed-stability ladder of `cpsim validate --stability`, on hand-made per-seed values."""

from __future__ import annotations

import pandas as pd

from abm.validation import Result, load_targets
from abm.validation.stability import counts, passing, render_stability, stable_count


def _result(values: list[float], which: int = 0) -> Result:
    target = load_targets()[which]  # 0: referrals 2008/09, band 3,239 to 3,959; 1: 2009/10, 3,597 to 4,397
    series = pd.Series(values, dtype=float)
    return Result(target, series, float(series.median()), float(series.quantile(0.05)), float(series.quantile(0.95)))


def test_counts_climb_the_ladder_and_end_at_the_seeds_run():
    assert counts(13) == [2, 4, 6, 8, 10, 12, 13]
    assert counts(2) == [2]


def test_the_stable_count_is_where_every_later_median_lies_in_the_band():
    # the first seeds are far off, the rest on target: the median comes in once most seeds are on target
    steady = _result([9000.0] * 3 + [3600.0] * 17)
    always = _result([3600.0] * 20, which=1)
    table = passing([steady, always])
    assert table.columns.tolist() == [2, 4, 6, 8, 10, 12, 16, 20]
    assert table.iloc[0].tolist() == [False, False, False, True, True, True, True, True]
    assert table.iloc[1].all()
    assert stable_count([steady, always]) == 8
    assert "from 8 seeds on" in render_stability([steady, always])


def test_a_target_failing_with_all_seeds_has_no_stable_count():
    drifting = _result([3600.0] * 10 + [9000.0] * 10)
    assert stable_count([drifting]) is None
    assert "no seed count" in render_stability([drifting])
