"""The Workshop: a facilitator chooses a reform package, runs the cherry-picking analysis
(`abm.workshop.run_workshop`: every subset of the package's families on the same seeds)
in the background, then steps through it on a projector: each family alone, then pairs,
then the whole package, one big chart and one or two sentences a step, Back and Next.

Packages are the scenario files in the `reforms` folder of the app's scenario folder
(scenarios/reforms/, see app.state.scenario_dir; or the folder named by the
CPSIM_APP_PACKAGES environment variable) that switch at least one reform on. The finished
analysis is kept in the session (`Session.workshop`), so it survives a visit to another view;
leaving the view while a run is under way cancels that run. Before Run, seeds and years too
few for the question are warned of (app.guard_rails).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import solara
import solara.lab

from abm.scenario import ScenarioError, load_scenario
from app.charts import figure_png
from app.guard_rails import run_warnings
from app.session import use_session
from app.state import RunJob, scenario_dir, workers
from app.views.announcement import Announcement
from app.views.chart_image import ChartImage
from app.views.heading import Heading
from app.views.run_warnings import RunWarnings
from app.views.workshop_steps import step_figure, step_sentences, workshop_steps
from app.wording import SEEDS_HELP, plural

PACKAGES_VARIABLE = "CPSIM_APP_PACKAGES"
SEEDS = (1, 20)
DEFAULT_SEEDS = 3
PREFERRED_PACKAGE = "munro_full"


@dataclass(frozen=True)
class WorkshopRun:
    """A finished workshop: the package's name, its result (abm.workshop.run_workshop) and its steps."""

    package: str
    result: dict

    @property
    def steps(self):
        return workshop_steps(self.result)


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


def run_package(package, seeds: int, years: int, job: RunJob, progress) -> WorkshopRun:
    """The workshop of `package` over `years` with `seeds` seeds (abm.compare.Cancelled if cancelled)."""
    from abm.workshop.running import run_workshop

    package = package.with_overrides(seeds=seeds, years=years)
    result = run_workshop(package, seeds, workers=workers(), progress=progress, cancelled=job.cancelled)
    return WorkshopRun(package.name, result)


def _families(package) -> int | str:
    from abm.workshop.planning import WorkshopError

    try:
        return family_count(package)
    except WorkshopError as e:  # a package the workshop cannot take is said before Run
        return f"{package.name}: {e}"


def _big(projector: bool) -> dict:
    return {"font-size": "2.1em" if projector else "1.6em", "line-height": "1.3"}


@solara.component
def WorkshopView():
    files = solara.use_memo(package_files, [])
    Heading("Workshop: do the reforms work together, or cherry-picked?")
    if not files:
        solara.Error(f"No reform package found in {package_dir()} (scenario files that switch reforms on).")
    else:
        Workshop(files)


@solara.component
def Workshop(files: dict[str, Path]):
    session = use_session()
    first = PREFERRED_PACKAGE if PREFERRED_PACKAGE in files else next(iter(files))
    chosen = solara.use_reactive(first)
    if chosen.value not in files:
        chosen.set(first)
    package = solara.use_memo(lambda: load_scenario(files[chosen.value]), [chosen.value])
    families = solara.use_memo(lambda: _families(package), [chosen.value])
    seeds = solara.use_reactive(min(DEFAULT_SEEDS, package.seeds))
    years = solara.use_reactive(package.years)
    job = solara.use_reactive(None)
    progress = solara.use_reactive((0, 0))
    message = solara.use_reactive("")
    holder = solara.use_memo(lambda: {"job": None}, [])

    def work():
        from abm.compare.running import Cancelled, CompareError
        from abm.workshop.planning import WorkshopError

        try:
            done = run_package(package, seeds.value, years.value, job.value,
                               lambda d, t: progress.set((d, t)))
            session.workshop.set(done)
        except Cancelled:
            message.set("Workshop run cancelled.")
        except (ScenarioError, CompareError, WorkshopError) as e:
            message.set(f"The workshop could not run: {e}")
        except Exception as e:  # shown on the page, so a failed run never leaves it waiting
            message.set(f"The workshop run failed: {type(e).__name__}: {e}")
        finally:
            job.set(None)

    task = solara.lab.use_task(work, dependencies=None)

    def start():
        if job.value is not None:
            return
        message.set("")
        progress.set((0, 0))
        holder["job"] = RunJob()
        job.set(holder["job"])
        task()

    def cancel():
        if job.value is not None:
            job.value.cancel()
            message.set("Cancelling: stopping after the runs under way...")

    def stop_on_leave():
        return lambda: holder["job"] is not None and holder["job"].cancel()

    solara.use_effect(stop_on_leave, [])
    running = job.value is not None
    with solara.Column(classes=["cpsim-workshop"], style={"font-size": "1.3em"}):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select("Reform package", values=list(files), value=chosen, disabled=running)
            with solara.Div(classes=["cpsim-workshop-seeds"], style={"min-width": "240px"}):
                solara.SliderInt(f"Seeds: {seeds.value}", value=seeds, min=SEEDS[0], max=SEEDS[1], disabled=running)
                solara.Text(SEEDS_HELP, style={"font-size": "0.7em", "opacity": 0.75})
            with solara.Div(style={"min-width": "240px"}):
                solara.SliderInt(f"Years: {years.value}", value=years, min=1, max=max(package.years, 1),
                                 disabled=running)
        if isinstance(families, str):
            solara.Error(families)
        else:
            solara.Text(f"{families} families of reforms: {2 ** families} combinations x {plural(seeds.value, 'seed')} "
                        f"= {2 ** families * seeds.value} runs of {plural(years.value, 'year')}.")
        if not running:
            RunWarnings(run_warnings([package], seeds.value, years.value))
        with solara.Row(style={"align-items": "center"}):
            solara.Button("Run the workshop", color="primary", on_click=start, disabled=running,
                          classes=["cpsim-workshop-run"])
            if running:
                solara.Button("Cancel", color="error", on_click=cancel, classes=["cpsim-workshop-cancel"],
                              disabled=job.value.cancelled())
        if running:
            done, total = progress.value
            solara.ProgressLinear(100 * done / total if total else True)
            solara.Text(f"{done} of {plural(total, 'run')} done" if total else "Starting the runs...",
                        classes=["cpsim-workshop-progress"])
        if message.value:
            solara.Info(message.value, classes=["cpsim-workshop-message"])
        finished = session.workshop.value
        Announcement(message="" if finished is None else ready_message(finished), token=str(id(finished)))
        if finished is not None:
            Steps(finished, session.projector.value).key("cpsim-workshop-steps")


def ready_message(run: WorkshopRun) -> str:
    """What the live region says when a workshop has finished."""
    return (f"Workshop ready: {plural(len(run.steps), 'step')}, {plural(len(run.result['seeds']), 'seed')} "
            f"x {plural(run.result['years'], 'year')}")


@solara.component
def Steps(run: WorkshopRun, projector: bool):
    steps = solara.use_memo(lambda: run.steps, [id(run)])
    index = solara.use_reactive(0)
    if index.value >= len(steps):
        index.set(0)
    step = steps[index.value]
    result = run.result
    with solara.Column(classes=["cpsim-workshop-steps"]):
        with solara.Row(style={"align-items": "center"}):
            solara.Button("Back", on_click=lambda: index.set(index.value - 1), disabled=index.value == 0,
                          classes=["cpsim-workshop-back"], x_large=True)
            solara.Button("Next", on_click=lambda: index.set(index.value + 1), color="primary",
                          disabled=index.value == len(steps) - 1, classes=["cpsim-workshop-next"], x_large=True)
            solara.Text(f"Step {index.value + 1} of {len(steps)}: {step.title}", classes=["cpsim-workshop-step"],
                        style=_big(projector))
        sentences = step_sentences(result, step)
        solara.Text(sentences[0], style={**_big(projector), "font-weight": "bold"})
        for sentence in sentences[1:]:
            solara.Text(sentence, style={"font-size": "1.5em" if projector else "1.2em"})
        figure = solara.use_memo(lambda: step_figure(result, step, projector), [id(run), index.value, projector])
        ChartImage(figure, f"Chart of step {index.value + 1}, {step.title}: {sentences[0]}",
                   dependencies=[id(run), index.value, projector])
        solara.FileDownload(lambda: figure_png(figure), filename=f"{run.package}-step-{index.value + 1}.png",
                            label="Download this chart (PNG)")
        n = len(result["seeds"])
        solara.Text(f"{run.package}: {plural(n, 'seed')}, {plural(result['years'], 'year')}. Bars: change from no "
                    "reform with its 90% interval; green clearly better, red clearly worse, grey no clear "
                    "difference.", style={"opacity": 0.7})
