"""`cpsim compare`: scenarios on common random numbers, their bands and paired differences.

The statistics are checked on synthetic runs whose answers are known (a run's value, the
t interval of a paired difference, the verdicts); the model itself is checked to give
exactly zero differences between two copies of one scenario (common random numbers), and
the command to refuse bad input with one message and exit 2, writing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from abm.cli import app
from abm.compare import Cancelled, CompareError, compare, run_scenarios
from abm.compare.landing import HEADLINE, Landing, provisional_line
from abm.compare.page import INDEX
from abm.compare.running import check_pairable, check_seeds
from abm.compare.statistics import mean_interval, run_values, verdict
from abm.compare.table import difference_cell
from abm.outcomes import BY_NAME, NAMES, OUTCOMES
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds

SMALL = """
[scenario]
name = "{name}"
start_date = 2011-04-01
years = {years}
warmup_years = 1
seeds = 2
root_seed = 11

[constants]
children_0_19 = {children}
"""
T_95_4 = 2.13184678632665  # Student t, 95th percentile, 4 degrees of freedom (printed tables)


def write_scenario(folder: Path, name: str, years: int = 1, children: int = 10000) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(SMALL.format(name=name, years=years, children=children))
    return path


def synthetic_weekly(values: dict[str, np.ndarray], weeks: int = 104) -> pd.DataFrame:
    """Weekly rows of scenarios (keys) by seeds: every outcome 1.0 except children harmed, which is
    values[scenario][seed] every week."""
    rows = []
    for scenario, per_seed in values.items():
        for seed, v in enumerate(per_seed):
            frame = pd.DataFrame({"scenario": scenario, "seed": np.uint64(seed), "week": np.arange(weeks),
                                  "year": np.arange(weeks) // 52 + 1,
                                  "year_label": [f"year {w // 52 + 1}" for w in range(weeks)]})
            for name in NAMES:
                frame[name] = 1.0
            frame["children_harmed_per_year"] = v
            rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def test_a_run_value_aggregates_the_whole_horizon_like_a_year():
    weekly = synthetic_weekly({"s": np.array([0.0])}, weeks=104)
    weekly["referrals_per_year"] = np.arange(104, dtype=float)  # a flow: its mean per year
    weekly["looked_after_children"] = np.arange(104, dtype=float) * 2  # a stock: the last week
    weekly["false_negatives_per_year"] = 1.0  # a ratio: sum over sum
    weekly["truly_at_risk_decisions_per_year"] = np.where(np.arange(104) < 52, 1.0, 3.0)
    value = run_values(weekly).loc[("s", 0)]
    assert value["referrals_per_year"] == pytest.approx(51.5)
    assert value["looked_after_children"] == 206.0
    assert value["false_negative_rate"] == pytest.approx(104 / (52 + 156))
    first_year = run_values(weekly, years=[1]).loc[("s", 0)]
    assert first_year["referrals_per_year"] == pytest.approx(25.5)
    assert first_year["false_negative_rate"] == pytest.approx(1.0)


def test_the_paired_difference_is_the_mean_with_a_90_percent_t_interval():
    d = mean_interval(np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]))
    half = T_95_4 * np.std([1, 2, 3, 4, 5], ddof=1) / np.sqrt(5)
    assert d["n"] == 5 and d["mean"] == 3.0
    assert d["p05"] == pytest.approx(3 - half) and d["p95"] == pytest.approx(3 + half)
    one = mean_interval(np.array([2.0]))
    assert one == {"mean": 2.0, "p05": None, "p95": None, "n": 1}


@pytest.mark.parametrize("low, high, better, expected", [
    (-2.0, -1.0, "lower", "better"), (-2.0, -1.0, "higher", "worse"), (1.0, 2.0, "lower", "worse"),
    (1.0, 2.0, "higher", "better"), (-1.0, 2.0, "lower", "no clear difference"), (0.0, 0.0, "lower",
    "no clear difference"), (1.0, 2.0, "neither", "higher"), (-2.0, -1.0, "neither", "lower"),
    (None, None, "lower", "no interval")])
def test_verdicts_need_the_whole_interval_on_one_side(low, high, better, expected):
    assert verdict({"mean": 0.0, "p05": low, "p95": high}, better) == expected


def test_compare_recovers_a_known_paired_difference():
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    shift = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    weekly = synthetic_weekly({"base": base, "reform": base - shift})
    result = compare(weekly, ["base", "reform"])
    harmed = result["outcomes"]["children_harmed_per_year"]
    assert harmed["scenarios"]["base"]["median"] == 30.0
    assert harmed["scenarios"]["reform"]["p05"] == pytest.approx(np.quantile(base - shift, 0.05))
    d = harmed["difference"]["reform"]
    half = T_95_4 * np.std(shift, ddof=1) / np.sqrt(5)
    assert d["mean"] == pytest.approx(-3.0) and d["p95"] == pytest.approx(-3 + half) and d["n"] == 5
    assert d["verdict"] == "better"  # -3 +- 1.5: entirely below zero, and fewer children harmed is better
    assert result["outcomes"]["referrals_per_year"]["difference"]["reform"]["verdict"] == "no clear difference"
    assert result["years"]["labels"] == ["year 1", "year 2"]
    assert result["years"]["difference"]["reform"]["children_harmed_per_year"]["mean"] == pytest.approx([-3, -3])
    assert list(result["outcomes"]) == list(NAMES)
    json.dumps(result)


def test_two_copies_of_a_scenario_differ_by_exactly_zero(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, "one"))
    copy = scenario.model_copy(update={"name": "copy"})
    weekly = run_scenarios([scenario, copy], seeds=2, workers=1)
    assert list(pd.unique(weekly["scenario"])) == ["one", "copy"]
    assert [int(s) for s in pd.unique(weekly["seed"])] == replicate_seeds(11, 2)
    result = compare(weekly, ["one", "copy"])
    for name, o in result["outcomes"].items():
        d = o["difference"]["copy"]
        assert o["scenarios"]["one"] == o["scenarios"]["copy"], name
        if d["mean"] is not None:
            assert d["mean"] == 0 and d["p05"] == 0 and d["p95"] == 0, name
            assert d["verdict"] == "no clear difference"


def test_runs_land_seed_by_seed_each_handed_over_as_it_lands(tmp_path):
    one = load_scenario(write_scenario(tmp_path, "one"))
    two = one.model_copy(update={"name": "two", "constants": {**one.constants, "children_0_19": 9000}})
    order, handed = [], {}
    weekly = run_scenarios([one, two], seeds=2, workers=1, progress=lambda d, n: order.append(("progress", d)),
                           landed=lambda i, k, table: (order.append((i, k)), handed.__setitem__((i, k), table)))
    assert order == [(0, 0), ("progress", 1), (1, 0), ("progress", 2), (0, 1), ("progress", 3), (1, 1),
                     ("progress", 4)]
    stacked = pd.concat([handed[(i, k)] for i in (0, 1) for k in (0, 1)], ignore_index=True)
    pd.testing.assert_frame_equal(weekly, stacked, check_exact=True)


def test_cancelling_stops_between_runs(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, "one"))
    done = []
    with pytest.raises(Cancelled):
        run_scenarios([scenario], seeds=3, workers=1, progress=lambda d, n: done.append((d, n)),
                      cancelled=lambda: len(done) >= 1)
    assert done == [(1, 3)]


def test_unpairable_scenarios_and_bad_seed_counts_are_refused(tmp_path):
    one = load_scenario(write_scenario(tmp_path, "one"))
    longer = load_scenario(write_scenario(tmp_path, "two", years=2))
    with pytest.raises(CompareError, match=r"two\.toml: scenario\.years: 2 differs from 1 in .*one\.toml"):
        check_pairable([one, longer])
    with pytest.raises(CompareError, match="'one' is also the name of"):
        check_pairable([one, one])
    with pytest.raises(CompareError, match=r"--seeds: 0 is out of range: allowed 1 to 10,000"):
        check_seeds(0)


def notes_folder(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    return folder


def cli(*args) -> object:
    return CliRunner().invoke(app, ["compare", *map(str, args)])


@pytest.mark.parametrize("case, message", [
    ("duplicate", "scenarios compared together need distinct names"),
    ("unpairable", "scenario.years: 2 differs from 1"),
    ("seeds", "--seeds: 0 is out of range: allowed 1 to 10,000"),
    ("missing", "nope.toml: no such file"),
    ("report_is_a_file", "is a file, not a folder"),
    ("report_not_a_report", "refusing to replace"),
    ("report_holds_an_input", "holds the input"),
    ("workers", "--workers: 0 is out of range"),
])
def test_cli_refuses_bad_input_with_one_message(tmp_path, case, message):
    one = write_scenario(tmp_path, "one")
    args = {"duplicate": [one, one], "unpairable": [one, write_scenario(tmp_path, "two", years=2)],
            "seeds": [one, write_scenario(tmp_path, "b"), "--seeds", 0], "missing": [one, tmp_path / "nope.toml"],
            "report_is_a_file": [one, write_scenario(tmp_path, "b"), "--report", one],
            "report_not_a_report": [one, write_scenario(tmp_path, "b"), "--report", notes_folder(tmp_path)],
            "report_holds_an_input": [one, write_scenario(tmp_path, "b"), "--report", tmp_path],
            "workers": [one, write_scenario(tmp_path, "b"), "--workers", 0]}[case]
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / INDEX).exists()


def test_cli_prints_the_comparison_and_writes_the_report(tmp_path):
    one, other = write_scenario(tmp_path, "one"), write_scenario(tmp_path, "bigger", children=12000)
    report = tmp_path / "report"
    result = cli(one, other, "--seeds", 2, "--workers", 1, "--json", "--report", report)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["scenarios"] == ["one", "bigger"] and printed["seeds"] == replicate_seeds(11, 2)
    assert set(printed["outcomes"]) == set(NAMES)
    harmed = printed["outcomes"]["children_harmed_per_year"]
    assert set(harmed) == {"label", "better", "headline", "scenarios", "difference"}
    assert set(harmed["difference"]) == {"bigger"}
    page = (report / INDEX).read_text()
    headline = [o.name for o in OUTCOMES if o.headline]
    for name in headline:
        assert (report / f"{name}.png").stat().st_size > 0 and f'src="{name}.png"' in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    table = cli(one, other, "--seeds", 1, "--workers", 1)
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert "1 seed: no intervals" in table.stdout
    first_headline = next(i for i, line in enumerate(lines) if line == "Headline outcomes")
    assert lines[first_headline + 1].strip().startswith(BY_NAME[headline[0]].label)
    assert lines.index("Other outcomes") == first_headline + len(headline) + 1


def test_an_interrupted_comparison_writes_nothing(tmp_path, monkeypatch):
    import abm.compare

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(abm.compare, "run_scenarios", interrupted)
    report = tmp_path / "report"
    result = cli(write_scenario(tmp_path, "one"), write_scenario(tmp_path, "b"), "--report", report)
    assert result.exit_code == 130 and "nothing written" in result.stderr
    assert not report.exists()


def test_a_report_that_fails_half_way_leaves_the_earlier_one(tmp_path, monkeypatch):
    from abm.compare import report as report_module

    weekly = synthetic_weekly({"base": np.array([1.0, 2.0]), "other": np.array([2.0, 2.5])})
    result = compare(weekly, ["base", "other"], outcomes=["children_harmed_per_year", "referrals_per_year"])
    folder = tmp_path / "report"
    report_module.write_report(folder, result)
    before = sorted(p.name for p in folder.iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(report_module.Figure, "savefig", broken)
    with pytest.raises(OSError):
        report_module.write_report(folder, result)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_provisional_results_are_the_comparison_of_the_seeds_complete_so_far():
    weekly = synthetic_weekly({"a": np.array([1.0, 2.0, 3.0, 4.0]), "b": np.array([2.0, 2.5, 5.0, 4.5])})
    runs = {(i, k): run for (i, k), run in zip([(i, k) for i in range(2) for k in range(4)],
                                                 [t for _, t in weekly.groupby(["scenario", "seed"], sort=True)])}
    landing = Landing(2, 4)
    completed = [landing.add(i, k, runs[(i, k)]) for k in (2, 0) for i in (0, 1)]
    assert completed == [False, True, False, True] and landing.complete == [2, 0] and landing.provisional
    expected = compare(pd.concat([runs[(i, k)] for i in range(2) for k in (0, 2)], ignore_index=True), ["a", "b"],
                       outcomes=[HEADLINE], per_year=False)["outcomes"][HEADLINE]["difference"]["b"]
    assert provisional_line(landing, ["a", "b"]).endswith(f"difference from a: b {difference_cell(expected, False)}")
    assert "2 of 4 seeds" in provisional_line(landing, ["a", "b"])
    for k in (1, 3):
        for i in (0, 1):
            landing.add(i, k, runs[(i, k)])
    assert not landing.provisional  # every seed in: the results are final


def test_cli_prints_provisional_lines_as_seeds_complete(tmp_path):
    one, other = write_scenario(tmp_path, "one"), write_scenario(tmp_path, "bigger", children=12000)
    result = cli(one, other, "--seeds", 3, "--workers", 1)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("provisional")]
    assert len(lines) == 1 and lines[0].startswith("provisional, 2 of 3 seeds: children significantly harmed a year, "
                                                   "difference from one: bigger ")
