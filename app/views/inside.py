"""Inside the system: the baseline and one other scenario side by side, on the same simulated histories, seen as
the child's journey, the Taylor-Russell picture, the causal loop diagram, and the workforce and court.

The reviewer picks one of the Compare page's scenarios to set beside the baseline and
presses "Look inside": both run on each of the Compare page's seeds (its years and start
year) in the background, after the saved starting states a branched baseline needs (shown being built, as
on Compare), with the time left at the rate so far, and Cancel; the runs and the
choice are the session's (app/inside_run.py), so leaving the view neither cancels nor resets
them. History k of n is one seed, run with and without the reforms, so the two sides differ
only by them; the runs are named by history, never by seed. The tables are kept in the session
(`Session.inside`), so each browser session sees only its own runs, and they stay while
the reviewer visits other views. One history is shown at a time and nothing in it is
coloured as better or worse: a difference between two runs of one history is not a
finding (Compare gives differences with their intervals over seeds). The Taylor-Russell
threshold slider recounts the four quadrants of both sides from their decisions without
running the model again, at the front door (assessed or not), after an assessment (a plan
or care, or no plan) or at a review (keep helping or close), each stage's quadrants in its
own words.
"""

from __future__ import annotations

import solara
import solara.lab

from abm.compare import CompareError
from app.charts import figure_png
from app.session import use_session
from app.state import SetupError, posterior_scenarios
from app.views import journey, loops, taylor_russell as tr, workforce
from app.views.chart_image import ChartImage
from app.views.heading import Heading
from app.views.parameter_source import ParameterSource
from app.views.preparing import PreparingProgress
from app.views.run_reading import RunPairs, RunReading
from app.wording import plural, progress_line

PANELS = ("The child's journey", "Threshold and errors", "Causal loops", "Workforce and court")
SIDE_BY_SIDE = {"display": "flex", "flex-wrap": "wrap", "gap": "12px"}
SIDE = {"flex": "1 1 560px", "min-width": "0"}


def _text_size(projector: bool) -> str:
    return "1.6em" if projector else "1.15em"


@solara.component
def InsideView(start, cancel):
    """Inside the system of one session (`start(baseline, scenario, histories)`/`cancel()` run and stop the
    session's runs, app/inside_run.py)."""
    session = use_session()
    projector = session.projector.value
    setup = session.setup.value
    labels = [d.name for d in setup.drafts]
    others = labels[1:]
    chosen = session.inside_choice.value if session.inside_choice.value in others else (others[0] if others else "")
    error = solara.use_reactive("")
    job = session.inside_job.value

    def look_inside() -> None:
        error.set("")
        try:
            scenarios = posterior_scenarios(setup.scenarios(), session.point.value)
        except (SetupError, CompareError) as e:
            error.set(str(e))
            return
        start(scenarios[0], scenarios[labels.index(chosen)], setup.seeds)

    with solara.Column(style={"font-size": _text_size(projector)}):
        Heading("Inside the system")
        if not others:
            solara.Info("Add a scenario on Compare to set it beside the baseline here.")
            return
        solara.Text(f"The baseline and the scenario you choose run side by side on the same "
                    f"{plural(setup.seeds, 'seed')} (each seed one simulated history, with and without the reforms) "
                    f"for {plural(setup.years, 'year')}: {plural(2 * setup.seeds, 'run')}.")
        ParameterSource(disabled=job is not None)
        with solara.Row(style={"align-items": "center"}):
            solara.Select("Scenario beside the baseline", values=others, value=chosen,
                          on_value=session.inside_choice.set, disabled=job is not None)
            solara.Button("Look inside", on_click=look_inside, color="primary", disabled=job is not None,
                          classes=["cpsim-inside-run"])
            if job is not None:
                solara.Button("Cancel", color="error", on_click=cancel, disabled=job.cancelled(),
                              classes=["cpsim-inside-cancel"])
        if job is not None and session.inside_preparing.value is not None:
            PreparingProgress(session.inside_preparing.value, "inside")
        elif job is not None:
            done, total = session.inside_progress.value
            solara.ProgressLinear(100 * done / total if total else True)
            solara.Text(progress_line(done, total, job.seconds_left()), classes=["cpsim-inside-progress"])
        if session.inside_message.value:
            solara.Info(session.inside_message.value, classes=["cpsim-inside-message"])
        if error.value:
            solara.Error(error.value)
        shown = session.inside.value  # the last finished runs stay on show while the next ones run
        if shown is None:
            solara.Text("Choose a scenario and press Look inside: the baseline and the scenario side by side, "
                        "shown four ways.")
        else:
            PairPanels(shown, projector).key("cpsim-inside-panels")


@solara.component
def PairPanels(runs: RunPairs, projector: bool):
    names = [f"History {k + 1} of {runs.histories}" for k in range(runs.histories)]
    history = solara.use_reactive(names[0])
    if history.value not in names:
        history.set(names[0])
    base, other = runs.pairs[names.index(history.value)]
    with solara.Column(classes=["cpsim-inside-panels"]):
        with solara.Row(style={"align-items": "center"}):
            with solara.Div(classes=["cpsim-inside-history"], style={"min-width": "240px"}):
                solara.Select("History to show", values=names, value=history)
            span = base.years[0] if len(base.years) == 1 else f"{base.years[0]} to {base.years[-1]}"
            solara.Text(f"{runs.baseline} and {runs.scenario}, {base.label}, {plural(len(base.years), 'year')} "
                        f"({span})", classes=["cpsim-inside-title"])
        solara.Text("Both sides are the same simulated history, with and without the reforms. One history is one "
                    "possible course of events, so nothing here is marked better or worse: Compare gives the "
                    "differences over every seed, with their intervals.")
        RunPanels(base, other, projector)


@solara.component
def RunPanels(base: RunReading, other: RunReading, projector: bool):
    def figures():
        flows = [journey.journey_flow(r.weekly, r.decisions, r.moves.counts) for r in (base, other)]
        widest = journey.widest_flow(*flows)
        tables = {key: {r.scenario: workforce.series(r.weekly, names) for r in (base, other)}
                  for key, names in (("workforce", workforce.WORKFORCE), ("court", workforce.COURT))}
        return {
            "journey": [journey.journey_figure(f, _title(r), widest) for f, r in zip(flows, (base, other))],
            "table": journey.side_by_side({base.scenario: flows[0], other.scenario: flows[1]}),
            "loops": [loops.loops_figure(loops.readings(r.weekly, r.decisions, r.harm_base_per_week, r.variety_mean),
                                         _title(r)) for r in (base, other)],
            "workforce": workforce.series_figure(tables["workforce"], f"Workforce, {base.label}"),
            "court": workforce.series_figure(tables["court"], f"Court, {base.label}", columns=2),
        }

    key = [id(base), id(other)]
    shown = solara.use_memo(figures, key)
    with solara.lab.Tabs():
        with solara.lab.Tab(PANELS[0]):
            JourneyTable(shown["table"], base, other)
            for figure, run in zip(shown["journey"], (base, other)):  # one above the other: each is wide
                Chart(figure, f"{run.scenario}-history-{run.history}-journey.png", [*key, run.scenario],
                      f"Chart of the child's journey through the system in {_title(run)}: every way out of "
                      "each stage, per year.")
            solara.Text("Each box: children a year; each arrow as wide as the children on it. The ways out of a "
                        "stage add up to the children who came in (children stay on a plan: its arrow is those moved "
                        "into care at a review); grey boxes end the journey with no further action or no care "
                        "application; orange boxes are the change in children still waiting there at the end.")
        with solara.lab.Tab(PANELS[1]):
            ThresholdPanel(base, other, projector)
        with solara.lab.Tab(PANELS[2]):
            for figure, run in zip(shown["loops"], (base, other)):  # one above the other: each is wide
                Chart(figure, f"{run.scenario}-history-{run.history}-causal-loops.png", [*key, run.scenario],
                      f"Causal loop diagram of {_title(run)}: each factor's last-year value and its move "
                      "since the first year.")
            solara.Text("Each box: the last year's value; the arrow shows the move from the first year. + : the two "
                        "move together; - : they move in opposite directions.")
        with solara.lab.Tab(PANELS[3]):
            for name in ("workforce", "court"):
                Chart(shown[name], f"{base.scenario}-{other.scenario}-history-{base.history}-{name}.png",
                      [*key, name], f"Chart of the {name} per year in {base.label}, {base.scenario} beside "
                      f"{other.scenario}.")


@solara.component
def JourneyTable(rows: list[list[str]], base: RunReading, other: RunReading):
    """Every box of the two journeys side by side: children a year in the baseline and in the scenario."""
    head = f"| {base.label.capitalize()}: children a year | {base.scenario} | {other.scenario} |\n|---|--:|--:|\n"
    with solara.Div(classes=["cpsim-inside-journey-table"]):
        solara.Markdown(head + "\n".join(f"| {' | '.join(row)} |" for row in rows))


def _title(run: RunReading) -> str:
    return f"{run.scenario}, {run.label}"


@solara.component
def Chart(figure, filename: str, dependencies: list, alt: str):
    """A figure on the page, described by `alt`, with a button to download it as PNG captioned by `alt`."""
    ChartImage(figure, alt, dependencies)
    solara.FileDownload(lambda: figure_png(figure, alt), filename=filename, label=f"Download {filename}")


@solara.component
def ThresholdPanel(base: RunReading, other: RunReading, projector: bool):
    stage = solara.use_reactive("front door")
    own = {r.scenario: r.stage_thresholds[stage.value] for r in (base, other)}
    ladder = tr.threshold_ladder(own[base.scenario], base.harm_base_per_week)
    names = [name for name, _ in ladder]
    base_step = names[[z for _, z in ladder].index(own[base.scenario])]
    step = solara.use_reactive(base_step)
    if step.value not in names:
        step.set(base_step)
    threshold = dict(ladder)[step.value]

    def change_stage(value):
        stage.set(value)
        step.set("")

    with solara.Column():
        solara.ToggleButtonsSingle(value=stage.value, values=list(tr.STAGE_LABELS), on_value=change_stage)
        with solara.Div(classes=["cpsim-threshold-slider"]):
            solara.SliderValue("Threshold: annual risk of significant harm", value=step, values=names)
        others_own = tr.risk_of(own[other.scenario], other.harm_base_per_week)
        solara.Text(f"The model's own threshold here: {base_step}"
                    + ("" if abs(own[other.scenario] - own[base.scenario]) < 1e-12
                       else f" ({other.scenario}: {100 * others_own:.3g}%)")
                    + ("" if step.value == base_step else f" (shown: {step.value})"))
        with solara.Div(style=SIDE_BY_SIDE):
            for run in (base, other):
                with solara.Div(style=SIDE):
                    SideThreshold(run, stage.value, threshold, projector)
        needless = tr.quadrant_labels(stage.value)["false_positive"]
        solara.Text("Dashed line: the level of significant harm. Solid line: the threshold. Lower it and fewer "
                    f"children at risk are missed, but more children land in \"{needless}\".")


@solara.component
def SideThreshold(run: RunReading, stage: str, threshold: float, projector: bool):
    """One side's quadrant counts and scatter at `threshold`."""
    frame = solara.use_memo(lambda: tr.stage_decisions(run.decisions, stage, run.stage_thresholds[stage]),
                            dependencies=[id(run), stage])
    counts = tr.quadrants_at(frame, threshold)
    with solara.Column(style={"font-size": "1.3em" if projector else "1.1em", "font-weight": "bold"},
                       classes=["cpsim-threshold-counts"]):
        solara.Text(_title(run))
        for line in tr.count_lines(counts, stage):
            solara.Text(line)
    figure = solara.use_memo(
        lambda: tr.scatter_figure(frame, stage, threshold, run.significant_log_hazard, run.harm_base_per_week,
                                  _title(run)),
        [id(run), stage, threshold])
    Chart(figure, f"{run.scenario}-history-{run.history}-threshold.png", [id(run), stage, threshold],
          f"Scatter of the decisions {tr.STAGE_LABELS[stage].lower()} in {_title(run)}: each child's true risk of "
          "significant harm against the assessed risk, with the threshold and the level of significant harm.")
