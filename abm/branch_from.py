"""Reading `[scenario] branch_from = "HISTORY@DATE"`: which saved state a branched scenario starts from.

HISTORY is a history scenario's file name without `.toml`, looked up in the scenario
file's folder, then its parent folder, then cpsim's own `scenarios/` folder (so
`scenarios/reforms/*.toml` and a copy saved anywhere find `scenarios/england_2006_2011.toml`).
The history must have a start date and no `branch_from` of its own. DATE (YYYY-MM-DD)
must fall in the history's run, from its start date to the last day of the week after its
last week (`start_date + 7 * 52 * years + 6` days): the saved state at DATE is the state
at the start of the history's week

    week = (DATE - history.start_date).days // 7        (0 <= week <= 52 * years),

i.e. after the history's `52 * warmup_years + week` steps. For the
historical run (2006-04-01, 5 years) 2011-04-01 is week 260, the end of the run.

A branched file gives no `warmup_years`, `start_date` or `root_seed` (the branch has no
warm-up, starts on DATE and runs the history's replicate seeds), and may not change a
parameter read only when the model is built (abm.model.FIXED_DURING_RUN: the authority's
size, its children's risks, posts, starting states): in `[constants]` (its own or its
parameter file's) such a parameter must equal the history's value, and it cannot be
uncertain (abm.scenario.Branch checks this and the settings for every scenario made from
a branched one, e.g. a sweep's points). Every mistake is one ScenarioError naming the file
and key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Callable

import abm
from abm import calendar
from abm.scenario import Branch, Scenario, ScenarioError

SCENARIOS = Path(abm.__file__).resolve().parent.parent / "scenarios"
SPEC = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})@(\d{4}-\d{2}-\d{2})$")
EXAMPLE = '"england_2006_2011@2011-04-01"'
DERIVED = {"warmup_years": "has no warm-up: it starts from the history's saved state",
           "start_date": "starts on the branch date",
           "root_seed": "runs the history's replicate seeds"}


def resolve(path: Path, data: dict, load: Callable[[Path], Scenario]) -> dict:
    """The settings `branch_from` in the file `path` (read as `data`) gives: the Branch and the derived run settings.

    `load` reads a history file (the scenario loader, refusing a history that branches).
    """
    where = f"{path}: scenario.branch_from"
    text = data["branch_from"]
    if not isinstance(text, str):
        raise ScenarioError(f"{where}: must be text in quotes like {EXAMPLE}, not {text!r}")
    match = SPEC.match(text)
    day = _date(match.group(2)) if match else None
    if day is None:
        raise ScenarioError(f"{where}: {text!r} is not HISTORY@DATE: give a history scenario's file name without "
                            f".toml and a date YYYY-MM-DD, like {EXAMPLE}")
    for key, why in DERIVED.items():
        if key in data:
            raise ScenarioError(f"{path}: scenario.{key}: a scenario with branch_from {why}; remove {key}")
    found = _find(path, match.group(1), where)
    try:
        history = load(found)
    except ScenarioError as e:
        raise ScenarioError(f"{where}: {e}") from None
    week = _week(history, day, where)
    branch = Branch(name=match.group(1), date=day, week=week, history=history)
    return {"branch_from": branch, **branch.settings()}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _folders(path: Path) -> list[Path]:
    here = path.resolve().parent
    return list(dict.fromkeys([here, here.parent, SCENARIOS]))


def _find(path: Path, name: str, where: str) -> Path:
    folders = _folders(path)
    for folder in folders:
        if (folder / f"{name}.toml").is_file():
            return folder / f"{name}.toml"
    known = sorted({f.stem for folder in folders if folder.is_dir() for f in folder.glob("*.toml")})
    hint = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(h) for h in hint)}? " if hint else ""
    raise ScenarioError(f"{where}: unknown history scenario '{name}': no {name}.toml in "
                        f"{', '.join(str(f) for f in folders)}; {hint}(found: {', '.join(known) or 'none'})")


def _week(history: Scenario, day: dt.date, where: str) -> int:
    if history.start_date is None:
        raise ScenarioError(f"{where}: the history {history.source} has no start_date, so no date falls in its run; "
                            "give it a start_date")
    weeks = history.years * calendar.WEEKS_PER_YEAR
    last = calendar.week_start(history.start_date, weeks) + dt.timedelta(days=6)
    if not history.start_date <= day <= last:
        raise ScenarioError(f"{where}: {day} is outside the history {history.name}'s run: allowed "
                            f"{history.start_date} to {last}")
    return calendar.week_of(history.start_date, day)
