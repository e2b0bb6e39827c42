"""The `cpsim` command line and the summaries it prints.

`cpsim run --json` prints exactly the documented summary, alone on stdout, and it is the
summary of the run it saved; the table names every outcome; `cpsim params` lists every
parameter. The summary statistics and the table's number formatting are checked on
synthetic runs whose answers are known.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from abm import calendar
from abm.cli import app
from abm.outcomes import BY_NAME, NAMES, OUTCOMES
from abm.parameters import PARAMETERS
from abm.results import read_results
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds
from abm.summary import render_table, summarise

SMALL = """
[scenario]
{start}
years = 2
warmup_years = 1
seeds = 2
root_seed = 99

[constants]
children_0_19 = 5000
"""


def cpsim_run(tmp_path: Path, *args: str, start: str = "start_date = 2011-04-01"):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL.format(start=start))
    result = CliRunner().invoke(app, ["run", str(scenario), "--workers", "1", "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 0, result.output
    return result, load_scenario(scenario)


def assert_documented_shape(summary: dict, labels: list[str], seeds: list[int]) -> None:
    assert list(summary) == ["scenario", "seeds", "uncertainty", "years"]
    assert summary["scenario"] == "small" and summary["seeds"] == seeds
    assert summary["uncertainty"] == ["seeds"]  # no parameter file: nothing drawn from the posterior
    assert [year["label"] for year in summary["years"]] == labels
    for year in summary["years"]:
        assert list(year) == ["label", "outcomes"]
        assert list(year["outcomes"]) == list(NAMES)
        for stats in year["outcomes"].values():
            assert list(stats) == ["median", "p05", "p95"]
            assert all(v is None or isinstance(v, float) for v in stats.values())
            if stats["median"] is not None:
                assert stats["p05"] <= stats["median"] <= stats["p95"]


def test_run_json_for_a_dated_scenario_is_the_summary_of_the_saved_run(tmp_path):
    result, scenario = cpsim_run(tmp_path, "--json")
    summary = json.loads(result.stdout)
    assert_documented_shape(summary, ["2011/12", "2012/13"], replicate_seeds(99, 2))
    weekly, _ = read_results(tmp_path / "out")
    assert summary == summarise(weekly, scenario)


def test_run_json_for_an_undated_scenario_counts_model_years(tmp_path):
    result, _ = cpsim_run(tmp_path, "--json", "--seeds", "1", start="")
    assert_documented_shape(json.loads(result.stdout), ["year 1", "year 2"], replicate_seeds(99, 1))


def test_run_table_names_every_outcome(tmp_path):
    result, _ = cpsim_run(tmp_path, "--years", "1")
    assert result.stdout.startswith("small: median (5th-95th percentile) over 2 seeds")
    for o in OUTCOMES:
        assert f"{o.label} [{o.name}]" in result.stdout
    assert "2011/12" in result.stdout and "2012/13" not in result.stdout


def test_params_lists_every_parameter():
    result = CliRunner().invoke(app, ["params"])
    assert result.exit_code == 0
    for p in PARAMETERS.values():
        assert f"  {p.name} = " in result.stdout and p.meaning in result.stdout
    listed = json.loads(CliRunner().invoke(app, ["params", "--json"]).stdout)
    assert [p["name"] for p in listed] == list(PARAMETERS)
    assert listed[0].keys() == {"name", "group", "default", "low", "high", "meaning", "source"}


def test_params_filters_by_word():
    result = CliRunner().invoke(app, ["params", "turnover", "--json"])
    names = [p["name"] for p in json.loads(result.stdout)]
    assert names and all("turnover" in n or "turnover" in PARAMETERS[n].meaning for n in names)
    assert "turnover_base_rate_per_year" in names and "children_0_19" not in names


def synthetic(seeds=(11, 22, 33), years=2, start=None) -> pd.DataFrame:
    """Weekly tables where referrals are the seed number, contacts twice that, and the
    looked-after count is the week number; decisions to intervene stop in year 2."""
    weeks = years * calendar.WEEKS_PER_YEAR
    labels = calendar.year_labels(start, weeks)
    frames = []
    for seed in seeds:
        frame = pd.DataFrame({"scenario": "syn", "seed": np.uint64(seed), "week": np.arange(weeks),
                              "year": np.arange(weeks) // 52 + 1, "year_label": labels})
        values = {name: np.ones(weeks) for name in NAMES}
        values["referrals_per_year"] = np.full(weeks, float(seed))
        values["contacts_per_year"] = np.full(weeks, 2.0 * seed)
        values["looked_after_children"] = np.arange(weeks, dtype=float)
        values["intervention_decisions_per_year"] = np.where(np.arange(weeks) < 52, 1.0, 0.0)
        frames.append(pd.concat([frame, pd.DataFrame(values)], axis=1))
    return pd.concat(frames, ignore_index=True)


class Named:
    name = "syn"


def test_summary_gives_median_and_90_percent_band_over_seeds():
    summary = summarise(synthetic(), Named())
    first, second = (year["outcomes"] for year in summary["years"])
    assert summary["seeds"] == [11, 22, 33]
    assert first["referrals_per_year"] == pytest.approx({"median": 22.0, "p05": 12.1, "p95": 31.9})
    assert first["contact_to_referral_rate"] == {"median": 0.5, "p05": 0.5, "p95": 0.5}
    assert first["looked_after_children"]["median"] == 51.0
    assert second["looked_after_children"]["median"] == 103.0
    assert second["false_positive_rate"] == {"median": None, "p05": None, "p95": None}
    json.dumps(summary, allow_nan=False)


def test_table_formats_numbers_rates_and_missing_values():
    stats = {name: {"median": 1.0, "p05": 1.0, "p95": 1.0} for name in NAMES}
    stats["referrals_per_year"] = {"median": 80921.0, "p05": 999.96, "p95": 12_345_678.0}
    stats["direct_work_share"] = {"median": 0.12345, "p05": 0.1, "p95": 0.2}
    stats["public_anxiety"] = {"median": -0.5, "p05": -1.25, "p95": 0.004}
    stats["false_positive_rate"] = {"median": None, "p05": None, "p95": None}
    table = render_table({"scenario": "syn", "seeds": [1], "years": [{"label": "year 1", "outcomes": stats}]})
    rows = {line.split("]")[0].split("[")[-1]: line for line in table.splitlines() if "]" in line}
    assert rows["referrals_per_year"].endswith("80,900 (1,000-12.3m)")
    assert rows["direct_work_share"].endswith("12.3% (10%-20%)")
    assert rows["public_anxiety"].endswith("-0.5 (-1.25 to 0.004)")
    assert rows["false_positive_rate"].endswith("n/a")
    assert rows["caseload_mean"].endswith(" 1")
    assert table.splitlines()[0] == "syn: median (5th-95th percentile) over 1 seed"


def test_wide_tables_wrap_into_blocks_of_years():
    summary = summarise(synthetic(years=12, start=dt.date(2011, 4, 1)), Named())
    table = render_table(summary)
    assert max(map(len, table.splitlines())) <= 160
    headers = [line for line in table.splitlines() if line.startswith("Outcome")]
    assert len(headers) > 1
    shown = [label for line in headers for label in line.split()[1:]]
    assert shown == [year["label"] for year in summary["years"]]
    assert table.count(f"{BY_NAME['referrals_per_year'].label} [referrals_per_year]") == len(headers)


def test_run_refuses_to_replace_a_folder_that_is_not_a_results_folder(tmp_path):
    keep = tmp_path / "out" / "notes.txt"
    keep.parent.mkdir()
    keep.write_text("mine")
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL.format(start=""))
    result = CliRunner().invoke(app, ["run", str(scenario), "--seeds", "1", "--years", "1", "--workers", "1",
                                      "--out", str(keep.parent)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (f"error: --out: refusing to replace {keep.parent}: it was not made by "
                                              "cpsim (no .cpsim.json marker) and holds notes.txt; choose another folder")
    assert [p.name for p in keep.parent.iterdir()] == ["notes.txt"] and keep.read_text() == "mine"
