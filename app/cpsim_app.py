"""The reviewers' app: one page with a start page, four views (Compare, Workshop, Inside the system,
Keep and share) and the documents the start page points to.

Solara serves `Page` (start it with `cpsim app` or `make app`). Each browser session gets its own
`Session` (app/session.py): its own setup, runs and results, made here from per-session
reactive values, so two sessions never see each other's runs. The comparison, the workshop
(app/workshop_run.py) and Inside the system's runs (app/inside_run.py) run in background threads
of the session (`solara.lab.use_task`) held here, not by their views, so a run goes on while the
reviewer visits another view, and the page stays live: the progress bar moves and Cancel works while
the model runs in worker processes.
The page's address holds the view, the Compare setup, the Workshop's settings and step and the
parameters the runs use (app.setup_link): a page opened with such a link starts with them (read once,
when the page is made), and the address follows every change, a new entry in the browser's history
for each change of view or step, so Back and Forward return to them (`restore`).
"""

from __future__ import annotations

import solara
import solara.lab

from abm.compare import Cancelled, CompareError
from abm.scenario import ScenarioError, load_scenario
from app.accessibility import ACCESSIBILITY_CSS, PageLanguage
from app.inside_run import use_inside_run
from app.session import Session, SessionContext
from app.setup_link import LinkState, link_query, read_link
from app.state import CompareSetup, RunJob, SetupError, baseline_files, posterior_file, run_comparison
from app.views.address import AddressQuery, LinkNotes
from app.views.compare import CompareView
from app.views.documents import DOCUMENTS, DocumentView
from app.views.inside import InsideView
from app.views.share import ShareView
from app.views.start import StartView
from app.views.workshop import WorkshopView, package_files
from app.workshop_run import use_workshop_run

VIEWS = (("start", "Start"), ("compare", "Compare"), ("workshop", "Workshop"), ("inside", "Inside the system"),
         ("share", "Keep and share"))
VIEW_KEYS = (*(key for key, _ in VIEWS), *DOCUMENTS)
PREFERRED_BASELINE = "baseline"
PROJECTOR_CSS = """
.cpsim-projector .cpsim-nav .v-btn { font-size: 1.3rem !important; height: 52px !important; }
.cpsim-projector .cpsim-nav .v-label { font-size: 1.3rem !important; }
.cpsim-big { zoom: 1.3; }
.cpsim-big .cpsim-what { display: none; }
"""


def first_setup(files: dict) -> CompareSetup:
    name = PREFERRED_BASELINE if PREFERRED_BASELINE in files else next(iter(files))
    return CompareSetup.from_scenario(load_scenario(files[name]))


@solara.component
def Navigation(view: solara.Reactive[str], projector: solara.Reactive[bool]):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["cpsim-nav"]):
        for key, label in VIEWS:
            solara.Button(label, text=view.value != key, color="primary", classes=[f"cpsim-nav-{key}"],
                          on_click=lambda key=key: view.set(key))
        solara.Switch(label="Projector (large type)", value=projector)


@solara.component
def Page():
    files = solara.use_memo(baseline_files, [])
    packages = solara.use_memo(lambda: {name: load_scenario(path) for name, path in package_files().items()}, [])
    posterior = solara.use_memo(lambda: posterior_file() is not None, [])
    initial = solara.use_memo(lambda: first_setup(files) if files else None, [])
    search = solara.use_router().search

    def read(query: str | None) -> LinkState:
        return read_link(query, files, initial, VIEW_KEYS, packages, posterior) if files else LinkState()

    link = solara.use_memo(lambda: read(search), [])
    point = not posterior if link.point is None else link.point
    session = Session(setup=solara.use_reactive(link.setup or initial), saved=solara.use_reactive({}),
                      comparison=solara.use_reactive(None),
                      projector=solara.use_reactive(False), job=solara.use_reactive(None),
                      progress=solara.use_reactive((0, 0)), run_message=solara.use_reactive(None),
                      preparing=solara.use_reactive(None), point=solara.use_reactive(point),
                      workshop_preparing=solara.use_reactive(None),
                      workshop=solara.use_reactive(None), inside=solara.use_reactive(None),
                      workshop_setup=solara.use_reactive(link.workshop), workshop_job=solara.use_reactive(None),
                      workshop_progress=solara.use_reactive((0, 0)), workshop_message=solara.use_reactive(""),
                      workshop_step=solara.use_reactive(0), workshop_provisional=solara.use_reactive(None),
                      inside_choice=solara.use_reactive(""),
                      inside_job=solara.use_reactive(None), inside_progress=solara.use_reactive((0, 0)),
                      inside_message=solara.use_reactive(""), inside_preparing=solara.use_reactive(None))
    view = solara.use_reactive(link.view or "start")
    link_dismissed = solara.use_reactive(False)
    restored = solara.use_reactive(0)  # how many Back/Forward moves have been restored

    def restore(query: str) -> None:
        """Go back (or forward) to the view and setups of an address the page wrote: the browser's Back button."""
        state = read(query)
        if state.setup is not None:
            session.setup.set(state.setup)
        if state.workshop is not None:
            session.workshop_setup.set(state.workshop)
        finished = session.workshop.value
        if state.step is not None and finished is not None:
            session.workshop_step.set(min(state.step, len(finished.steps)) - 1)
        if state.point is not None:
            session.point.set(state.point)
        view.set(state.view or "start")
        restored.set(restored.value + 1)

    def work():
        job = session.job.value
        try:
            session.comparison.set(run_comparison(session.setup.value, job,
                                                  on_progress=lambda done, total: session.progress.set((done, total)),
                                                  point=session.point.value, on_preparing=session.preparing.set,
                                                  on_partial=session.comparison.set))
        except Cancelled:
            session.run_message.set("Run cancelled. Results shown, if any, are the earlier ones or, marked "
                                    "provisional, those of this run's seeds that finished.")
        except (SetupError, CompareError, ScenarioError) as e:
            session.run_message.set(f"The run could not start: {e}")
        except Exception as e:  # shown on the page, so a failed run never leaves it waiting
            session.run_message.set(f"The run failed: {type(e).__name__}: {e}")
        finally:
            session.preparing.set(None)
            session.job.set(None)

    task = solara.lab.use_task(work, dependencies=None)
    start_workshop, cancel_workshop = use_workshop_run(session)
    start_inside, cancel_inside = use_inside_run(session)

    def start() -> None:
        if session.job.value is not None:
            return
        session.progress.set((0, 0))
        session.run_message.set(None)
        session.job.set(RunJob())
        task()

    def cancel() -> None:
        if session.job.value is not None:
            session.job.value.cancel()
            session.run_message.set("Cancelling: stopping after the runs under way...")

    solara.Title("cpsim: compare reforms")
    solara.Style(PROJECTOR_CSS + ACCESSIBILITY_CSS)
    PageLanguage()
    if not files:
        solara.Error("No scenario file found to use as a baseline (scenarios/*.toml).")
        return
    SessionContext.provide(session)
    with solara.Column(classes=["cpsim-root"] + (["cpsim-projector"] if session.projector.value else []),
                       style={"padding": "12px"}):
        Navigation(view, session.projector)
        finished = session.workshop.value
        query = link_query(session.setup.value, view.value, session.workshop_setup.value,
                           None if finished is None else session.workshop_step.value + 1,
                           session.point.value if posterior else None)
        AddressQuery(address={"query": query, "restored": restored.value}, event_restore=restore)
        LinkNotes(link, link_dismissed)
        if view.value == "start":
            StartView(view.set)
        elif view.value in DOCUMENTS:
            DocumentView(view.value, view.set)
        elif view.value == "compare":
            CompareView(files, start, cancel)
        elif view.value == "workshop":
            WorkshopView(start_workshop, cancel_workshop)
        elif view.value == "inside":
            InsideView(start_inside, cancel_inside)
        else:
            ShareView()
