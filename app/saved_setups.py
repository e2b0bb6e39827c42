"""Setups saved under a name in one browser session (kept by the session only: a reload or another
session does not see them; the page's link keeps a setup beyond the session). `saved_with` adds or
replaces one, checking its name."""

from __future__ import annotations

from app.state import CompareSetup, SetupError

MAX_SAVED = 20
MAX_NAME = 64


def saved_with(saved: dict[str, CompareSetup], name: str, setup: CompareSetup) -> dict[str, CompareSetup]:
    """`saved` with `setup` under `name` (replacing a setup of that name); SetupError if the name is unusable."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise SetupError(f"a saved setup's name is 1 to {MAX_NAME} characters")
    if name not in saved and len(saved) >= MAX_SAVED:
        raise SetupError(f"at most {MAX_SAVED} saved setups in a session; save under an earlier name to replace it")
    return {**saved, name: setup}
