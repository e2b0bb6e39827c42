"""Output places: checked before any work starts, written whole, never replacing what cpsim did not make.

`check_output` refuses, in one line naming the option and the path, an output place that
cannot work: a path naming no folder of its own (`.`, `..`, `/`), a file, a path under a
file, a place that cannot be written, one that is, holds or lies inside an input, and (for
a folder written whole) an existing folder that `check_replaceable` refuses.

`atomic_folder` writes a folder whole (a run's results, a report, an analysis): it is built
as a hidden sibling `.NAME.tmp-PID-XXXXXXXX`, flushed to disk and swapped in, so an
interrupted or failed write leaves the previous folder (or nothing) in place. Each such
folder carries a marker, `.cpsim.json`, naming its kind (run, report, analysis) and
listing every entry cpsim put in it. An existing folder is replaced only when it is empty,
or holds the marker of the same kind and nothing the marker does not list; otherwise the
write is refused with a message naming the folder and what is in it. A sweep folder, which
is written one run at a time and never replaced, carries a marker of kind "sweep" listing
no entries.

A writer killed part-way leaves a hidden temporary (`.NAME.tmp-PID-*`) and, if killed
between the swap's two renames, the previous folder as `.NAME.old-PID-*`. The next write to
the same place cleans them up once process PID is gone (`clean_stale`): a temporary is
removed; an old folder is put back where NAME is missing, and removed otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable

import abm

MARKER = ".cpsim.json"
SHOWN = 5  # entries named when refusing a folder


class OutputError(ValueError):
    """An output place that cannot be written, explained in one line naming the option and the path."""


def check_output(path, option: str, kind: str | None = None, inputs: Iterable = ()) -> Path:
    """`path` as a Path if it can be written; else OutputError naming `option` and `path`.

    `kind` is the kind of folder written whole there (None: a folder written in place, never
    replaced); `inputs` are the files and folders the command reads, which the output must not
    be, hold or lie inside.
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise OutputError(f"{option}: '{path}' names no folder of its own (it is the current, parent or root "
                          f"folder); give a folder to write, e.g. results/NAME")
    try:
        _check_place(path, option, kind)
        _check_inputs(path, option, inputs)
        if kind is not None and path.is_dir():
            check_replaceable(path, kind, option)
    except OSError as e:
        raise OutputError(f"{option}: cannot use {path}: {e.strerror or e}") from None
    return path


def _check_place(path: Path, option: str, kind: str | None) -> None:
    if kind is not None and path.is_symlink():
        raise OutputError(f"{option}: {path} is a symbolic link; give the folder it points to, or another one")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{option}: {path} is a file, not a folder")
    existing = next((p for p in (path, *path.parents) if p.exists()), Path(path.anchor or "."))
    if not existing.is_dir():
        raise OutputError(f"{option}: {path} cannot be created: {existing} is a file, not a folder")
    # A folder written whole is swapped in beside the old one, so its parent must be writable too.
    for folder in (existing, *([path.parent] if existing == path and kind is not None else [])):
        problem = _unwritable(folder, path.name)
        if problem:
            raise OutputError(f"{option}: {path} cannot be written: {folder}: {problem}")


def _unwritable(folder: Path, name: str) -> str | None:
    """Why nothing can be written in `folder`, found by making (and removing) a hidden temporary there, or None."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return "no permission to write there"
    probe = _sibling(folder / name, "tmp")
    try:
        os.mkdir(probe)
    except OSError as e:
        return e.strerror or str(e)
    os.rmdir(probe)
    return None


def _check_inputs(path: Path, option: str, inputs: Iterable) -> None:
    out = path.resolve()
    for given in inputs:
        given = Path(given)
        source = given.resolve()
        if out == source or out in source.parents:
            raise OutputError(f"{option}: {path} holds the input {given}; write the output somewhere else")
        if source.is_dir() and source in out.parents:
            raise OutputError(f"{option}: {path} lies inside the input folder {given}; write the output "
                              "somewhere else")


def check_replaceable(out: Path, kind: str, option: str = "--out") -> None:
    """OutputError unless the folder `out` is empty, or a cpsim `kind` folder holding only what cpsim wrote."""
    entries = list(islice(out.iterdir(), SHOWN + 1))
    if not entries:
        return
    marker = read_marker(out)
    if marker is None:
        _refuse(out, option, f"it was not made by cpsim (no {MARKER} marker) and holds", _names(entries))
    if marker["kind"] != kind:
        _refuse(out, option, f"it is a cpsim {marker['kind']} folder, not a {kind} folder, and holds",
                _names(entries))
    listed = set(marker["entries"])
    foreign = list(islice((e for e in _entries(out) if e not in listed and e != MARKER), SHOWN + 1))
    if foreign:
        _refuse(out, option, "it holds what cpsim did not write there:", foreign)


def _refuse(out: Path, option: str, why: str, names: list[str]) -> None:
    shown = ", ".join(names[:SHOWN]) + (" and more" if len(names) > SHOWN else "")
    raise OutputError(f"{option}: refusing to replace {out}: {why} {shown}; choose another folder")


def _names(entries: list[Path]) -> list[str]:
    return sorted(e.name + ("/" if e.is_dir() and not e.is_symlink() else "") for e in entries)


def _entries(folder: Path):
    """Every entry below `folder`, relative, folders with a trailing '/', without following links."""
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in sorted(dirs):
            yield f"{(base / name).as_posix()}/"
        for name in sorted(files):
            yield (base / name).as_posix()


def read_marker(folder: Path) -> dict | None:
    """The marker of a folder cpsim wrote (its kind and entries), or None if it has none that reads."""
    path = folder / MARKER
    try:
        if not path.is_file() or path.stat().st_size > 10_000_000:
            return None
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not (isinstance(marker, dict) and marker.get("tool") == "cpsim" and isinstance(marker.get("kind"), str)
            and isinstance(marker.get("entries"), list) and all(isinstance(e, str) for e in marker["entries"])):
        return None
    return marker


def write_marker(folder: Path, kind: str, entries: list[str]) -> None:
    """Mark `folder` as a cpsim `kind` folder holding `entries` (relative paths, folders ending in '/')."""
    marker = {"tool": "cpsim", "kind": kind, "version": abm.__version__, "entries": entries}
    (folder / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def atomic_folder(out, kind: str, option: str = "--out"):
    """Build the `kind` folder `out` beside it, then swap it in whole, marked; on any error remove it.

    The place is checked first (`check_output`): a folder that is not cpsim's own `kind` folder
    is never replaced. Temporaries left at `out` by a killed writer are cleaned up first.
    """
    out = Path(out)
    clean_stale(out)
    check_output(out, option, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(out, "tmp")
    os.mkdir(tmp)
    try:
        yield tmp
        write_marker(tmp, kind, list(_entries(tmp)))
        for path in sorted(tmp.rglob("*"), reverse=True):
            _fsync(path)
        _fsync(tmp)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def atomic_write_bytes(path, data: bytes, tidy: bool = True) -> None:
    """Write `data` to `path` via a flushed temporary file in the same directory and a rename.

    With `tidy`, temporaries a killed writer left for `path` are removed first (a sweep, which
    writes thousands of files into one folder, removes its own when it opens instead).
    """
    path = Path(path)
    if tidy:
        clean_stale(path)
    tmp = _sibling(path, "tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(path.parent)


def write_or_rescue(write: Callable[[Path], object], out: Path, option: str, what: str) -> None:
    """`write(out)`; if that fails, `write` into a new folder in the system's temporary folder instead and raise
    OutputError (one line) saying why `out` failed and where `what` was saved, or that it could not be."""
    try:
        write(out)
        return
    except OutputError as e:
        problem = str(e)
    except OSError as e:
        problem = f"{option}: cannot write {out}: {e.strerror or e}"
    try:
        rescue = Path(tempfile.mkdtemp(prefix="cpsim-rescue-")) / out.name
        write(rescue)
    except (OSError, OutputError) as e:
        raise OutputError(f"{problem}; {what} could not be saved anywhere else either "
                          f"({getattr(e, 'strerror', None) or e})") from None
    raise OutputError(f"{problem}; {what} was saved in {rescue} instead")


def clean_stale(place: Path) -> None:
    """Remove the temporaries a killed writer left for `place`, and put back a folder it had moved aside."""
    place = Path(place)
    if place.name in ("", ".", ".."):
        return
    pattern = re.compile(rf"^\.{re.escape(place.name)}\.(tmp|old)-(\d+)-[0-9a-f]{{8}}$")
    try:
        found = [(p, m.group(1), int(m.group(2))) for p in place.parent.iterdir() if (m := pattern.match(p.name))]
    except OSError:
        return
    for path, kind, pid in sorted(found, key=lambda f: f[1], reverse=True):  # tmp before old
        if pid_alive(pid):
            continue
        try:
            if kind == "old" and not os.path.lexists(place):
                os.rename(path, place)
            elif path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue  # what cannot be cleaned now is left for a later write


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, OSError):
        return False
    return True


def _sibling(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _swap_in(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
    else:
        old = _sibling(out, "old")
        os.rename(out, old)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old, out)
            raise
        # The new folder is in place; what cannot be removed of the old one is removed by the next write.
        shutil.rmtree(old, ignore_errors=True)
    _fsync(out.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
