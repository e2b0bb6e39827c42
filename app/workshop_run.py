"""The Workshop's settings and background run, held by the page rather than by the Workshop view, so
that leaving the view neither cancels a run nor resets its settings (as Compare's run is held in
app/cpsim_app.py).

`WorkshopSetup` is what the facilitator has chosen: the package, seeds and years. `WorkshopJob`
is one run of it: a `RunJob` (progress, Cancel, time left) that carries the package it runs and
whether it runs on the single fit (`Session.point`); a branched package's saved states are
prepared first, their progress kept in `Session.workshop_preparing`. Its runs are queued seed by
seed, so while they land the workshop of the seeds complete so far is made, as Compare's results
are (`app.state.ProvisionalGate`), and kept in `Session.workshop_provisional` until all are in.
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
from app.state import (Preparing, ProvisionalGate, RunJob, posterior_offered, posterior_scenarios, prepare_states,
                       workers)
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
    """A workshop: the package's name, its result (abm.workshop.run_workshop) and its steps. `landed` is None when
    every run is in; while runs are still landing it is the number of seeds, of the `seeds` run, whose runs of every
    combination are in (the provisional result is theirs)."""

    package: str
    result: dict
    seeds: int
    landed: int | None = None

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
            preparing: Callable[[Preparing | None], None] = lambda _: None,
            on_partial: Callable[[WorkshopRun], None] | None = None) -> WorkshopRun:
        """The workshop of the package, on the posterior or (`point`) the single fit, the saved states a branched
        package needs prepared first (abm.compare.Cancelled if cancelled). While runs land, `on_partial` gets
        provisional workshops of the seeds complete so far (app.state.ProvisionalGate)."""
        from abm.workshop.planning import plan
        from abm.workshop.running import result_of, run_plan

        def report(done: int, total: int) -> None:
            self.report(done, total)
            progress(done, total)

        [package] = posterior_scenarios([self.package], self.point)
        prepare_states([package], self.seeds, self, preparing)
        ws = plan(package)
        gate = ProvisionalGate(self, len(ws.subsets), self.seeds)

        def workshop(result: dict, landed: int | None = None) -> WorkshopRun:
            return WorkshopRun(self.package.name, {**result, **posterior_offered()}, self.seeds, landed)

        def landed(subset: int, seed: int, table) -> None:
            gate.land(subset, seed, table, None if on_partial is None else
                      lambda complete, weekly: on_partial(workshop(result_of(ws, weekly), complete)))

        return workshop(run_plan(ws, self.seeds, workers=workers(), progress=report, cancelled=self.cancelled,
                                 landed=landed))


def use_workshop_run(session) -> tuple[Callable[[Scenario, WorkshopSetup], None], Callable[[], None]]:
    """The page's workshop runner for `session` (app.session.Session): (start(package, setup), cancel())."""

    def work():
        from abm.compare.running import Cancelled, CompareError
        from abm.workshop.planning import WorkshopError

        job = session.workshop_job.value

        def provisional(run: WorkshopRun) -> None:
            if not job.cancelled():  # nothing new on show once Cancel is pressed
                session.workshop.set(None)  # the new run's first seeds replace the last workshop, as on Compare
                session.workshop_provisional.set(run)

        try:
            finished = job.run(lambda done, total: session.workshop_progress.set((done, total)),
                               session.workshop_preparing.set, provisional)
            session.workshop_step.set(0)
            session.workshop_provisional.set(None)
            session.workshop.set(finished)
        except Cancelled:
            session.workshop_message.set("Workshop run cancelled. A grid shown, marked provisional, is that of the "
                                         "seeds that finished.")
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
        session.workshop_provisional.set(None)
        session.workshop_job.set(WorkshopJob(package, setup.seeds, setup.years, session.point.value))
        task()

    def cancel() -> None:
        if session.workshop_job.value is not None:
            session.workshop_job.value.cancel()
            session.workshop_message.set("Cancelling: stopping after the runs under way...")

    return start, cancel
