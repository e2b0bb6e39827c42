"""The start page, the first view: what cpsim is, what it can and cannot tell you, where its numbers
come from (the model description and validation, opened inside the app), and the three things to do
here, each a button that goes there."""

from __future__ import annotations

import solara

from app.state import posterior_file
from app.views.documents import DOCUMENTS
from app.views.heading import Heading
from app.wording import SEEDS_HELP

# view key -> (button, what it is for)
TASKS = {
    "compare": ("Compare reforms",
                "Switch reforms of the Munro review on in up to three scenarios and compare each with the "
                "baseline, on the same simulated histories."),
    "workshop": ("Run a workshop",
                 "For a room and a projector: step through a reform package one family of reforms at a "
                 "time. Do the reforms work together, or can they be cherry-picked?"),
    "inside": ("Look inside the system",
               "The baseline and a scenario side by side on the same simulated histories, shown four ways: "
               "the child's journey, thresholds and errors, the causal loops, and the workforce and court."),
}
WHAT = """\
cpsim simulates the child protection system of one local authority in England, week by week:
families and the agencies that refer them, the front door, social workers and their managers,
help, and the family court. It was built to test the argument of the Munro Review of Child
Protection (2010-2011): that reforms which each made sense alone combined into a defensive,
rule-bound system, and that other reforms could undo it.
"""
CAN = """\
- **It can show** how the parts of the system push on each other in the model: which reforms
  work together, which undo each other, and roughly how large and how quick their effects are
  compared with the baseline.
- **It is a model of one average authority** (1/152 of England's children), **not a forecast
  for a named council**: it knows nothing about your authority's own children, staff or court.
- **It is calibrated to England in 2006-2011**: fitted to the published figures of 2006/07 to
  2009/10 and checked against 2010/11, which the fit never saw. After March 2011 it runs on its
  own rules, not on data, and it does not match every published figure (the validation lists
  which it misses).
"""
INTERVALS = """\
- **Its intervals show seed noise, and parameter uncertainty only under a calibration
  posterior**: each table says which. {now} Under a posterior, each simulated history runs on a
  parameter set drawn from it (the same draw with and without a reform), and a reform whose
  verdict flips across those draws is shown as uncertain. It still leaves out what the model's
  structure gets wrong.
"""
NO_POSTERIOR = ("Here {absence} (docs/calibration.md), so an interval is the chance in one history with the "
                "calibrated parameters, not what the 2006-2011 figures leave unsettled about them.")
POSTERIOR = ("This app offers a calibration posterior: the runs use it unless **Parameters the runs use** "
             "chooses the single calibrated fit.")


def intervals_bullet(offered: bool) -> str:
    """What the intervals include, as the start page says it: whether a posterior is offered (app.state)."""
    from abm.posterior_draws import absence

    return INTERVALS.format(now=POSTERIOR if offered else NO_POSTERIOR.format(absence=absence()))


@solara.component
def StartView(go):
    """The start page; `go(view)` opens another view."""
    with solara.Column(classes=["cpsim-start"], style={"max-width": "60em"}):
        Heading("cpsim: a model of a child protection system")
        solara.Markdown(WHAT)
        solara.Markdown("## What to do here")
        for key, (label, what) in TASKS.items():
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Button(label, color="primary", classes=[f"cpsim-start-{key}"], style={"min-width": "16em"},
                              on_click=lambda key=key: go(key))
                with solara.Div(style={"flex": "1", "min-width": "16em"}):
                    solara.Markdown(what)
        solara.Markdown("## What it can and cannot tell you")
        offered = solara.use_memo(lambda: posterior_file() is not None, [])
        solara.Markdown(CAN + intervals_bullet(offered))
        solara.Markdown(f"**Seeds.** {SEEDS_HELP} Results give the median over seeds and an interval.")
        solara.Markdown("## Where its numbers come from")
        solara.Markdown("Every rule and parameter of the model, with its source, is in the model description "
                        "(the ODD protocol); the validation compares the historical baseline with England's "
                        "published figures (DfE, Cafcass, Ministry of Justice and workforce statistics) scaled "
                        "to one authority. Both open here, without a network, and are in the `docs/` folder.")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for key, (_, label) in DOCUMENTS.items():
                solara.Button(label, outlined=True, color="primary", classes=[f"cpsim-start-doc-{key}"],
                              on_click=lambda key=key: go(key))
