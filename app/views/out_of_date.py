"""The "out of date" mark on results whose setup has changed since Run (app.out_of_date): a visible box
saying what changed and that Run brings them up to date (`brief`: one line beside Run, the full box being
with the results); nothing when the setup is the one run."""

from __future__ import annotations

import solara

from app.out_of_date import changes
from app.session import use_session
from app.state import CompareSetup, Comparison

STYLE = ("border-left: 6px solid #b35900; background: #fff4e6; color: #4a2300; padding: 10px 14px; "
         "border-radius: 4px; margin: 8px 0; font-weight: 500")


@solara.component
def OutOfDate(comparison: Comparison, setup: CompareSetup, brief: bool = False):
    found = changes(comparison.setup, setup, comparison.point, use_session().point.value)
    if found and brief:
        solara.Text("The results below are out of date: press Run to bring them up to date.",
                    classes=["cpsim-out-of-date-hint"], style={"font-weight": "500", "color": "#7a3d00"})
    elif found:
        solara.v.Html(tag="div", class_="cpsim-out-of-date", style_=STYLE, attributes={"role": "status"},
                      children=[f"Out of date: these results are for the setup as it was at Run; since then "
                                f"{'; '.join(found)}. Press Run to bring them up to date."])
