"""The Workshop: a facilitator chooses a reform package, runs the cherry-picking analysis
(`abm.workshop.run_workshop`: every subset of the package's families on the same seeds)
in the background, then shows it as a facilitator's deck (views/workshop_deck.py): each
family alone, then pairs, then the whole package, one big chart and one or two sentences a
step, Back, Next or a jump to any step; or the overview grid of every combination. While the
runs land (seed by seed), the overview grid of the seeds complete so far shows, marked
provisional, without the deck or any download until every run is in.

Packages are the scenario files in the `reforms` folder of the app's scenario folder
(scenarios/reforms/, see app.state.scenario_dir; or the folder named by the
CPSIM_APP_PACKAGES environment variable) that switch at least one reform on. The settings,
the run under way and the finished analysis are the session's (app/workshop_run.py), so
leaving the view neither cancels a run nor resets the settings; while it runs, the time left
is estimated from the rate of the runs done. Before Run, seeds and years too few for the
question are warned of (app.guard_rails). In projector mode a finished workshop fills one
screen: the settings fold into one line (a button unfolds them).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import solara

from abm.scenario import ScenarioError, load_scenario
from app.guard_rails import run_warnings
from app.session import use_session
from app.state import scenario_dir
from app.views.announcement import Announcement, announcement_token
from app.views.heading import Heading
from app.views.parameter_source import ParameterSource
from app.views.preparing import PreparingProgress
from app.views.run_warnings import RunWarnings
from app.views.workshop_deck import Deck
from app.views.workshop_overview import Overview
from app.wording import SEEDS_HELP, plural, progress_line, provisional_note
from app.workshop_run import SEEDS, WorkshopRun, WorkshopSetup

PACKAGES_VARIABLE = "CPSIM_APP_PACKAGES"
PREFERRED_PACKAGE = "munro_full"


def package_dir() -> Path:
    """The folder of reform packages (CPSIM_APP_PACKAGES, else the scenario folder's `reforms`)."""
    return Path(os.environ.get(PACKAGES_VARIABLE) or scenario_dir() / "reforms")


def package_files(folder: Path | None = None) -> dict[str, Path]:
    """Package name -> file for every scenario file in `folder` that loads and switches a reform on."""
    found = {}
    for path in sorted((folder or package_dir()).glob("*.toml")):
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            continue
        if scenario.levers:
            found.setdefault(scenario.name, path)
    return found


def family_count(package) -> int:
    """How many families of reforms the package switches on (abm.workshop.planning.WorkshopError if none)."""
    from abm.workshop.planning import plan

    return len(plan(package).families)


def _families(package) -> int | str:
    from abm.workshop.planning import WorkshopError

    try:
        return family_count(package)
    except WorkshopError as e:  # a package the workshop cannot take is said before Run
        return f"{package.name}: {e}"


@solara.component
def WorkshopView(start, cancel):
    """The Workshop of one session (`start(package, setup)`/`cancel()` run and stop the session's workshop)."""
    files = solara.use_memo(package_files, [])
    with solara.Column(classes=["cpsim-workshop-view"]):
        Heading("Workshop: do the reforms work together, or cherry-picked?")
        if not files:
            solara.Error(f"No reform package found in {package_dir()} (scenario files that switch reforms on).")
        else:
            Workshop(files, start, cancel)


@solara.component
def Workshop(files: dict[str, Path], start, cancel):
    session = use_session()
    first = PREFERRED_PACKAGE if PREFERRED_PACKAGE in files else next(iter(files))
    default = solara.use_memo(lambda: WorkshopSetup.of(load_scenario(files[first])), [first])
    setup = session.workshop_setup.value
    if setup is None or setup.package not in files:
        setup = default
    package = solara.use_memo(lambda: load_scenario(files[setup.package]), [setup.package])
    families = solara.use_memo(lambda: _families(package), [setup.package])
    unfolded = solara.use_reactive(False)
    running = session.workshop_job.value is not None
    finished = session.workshop.value
    deck = session.projector.value and finished is not None
    with solara.Column(classes=["cpsim-workshop"] + (["cpsim-workshop-deck"] if deck else []),
                       gap="6px" if deck else "12px", style={"font-size": "1.3em"}):
        if deck and not unfolded.value:
            with solara.Row(style={"align-items": "center"}):
                solara.Text(f"{setup.package}: {plural(setup.seeds, 'seed')} x {plural(setup.years, 'year')}.",
                            style={"opacity": 0.8})
                solara.Button("Settings and run", text=True, on_click=lambda: unfolded.set(True),
                              classes=["cpsim-workshop-settings"])
        else:
            Settings(files, setup, package, families, running)
            ParameterSource(disabled=running)
            if not running:
                RunWarnings(run_warnings([package], setup.seeds, setup.years, session.point.value))
            with solara.Row(style={"align-items": "center"}):
                solara.Button("Run the workshop", color="primary", on_click=lambda: start(package, setup),
                              disabled=running, classes=["cpsim-workshop-run"])
                if deck:
                    solara.Button("Fold the settings", text=True, on_click=lambda: unfolded.set(False))
        RunProgress(cancel)
        provisional = session.workshop_provisional.value
        shown = provisional or finished
        message = "" if shown is None else ready_message(shown)
        Announcement(message=message, token=announcement_token(shown, message))
        if provisional is not None:
            ProvisionalOverview(provisional, running)
        elif finished is not None:
            Deck(finished, session.projector.value).key("cpsim-workshop-steps")


@solara.component
def Settings(files: dict[str, Path], setup: WorkshopSetup, package, families: int | str, running: bool):
    """The package, seeds and years of the next run, and what they add up to."""
    session = use_session()

    def change(**settings) -> None:
        session.workshop_setup.set(replace(setup, **settings))

    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Select("Reform package", values=list(files), value=setup.package, disabled=running,
                      on_value=lambda name: session.workshop_setup.set(setup.with_package(load_scenario(files[name]))))
        with solara.Div(classes=["cpsim-workshop-seeds"], style={"min-width": "240px"}):
            solara.SliderInt(f"Seeds: {setup.seeds}", value=setup.seeds, min=SEEDS[0], max=SEEDS[1],
                             on_value=lambda n: change(seeds=n), disabled=running)
            solara.Text(SEEDS_HELP, style={"font-size": "0.7em", "opacity": 0.75})
        with solara.Div(classes=["cpsim-workshop-years"], style={"min-width": "240px"}):
            solara.SliderInt(f"Years: {setup.years}", value=setup.years, min=1, max=max(package.years, 1),
                             on_value=lambda n: change(years=n), disabled=running)
    if isinstance(families, str):
        solara.Error(families)
    else:
        solara.Text(f"{families} families of reforms: {2 ** families} combinations x {plural(setup.seeds, 'seed')} "
                    f"= {2 ** families * setup.seeds} runs of {plural(setup.years, 'year')}.")


@solara.component
def RunProgress(cancel):
    """The run under way (the saved states it prepares first, then its progress and the time left at the rate so
    far; Cancel) and why the last one stopped."""
    session = use_session()
    job = session.workshop_job.value
    if job is not None:
        preparing = session.workshop_preparing.value  # the saved states first, then the runs
        done, total = session.workshop_progress.value
        with solara.Row(style={"align-items": "center"}):
            solara.Button("Cancel", color="error", on_click=cancel, classes=["cpsim-workshop-cancel"],
                          disabled=job.cancelled())
            if preparing is None:
                solara.Text(progress_line(done, total, job.seconds_left()), classes=["cpsim-workshop-progress"])
        if preparing is None:
            solara.ProgressLinear(100 * done / total if total else True)
        else:
            PreparingProgress(preparing, "workshop")
    if session.workshop_message.value:
        solara.Info(session.workshop_message.value, classes=["cpsim-workshop-message"])


@solara.component
def ProvisionalOverview(run: WorkshopRun, running: bool):
    """The overview grid of the seeds landed so far, said to be provisional (no steps, no download)."""
    with solara.Column(classes=["cpsim-workshop-provisional"], gap="6px"):
        solara.Warning(provisional_note(run.landed, run.seeds, running), classes=["cpsim-provisional"])
        Overview(run.result, [], lambda _: None)


def ready_message(run: WorkshopRun) -> str:
    """What the live region says when a workshop has finished (or its first seeds have landed)."""
    years = plural(run.result['years'], 'year')
    if run.landed is not None:
        combinations = plural(len(run.result['subsets']), 'combination')
        return f"First results: {combinations} x {years}, shown as their seeds finish"
    return f"Workshop ready: {plural(len(run.steps), 'step')}, {plural(len(run.result['seeds']), 'seed')} x {years}"
