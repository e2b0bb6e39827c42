"""Reading the project's input files: TOML (scenarios, parameter files, sweeps, targets) and the
JSON records cpsim reads back (a sweep's sweep.json and failure records).

Every problem with the file itself (missing, not a file, too large, not UTF-8, not TOML,
empty, nested more than `MAX_DEPTH` levels deep, a number that is not finite, a whole
number beyond 64 bits) is one message naming the file (and the key where there is one),
raised as the caller's own error type; a `RecursionError` never escapes. A UTF-8 byte order
mark at the start of a TOML file is accepted and ignored. An unknown word in one gets a
"did you mean" hint.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32  # tables and arrays inside one another; the project's files need 5
WHOLE_LIMIT = 2**63  # whole numbers are 64-bit: -2**63 to 2**63 - 1
BOM = "\ufeff"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class JSONFileError(ValueError):
    """A JSON record that cannot be read; the message is the problem, without the path (the caller adds it)."""


def read_toml(path: Path, kind: str, error: type[Exception], empty: str) -> dict:
    """The tables of the `kind` file (e.g. "scenario") at `path`; `empty` says what an empty one lacks."""
    data = _read_bytes(path, kind, error)
    if data.startswith(UTF16_BOMS):
        raise error(f"{path}: is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8")
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; is it really a TOML {kind} file?") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise error(f"{path}: nested too deeply to read; {kind} files nest tables and arrays at most "
                    f"{MAX_DEPTH} levels deep") from None
    problem = value_problem(raw, finite=True)
    if problem:
        raise error(f"{path}: {problem}")
    if not raw:
        raise error(f"{path}: file is empty; {empty}")
    return raw


def _read_bytes(path: Path, kind: str, error: type[Exception]) -> bytes:
    try:
        if not path.exists():
            raise error(f"{path}: no such file")
        if not path.is_file():
            raise error(f"{path}: not a file (give the path of a .toml {kind} file)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise error(f"{path}: file is {size:,} bytes; {kind} files are limited to {MAX_FILE_BYTES:,}")
        return path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror or e}") from None


def read_json(path: Path) -> Any:
    """The JSON value in the file at `path`; JSONFileError (without the path) if it cannot be read or is
    nested more than MAX_DEPTH levels deep."""
    try:
        value = json.loads(Path(path).read_bytes())
    except OSError as e:
        raise JSONFileError(f"cannot read: {e.strerror or e}") from None
    except RecursionError:
        raise JSONFileError(f"nested too deeply to read (at most {MAX_DEPTH} levels)") from None
    except ValueError as e:
        raise JSONFileError(f"not valid JSON ({type(e).__name__}: {e})") from None
    problem = value_problem(value, finite=False)
    if problem:
        raise JSONFileError(problem)
    return value


def value_problem(value: Any, finite: bool) -> str | None:
    """What is wrong with a parsed file's value (with its key), or None: nesting deeper than MAX_DEPTH,
    a whole number beyond 64 bits, and with `finite` a number that is nan or infinite."""
    stack: list[tuple[Any, tuple, int]] = [(value, (), 1)]
    while stack:
        item, key, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return f"{_key(key[:3])}...: nested more than {MAX_DEPTH} levels deep (tables and arrays inside " \
                       f"one another); at most {MAX_DEPTH} are allowed"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((v, (*key, k), depth + 1) for k, v in reversed(list(children)))
        elif isinstance(item, float) and finite and not math.isfinite(item):
            return f"{_key(key)}: {item} is not a finite number; give a number like 0.5"
        elif isinstance(item, int) and not isinstance(item, bool) and not -WHOLE_LIMIT <= item < WHOLE_LIMIT:
            return f"{_key(key)}: a whole number of {item.bit_length()} bits is too large; whole numbers are " \
                   f"allowed from -2**63 to 2**63 - 1"
    return None


def _key(key: tuple) -> str:
    text = ""
    for part in key:
        text += f"[{part + 1}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text or "(top level)"


def did_you_mean(word: str, allowed) -> str:
    """A "; did you mean ...?" hint naming close or prefix matches of `word` among `allowed`, or ""."""
    near = difflib.get_close_matches(word, list(allowed), n=3, cutoff=0.6)
    near += [a for a in allowed if a.startswith(word) and a not in near][: 3 - len(near)]
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
