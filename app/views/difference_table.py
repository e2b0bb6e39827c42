"""The paired-difference table on the page: the headline outcomes' rows first, the other outcomes
folded away below them (an expander), and the sentences on what the interval means and includes. Each row
gives the outcome, its unit and what it counts, the scenarios' medians and each difference with
its verdict in a coloured cell (class `cpsim-verdict-<verdict>`), the word written in it too; under a difference
that is not clear, the size the seeds would have shown (class `cpsim-detectable`)."""

from __future__ import annotations

import solara

from abm.compare.table import uncertainty_line
from app.difference_table import INTERVAL_SENTENCE, VERDICT_STYLE, Row, split_rows, table_rows

CELL = "padding: 4px 8px; border-bottom: 1px solid #dee2e6; vertical-align: top"


def _cell(children: list, tag: str = "td", style: str = "", cls: str = ""):
    return solara.v.Html(tag=tag, children=children, style_=f"{CELL}; {style}", class_=cls)


def _verdict_cell(verdict: str):
    colour, background = VERDICT_STYLE[verdict]
    return _cell([verdict], style=f"color: {colour}; background: {background}; font-weight: 600",
                 cls=f"cpsim-verdict cpsim-verdict-{verdict.replace(' ', '-')}")


def _table(rows: list[Row], labels: list[str], cls: str):
    head = ["Outcome", "Unit: what it counts", *(f"{label} (median)" for label in labels)]
    for label in labels[1:]:
        head += [f"{label} - {labels[0]}", "Verdict"]
    lines = [solara.v.Html(tag="tr", children=[_cell([h], tag="th", style="text-align: left") for h in head])]
    for row in rows:
        cells = [_cell([row.label], style="font-weight: 500", cls="cpsim-row-label"),
                 _cell([row.measure], style="font-size: 0.9em; opacity: 0.8", cls="cpsim-row-measure")]
        cells += [_cell([m], style="text-align: right; white-space: nowrap") for m in row.medians]
        for difference, verdict, detectable in zip(row.differences, row.verdicts, row.detectables):
            shown = [difference] + ([solara.v.Html(tag="div", children=[detectable], class_="cpsim-detectable",
                                                   style_="font-size: 0.85em; color: #495057")] if detectable else [])
            cells += [_cell(shown, style="text-align: right; white-space: nowrap"), _verdict_cell(verdict)]
        lines.append(solara.v.Html(tag="tr", children=cells, class_=f"cpsim-row-{row.outcome}"))
    table = solara.v.Html(tag="table", children=lines, class_=cls,
                          style_="border-collapse: collapse; width: 100%")
    return solara.v.Html(tag="div", children=[table], style_="overflow-x: auto; max-width: 100%")


@solara.component
def DifferenceTable(result: dict, labels: list[str]):
    headline, others = split_rows(table_rows(result))
    solara.Markdown("### Headline outcomes")
    _table(headline, labels, "cpsim-headline-table")
    solara.Text(INTERVAL_SENTENCE, classes=["cpsim-interval-sentence"])
    solara.Text(uncertainty_line(result), classes=["cpsim-uncertainty-sentence"])
    if others:
        with solara.Div(classes=["cpsim-other-outcomes"]):
            with solara.Details(f"The other {len(others)} outcomes", expand=False):
                _table(others, labels, "cpsim-other-table")
