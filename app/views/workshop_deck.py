"""A finished workshop as a facilitator shows it: Back, Next and a jump to any step, and either the
step on show (its title, one or two sentences, its chart on the x-axis of every step, see
views/workshop_steps.py) or the overview grid of every combination (views/workshop_overview.py),
whose rows jump to their steps. The step on show is the session's (`Session.workshop_step`), so
it stays while the facilitator visits another view.

With Projector on, the Workshop is a deck of one screen (`DECK_CSS`: 1600x1000 without
scrolling): the page one screen high, and the chart (or the grid) takes the height the words
leave, its image fitting in its box.
"""

from __future__ import annotations

import solara

from app.charts import figure_png
from app.session import use_session
from app.views.chart_image import ChartImage
from app.views.workshop_overview import Overview
from app.views.workshop_steps import step_figure, step_sentences
from app.workshop_run import WorkshopRun
from app.wording import plural

MODES = ("Step by step", "Overview grid")
# Each box from the page down to the chart (or the grid) grows into the height its neighbours leave.
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


def _big(projector: bool) -> dict:
    return {"font-size": "1.9em" if projector else "1.6em", "line-height": "1.25"}


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
        solara.Style(DECK_CSS)
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
            solara.Text(f"{step_caption(run)} The same x-axis on every step.",
                        style={"opacity": 0.7, "font-size": "0.8em"})
            solara.FileDownload(lambda: figure_png(figure, f"Step {index + 1}: {step.title}. {step_caption(run)}"),
                                filename=f"{run.package}-step-{index + 1}.png", label="Download this chart (PNG)")


def step_caption(run: WorkshopRun) -> str:
    """What a step's chart shows, under it on the page and in its download."""
    result = run.result
    return (f"{run.package}: {plural(len(result['seeds']), 'seed')}, {plural(result['years'], 'year')}. Bars: change "
            "from no reform with its 90% interval; green clearly better, red clearly worse, grey no clear difference.")
