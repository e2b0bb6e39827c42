"""The state of one browser session, as plain Python the app's components hold and replace.

`CompareSetup` is what a reviewer has chosen on the Compare page: the baseline scenario,
the start year, horizon and seeds, and up to `MAX_SCENARIOS` named scenarios, the first
the baseline itself and each other one the baseline with a set of reforms switched on. It
is immutable: every change returns a new setup (the app keeps it in a per-session reactive
value, never at module level, so sessions never see each other's choices or runs).
`RunJob` is one background run's progress and cancel flag, shared between the page and the
worker thread; `run_comparison` runs the scenarios on the same seeds through
`abm.compare.run_scenarios` and returns a `Comparison`. `load_upload` checks an uploaded
scenario file exactly as `cpsim run` would, on a temporary copy that is never executed; it
may name only a parameter file that ships with cpsim.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pandas as pd
from pydantic import ValidationError

from abm.compare import CompareError, compare, run_scenarios
from abm.compare.landing import Landing
from abm.posterior_draws import OFFERED, choose, posterior_at, uncertainty
from abm.reforms import FAMILIES, FAMILY_LABELS, REFORMS
from abm.results import PROJECT_ROOT
from abm.scenario import NAME_PATTERN, Scenario, ScenarioError, load_scenario
from abm.tomlfile import read_toml

MAX_SCENARIOS = 4
MAX_UPLOAD_BYTES = 64 * 1024
SHIPPED_PARAMETER_FILES = ("calibrated.toml",)  # what an uploaded scenario may name in [scenario] parameters
# What the page lets a reviewer choose (the scenario file's own values are the defaults).
YEARS = (1, 30)
SEEDS = (1, 50)
START_YEARS = (1990, 2050)
START_MONTH_DAY = (4, 1)  # a start year means the financial year starting 1 April
SCENARIO_DIR_VARIABLE = "CPSIM_APP_SCENARIOS"
WORKERS_VARIABLE = "CPSIM_APP_WORKERS"
PROVISIONAL_SECONDS = 2.0  # the least time between two provisional comparisons (each costs a second or so)
POSTERIOR_VARIABLE = "CPSIM_APP_POSTERIOR"
NO_POSTERIOR = "none"  # CPSIM_APP_POSTERIOR's value that offers the single calibrated fit only


class SetupError(ValueError):
    """A choice on the page that cannot be used, explained in one line."""


def scenario_dir() -> Path:
    """The folder whose scenario files are offered as baselines (CPSIM_APP_SCENARIOS, else scenarios/)."""
    return Path(os.environ.get(SCENARIO_DIR_VARIABLE) or PROJECT_ROOT / "scenarios")


def baseline_files(folder: Path | None = None) -> dict[str, Path]:
    """Scenario name -> file for every scenario file directly in `folder` that loads (parameter files do not)."""
    found = {}
    for path in sorted((folder or scenario_dir()).glob("*.toml")):
        try:
            found.setdefault(load_scenario(path).name, path)
        except ScenarioError:
            continue
    return found


def packages(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Package name -> its reforms, for each reform package file in `folder`/reforms/ that loads and switches
    two or more reforms on as they are (no lever arguments), so that ticking them is the same package (one
    reform alone is one tick)."""
    found = {}
    for path in sorted(((folder or scenario_dir()) / "reforms").glob("*.toml")):
        try:
            package = load_scenario(path)
        except ScenarioError:
            continue
        if len(package.levers) > 1 and not any(lever.arguments for lever in package.levers):
            found.setdefault(package.name, tuple(r for r in REFORMS if r in {lv.reform for lv in package.levers}))
    return found


def reform_catalogue() -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(family, family label, [(reform name, label, what it does here)]) in the registry's order."""
    return [(family, FAMILY_LABELS[family], [(r, REFORMS[r].label, REFORMS[r].what_it_does) for r in members])
            for family, members in FAMILIES.items()]


def slug(name: str) -> str:
    """A display name as a scenario name (results folder name): spaces become '_', others must be plain."""
    return re.sub(r"\s+", "_", name.strip())


@dataclass(frozen=True)
class ScenarioDraft:
    """A scenario on the page: a display name and the reforms switched on over the baseline."""

    name: str
    reforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompareSetup:
    """The Compare page's choices: baseline, start year, horizon, seeds and the scenarios (first = baseline)."""

    base: Scenario
    start_year: int | None
    years: int
    seeds: int
    drafts: tuple[ScenarioDraft, ...] = field(default=())

    @classmethod
    def from_scenario(cls, base: Scenario) -> CompareSetup:
        """A setup with `base`'s own settings, comparing it with one scenario of no reforms yet."""
        # A branched baseline (scenarios/baseline.toml) starts on its branch date, the history's state there: its
        # start is not a choice, so it has no start year to set, like an undated one.
        dated = base.start_date is not None and base.branch_from is None
        return cls(base=base, start_year=base.start_date.year if dated else None,
                   years=min(max(base.years, YEARS[0]), YEARS[1]), seeds=min(max(base.seeds, SEEDS[0]), SEEDS[1]),
                   drafts=(ScenarioDraft("Baseline"), ScenarioDraft("Reformed")))

    @property
    def base_reforms(self) -> tuple[str, ...]:
        """The reforms the baseline's own file switches on, in registry order: on in every scenario too."""
        own = {lever.reform for lever in self.base.levers}
        return tuple(r for r in REFORMS if r in own)

    def with_base(self, base: Scenario) -> CompareSetup:
        """This setup's scenarios over another baseline, with that baseline's own settings."""
        fresh = CompareSetup.from_scenario(base)
        return replace(fresh, drafts=self.drafts)

    def with_settings(self, *, start_year: int | None = None, years: int | None = None,
                      seeds: int | None = None) -> CompareSetup:
        """This setup with the start year, years and/or seeds changed (each checked against its range)."""
        changes = {}
        for key, value, bounds in (("start_year", start_year, START_YEARS), ("years", years, YEARS),
                                   ("seeds", seeds, SEEDS)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
                raise SetupError(f"{key.replace('_', ' ')}: {value!r} is out of range: allowed whole numbers "
                                 f"{bounds[0]} to {bounds[1]}")
            changes[key] = value
        return replace(self, **changes)

    def with_scenario_added(self, name: str) -> CompareSetup:
        """This setup with one more scenario (no reforms yet) called `name`."""
        if len(self.drafts) >= MAX_SCENARIOS:
            raise SetupError(f"at most {MAX_SCENARIOS} scenarios at once (the baseline counts as one); "
                             "remove one first")
        self._check_name(name, None)
        return replace(self, drafts=(*self.drafts, ScenarioDraft(name.strip())))

    def with_scenario_removed(self, index: int) -> CompareSetup:
        """This setup without scenario `index` (the baseline, index 0, stays)."""
        if index == 0:
            raise SetupError("the baseline is compared with every scenario and cannot be removed")
        return replace(self, drafts=self.drafts[:index] + self.drafts[index + 1:])

    def renamed(self, index: int, name: str) -> CompareSetup:
        """This setup with scenario `index` called `name`."""
        self._check_name(name, index)
        drafts = list(self.drafts)
        drafts[index] = replace(drafts[index], name=name.strip())
        return replace(self, drafts=tuple(drafts))

    def with_reform(self, index: int, reform: str, on: bool) -> CompareSetup:
        """This setup with `reform` switched on or off in scenario `index` (never in the baseline)."""
        if index == 0:
            raise SetupError("the baseline runs as its scenario file says; switch reforms on in another scenario")
        if reform not in REFORMS:
            raise SetupError(f"unknown reform '{reform}' (registered: {', '.join(REFORMS)})")
        chosen = set(self.drafts[index].reforms) | {reform} if on else set(self.drafts[index].reforms) - {reform}
        drafts = list(self.drafts)
        drafts[index] = replace(drafts[index], reforms=tuple(r for r in REFORMS if r in chosen))
        return replace(self, drafts=tuple(drafts))

    def with_reforms(self, index: int, reforms: tuple[str, ...]) -> CompareSetup:
        """This setup with scenario `index` switching on exactly `reforms`."""
        setup = self
        for reform in self.drafts[index].reforms:
            setup = setup.with_reform(index, reform, False)
        for reform in reforms:
            setup = setup.with_reform(index, reform, True)
        return setup

    def scenarios(self) -> list[Scenario]:
        """The scenarios to run, baseline first, with this setup's start year, years and seeds."""
        settings = {"years": self.years, "seeds": self.seeds}
        if self.start_year is not None:
            settings["start_date"] = dt.date(self.start_year, *START_MONTH_DAY)
        try:
            base = Scenario.model_validate({**dict(self.base), **settings, "name": slug(self.drafts[0].name)})
        except ValidationError as e:  # e.g. a dated event that falls before the warm-up of a later start
            raise SetupError(f"{self.base.name}: these settings do not fit the scenario: {_first_error(e)}") from None
        own = {lever.reform for lever in base.levers}
        built = [base]
        for draft in self.drafts[1:]:
            levers = [*base.levers, *((reform, {}) for reform in draft.reforms if reform not in own)]
            built.append(base.with_levers(levers, name=slug(draft.name)))
        return built

    def _check_name(self, name: str, index: int | None) -> None:
        if not re.match(NAME_PATTERN, slug(name)):
            raise SetupError(f"scenario name '{name}': use 1-64 letters, digits, spaces, '.', '_' or '-', "
                             "starting with a letter or digit")
        taken = {slug(d.name).lower() for i, d in enumerate(self.drafts) if i != index}
        if slug(name).lower() in taken:
            raise SetupError(f"scenario name '{name}' is already used; give each scenario its own name")


def _first_error(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"


class RunJob:
    """One background run: how many model runs are done out of how many, whether Cancel was pressed, the time
    left at the rate of the last RATE_WINDOW runs (`seconds_left`: runs read from the run cache land at once, so
    a rate since the start would promise too little time)."""

    RATE_WINDOW = 8

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.started = time.monotonic()
        self._reports: deque[tuple[float | None, int]] = deque([(None, 0)], maxlen=self.RATE_WINDOW + 1)

    def report(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total
            self._reports.append((time.monotonic(), done))

    def seconds_left(self) -> float | None:
        """The seconds the runs not yet done will take at the recent rate (None before the first)."""
        with self._lock:
            done, total = self.done, self.total
            (first, done_then), (last, done_now) = self._reports[0], self._reports[-1]
        if done == 0 or done_now == done_then:
            return None
        first = self.started if first is None else first  # the window still reaches back to the start
        return max(0.0, (last - first) / (done_now - done_then) * (total - done) - (time.monotonic() - last))

    def restart_clock(self) -> None:
        """Measure the rate of the runs from now (after the saved states were prepared, which are not runs)."""
        self.started = time.monotonic()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


@dataclass(frozen=True)
class Comparison:
    """A comparison: the setup it was run with, the scenarios as run, their weekly outcomes, the statistics for
    the page, and whether it ran on the single fit. `landed` is None when every run is in; while runs are still
    landing it is the number of seeds whose runs of every scenario are in (the provisional results are theirs)."""

    setup: CompareSetup
    scenarios: tuple[Scenario, ...]
    labels: tuple[str, ...]
    weekly: pd.DataFrame
    statistics: dict
    point: bool = False  # run on the single calibrated fit (else on the calibration posterior, when there is one)
    landed: int | None = None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]


def workers() -> int:
    """Worker processes for a run: CPSIM_APP_WORKERS, else one per core."""
    return int(os.environ.get(WORKERS_VARIABLE) or os.cpu_count() or 1)


@dataclass(frozen=True)
class Preparing:
    """The saved starting states a branched run builds before its runs (abm/branching.py): `done` of `total` built,
    the states at `date`."""

    done: int
    total: int
    date: dt.date

    @property
    def line(self) -> str:
        return (f"Preparing the saved starting states of {self.date.day} {self.date:%B %Y} (the history run up to "
                f"that date, built once for each seed and then reused): {self.done} of {self.total} built")


def prepare_states(scenarios: list[Scenario], seeds: int, job: RunJob,
                   on_preparing: Callable[[Preparing | None], None]) -> None:
    """Build the saved states the branched `scenarios` need for their first `seeds` replicate seeds and the cache
    lacks, calling `on_preparing` before and after each (None when done); abm.compare.Cancelled when `job` is
    cancelled. The runs then find them ready."""
    from abm.branching import missing, prepare
    from abm.compare import Cancelled
    from abm.engines.local import LocalEngine
    from abm.seeds import replicate_seeds

    seed_list = replicate_seeds(scenarios[0].root_seed, seeds)
    todo = missing(scenarios, seed_list)
    if not todo:
        return
    date = todo[0][0].date

    def built(done: int, total: int) -> None:
        on_preparing(Preparing(done, total, date))
        if job.cancelled():
            raise Cancelled(f"cancelled after {done} of {total} saved states")

    on_preparing(Preparing(0, len(todo), date))
    try:
        with LocalEngine(min(workers(), len(todo))) as pool:
            prepare(scenarios, seed_list, pool, progress=False, built=built)
    finally:
        on_preparing(None)
    job.restart_clock()


class ProvisionalGate:
    """When runs that land one by one make provisional results due: once the seeds whose runs of every one of
    `scenarios` scenarios are in (abm.compare.landing.Landing) number at least two, more than last shown and fewer
    than all `seeds`, at most once every PROVISIONAL_SECONDS (counted from the gate's making, then from when the
    last were made: runs read from the run cache land at once and make none, so a warm deck costs no extra
    analysis), never once the job is cancelled. `land` passes `show` the number of complete seeds and their weekly
    tables, stacked scenario by scenario, seed by seed, as the finished runs are."""

    def __init__(self, job: RunJob, scenarios: int, seeds: int) -> None:
        self.job, self.landing = job, Landing(scenarios, seeds)
        self.shown, self.at = 0, time.monotonic()

    def land(self, scenario: int, seed: int, table: pd.DataFrame,
             show: Callable[[int, pd.DataFrame], None] | None) -> None:
        self.landing.add(scenario, seed, table)
        complete = len(self.landing.complete)
        if show is None or self.job.cancelled() or time.monotonic() - self.at < PROVISIONAL_SECONDS \
                or complete <= self.shown or not self.landing.provisional:
            return
        show(complete, self.landing.weekly())
        self.shown, self.at = complete, time.monotonic()


def run_comparison(setup: CompareSetup, job: RunJob, on_progress: Callable[[int, int], None] | None = None,
                   point: bool = False, on_preparing: Callable[[Preparing | None], None] = lambda _: None,
                   on_partial: Callable[[Comparison], None] | None = None) -> Comparison:
    """Run the setup's scenarios on the same seeds, each seed on the same member of the calibration posterior in
    every scenario (as `cpsim compare` does by default), or on the single calibrated fit with `point`, the saved
    states a branched baseline needs prepared first; raises abm.compare.Cancelled when `job` is cancelled,
    CompareError when the posterior cannot be used. While runs land, `on_partial` gets provisional comparisons
    of the seeds complete so far (at least two of them, at most one every PROVISIONAL_SECONDS)."""
    scenarios = posterior_scenarios(setup.scenarios(), point)
    prepare_states(scenarios, setup.seeds, job, on_preparing)
    names = [s.name for s in scenarios]
    drawn = {**uncertainty(scenarios), **posterior_offered()}
    gate = ProvisionalGate(job, len(scenarios), setup.seeds)

    def comparison(weekly: pd.DataFrame, landed: int | None = None) -> Comparison:
        return Comparison(setup, tuple(scenarios), tuple(d.name for d in setup.drafts), weekly,
                          compare(weekly, names, uncertainty=drawn), point, landed)

    def landed(scenario: int, seed: int, table: pd.DataFrame) -> None:
        gate.land(scenario, seed, table, None if on_partial is None else
                  lambda complete, weekly: on_partial(comparison(weekly, complete)))

    def progress(done: int, total: int) -> None:
        job.report(done, total)
        if on_progress is not None:
            on_progress(done, total)

    return comparison(run_scenarios(scenarios, setup.seeds, workers=workers(), progress=progress,
                                    cancelled=job.cancelled, landed=landed))


def posterior_file() -> Path | None:
    """The calibration posterior the app offers (CPSIM_APP_POSTERIOR, else the committed one); None if there is
    none, or CPSIM_APP_POSTERIOR is `none` (the app then offers the single calibrated fit only)."""
    from abm.calibration.posterior import POSTERIOR_FILE

    named = os.environ.get(POSTERIOR_VARIABLE)
    if named is not None and named.strip().lower() == NO_POSTERIOR:
        return None
    path = Path(named or POSTERIOR_FILE)
    return path if path.is_file() else None


def posterior_offered() -> dict:
    """A result's note of whether the app offers a posterior (abm.posterior_draws.OFFERED), so that the sentence on
    its intervals is true of a run on the single fit when CPSIM_APP_POSTERIOR names a posterior none committed."""
    return {OFFERED: posterior_file() is not None}


def posterior_members() -> int | None:
    """How many members the offered posterior has (None if there is none; CompareError if it cannot be used)."""
    from abm.calibration.posterior import PosteriorError

    path = posterior_file()
    try:
        return None if path is None else len(posterior_at(path).members)
    except PosteriorError as e:
        raise CompareError(str(e)) from None


def posterior_scenarios(scenarios, point: bool = False) -> list[Scenario]:
    """The scenarios on the calibration posterior (abm/posterior_draws.py), or on the single fit with `point` or
    while there is none; CompareError if the posterior cannot be used."""
    from abm.calibration.posterior import PosteriorError

    path = posterior_file()
    if point or path is None:
        return list(scenarios)
    try:
        return choose(scenarios, point=False, path=path)
    except PosteriorError as e:
        raise CompareError(str(e)) from None


def load_upload(data: bytes, filename: str, folder: Path | None = None) -> Scenario:
    """The scenario in an uploaded file, checked like `cpsim run` checks a file (ScenarioError if not usable).

    The file is only parsed, on a temporary copy. The only other file it may bring in is a
    parameter file that ships with cpsim (`SHIPPED_PARAMETER_FILES`, named bare in
    `[scenario] parameters`), copied from `folder` (the scenarios folder): no path of the
    server is ever opened on an upload's say-so, and no message tells what another file holds
    or whether it exists.
    """
    shown = Path(filename or "upload.toml").name
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(f"{shown}: the file is {len(data):,} bytes; a scenario file may be at most "
                            f"{MAX_UPLOAD_BYTES:,} bytes")
    if not shown.endswith(".toml"):
        raise ScenarioError(f"{shown}: a scenario file is a TOML file ending in .toml")
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", shown[:-len(".toml")])[:64] or "upload"
    if not stem[0].isalnum():
        stem = "u" + stem[1:]
    with tempfile.TemporaryDirectory(prefix="cpsim-upload-") as scratch:
        copy = Path(scratch) / f"{stem}.toml"
        copy.write_bytes(data)
        try:
            _bring_parameter_file(copy, folder or scenario_dir())
            return load_scenario(copy).model_copy(update={"source": shown})
        except ScenarioError as e:
            raise ScenarioError(str(e).replace(str(copy), shown).replace(str(scratch) + os.sep, "")) from None


def _bring_parameter_file(copy: Path, folder: Path) -> None:
    """Copy beside `copy` the parameter file the uploaded scenario names, if any; ScenarioError unless it is a
    bare name from SHIPPED_PARAMETER_FILES that `folder` holds."""
    raw = read_toml(copy, "scenario", ScenarioError, "a scenario needs at least a [scenario] table")
    header = raw.get("scenario")
    named = header.get("parameters") if isinstance(header, dict) else None
    if named is None:
        return
    if named not in SHIPPED_PARAMETER_FILES:
        raise ScenarioError(f"{copy}: scenario.parameters: an uploaded scenario may name only a parameter file "
                            f"that ships with cpsim, by its bare name: {', '.join(SHIPPED_PARAMETER_FILES)}")
    source = folder / named
    if not source.is_file():
        raise ScenarioError(f"{copy}: scenario.parameters: {named} is not installed with this app")
    shutil.copyfile(source, copy.parent / named)


def results_csv(weekly: pd.DataFrame) -> bytes:
    """The weekly outcomes of every scenario and seed as CSV."""
    return weekly.to_csv(index=False).encode()


def results_parquet(weekly: pd.DataFrame) -> bytes:
    """The weekly outcomes of every scenario and seed as Parquet (the layout of a results folder's table)."""
    buffer = io.BytesIO()
    weekly.to_parquet(buffer, index=False)
    return buffer.getvalue()
