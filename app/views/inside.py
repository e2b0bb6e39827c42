"""Inside the system: one run of a chosen scenario, seen as the child's journey, the
Taylor-Russell picture, the causal loop diagram, and the workforce and court.

The reviewer picks one of the Compare page's scenarios and presses "Look inside": one
run (the scenario's first replicate seed, the Compare page's years and start year)
goes in the background; its tables are kept in the session (`Session.inside`), so each
browser session sees only its own run, and it stays while the reviewer visits other
views. The Taylor-Russell threshold slider recounts the four quadrants from the run's
decisions without running the model again, at the front door (assessed or not), after
an assessment (a plan or care, or no plan) or at a review (keep helping or close), each
stage's quadrants in its own words.
"""

from __future__ import annotations

import solara
import solara.lab

from app.charts import figure_png
from app.session import use_session
from app.state import SetupError
from app.views import journey, loops, taylor_russell as tr, workforce
from app.views.chart_image import ChartImage
from app.views.heading import Heading
from app.views.run_reading import RunReading, read_run
from app.wording import plural

PANELS = ("The child's journey", "Threshold and errors", "Causal loops", "Workforce and court")


def _text_size(projector: bool) -> str:
    return "1.6em" if projector else "1.15em"


@solara.component
def InsideView():
    session = use_session()
    projector = session.projector.value
    setup = session.setup.value
    labels = [d.name for d in setup.drafts]
    chosen = solara.use_reactive(labels[0])
    if chosen.value not in labels:
        chosen.set(labels[0])
    error = solara.use_reactive("")

    def look_inside() -> None:
        index = labels.index(chosen.value)
        session.inside.set(read_run(setup.scenarios()[index]))

    task = solara.lab.use_task(look_inside, dependencies=None)

    def start():
        error.set("")
        try:
            setup.scenarios()
        except SetupError as e:
            error.set(str(e))
            return
        task()

    with solara.Column(style={"font-size": _text_size(projector)}):
        Heading("Inside the system")
        with solara.Row(style={"align-items": "center"}):
            solara.Select("Scenario to look inside", values=labels, value=chosen)
            solara.Button("Look inside", on_click=start, color="primary", disabled=task.pending,
                          classes=["cpsim-inside-run"])
        if task.pending:
            solara.Text("Running one simulation of this scenario...")
            solara.ProgressLinear(True)
        if task.error:
            solara.Error(f"The run failed: {task.exception}")
        if error.value:
            solara.Error(error.value)
        run = session.inside.value  # the last finished run stays on show while the next one runs
        if run is None:
            solara.Text("Choose a scenario and press Look inside: one run, shown four ways.")
        else:
            RunPanels(run, projector).key("cpsim-inside-panels")


@solara.component
def RunPanels(run: RunReading, projector: bool):
    def figures():
        values = loops.readings(run.weekly, run.decisions, run.harm_base_per_week, run.variety_mean)
        return {
            "journey": journey.journey_figure(journey.journey_flow(run.weekly), run.scenario),
            "loops": loops.loops_figure(values, run.scenario),
            "workforce": workforce.series_figure(workforce.series(run.weekly, workforce.WORKFORCE),
                                                 f"{run.scenario}: workforce"),
            "court": workforce.series_figure(workforce.series(run.weekly, workforce.COURT), f"{run.scenario}: court"),
        }

    shown = solara.use_memo(figures, [id(run)])
    with solara.Column(classes=["cpsim-inside-panels"]):
        solara.Text(f"{run.scenario}, seed {run.seed}, {plural(len(run.years), 'year')} "
                    f"({run.years[0]} to {run.years[-1]})",
                    classes=["cpsim-inside-title"])
        with solara.lab.Tabs():
            with solara.lab.Tab(PANELS[0]):
                Chart(shown["journey"], f"{run.scenario}-journey.png", [id(run)],
                      f"Chart of the child's journey through the system in one run of {run.scenario}.")
            with solara.lab.Tab(PANELS[1]):
                ThresholdPanel(run, projector)
            with solara.lab.Tab(PANELS[2]):
                Chart(shown["loops"], f"{run.scenario}-causal-loops.png", [id(run)],
                      f"Causal loop diagram of one run of {run.scenario}: each factor's last-year value and "
                      "its move since the first year.")
                solara.Text("Each box: the last year's value; the arrow shows the move from the first year "
                            "(green: for the better, red: for the worse). + : the two move together; "
                            "- : they move in opposite directions.")
            with solara.lab.Tab(PANELS[3]):
                for key in ("workforce", "court"):
                    Chart(shown[key], f"{run.scenario}-{key}.png", [id(run), key],
                          f"Chart of the {key} per year in one run of {run.scenario}.")


@solara.component
def Chart(figure, filename: str, dependencies: list, alt: str):
    """A figure on the page, described by `alt`, with a button to download it as PNG."""
    ChartImage(figure, alt, dependencies)
    solara.FileDownload(lambda: figure_png(figure), filename=filename, label=f"Download {filename}")


@solara.component
def ThresholdPanel(run: RunReading, projector: bool):
    stage = solara.use_reactive("front door")
    base = run.stage_thresholds[stage.value]
    ladder = tr.threshold_ladder(base, run.harm_base_per_week)
    names = [name for name, _ in ladder]
    own = names[[z for _, z in ladder].index(base)]
    step = solara.use_reactive(own)
    if step.value not in names:
        step.set(own)
    threshold = dict(ladder)[step.value]
    frame = solara.use_memo(lambda: tr.stage_decisions(run.decisions, stage.value, base),
                            dependencies=[id(run), stage.value])
    counts = tr.quadrants_at(frame, threshold)

    def change_stage(value):
        stage.set(value)
        step.set("")

    with solara.Column():
        solara.ToggleButtonsSingle(value=stage.value, values=list(tr.STAGE_LABELS), on_value=change_stage)
        with solara.Div(classes=["cpsim-threshold-slider"]):
            solara.SliderValue("Threshold: annual risk of significant harm", value=step, values=names)
        solara.Text(f"The model's own threshold here: {own}" + ("" if step.value == own else
                                                                 f" (shown: {step.value})"))
        with solara.Row(style={"font-size": "1.3em" if projector else "1.1em", "font-weight": "bold"},
                        classes=["cpsim-threshold-counts"]):
            solara.Text(f"Missed: {counts.false_negative:,} ({_share(counts.missed_share)} of children at risk)")
            solara.Text(f"Needless: {counts.false_positive:,} ({_share(counts.needless_share)} of interventions)")
        figure = solara.use_memo(
            lambda: tr.scatter_figure(frame, stage.value, threshold, run.significant_log_hazard,
                                      run.harm_base_per_week),
            [id(run), stage.value, threshold])
        Chart(figure, f"{run.scenario}-threshold.png", [id(run), stage.value, threshold],
              f"Scatter of the decisions {tr.STAGE_LABELS[stage.value].lower()} in one run of {run.scenario}: each "
              "child's true risk of significant harm against the assessed risk, with the threshold and the "
              "level of significant harm.")
        needless = tr.quadrant_labels(stage.value)["false_positive"]
        solara.Text("Dashed line: the level of significant harm. Solid line: the threshold. Lower it and fewer "
                    f"children at risk are missed, but more children land in \"{needless}\".")


def _share(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.0f}%"
