"""Killing cpsim leaves no process behind and no half-written output.

`cpsim run` and `cpsim sweep` with 2 workers are started as subprocesses and the parent alone
is killed (SIGKILL or SIGTERM: the OOM killer or a scheduler, not Ctrl-C) once its workers exist,
or once the sweep has saved a run. Every process the parent started (the two workers and
multiprocessing's resource tracker) must end soon after it, and the output must be the old
folder untouched or the new one complete: never half of one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from abm.results import read_results, write_results
from abm.run import run
from abm.scenario import Scenario
from abm.sweep.store import read_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SWEEP = """\
[sweep]
base = "{base}"
years = 3
replicates = 2
root_seed = 5
outcomes = ["referrals_per_year"]
[design]
kind = "grid"
[parameters]
deprivation_mean = {{ values = [0.2, 0.3, 0.4] }}
"""
WAIT_SECONDS = 120  # for the workers to start or a run to finish (the machine may be busy)
END_SECONDS = 30  # for the orphans of a killed parent to end (the watchdog checks twice a second)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def children(pid: int) -> set[int]:
    return {int(p) for p in os.listdir("/proc") if p.isdigit() and parent_of(int(p)) == pid}


def running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "abm.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(proc: subprocess.Popen, ready, sig: int) -> set[int]:
    """Send `sig` to `proc` once `ready()` holds and its workers are up; return every child it had started."""
    seen: set[int] = set()
    deadline = time.monotonic() + WAIT_SECONDS
    while len(seen) < 3 or not ready():  # two workers and the resource tracker
        assert proc.poll() is None, "cpsim ended before it could be killed"
        assert time.monotonic() < deadline, f"not ready after {WAIT_SECONDS} s (children: {sorted(seen)})"
        seen |= children(proc.pid)
        time.sleep(0.02)
    seen |= children(proc.pid)
    proc.send_signal(sig)
    proc.wait()
    return seen


def left_after(pids: set[int]) -> set[int]:
    """The processes of `pids` still running once they have had END_SECONDS to end."""
    deadline = time.monotonic() + END_SECONDS
    while (alive := {p for p in pids if running(p)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def stop(pids: set[int]) -> None:
    for pid in pids:  # only processes this test started, should any have survived
        if running(pid):
            os.kill(pid, signal.SIGKILL)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_run_leaves_no_worker_and_its_old_results_whole(tmp_path, sig):
    old = Scenario(name="old", years=1, warmup_years=0, seeds=1, root_seed=3, constants={"children_0_19": 5000})
    out = write_results(tmp_path / "out", old, [1], run(old, 1))
    before = tree(out)
    proc = start(["run", str(BASELINE), "--seeds", "4", "--years", "3", "--workers", "2", "--point", "--out", str(out)],
                 tmp_path)
    started: set[int] = set()
    try:
        started = kill_when(proc, lambda: True, sig)
        assert proc.returncode == -sig, "cpsim was not killed mid-run (it finished first)"
        assert left_after(started) == set(), f"processes left after the parent was killed: {sorted(started)}"
    finally:
        stop(started | children(proc.pid))
    if tree(out) != before:  # killed just as it swapped the new folder in: then it is complete
        assert read_results(out)[1]["scenario"]["name"] == "baseline"


@pytest.mark.parametrize("sig, when", [(signal.SIGKILL, "a run saved"), (signal.SIGTERM, "workers started")],
                         ids=["SIGKILL-after-a-run", "SIGTERM-at-start"])
def test_a_killed_sweep_leaves_no_worker_and_only_whole_run_files(tmp_path, sig, when):
    (tmp_path / "sweep.toml").write_text(SWEEP.format(base=ROOT / "scenarios" / "fresh_2011.toml"))
    out = tmp_path / "sweep"
    runs = out / "runs"
    saved = (lambda: runs.is_dir() and any(runs.glob("p*.parquet"))) if when == "a run saved" else (lambda: True)
    proc = start(["sweep", str(tmp_path / "sweep.toml"), "--workers", "2", "--out", str(out)], tmp_path)
    started: set[int] = set()
    try:
        started = kill_when(proc, saved, sig)
        assert proc.returncode == -sig, "the sweep was not killed mid-way (it finished first)"
        assert left_after(started) == set(), f"processes left after the parent was killed: {sorted(started)}"
    finally:
        stop(started | children(proc.pid))
    if (out / "sweep.json").exists():
        manifest, _, finished = read_sweep(out)  # every run file there reads whole
        assert len(finished) % (manifest["base"]["years"] * 52) == 0
