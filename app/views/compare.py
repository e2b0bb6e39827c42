"""The Compare page: pick a baseline, switch reforms on in up to three more named scenarios, set the
start year, horizon and seeds, press Run; the runs go in the background (progress bar, Cancel) and
the results appear beside the baseline: a chart per headline outcome (median and 5th-95th
percentile band per year) and the table of paired differences with 90% intervals
(views/difference_table.py) and the report to download (views/report_download.py). Before Run, settings too
small for the question are warned of (app.guard_rails); results whose setup has changed since are marked
out of date (views/out_of_date.py). A change the page refuses (a start year out of range, a name already
used) is explained and its field shows again what will run. The setup can be kept as a link or under a
name (views/saved_setups.py)."""

from __future__ import annotations

import re

import solara

from abm.outcomes import BY_NAME
from abm.scenario import load_scenario
from app.charts import BAND_SENTENCE, band_figure
from app.guard_rails import setup_warnings
from app.out_of_date import changes
from app.session import use_session
from app.state import (MAX_SCENARIOS, SEEDS, START_YEARS, YEARS, Comparison, CompareSetup, SetupError,
                       packages, reform_catalogue)
from app.views.announcement import Announcement, announcement_token
from app.views.chart_image import ChartImage
from app.views.checked_field import CheckedField
from app.views.difference_table import DifferenceTable
from app.views.heading import Heading
from app.views.out_of_date import OutOfDate
from app.views.parameter_source import ParameterSource
from app.views.preparing import PreparingProgress
from app.views.report_download import ReportDownload
from app.views.run_warnings import RunWarnings
from app.views.saved_setups import KeepSetup
from app.wording import SEEDS_HELP, plural, progress_line, provisional_note


STALE_STYLE = {"border-left": "6px dashed #b35900", "padding-left": "10px"}  # results out of date, all the way down


@solara.component
def Problem(message: str | None):
    if message:
        solara.Error(message, classes=["cpsim-error"])


@solara.component
def RunSettings(setup: solara.Reactive[CompareSetup], files: dict, problem: solara.Reactive[str | None],
                disabled: bool):
    def choose_base(name: str) -> None:
        if name in files:  # an uploaded baseline is listed too, but has no file to load again
            _act(setup, problem, lambda s: s.with_base(load_scenario(files[name])))

    def change(**settings) -> None:
        _act(setup, problem, lambda s: s.with_settings(**settings))

    def commit_year(text: str) -> bool:
        return _act(setup, problem, lambda s: s.with_settings(start_year=_whole(text, "start year")))

    current = setup.value
    with solara.Card("Run settings"):
        names = list(files)
        if current.base.name not in names:
            names.append(current.base.name)
        solara.Select("Baseline scenario", values=names, value=current.base.name,
                      on_value=choose_base, disabled=disabled)
        if current.base.description:
            solara.Text(current.base.description, style={"opacity": 0.7})
        if current.start_year is not None:
            CheckedField(f"Start year (April; {START_YEARS[0]}-{START_YEARS[1]})", str(current.start_year),
                         commit=commit_year, disabled=disabled, classes=("cpsim-start-year",))
        with solara.Div(classes=["cpsim-years"]):
            solara.SliderInt(f"Years to simulate: {current.years}", value=current.years, min=YEARS[0], max=YEARS[1],
                             on_value=lambda y: change(years=y), disabled=disabled)
        with solara.Div(classes=["cpsim-seeds"]):
            solara.SliderInt(f"Seeds (runs of each scenario): {current.seeds}", value=current.seeds, min=SEEDS[0],
                             max=SEEDS[1], on_value=lambda s: change(seeds=s), disabled=disabled)
            solara.Text(SEEDS_HELP, classes=["cpsim-seeds-help"], style={"font-size": "0.85em", "opacity": 0.75})


def _whole(text: str, what: str) -> int:
    """`text` as a whole number; SetupError naming `what` if it is not one."""
    if not re.fullmatch(r"\s*[0-9]{1,9}\s*", text):
        raise SetupError(f"{what}: {text[:20]!r} is not a whole number")
    return int(text)


def _act(setup: solara.Reactive[CompareSetup], problem: solara.Reactive[str | None], change) -> bool:
    """Apply `change` (a function of the setup, which may raise SetupError) to the setup; whether it was taken.
    A refusal is said in `problem`, and the setup is kept as it was."""
    try:
        setup.set(change(setup.value))
    except SetupError as e:
        problem.set(f"{e} (kept as it was)")
        return False
    problem.set(None)
    return True


@solara.component
def ScenarioNames(setup: solara.Reactive[CompareSetup], problem: solara.Reactive[str | None], disabled: bool):
    drafts = setup.value.drafts
    presets = solara.use_memo(packages, [])

    def tick_package(index: int, name: str | None) -> None:
        if name in presets:
            _act(setup, problem, lambda s: s.with_reforms(index, presets[name]))
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        for index, draft in enumerate(drafts):
            with solara.Row(classes=[f"cpsim-scenario-{index}"], gap="0px",
                            style={"align-items": "center", "min-width": "220px"}):
                CheckedField("Baseline name" if index == 0 else f"Scenario {index + 1} name", draft.name,
                             commit=lambda name, index=index: _act(setup, problem, lambda s: s.renamed(index, name)),
                             disabled=disabled, classes=(f"cpsim-name-{index}",))
                if index > 0 and presets:
                    solara.Select("Tick a package", values=list(presets), value=None, disabled=disabled,
                                  classes=[f"cpsim-package-{index}"], style={"max-width": "170px"},
                                  on_value=lambda name, index=index: tick_package(index, name))
                if index > 0:
                    solara.Button(icon_name="mdi-delete", icon=True, disabled=disabled,
                                  on_click=lambda index=index: _act(setup, problem,
                                                                    lambda s: s.with_scenario_removed(index)))
        solara.Button("Add a scenario", icon_name="mdi-plus", classes=["cpsim-add-scenario"],
                      disabled=disabled or len(drafts) >= MAX_SCENARIOS, on_click=lambda: _add(setup, problem))


def _cell(*children, tag: str = "td", style: str = ""):
    return solara.v.Html(tag=tag, children=list(children), style_=style)


@solara.component
def ReformTable(setup: solara.Reactive[CompareSetup], problem: solara.Reactive[str | None], disabled: bool):
    """A row per reform (grouped in families), a column per scenario: tick to switch it on there."""
    drafts, inherited = setup.value.drafts, setup.value.base_reforms
    head = [_cell("Reform", tag="th", style="text-align: left")]
    head += [_cell(d.name, tag="th", style="min-width: 110px") for d in drafts]
    rows = [solara.v.Html(tag="tr", children=head)]
    for _, family_label, reforms in reform_catalogue():
        rows.append(solara.v.Html(tag="tr", children=[
            _cell(family_label, style="font-weight: bold; padding-top: 10px")]))
        for name, label, what in reforms:
            describe = solara.v.Html(tag="div", children=[
                solara.v.Html(tag="div", children=[f"{name} {label}"], style_="font-weight: 500"),
                solara.v.Html(tag="div", children=[what], class_="cpsim-what",
                              style_="font-size: 0.85em; opacity: 0.75")])
            cells = [_cell(describe)]
            for index, draft in enumerate(drafts):
                if name in inherited:
                    box = solara.v.Checkbox(
                        label=f"{name} {label} on in {draft.name}: the baseline file switches it on",
                        v_model=True, disabled=True, hide_details=True, dense=True,
                        class_=f"cpsim-toggle cpsim-inherited cpsim-toggle-{index}-{name} mt-0")
                    cells.append(_cell(box, style="text-align: center"))
                    continue
                if index == 0:
                    cells.append(_cell("-", style="text-align: center; opacity: 0.5"))
                    continue
                box = solara.v.Checkbox(
                    label=f"{name} {label} in {draft.name}",
                    v_model=name in draft.reforms, disabled=disabled, hide_details=True, dense=True,
                    class_=f"cpsim-toggle cpsim-toggle-{index}-{name} mt-0",
                    on_v_model=lambda on, index=index, name=name: _act(
                        setup, problem, lambda s: s.with_reform(index, name, bool(on))))
                cells.append(_cell(box, style="text-align: center"))
            rows.append(solara.v.Html(tag="tr", children=cells))
    with solara.Card("Scenarios and reforms", style={"flex": "1", "min-width": "500px"}):
        ScenarioNames(setup, problem, disabled)
        solara.Markdown("The baseline runs as its scenario file says; tick a reform to switch it on in a "
                        "scenario. Every scenario is compared with the baseline on the same seeds.")
        if inherited:
            solara.Text(f"The baseline file switches on {', '.join(inherited)}: ticked and greyed, "
                        "on in every scenario, since each builds on the baseline.",
                        classes=["cpsim-base-reforms"], style={"font-weight": "500"})
        solara.v.Html(tag="table", children=rows, class_="cpsim-reforms", style_="width: 100%; border-collapse: collapse")


@solara.component
def RunBar(start, cancel):
    session = use_session()
    job = session.job.value
    ParameterSource(disabled=job is not None)
    if job is None:
        RunWarnings(setup_warnings(session.setup.value, session.point.value))
    with solara.Row(style={"align-items": "center"}):
        solara.Button("Run", color="primary", on_click=start, disabled=job is not None,
                      classes=["cpsim-run"])
        if job is not None:
            solara.Button("Cancel", color="error", on_click=cancel, classes=["cpsim-cancel"],
                          disabled=job.cancelled())
    if job is not None and session.preparing.value is not None:
        PreparingProgress(session.preparing.value, "compare")
    elif job is not None:
        done, total = session.progress.value
        solara.ProgressLinear(100 * done / total if total else True)
        solara.Text(progress_line(done, total, job.seconds_left()), classes=["cpsim-progress-text"])
    if session.run_message.value:
        solara.Info(session.run_message.value, classes=["cpsim-run-message"])
    if session.comparison.value is not None and job is None:
        OutOfDate(session.comparison.value, session.setup.value, brief=True)


@solara.component
def Results():
    session = use_session()
    comparison = session.comparison.value
    message = "" if comparison is None else ready_message(comparison)
    Announcement(message=message, token=announcement_token(comparison, message))
    if comparison is None:
        solara.Markdown("No results yet: choose the reforms and press **Run**.")
        return
    stale = bool(changes(comparison.setup, session.setup.value, comparison.point, session.point.value))
    with solara.Div(classes=["cpsim-results"] + (["cpsim-stale"] if stale else []),
                    style=STALE_STYLE if stale else {}):
        OutOfDate(comparison, session.setup.value)
        if comparison.landed is None:
            ReportDownload(comparison)
        else:
            solara.Warning(provisional_note(comparison.landed, comparison.setup.seeds, session.job.value is not None),
                           classes=["cpsim-provisional"])
        ComparisonResults(comparison, session.projector.value)


def ready_message(comparison: Comparison) -> str:
    """What the live region says when a comparison has finished (or its first seeds have landed)."""
    result = comparison.statistics
    scenarios, years = plural(len(comparison.labels), 'scenario'), plural(len(result['years']['labels']), 'year')
    if comparison.landed is None:
        return f"Results ready: {scenarios} x {plural(len(result['seeds']), 'seed')} x {years}"
    return f"First results: {scenarios} x {years}, shown as their seeds finish"



@solara.component
def ComparisonResults(comparison: Comparison, projector: bool):
    """A chart per headline outcome, then the paired-difference table."""
    result = comparison.statistics
    labels = list(comparison.labels)
    headline = [name for name, entry in result["outcomes"].items() if entry["headline"]]
    figures = solara.use_memo(lambda: [band_figure(result, outcome, labels, projector) for outcome in headline],
                              [id(comparison), projector])
    with solara.Div(classes=["cpsim-compare-charts"]):
        solara.Markdown(f"## Results: {', '.join(labels)} ({plural(len(result['seeds']), 'seed')})")
        with solara.ColumnsResponsive(12, large=6 if not projector else 12):
            for outcome, figure in zip(headline, figures):
                ChartImage(figure, chart_alt(outcome, labels), dependencies=[id(comparison), projector, outcome])
        solara.Text(BAND_SENTENCE, classes=["cpsim-band-sentence"])
    with solara.Div(classes=["cpsim-difference-table"]):
        solara.Markdown("## Paired differences from the baseline")
        DifferenceTable(result, labels)


def chart_alt(outcome: str, labels: list[str]) -> str:
    """The alt text of an outcome's chart."""
    return (f"Chart of {BY_NAME[outcome].label} per year for {', '.join(labels)}: each scenario's median over "
            "seeds as a line, its 5th-95th percentile band shaded. The table below gives the differences.")


@solara.component
def CompareView(files: dict, start, cancel):
    """The Compare page of one session (`start`/`cancel` run and stop the session's background run)."""
    session = use_session()
    problem = solara.use_reactive(None)
    setup = session.setup
    running = session.job.value is not None
    with solara.Column(classes=["cpsim-compare"] + (["cpsim-big"] if session.projector.value else [])):
        Heading("Compare reforms")
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Column(style={"width": "340px"}):
                RunSettings(setup, files, problem, running)
                Problem(problem.value)
                RunBar(start, cancel)
                KeepSetup(files, running)
            ReformTable(setup, problem, running)
        Results()


def _add(setup: solara.Reactive[CompareSetup], problem: solara.Reactive[str | None]) -> None:
    taken = {d.name for d in setup.value.drafts}
    name = next(f"Scenario {i}" for i in range(2, MAX_SCENARIOS + 2) if f"Scenario {i}" not in taken)
    _act(setup, problem, lambda s: s.with_scenario_added(name))
