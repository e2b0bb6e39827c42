"""Output places: cpsim never deletes what it did not make, checks every output before it runs,
cleans up after a killed writer, and saves what finished elsewhere when a write fails.

The data-loss cases of issue 11 are here as they were measured: a folder holding a
`manifest.json` (run), an `index.html` (compare, workshop) or a `report.md` (analyze) beside
the user's own files was replaced whole.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import abm.folders
import abm.sweep.store
from abm.cli import app
from abm.folders import MARKER, OutputError, atomic_folder, atomic_write_bytes, check_output, clean_stale
from abm.results import read_results, write_results
from abm.run import run
from abm.scenario import Scenario
from abm.sweep.design import make_design
from abm.sweep.runner import run_sweep
from abm.sweep.spec import load_sweep
from abm.sweep.store import read_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SMALL = Scenario(name="small", years=1, warmup_years=0, seeds=1, root_seed=3, constants={"children_0_19": 5000})
SMALL_FILE = """\
[scenario]
name = "small"
years = 1
warmup_years = 0
seeds = 1
root_seed = 3
[constants]
children_0_19 = 5000
"""
SWEEP_FILE = """\
[sweep]
base = "small.toml"
replicates = 1
root_seed = 5
outcomes = ["referrals_per_year"]
[design]
kind = "grid"
[parameters]
deprivation_mean = { values = [0.2, 0.4] }
"""


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    return run(SMALL, 11)


@pytest.fixture
def small(tmp_path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "small.toml").write_text(SMALL_FILE)
    return folder / "small.toml"


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"/" for p in sorted(folder.rglob("*"))}


def refused(result, *fragments: str) -> str:
    """The one `error:` line of a refusal (after any progress bars), checked to hold each fragment."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr and result.stderr.count("error: ") == 1, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in message, message
    return message


def _ended() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_the_issue_example_keeps_mine_src_app_js(tmp_path):
    mine = tmp_path / "mine"
    (mine / "src").mkdir(parents=True)
    (mine / "manifest.json").write_text("{}\n")
    (mine / "src" / "app.js").write_text("keep\n")
    before = tree(mine)
    result = cli("run", BASELINE, "--seeds", 1, "--years", 1, "--out", mine)
    refused(result, f"--out: refusing to replace {mine}: it was not made by cpsim", "manifest.json, src/")
    assert tree(mine) == before


@pytest.mark.parametrize("command, option, theirs", [
    ("compare", "--report", "index.html"), ("workshop", "--report", "index.html"), ("analyze", "--out", "report.md")])
def test_a_report_or_analysis_folder_with_the_users_files_is_kept(tmp_path, small, command, option, theirs):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / theirs).write_text("<p>my page</p>")
    (folder / "notes.txt").write_text("keep")
    before = tree(folder)
    args = {"compare": [small, small.with_name("other.toml")], "workshop": [BASELINE.parent / "reforms" /
                                                                            "munro_full.toml"],
            "analyze": [tmp_path / "some-sweep"]}[command]
    small.with_name("other.toml").write_text(SMALL_FILE.replace('"small"', '"other"'))
    result = cli(command, *args, option, folder)
    refused(result, f"{option}: refusing to replace {folder}: it was not made by cpsim", theirs, "notes.txt")
    assert tree(folder) == before


def test_a_run_folder_is_replaced_only_while_it_holds_nothing_else(tmp_path, weekly):
    out = tmp_path / "out"
    write_results(out, SMALL, [11], weekly)
    marker = (out / MARKER).read_text()
    assert '"kind": "run"' in marker and '"manifest.json"' in marker and '"outcomes.parquet"' in marker
    write_results(out, SMALL, [11], weekly)
    (out / "extra").mkdir()
    with pytest.raises(OutputError, match=r"it holds what cpsim did not write there: extra/"):
        write_results(out, SMALL, [11], weekly)
    (out / "extra").rmdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt"):
        write_results(out, SMALL, [11], weekly)
    assert (out / "notes.txt").read_text() == "mine"


def test_a_folder_of_another_kind_or_with_a_forged_marker_is_refused(tmp_path, weekly):
    analysis = tmp_path / "analysis"
    with atomic_folder(analysis, "analysis") as tmp:
        (tmp / "report.md").write_text("# report")
    with pytest.raises(OutputError, match="it is a cpsim analysis folder, not a run folder"):
        write_results(analysis, SMALL, [11], weekly)
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / MARKER).write_text("[" * 100_000)
    with pytest.raises(OutputError, match=r"no \.cpsim\.json marker"):
        write_results(forged, SMALL, [11], weekly)


def test_an_empty_folder_is_used(tmp_path, weekly):
    (tmp_path / "empty").mkdir()
    write_results(tmp_path / "empty", SMALL, [11], weekly)
    assert read_results(tmp_path / "empty")[1]["seeds"] == [11]


@pytest.mark.parametrize("given, fragment", [
    (".", "'.' names no folder of its own"),
    ("..", "'..' names no folder of its own"),
    ("a/..", "names no folder of its own"),
    ("notes.txt", "notes.txt is a file, not a folder"),
    ("notes.txt/out", "cannot be created: {tmp}/notes.txt is a file, not a folder"),
    ("inputs", "inputs holds the input {tmp}/inputs/small.toml"),
    ("link", "link is a symbolic link"),
], ids=["dot", "dotdot", "into-dotdot", "file", "under-file", "holds-input", "symlink"])
def test_an_output_place_that_cannot_work_is_refused(tmp_path, small, given, fragment):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "link").symlink_to(tmp_path / "inputs")
    place = Path(given) if given.startswith(".") else tmp_path / given
    with pytest.raises(OutputError, match=re.escape(fragment.format(tmp=tmp_path))):
        check_output(place, "--out", "run", [small])
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_output_inside_a_sweep_folder_is_only_the_analysis_beside_its_records(tmp_path):
    sweep = tmp_path / "sweep"
    parts = [sweep / name for name in ("sweep.json", "design.parquet", "runs", "failures")]
    (sweep / "runs").mkdir(parents=True)
    check_output(sweep / "analysis", "--out", "analysis", parts)
    with pytest.raises(OutputError, match="lies inside the input folder"):
        check_output(sweep / "runs" / "x", "--out", "analysis", parts)
    with pytest.raises(OutputError, match="holds the input"):
        check_output(sweep, "--out", "analysis", parts)


def test_run_refuses_its_scenarios_folder_the_current_folder_and_a_path_under_a_file():
    refused(cli("run", BASELINE, "--out", BASELINE.parent), f"holds the input {BASELINE}")
    refused(cli("run", BASELINE, "--out", "."), "--out: '.' names no folder of its own")
    refused(cli("run", BASELINE, "--out", BASELINE / "out"), "cannot be created", "is a file, not a folder")


def test_the_temporaries_of_a_killed_writer_are_cleaned_by_the_next_write(tmp_path, weekly):
    out = tmp_path / "out"
    write_results(out, SMALL, [11], weekly)
    gone, alive = _ended(), os.getppid()
    stale = [tmp_path / f".out.tmp-{gone}-0123abcd", tmp_path / f".out.old-{gone}-4567cdef"]
    for folder in stale:
        folder.mkdir()
        (folder / "outcomes.parquet").write_bytes(b"half")
    busy = tmp_path / f".out.tmp-{alive}-89abcdef"
    busy.mkdir()
    theirs = tmp_path / ".out.tmp-notes"
    theirs.write_text("not a temporary of cpsim's")
    write_results(out, SMALL, [11], weekly)
    assert not any(p.exists() for p in stale)
    assert busy.is_dir() and theirs.read_text() == "not a temporary of cpsim's"
    (tmp_path / f".f.json.tmp-{gone}-0123abcd").write_bytes(b"{")
    atomic_write_bytes(tmp_path / "f.json", b"{}")
    assert not (tmp_path / f".f.json.tmp-{gone}-0123abcd").exists()


def test_a_folder_moved_aside_by_a_killed_swap_is_put_back(tmp_path, weekly):
    out = tmp_path / "out"
    write_results(out, SMALL, [11], weekly)
    aside = tmp_path / f".out.old-{_ended()}-0123abcd"
    out.rename(aside)
    clean_stale(out)
    assert not aside.exists() and read_results(out)[1]["seeds"] == [11]


def _failing_swap(monkeypatch, failing: Path) -> None:
    """Make the swap into `failing` fail as a full disk does."""
    real = abm.folders._swap_in

    def swap(new: Path, out: Path) -> None:
        if out == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(new, out)

    monkeypatch.setattr(abm.folders, "_swap_in", swap)
    monkeypatch.setattr(tempfile, "tempdir", str(failing.parent))


def test_a_run_that_cannot_be_saved_is_saved_elsewhere_and_says_where(tmp_path, small, monkeypatch):
    out = tmp_path / "out"
    _failing_swap(monkeypatch, out)
    message = refused(cli("run", small, "--workers", 1, "--out", out),
                      f"--out: cannot write {out}: No space left on device; the run was saved in ")
    saved = Path(message.split("saved in ")[1].removesuffix(" instead"))
    assert saved.parent.parent == tmp_path and read_results(saved)[1]["seeds"]
    assert not out.exists() and [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_sweep_whose_disk_fills_keeps_the_finished_runs_and_says_how_to_go_on(tmp_path, small, monkeypatch):
    (small.parent / "sweep.toml").write_text(SWEEP_FILE)
    out = tmp_path / "sweep"
    real = abm.sweep.store.SweepFolder.write_run

    def full_after_one(folder, point, replicate, table):
        if folder.finished:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(folder, point, replicate, table)

    monkeypatch.setattr(abm.sweep.store.SweepFolder, "write_run", full_after_one)
    refused(cli("sweep", small.parent / "sweep.toml", "--workers", 1, "--out", out),
            "cannot save a finished run: No space left on device; the 1 runs finished so far are saved here",
            "--resume")
    assert len(read_sweep(out)[2]) == 52


def test_resume_runs_again_a_run_whose_file_was_truncated(tmp_path, small):
    (small.parent / "sweep.toml").write_text(SWEEP_FILE)
    sweep = load_sweep(small.parent / "sweep.toml")
    out = tmp_path / "sweep"
    run_sweep(sweep, make_design(sweep), out, workers=1, progress=False)
    whole = read_sweep(out)[2]
    damaged = out / "runs" / "p000001-r000.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-100])
    report = run_sweep(sweep, make_design(sweep), out, workers=1, resume=True, progress=False)
    assert (report.earlier, report.finished) == (1, 1)
    pd.testing.assert_frame_equal(read_sweep(out)[2], whole)
