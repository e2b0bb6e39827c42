"""The Workshop's settings and background run, held by the page rather than by the Workshop view, so
that leaving the view neither cancels a run nor resets its settings (as Compare's run is held in
app/cpsim_app.py).

`WorkshopSetup` is what the facilitator has chosen: the package, seeds and years. `WorkshopJob`
is one run of it: a `RunJob` (progress, Cancel, time left) that carries the package it runs and
whether it runs on the single fit (`Session.point`); a branched package's saved states are
prepared first, their progress kept in `Session.workshop_preparing`.
`use_workshop_run` is the page's hook: it runs a job in a background thread of the session
(`solara.lab.use_task`), keeps the finished workshop in `Session.workshop` and returns the
view's start and cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import solara
import solara.lab

from abm.scenario import Scenario, ScenarioError
from app.state import Preparing, RunJob, posterior_scenarios, prepare_states, workers
from app.views.workshop_steps import workshop_steps

SEEDS = (1, 20)
DEFAULT_SEEDS = 3


@dataclass(frozen=True)
class WorkshopSetup:
    """The facilitator's choices: the package (by name), the seeds and the years to run."""

    package: str
    seeds: int
    years: int

    @classmethod
    def of(cls, package: Scenario) -> WorkshopSetup:
        """The settings a package starts with: its own years, DEFAULT_SEEDS seeds (fewer if it has fewer)."""
        return cls(package.name, min(DEFAULT_SEEDS, package.seeds), package.years)

    def with_package(self, package: Scenario) -> WorkshopSetup:
        """Another package, over its own years, with the same seeds."""
        return replace(self, package=package.name, years=package.years)


@dataclass(frozen=True)
class WorkshopRun:
    """A finished workshop: the package's name, its result (abm.workshop.run_workshop) and its steps."""

    package: str
    result: dict

    @property
    def steps(self):
        return workshop_steps(self.result)


class WorkshopJob(RunJob):
    """One workshop run under way: the package with the seeds and years it runs over."""

    def __init__(self, package: Scenario, seeds: int, years: int, point: bool = False) -> None:
        super().__init__()
        self.package = package.with_overrides(seeds=seeds, years=years)
        self.seeds = seeds
        self.point = point

    def run(self, progress: Callable[[int, int], None],
            preparing: Callable[[Preparing | None], None] = lambda _: None) -> WorkshopRun:
        """The workshop of the package, on the posterior or (`point`) the single fit, the saved states a branched
        package needs prepared first (abm.compare.Cancelled if cancelled)."""
        from abm.workshop.running import run_workshop

        def report(done: int, total: int) -> None:
            self.report(done, total)
            progress(done, total)

        [package] = posterior_scenarios([self.package], self.point)
        prepare_states([package], self.seeds, self, preparing)
        result = run_workshop(package, self.seeds, workers=workers(), progress=report, cancelled=self.cancelled)
        return WorkshopRun(self.package.name, result)


def use_workshop_run(session) -> tuple[Callable[[Scenario, WorkshopSetup], None], Callable[[], None]]:
    """The page's workshop runner for `session` (app.session.Session): (start(package, setup), cancel())."""

    def work():
        from abm.compare.running import Cancelled, CompareError
        from abm.workshop.planning import WorkshopError

        job = session.workshop_job.value
        try:
            finished = job.run(lambda done, total: session.workshop_progress.set((done, total)),
                               session.workshop_preparing.set)
            session.workshop_step.set(0)
            session.workshop.set(finished)
        except Cancelled:
            session.workshop_message.set("Workshop run cancelled.")
        except (ScenarioError, CompareError, WorkshopError) as e:
            session.workshop_message.set(f"The workshop could not run: {e}")
        except Exception as e:  # shown on the page, so a failed run never leaves it waiting
            session.workshop_message.set(f"The workshop run failed: {type(e).__name__}: {e}")
        finally:
            session.workshop_preparing.set(None)
            session.workshop_job.set(None)

    task = solara.lab.use_task(work, dependencies=None)

    def start(package: Scenario, setup: WorkshopSetup) -> None:
        if session.workshop_job.value is not None:
            return
        session.workshop_message.set("")
        session.workshop_progress.set((0, 0))
        session.workshop_job.set(WorkshopJob(package, setup.seeds, setup.years, session.point.value))
        task()

    def cancel() -> None:
        if session.workshop_job.value is not None:
            session.workshop_job.value.cancel()
            session.workshop_message.set("Cancelling: stopping after the runs under way...")

    return start, cancel
