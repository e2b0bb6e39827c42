"""The runs of Inside the system, held by the page rather than by the view, so that leaving the view neither cancels
them nor forgets the scenario chosen (as the Workshop's run is held, app/workshop_run.py).

`InsideJob` is one "Look inside": a `RunJob` (progress, Cancel, time left) that carries the
baseline and the scenario it runs side by side over the same seeds (`views/run_reading.py`
`read_pairs`), after the saved starting states a branched baseline needs are built (their
progress kept in `Session.inside_preparing`, shown as on Compare). `use_inside_run` is the
page's hook: it runs a job in a background thread of the session (`solara.lab.use_task`),
keeps the finished runs in `Session.inside` and returns the view's start and cancel.
"""

from __future__ import annotations

from typing import Callable

import solara
import solara.lab

from app.state import Preparing, RunJob, prepare_states
from app.views.run_reading import RunPairs, read_pairs


class InsideJob(RunJob):
    """One look inside under way: the baseline and the scenario beside it, run on each of `histories` seeds."""

    def __init__(self, baseline, scenario, histories: int) -> None:
        super().__init__()
        self.baseline, self.scenario, self.histories = baseline, scenario, histories

    def run(self, progress: Callable[[int, int], None],
            preparing: Callable[[Preparing | None], None] = lambda _: None) -> RunPairs | None:
        """Both sides' runs, the saved states they branch from prepared first (None if cancelled between runs;
        abm.compare.Cancelled if cancelled while the states are built)."""
        def report(done: int, total: int) -> None:
            self.report(done, total)
            progress(done, total)

        prepare_states([self.baseline, self.scenario], self.histories, self, preparing)
        return read_pairs(self.baseline, self.scenario, self.histories, report, self.cancelled)


def use_inside_run(session) -> tuple[Callable[[object, object, int], None], Callable[[], None]]:
    """The page's runner of Inside the system for `session` (app.session.Session): (start(baseline, scenario,
    histories), cancel())."""

    def work():
        from abm.compare import Cancelled

        job = session.inside_job.value
        cancelled = "Look inside cancelled: the earlier runs (if any) are still shown."
        try:
            pairs = job.run(lambda done, total: session.inside_progress.set((done, total)),
                            session.inside_preparing.set)
            if pairs is None:
                session.inside_message.set(cancelled)
            else:
                session.inside.set(pairs)
        except Cancelled:
            session.inside_message.set(cancelled)
        except Exception as e:  # shown on the page, so a failed run never leaves it waiting
            session.inside_message.set(f"The run failed: {type(e).__name__}: {e}")
        finally:
            session.inside_preparing.set(None)
            session.inside_job.set(None)

    task = solara.lab.use_task(work, dependencies=None)

    def start(baseline, scenario, histories: int) -> None:
        if session.inside_job.value is not None:
            return
        session.inside_message.set("")
        session.inside_progress.set((0, 0))
        session.inside_job.set(InsideJob(baseline, scenario, histories))
        task()

    def cancel() -> None:
        if session.inside_job.value is not None:
            session.inside_job.value.cancel()
            session.inside_message.set("Cancelling: stopping after the run (or saved state) under way...")

    return start, cancel
