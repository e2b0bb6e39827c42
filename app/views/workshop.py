"""The Workshop: a facilitator chooses a reform package, runs the cherry-picking analysis
(`abm.workshop.run_workshop`: every subset of the package's families on the same seeds)
in the background, then steps through it on a projector: each family alone, then pairs,
then the whole package, one big chart and one or two sentences a step, Back and Next, or
a jump to any step; or the overview grid of every combination (views/workshop_overview.py),
whose rows jump to their steps. Every step's chart has the same x-axis.

Packages are the scenario files in the `reforms` folder of the app's scenario folder
(scenarios/reforms/, see app.state.scenario_dir; or the folder named by the
CPSIM_APP_PACKAGES environment variable) that switch at least one reform on. The settings,
the run under way and the finished analysis are the session's (app/workshop_run.py), so
leaving the view neither cancels a run nor resets the settings; while it runs, the time left
is estimated from the rate of the runs done. Before Run, seeds and years too few for the
question are warned of (app.guard_rails). In projector mode a finished workshop fills one
screen (1600x1000 without scrolling): the settings fold into one line and the chart takes
the height the words leave.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import solara

from abm.scenario import ScenarioError, load_scenario
from app.charts import figure_png
from app.guard_rails import run_warnings
from app.session import use_session
from app.state import scenario_dir
from app.views.announcement import Announcement
from app.views.chart_image import ChartImage
from app.views.heading import Heading
from app.views.run_warnings import RunWarnings
from app.views.workshop_overview import Overview
from app.views.workshop_steps import step_figure, step_sentences
from app.workshop_run import SEEDS, WorkshopRun, WorkshopSetup
from app.wording import SEEDS_HELP, plural, time_left

PACKAGES_VARIABLE = "CPSIM_APP_PACKAGES"
PREFERRED_PACKAGE = "munro_full"
MODES = ("Step by step", "Overview grid")
# The projector's deck: the page one screen high; each box from the page down to the chart (or the overview
# grid) takes the height its neighbours leave, and the chart's image fits in its box.
DECK = ".cpsim-root:has(.cpsim-workshop-deck)"
GROWING = (" > .cpsim-workshop-view", " .cpsim-workshop-view > .cpsim-workshop-deck",
           " .cpsim-workshop-deck > .cpsim-workshop-steps", " .cpsim-workshop-steps > .cpsim-workshop-step-shown",
           " .cpsim-workshop-step-shown > .cpsim-workshop-chart", " .cpsim-workshop-steps > .cpsim-workshop-overview",
           " .cpsim-workshop-overview > .cpsim-overview-box")
DECK_CSS = f"""
{DECK} {{ height: 100vh; box-sizing: border-box; }}
{DECK} > *, {DECK} .cpsim-workshop-view > *, {DECK} .cpsim-workshop-deck > *, {DECK} .cpsim-workshop-steps > *,
{DECK} .cpsim-workshop-step-shown > *, {DECK} .cpsim-workshop-overview > * {{ flex: none; }}
{", ".join(DECK + g for g in GROWING)} {{ flex: 1 1 0; min-height: 0; }}
{DECK} .cpsim-workshop-chart {{ position: relative; }}
{DECK} .cpsim-workshop-chart img {{
  position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; object-position: left top; }}
{DECK} h1 {{ margin: 0; font-size: 1.6em; }}
{DECK} .cpsim-announcement-shown {{ margin: 0; padding: 4px 12px; font-size: 1em; }}
"""


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


def _big(projector: bool) -> dict:
    return {"font-size": "1.9em" if projector else "1.6em", "line-height": "1.25"}


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
        solara.Style(DECK_CSS)
        if deck and not unfolded.value:
            with solara.Row(style={"align-items": "center"}):
                solara.Text(f"{setup.package}: {plural(setup.seeds, 'seed')} x {plural(setup.years, 'year')}.",
                            style={"opacity": 0.8})
                solara.Button("Settings and run", text=True, on_click=lambda: unfolded.set(True),
                              classes=["cpsim-workshop-settings"])
        else:
            Settings(files, setup, package, families, running)
            if not running:
                RunWarnings(run_warnings([package], setup.seeds, setup.years))
            with solara.Row(style={"align-items": "center"}):
                solara.Button("Run the workshop", color="primary", on_click=lambda: start(package, setup),
                              disabled=running, classes=["cpsim-workshop-run"])
                if deck:
                    solara.Button("Fold the settings", text=True, on_click=lambda: unfolded.set(False))
        RunProgress(cancel)
        Announcement(message="" if finished is None else ready_message(finished), token=str(id(finished)))
        if finished is not None:
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
    """The run under way (its progress, the time left at the rate so far, Cancel) and why the last one stopped."""
    session = use_session()
    job = session.workshop_job.value
    if job is not None:
        done, total = session.workshop_progress.value
        with solara.Row(style={"align-items": "center"}):
            solara.Button("Cancel", color="error", on_click=cancel, classes=["cpsim-workshop-cancel"],
                          disabled=job.cancelled())
            left = job.seconds_left()
            said = (f"{done} of {plural(total, 'run')} done; "
                    + ("estimating the time left..." if left is None else time_left(left))) if total else \
                "Starting the runs..."
            solara.Text(said, classes=["cpsim-workshop-progress"])
        solara.ProgressLinear(100 * done / total if total else True)
    if session.workshop_message.value:
        solara.Info(session.workshop_message.value, classes=["cpsim-workshop-message"])


def ready_message(run: WorkshopRun) -> str:
    """What the live region says when a workshop has finished."""
    return (f"Workshop ready: {plural(len(run.steps), 'step')}, {plural(len(run.result['seeds']), 'seed')} "
            f"x {plural(run.result['years'], 'year')}")


@solara.component
def Deck(run: WorkshopRun, projector: bool):
    """The finished workshop: Back, Next, a jump to any step, and either the step on show or the overview grid."""
    session = use_session()
    steps = solara.use_memo(lambda: run.steps, [id(run)])
    index = session.workshop_step
    if index.value >= len(steps):
        index.set(0)
    mode = solara.use_reactive(MODES[0])
    names = [f"{i + 1}. {step.title}" for i, step in enumerate(steps)]

    def show(i: int) -> None:
        index.set(i)
        mode.set(MODES[0])

    with solara.Column(classes=["cpsim-workshop-steps"], gap="6px" if projector else "12px"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button("Back", on_click=lambda: show(index.value - 1), disabled=index.value == 0,
                          classes=["cpsim-workshop-back"], x_large=True)
            solara.Button("Next", on_click=lambda: show(index.value + 1), color="primary",
                          disabled=index.value == len(steps) - 1, classes=["cpsim-workshop-next"], x_large=True)
            with solara.Div(classes=["cpsim-workshop-jump"], style={"min-width": "320px"}):
                solara.Select("Jump to step", values=names, value=names[index.value],
                              on_value=lambda name: show(names.index(name)))
            solara.ToggleButtonsSingle(value=mode, values=list(MODES), classes=["cpsim-workshop-mode"])
        if mode.value == MODES[0]:
            StepShown(run, steps, index.value, projector)
        else:
            Overview(run.result, steps, show)


@solara.component
def StepShown(run: WorkshopRun, steps: list, index: int, projector: bool):
    """One step: its title, its sentences, its chart (the x-axis of every step) and the chart's caption."""
    step, result = steps[index], run.result
    sentences = step_sentences(result, step)
    figure = solara.use_memo(lambda: step_figure(result, step, projector), [id(run), index, projector])
    with solara.Column(classes=["cpsim-workshop-step-shown"], gap="6px" if projector else "12px"):
        solara.Text(f"Step {index + 1} of {len(steps)}: {step.title}", classes=["cpsim-workshop-step"],
                    style=_big(projector))
        solara.Text(sentences[0], style={**_big(projector), "font-weight": "bold"})
        for sentence in sentences[1:]:
            solara.Text(sentence, style={"font-size": "1.25em" if projector else "1.2em", "line-height": "1.3"})
        with solara.Div(classes=["cpsim-workshop-chart"]):
            ChartImage(figure, f"Chart of step {index + 1}, {step.title}: {sentences[0]}",
                       dependencies=[id(run), index, projector])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            n = len(result["seeds"])
            solara.Text(f"{run.package}: {plural(n, 'seed')}, {plural(result['years'], 'year')}. Bars: change from "
                        "no reform with its 90% interval; green clearly better, red clearly worse, grey no clear "
                        "difference. The same x-axis on every step.", style={"opacity": 0.7, "font-size": "0.8em"})
            solara.FileDownload(lambda: figure_png(figure), filename=f"{run.package}-step-{index + 1}.png",
                                label="Download this chart (PNG)")
