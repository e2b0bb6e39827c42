"""`cpsim validate`: the JSON it prints, its exit status, its report, its refusals.

Runs are small (5,000 children, one warm-up year, two seeds), so the real targets mostly
fail: these tests check the command, never that the model meets its targets.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from typer.testing import CliRunner

from abm.cli import app
from abm.seeds import replicate_seeds
from abm.validation import TARGETS_FILE, load_targets

SMALL = """
[scenario]
name = "small_history"
start_date = 2006-04-01
years = 5
warmup_years = 1
seeds = 2
root_seed = 7

[constants]
children_0_19 = 5000

[[events]]
kind = "national_publicity"
date = 2008-11-11
anxiety_jump = 1.0
"""
KEYS = ["name", "period", "held_out", "target", "median", "p05", "p95", "low", "high", "ok"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "small_history.toml"
    path.write_text(SMALL)
    return path


def validate(*args):
    return CliRunner().invoke(app, ["validate", "--workers", "1", *map(str, args)])


@pytest.fixture(scope="module")
def small_json(small):
    result = validate("--scenario", small, "--json")
    return result, json.loads(result.stdout)


def test_json_shape_exactly_as_documented(small_json):
    result, out = small_json
    targets = load_targets()
    assert list(out) == ["ok", "targets"] and isinstance(out["ok"], bool)
    assert len(out["targets"]) == len(targets)
    for row, t in zip(out["targets"], targets):
        assert list(row) == KEYS
        assert (row["name"], row["period"], row["target"]) == (t.name, t.period, t.value)
        assert row["low"] == pytest.approx(t.low) and row["high"] == pytest.approx(t.high)
        assert isinstance(row["ok"], bool)
        if row["median"] is None:
            assert row["ok"] is False
        else:
            assert row["p05"] <= row["median"] <= row["p95"]
            assert row["ok"] == (row["low"] <= row["median"] <= row["high"])
    assert out["ok"] == all(row["ok"] for row in out["targets"])
    assert result.exit_code == (0 if out["ok"] else 1)


def test_exit_status_0_when_all_pass_and_1_when_one_fails(small, small_json, tmp_path):
    _, out = small_json
    referrals = next(row for row in out["targets"] if row["name"] == "referrals" and row["period"] == "2008/09")
    entry = ('[tolerances]\nb = {{ tolerance = 0.05, reason = "test" }}\n\n[[target]]\nname = "referrals"\n'
             'outcome = "referrals_per_year"\nkind = "level"\nperiod = "2008/09"\nvalue = {value}\nband = "b"\n'
             'source = "test"\n')
    passing, failing = tmp_path / "pass.toml", tmp_path / "fail.toml"
    passing.write_text(entry.format(value=referrals["median"]))
    failing.write_text(entry.format(value=2 * referrals["median"]))
    ok = validate("--scenario", small, "--targets", passing)
    assert ok.exit_code == 0, ok.output
    lines = ok.stdout.splitlines()
    assert lines[0] == "small_history: calibration targets against the median (5th-95th percentile) over 2 seeds"
    assert lines[3].startswith("referrals") and lines[3].endswith("PASS")
    assert lines[-1] == "1 of 1 targets pass."
    bad = validate("--scenario", small, "--targets", failing, "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["ok"] is False


def test_report_one_html_page_with_a_plot_per_target_and_taylor_russell_panels(small, tmp_path):
    folder = tmp_path / "report"
    result = validate("--scenario", small, "--report", folder)
    assert result.exit_code in (0, 1), result.output
    assert [p.name for p in folder.iterdir()] == ["validation.html"]
    page = (folder / "validation.html").read_text()
    names = list(dict.fromkeys(t.name for t in load_targets()))
    images = re.findall(r'<img class="([a-z-]+)" alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page)
    assert [c for c, _, _ in images] == ["target"] * len(names) + ["taylor-russell"]
    assert [alt.split(":")[0] for _, alt, _ in images[:-1]] == names
    assert all(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") for _, _, data in images)
    assert page.index('<table class="summary">') < page.index('<img class="target"')
    assert page.count('<tr class="pass">') + page.count('<tr class="fail">') == len(load_targets())
    seed = replicate_seeds(7, 2)[0]
    assert f"One run (seed {seed})" in page
    panels = page[page.index('<table class="taylor-russell">'):]
    for stage in ("front door", "assessment", "all"):
        assert f"<tr><td>{stage}</td>" in panels
    assert "src=\"http" not in page and "<script" not in page  # self-contained
    assert str(folder / "validation.html") in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--targets", "missing.toml"], "missing.toml: no such file"),
    (["--seeds", "0"], "command line: --seeds: 0 is out of range"),
    (["--workers", "0"], "--workers: 0 is out of range"),
])
def test_refusals_exit_2_and_print_nothing(small, args, message):
    result = validate("--scenario", small, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr


def test_malformed_targets_file_refused(small, tmp_path):
    bad = tmp_path / "targets.toml"
    bad.write_text(TARGETS_FILE.read_text() + '\n[tolerances.wide]\ntolerance = 0.3\nreason = "too wide"\n')
    result = validate("--scenario", small, "--targets", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (f"error: {bad}: tolerances.wide.tolerance: 0.3 is out of range: a band "
                                     "may be at most +/-20% (tolerance above 0, at most 0.2)")


def test_scenario_that_misses_a_target_year_refused(tmp_path):
    short = tmp_path / "short.toml"
    short.write_text(SMALL.replace("years = 5", "years = 3"))
    result = validate("--scenario", short)
    assert result.exit_code == 2 and result.stdout == ""
    assert "2009/10 is not a whole simulated year of scenario 'small_history'" in result.stderr
