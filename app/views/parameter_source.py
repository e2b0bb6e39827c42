"""Which parameters the runs use, on Compare, the Workshop and Inside the system: the calibration posterior (each
seed draws one of its members, so intervals include parameter uncertainty) or the single calibrated fit
(`Session.point`, the CLI's `--point`). While no posterior is committed the runs use the single fit and the line
says so; once one is (app.state.posterior_file), a labelled choice offers both."""

from __future__ import annotations

import solara

from abm.compare import CompareError
from app.session import use_session
from app.state import posterior_members

POINT = "The single calibrated fit: intervals show seed noise only"
NONE_YET = ("Parameters: the single calibrated fit (no calibration posterior is committed yet, docs/calibration.md): "
            "intervals show seed noise only.")


def posterior_label(members: int) -> str:
    return (f"The calibration posterior ({members} members; each seed draws one): intervals show seed noise and "
            "parameter uncertainty")


@solara.component
def ParameterSource(disabled: bool = False):
    """The parameters the next run uses: a line while there is no posterior, else a choice."""
    session = use_session()
    try:
        members = posterior_members()
    except CompareError as e:
        solara.Error(f"The calibration posterior cannot be used: {e}", classes=["cpsim-parameters"])
        return
    if members is None:
        solara.Text(NONE_YET, classes=["cpsim-parameters"])
        return
    drawn = posterior_label(members)
    with solara.Div(classes=["cpsim-parameters"], style={"max-width": "44em"}):
        solara.Select("Parameters the runs use", values=[drawn, POINT],
                      value=POINT if session.point.value else drawn,
                      on_value=lambda chosen: session.point.set(chosen == POINT), disabled=disabled)
