"""The workshop's overview grid: every combination of the package's families (a row each) against no
reform on every checked outcome (a column each), the grid of the CLI report (abm.workshop.report's
subsets chart, abm.workshop.table): each cell the mean change as a share of no reform's median,
green and "better" or red and "worse" when its 90% interval lies on that side of zero, grey
otherwise. A row that is a step of the walk-through has a button that jumps to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import solara

from abm.compare.table import uncertainty_line
from abm.workshop.findings import who
from app.number_format import fixed, places
from app.views.workshop_steps import Step, label

CELL_COLOURS = {"better": "#b2f2bb", "worse": "#ffc9c9", "uncertain": "#ffe8cc"}  # the CLI report's; grey otherwise
UNCLEAR_CELL = "#f1f3f5"
NOTE = ("Every combination against no reform: the mean change as a share of no reform's median. Green, better; "
        "red, worse (the 90% interval on that side of zero); grey, no clear difference.")


@dataclass(frozen=True)
class Cell:
    """One combination's change on one outcome: the words shown and the verdict (better, worse or neither)."""

    text: str
    verdict: str


@dataclass(frozen=True)
class Row:
    """One combination: its name, the index of its step in the walk-through (None if not a step), its cells."""

    name: str
    step: int | None
    cells: tuple[Cell, ...]


def cell(subset: dict, base: dict, outcome: str) -> Cell:
    """The change of `subset` on `outcome` from no reform (`base`), as the CLI report gives it."""
    d = subset["difference"][outcome]
    verdict = d["verdict"] if d["verdict"] in CELL_COLOURS else "neither"
    if d["mean"] is None:
        return Cell("n/a", verdict)
    b = base["outcomes"][outcome]["median"]
    change = f"{fixed(100 * d['mean'] / b, 1, sign=True)}%" if b else fixed(d["mean"], places(d["mean"], 2), sign=True)
    return Cell(change if verdict == "neither" else f"{change} {verdict}", verdict)


def overview(result: dict, steps: list[Step]) -> tuple[list[str], list[Row]]:
    """The grid's column heads (the checked outcomes) and its rows (every combination but no reform)."""
    base = result["subsets"][0]
    step_of = {step.families: i for i, step in enumerate(steps)}
    heads = [label(c["name"], result["checked"]) for c in result["checked"]]
    rows = [Row(who(s["families"], result), step_of.get(tuple(s["families"])),
                tuple(cell(s, base, c["name"]) for c in result["checked"]))
            for s in result["subsets"][1:]]
    return heads, rows


def _td(*children, tag: str = "td", style: str = ""):
    return solara.v.Html(tag=tag, children=list(children), style_="padding: 2px 8px; " + style)


@solara.component
def Overview(result: dict, steps: list[Step], on_step: Callable[[int], None]):
    """The grid as a table; each step's row has a button that shows that step."""
    heads, rows = solara.use_memo(lambda: overview(result, steps), [id(result)])
    table = [solara.v.Html(tag="tr", children=[_td("Combination", tag="th", style="text-align: left"),
                                               *(_td(h, tag="th") for h in heads)])]
    for row in rows:
        first = [row.name]
        if row.step is not None:
            first.append(solara.Button(f"Step {row.step + 1}", small=True, text=True, color="primary",
                                       classes=["cpsim-overview-jump"],
                                       on_click=lambda i=row.step: on_step(i)))
        cells = [_td(c.text, style=f"background: {CELL_COLOURS.get(c.verdict, UNCLEAR_CELL)}; text-align: center; "
                                   + ("font-weight: bold" if c.verdict != "neither" else ""))
                 for c in row.cells]
        table.append(solara.v.Html(tag="tr", children=[_td(*first, tag="th", style="text-align: left; "
                                                           "font-weight: normal"), *cells]))
    with solara.Column(classes=["cpsim-workshop-overview"], gap="4px"):
        solara.Text(NOTE, style={"opacity": 0.8})
        solara.Text(uncertainty_line(result), style={"opacity": 0.8}, classes=["cpsim-uncertainty-sentence"])
        with solara.Div(classes=["cpsim-overview-box"], style={"overflow": "auto", "max-width": "100%"}):
            solara.v.Html(tag="table", children=table, class_="cpsim-overview",
                          style_="border-collapse: separate; border-spacing: 2px")
