"""Reading the project's TOML input files (scenarios, parameter files, sweeps, targets).

Every problem with the file itself (missing, not a file, too large, not UTF-8, not TOML,
empty) is one message naming the file, raised as the caller's own error type; an unknown
word in one gets a "did you mean" hint.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

MAX_FILE_BYTES = 1_000_000


def read_toml(path: Path, kind: str, error: type[Exception], empty: str) -> dict:
    """The tables of the `kind` file (e.g. "scenario") at `path`; `empty` says what an empty one lacks."""
    if not path.exists():
        raise error(f"{path}: no such file")
    if not path.is_file():
        raise error(f"{path}: not a file (give the path of a .toml {kind} file)")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise error(f"{path}: file is {size:,} bytes; {kind} files are limited to {MAX_FILE_BYTES:,}")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; is it really a TOML {kind} file?") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path}: not valid TOML: {e}") from None
    if not raw:
        raise error(f"{path}: file is empty; {empty}")
    return raw


def did_you_mean(word: str, allowed) -> str:
    """A "; did you mean ...?" hint naming close or prefix matches of `word` among `allowed`, or ""."""
    near = difflib.get_close_matches(word, list(allowed), n=3, cutoff=0.6)
    near += [a for a in allowed if a.startswith(word) and a not in near][: 3 - len(near)]
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
