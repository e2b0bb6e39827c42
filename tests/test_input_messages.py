"""The messages and bounds of issue 11: each refusal names the file (and key, and allowed range), in one line.

A UTF-8 byte order mark is accepted; parameter-file errors say "parameter file"; `analyze ""`
says what is wrong; a non-finite number (an ensemble's `sigma = nan`) is refused at load with
its key; dates lie in a stated range and events and levers begin within the run; `compare`
refuses scenarios whose seeds would not pair; deep nesting is refused without a
RecursionError; every count option has bounds, and `--workers` beyond the cores is capped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import abm.engines
import abm.engines.local
from abm.cli import app
from abm.scenario import ScenarioError, load_scenario
from abm.sweep.spec import SweepError, load_sweep

ROOT = Path(__file__).resolve().parents[1]

HEADER = "[scenario]\nname = \"{name}\"\nstart_date = 2011-04-01\nyears = 2\nwarmup_years = 1\nseeds = 1\nroot_seed = {root}\n"
ENSEMBLE = """\
[sweep]
base = "base.toml"
replicates = 1
root_seed = 1
outcomes = ["referrals_per_year"]
[design]
kind = "ensemble"
samples = 2
[parameters]
deprivation_mean = { distribution = "lognormal", median = 0.3, sigma = nan }
"""


def scenario(folder, name: str = "s", root: int = 1, extra: str = ""):
    path = folder / f"{name}.toml"
    path.write_text(HEADER.format(name=name, root=root) + extra)
    return path


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message and "Traceback" not in message, message
    return message


def test_a_utf8_byte_order_mark_is_accepted_and_utf16_is_named(tmp_path):
    plain = load_scenario(scenario(tmp_path, "plain"))
    marked = tmp_path / "marked.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + (tmp_path / "plain.toml").read_bytes())
    assert load_scenario(marked).model_copy(update={"source": None}) == plain.model_copy(update={"source": None})
    wide = tmp_path / "wide.toml"
    wide.write_text((tmp_path / "plain.toml").read_text(), encoding="utf-16")
    with pytest.raises(ScenarioError, match=f"{wide}: is UTF-16 text .*; save it as UTF-8"):
        load_scenario(wide)


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe\x00\x00", "is UTF-16 text"),
    (b"\xc3\x28 = 1", "not UTF-8 text; is it really a TOML parameter file?"),
    (b"#" * 1_000_001, "parameter files are limited to 1,000,000"),
    (b"[constants]\nx = ", "not valid TOML"),
    (b"[provenance]\n", "a parameter file needs a [constants] table"),
])
def test_parameter_file_errors_say_parameter_file(tmp_path, content, fragment):
    (tmp_path / "fit.toml").write_bytes(content)
    path = scenario(tmp_path, extra="").read_text().replace("root_seed = 1", 'root_seed = 1\nparameters = "fit.toml"')
    (tmp_path / "s.toml").write_text(path)
    with pytest.raises(ScenarioError) as refused:
        load_scenario(tmp_path / "s.toml")
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 's.toml'}: scenario.parameters: {tmp_path / 'fit.toml'}: ")
    assert fragment in message and "scenario file" not in message


def test_analyze_of_an_empty_path_says_so(tmp_path):
    assert one_line(cli("analyze", "")) == ("error: RESULTS_DIR: an empty path was given; give a sweep's results "
                                           "folder (one written by cpsim sweep)")


def test_an_ensemble_sigma_of_nan_is_refused_at_load_with_its_key(tmp_path):
    scenario(tmp_path, "base")
    (tmp_path / "ensemble.toml").write_text(ENSEMBLE)
    with pytest.raises(SweepError, match=r"ensemble\.toml: parameters\.deprivation_mean\.sigma: nan is not a finite"):
        load_sweep(tmp_path / "ensemble.toml")
    (tmp_path / "ensemble.toml").write_text(ENSEMBLE.replace("nan", "inf"))
    with pytest.raises(SweepError, match=r"parameters\.deprivation_mean\.sigma: inf is not a finite number"):
        load_sweep(tmp_path / "ensemble.toml")


@pytest.mark.parametrize("extra, fragment", [
    ('[[levers]]\nreform = "R1"\nstart = 9999-12-31\n',
     "levers[1].start: 9999-12-31 falls after the run ends, so it would never act: allowed week -52 (2010-04-02) "
     "to week 103 (2013-03-22)"),
    ('[[levers]]\nreform = "R1"\nstart_week = 104\n', "levers[1].start_week: 104 falls after the run ends"),
    ('[[events]]\nkind = "national_publicity"\nweek = 500\nanxiety_jump = 1.0\n',
     "events[1].week: 500 falls after the run ends"),
    ('[[events]]\nkind = "national_publicity"\ndate = 2013-03-29\nanxiety_jump = 1.0\n',
     "events[1].date: 2013-03-29 falls after the run ends"),
], ids=["lever-date", "lever-week", "event-week", "event-date"])
def test_a_lever_or_event_after_the_run_ends_is_refused(tmp_path, extra, fragment):
    path = scenario(tmp_path, extra=extra)
    assert fragment in one_line(cli("run", path, "--out", tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("date", ["9999-06-01", "1899-12-31", "2201-01-01"])
def test_start_dates_lie_in_the_stated_range(tmp_path, date):
    path = scenario(tmp_path)
    path.write_text(path.read_text().replace("2011-04-01", date))
    with pytest.raises(ScenarioError, match=f"scenario.start_date: {date} is out of range: allowed 1900-01-01 to "
                                            "2200-12-31"):
        load_scenario(path)


def test_compare_refuses_scenarios_whose_seeds_would_not_pair(tmp_path):
    first, second = scenario(tmp_path, "a", root=1), scenario(tmp_path, "b", root=2)
    message = one_line(cli("compare", first, second, "--seeds", 1))
    assert message == (f"error: {second}: scenario.root_seed: 2 differs from 1 in {first}; every scenario runs on "
                       "the seeds drawn from one root_seed (common random numbers), so the files' root_seed must agree")


@pytest.mark.parametrize("depth, refused", [(25, False), (40, True), (50_000, True)])
def test_deep_nesting_is_refused_naming_the_file(tmp_path, depth, refused):
    path = scenario(tmp_path, extra=f"[[levers]]\nreform = \"R1\"\nzzz = {'[' * depth}{']' * depth}\n")
    with pytest.raises(ScenarioError) as found:
        load_scenario(path)
    message = str(found.value)
    assert message.startswith(f"{path}: ")
    assert ("nested" in message) == refused, message  # not refused for its depth: for the unknown argument


@pytest.mark.parametrize("args, message", [
    (["calibrate", "--seeds", "100000000"], "--seeds: 100000000 is out of range: allowed 1 to 1,000"),
    (["calibrate", "--holdout-seeds", "0"], "--holdout-seeds: 0 is out of range: allowed 1 to 1,000"),
    (["calibrate", "--trials", "0"], "--trials: 0 is out of range: allowed 1 to 10,000"),
    (["calibrate", "--trials", "100000"], "--trials: 100000 is out of range: allowed 1 to 10,000"),
    (["calibrate", "--workers", "0"], "--workers: 0 is out of range: allowed 1 or more"),
    (["compare", "A", "A2", "--seeds", "100000"], "--seeds: 100000 is out of range: allowed 1 to 10,000"),
    (["workshop", "PACKAGE", "--seeds", "0"], "--seeds: 0 is out of range: allowed 1 to 10,000"),
    (["validate", "--seeds", "20000"], "--seeds: 20000 is out of range: allowed 1 to 10,000"),
    (["sweep", "SWEEP", "--workers", "-3"], "--workers: -3 is out of range: allowed 1 or more"),
], ids=lambda v: "-".join(v) if isinstance(v, list) else None)
def test_every_count_option_is_bounded(tmp_path, args, message):
    names = {"A": scenario(tmp_path, "a"), "A2": scenario(tmp_path, "a2"), "SWEEP": tmp_path / "sweep.toml",
             "PACKAGE": ROOT / "scenarios" / "reforms" / "munro_full.toml"}
    (tmp_path / "sweep.toml").write_text(ENSEMBLE.replace("base.toml", "a.toml").replace("nan", "0.2"))
    out = ["--out", str(tmp_path / "out")] if args[0] == "calibrate" else []
    result = cli(*(names.get(a, a) for a in args), *out)
    assert message in one_line(result)
    assert not (tmp_path / "out").exists()


def test_workers_beyond_the_cores_are_capped_with_a_note(tmp_path, monkeypatch):
    started = []

    class Recording(abm.engines.local.LocalEngine):
        def __init__(self, workers=None):
            started.append(workers)
            super().__init__(1)

    monkeypatch.setattr(abm.engines.local, "cores", lambda: 2)
    monkeypatch.setitem(abm.engines.ENGINES, "local", Recording)
    path = scenario(tmp_path, extra="[constants]\nchildren_0_19 = 5000\n")
    result = CliRunner().invoke(app, ["run", str(path), "--seeds", "4", "--years", "1", "--workers", "1000",
                                      "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.stderr
    assert "note: --workers 1000: this machine has 2 cores; using 2 workers" in result.stderr.splitlines()
    assert started == [2]
    assert isinstance(pd.read_parquet(tmp_path / "out" / "outcomes.parquet"), pd.DataFrame)
