"""The README cannot drift from what the project really does.

Its opening shows the two commands that do everything, every `make X` it names is a
Makefile target, every `cpsim COMMAND` (and option) it names exists in the CLI, CI runs
the README's test command, and scripts/find-python finds a Python the project can use.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def code_text(markdown: str) -> list[str]:
    """The lines of code in `markdown`: fenced blocks and `inline` spans, one string each."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.M | re.S)
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.M | re.S)
    lines = [line for block in fenced for line in block.splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", prose)


def readme_code() -> list[str]:
    return code_text(README.read_text(encoding="utf-8"))


def makefile_targets() -> set[str]:
    targets = set()
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.$()/-][^:=#\t]*?)\s*::?(?!=)", line)
        if m:
            targets.update(t for t in m.group(1).split() if not t.startswith("."))
    return targets


def readme_make_targets() -> set[str]:
    return {m for line in readme_code() for m in re.findall(r"(?<![\w./-])make\s+([a-z][\w-]*)", line)}


def readme_cpsim_commands() -> dict[str, set[str]]:
    """Each `cpsim COMMAND` the README names, with the --options it shows for it."""
    commands: dict[str, set[str]] = {}
    for line in readme_code():
        for m in re.finditer(r"(?:^|[\s/])cpsim\s+([a-z][\w-]*)", line):
            rest = re.split(r"[;&|#]", line[m.end():])[0]
            commands.setdefault(m.group(1), set()).update(re.findall(r"--[a-z][\w-]*", rest))
    return commands


def test_opening_shows_the_two_commands():
    opening = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "make run" in opening
    assert "make test" in opening


def test_code_extraction_sees_the_readme():
    # Guards the parsers below: if they found nothing, the drift tests could not fail.
    assert {"run", "test"} <= readme_make_targets()
    assert "run" in readme_cpsim_commands()
    assert {"install", "run", "test"} <= makefile_targets()


def test_every_make_target_in_readme_exists():
    missing = readme_make_targets() - makefile_targets()
    assert not missing, f"README names make targets the Makefile lacks: {sorted(missing)}"


def test_ci_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.split("#", 1)[0].strip() for line in script.splitlines()]
    assert any(re.match(r"^make\s+test\b", c) for c in commands), ".ci/run does not run `make test`"
    assert "set -euo pipefail" in script


@functools.cache
def cli_help(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "abm.cli", *args, "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_cpsim_command_in_readme_exists():
    if not (ROOT / "abm" / "cli.py").exists():
        pytest.skip("abm/cli.py does not exist yet")
    top = cli_help()
    assert top.returncode == 0 and top.stdout.strip(), (
        "`python -m abm.cli --help` failed (does abm/cli.py end with "
        f"`if __name__ == '__main__': app()`?):\n{top.stdout}\n{top.stderr}")
    for command, options in readme_cpsim_commands().items():
        assert re.search(rf"\b{re.escape(command)}\b", top.stdout), f"`cpsim {command}` not in --help"
        sub = cli_help(command)
        assert sub.returncode == 0, f"`cpsim {command} --help` failed:\n{sub.stdout}\n{sub.stderr}"
        absent = sorted(o for o in options if o not in sub.stdout)
        assert not absent, f"README shows options of `cpsim {command}` it lacks: {absent}"


def test_find_python_finds_python_3_12_or_newer():
    found = subprocess.run([str(ROOT / "scripts" / "find-python")], capture_output=True,
                           text=True, timeout=60, check=True).stdout.strip()
    assert found, "scripts/find-python printed nothing"
    version = subprocess.run([found, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert tuple(map(int, version)) >= (3, 12), f"{found} is Python {'.'.join(version)}"
