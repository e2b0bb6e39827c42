"""Which parameters the runs use, on Compare, the Workshop and Inside the system: the calibration posterior (each
seed draws one of its members, so intervals include parameter uncertainty) or the single calibrated fit
(`Session.point`, the CLI's `--point`). While no posterior is committed the runs use the single fit and the line
says so; once one is (app.state.posterior_file), a labelled choice offers both."""

from __future__ import annotations

import solara

from abm.compare import CompareError
from abm.posterior_draws import absence
from app.session import use_session
from app.state import posterior_members

POINT = "Single calibrated fit"
POINT_MEANS = "Intervals show seed noise only."
DRAWN_MEANS = "Each seed draws one of its members: intervals show seed noise and parameter uncertainty."
NONE = "Parameters: the single calibrated fit ({absence}, docs/calibration.md): intervals show seed noise only."


@solara.component
def ParameterSource(disabled: bool = False):
    """The parameters the next run uses: a line while there is no posterior, else a choice and what it means."""
    session = use_session()
    try:
        members = posterior_members()
    except CompareError as e:
        solara.Error(f"The calibration posterior cannot be used: {e}", classes=["cpsim-parameters"])
        return
    if members is None:
        solara.Text(NONE.format(absence=absence()), classes=["cpsim-parameters"])
        return
    drawn = f"Calibration posterior ({members} members)"
    point = session.point.value
    with solara.Div(classes=["cpsim-parameters"], style={"max-width": "44em"}):
        solara.Select("Parameters the runs use", values=[drawn, POINT], value=POINT if point else drawn,
                      on_value=lambda chosen: session.point.set(chosen == POINT), disabled=disabled)
        solara.Text(POINT_MEANS if point else DRAWN_MEANS, style={"font-size": "0.85em", "opacity": 0.8})
