"""The saved starting states a branched run builds before its runs (app.state.Preparing), as a progress bar and a
line, on Compare, the Workshop and Inside the system."""

from __future__ import annotations

import solara

from app.state import Preparing


@solara.component
def PreparingProgress(preparing: Preparing | None, name: str):
    """The bar and line of `preparing` (nothing when None); the line has the class `cpsim-NAME-preparing`."""
    if preparing is None:
        return
    solara.ProgressLinear(100 * preparing.done / preparing.total, color="secondary")
    solara.Text(preparing.line, classes=[f"cpsim-{name}-preparing"])
