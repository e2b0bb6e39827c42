"""Bad input is refused by the real CLI with one clear line: exit status 2, the file and the
problem named, no traceback, nothing written.

Each file in tests/bad_scenarios/ holds one distinct mistake; its first line,
`# expect: ...`, is a fragment the error message must contain.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BAD = Path(__file__).parent / "bad_scenarios"
BASELINE = Path(__file__).parents[1] / "scenarios" / "baseline.toml"
FILES = sorted(BAD.glob("*.toml"))


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} does not start with '# expect: <message fragment>'"
    return first.removeprefix("# expect: ")


def assert_refused(done, tmp_path: Path, *fragments: str) -> None:
    assert done.returncode == 2, f"exit status {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    message = done.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, f"not one 'error: ' line: {message!r}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "something was written"


def test_the_bad_scenarios_are_many_and_distinct():
    expected = [expectation(p) for p in FILES]
    assert len(FILES) >= 22
    assert len(set(expected)) == len(expected)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_scenario_is_refused(path, cpsim, tmp_path):
    done = cpsim("run", path, "--out", tmp_path / "out")
    assert_refused(done, tmp_path, str(path), expectation(path))


def test_missing_file(cpsim, tmp_path):
    assert_refused(cpsim("run", BAD / "no_such_file.toml"), tmp_path, "no_such_file.toml: no such file")


def test_directory_instead_of_file(cpsim, tmp_path):
    assert_refused(cpsim("run", BAD), tmp_path, f"{BAD}: not a file")


def test_file_too_large_is_refused_before_parsing(cpsim, tmp_path, tmp_path_factory):
    big = tmp_path_factory.mktemp("input") / "big.toml"
    big.write_bytes(b"[scenario]\n" + b"#" * 1_000_000 + b"\n")
    assert_refused(cpsim("run", big), tmp_path, f"{big}: file is 1,000,012 bytes", "limited to 1,000,000")


@pytest.mark.parametrize("flags, fragment", [
    (["--seeds", "0"], "--seeds: 0 is out of range: allowed 1 to 10,000"),
    (["--seeds", "1000000000"], "--seeds: 1000000000 is out of range: allowed 1 to 10,000"),
    (["--years", "-3"], "--years: -3 is out of range: allowed 1 to 100"),
    (["--years", "100000"], "--years: 100000 is out of range: allowed 1 to 100"),
    (["--workers", "0"], "--workers: 0 is out of range: allowed 1 or more"),
], ids=["zero-seeds", "absurd-seeds", "negative-years", "absurd-years", "zero-workers"])
def test_bad_flag_is_refused(flags, fragment, cpsim, tmp_path):
    assert_refused(cpsim("run", BASELINE, *flags), tmp_path, fragment)


def test_out_naming_a_file_is_refused(cpsim, tmp_path, tmp_path_factory):
    taken = tmp_path_factory.mktemp("input") / "taken"
    taken.write_text("not a folder")
    assert_refused(cpsim("run", BASELINE, "--seeds", "1", "--out", taken), tmp_path, f"--out: {taken} is a file")
    assert taken.read_text() == "not a folder"
