"""The warnings shown before Run when the settings are too small for the question (app.guard_rails):
one visible box each (class `cpsim-run-warning`, dark text on amber for contrast); the run stays
allowed."""

from __future__ import annotations

import solara

STYLE = ("border-left: 5px solid #e8590c; background: #fff4e6; color: #4a2300; padding: 8px 12px; "
         "border-radius: 4px; margin: 6px 0; font-size: 0.95em")


@solara.component
def RunWarnings(warnings: list[str]):
    for text in warnings:
        solara.v.Html(tag="div", children=[text], class_="cpsim-run-warning", style_=STYLE,
                      attributes={"role": "note"})
