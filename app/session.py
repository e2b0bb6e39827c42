"""What every view of one browser session shares: the Compare setup, the setups saved under a name, the last
comparison, projector mode, the parameters the runs use (posterior or single fit), the Workshop's settings and
run, Inside the system's choice and run.

The entry page (`app/cpsim_app.py`) makes one `Session` per browser session from
`solara.use_reactive` values and provides it through `SessionContext`; a view reads it with
`use_session()`. Nothing here is module-level state: each session gets its own values.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara

from app.state import CompareSetup, Comparison, Preparing, RunJob


@dataclass(frozen=True)
class Session:
    """One browser session's shared values (each a solara reactive: `.value` to read, `.set` to change)."""

    setup: solara.Reactive[CompareSetup]
    saved: solara.Reactive[dict[str, CompareSetup]]  # setups saved under a name in this session
    comparison: solara.Reactive[Comparison | None]  # the last finished comparison (all views read it)
    projector: solara.Reactive[bool]  # large type for a projector
    job: solara.Reactive[RunJob | None]  # the background run under way, if any
    progress: solara.Reactive[tuple[int, int]]  # (runs done, runs in all) of that run
    run_message: solara.Reactive[str | None]  # why the last run stopped, if it did not finish
    preparing: solara.Reactive[Preparing | None]  # the saved states that run is building first, if any
    point: solara.Reactive[bool]  # run on the single calibrated fit (True), or on the calibration posterior
    # engineer B (Workshop, Inside the system): their finished results, kept while the reviewer visits other views
    workshop: solara.Reactive  # app.workshop_run.WorkshopRun | None: the last finished workshop
    inside: solara.Reactive  # app.views.run_reading.RunPairs | None: the last runs looked inside
    # the Workshop's settings and run, held here so that they survive a visit to another view
    workshop_setup: solara.Reactive  # app.workshop_run.WorkshopSetup | None: None until the facilitator sets one
    workshop_job: solara.Reactive  # app.workshop_run.WorkshopJob | None: the workshop run under way, if any
    workshop_progress: solara.Reactive[tuple[int, int]]  # (runs done, runs in all) of that run
    workshop_message: solara.Reactive[str]  # why the last workshop run stopped, if it did not finish
    workshop_preparing: solara.Reactive[Preparing | None]  # the saved states that run is building first, if any
    workshop_step: solara.Reactive[int]  # the step of the finished workshop on show (0 = the first)
    workshop_provisional: solara.Reactive  # app.workshop_run.WorkshopRun | None: the seeds landed so far of a run
    # Inside the system's choice and run, held here so that they survive a visit to another view
    inside_choice: solara.Reactive[str]  # the scenario set beside the baseline ("": the first one)
    inside_job: solara.Reactive  # app.inside_run.InsideJob | None: the runs under way, if any
    inside_progress: solara.Reactive[tuple[int, int]]  # (runs done, runs in all) of those runs
    inside_message: solara.Reactive[str]  # why the last runs stopped, if they did not finish
    inside_preparing: solara.Reactive[Preparing | None]  # the saved states those runs are building first, if any


SessionContext = solara.create_context(None)


def use_session() -> Session:
    """The session of the page being rendered."""
    session = solara.use_context(SessionContext)
    if session is None:
        raise RuntimeError("use_session() outside the app's Page")
    return session
