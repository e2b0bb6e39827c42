"""The child's journey in its real order, every fork with every way out, so that the numbers add up.

A screened contact becomes a referral or not (no further action, or early-help advice); a
referral is assessed or closed with no further action; an assessment ends in a
child-in-need plan, a child protection plan, care, or no further action; a child who
comes to be looked after (from an assessment, or from a plan at a review) comes with a
care application or without one (accommodated by agreement). The model accommodates first
and applies to the court for a share of those children (`abm.journey.take_into_care`),
so Looked after comes before Care applications.

The numbers, per year over the run (the outcomes' yearly means, `abm.outcomes`):
contacts, referrals, assessments started (initial or single), looked-after starts and
care applications are the model's ledger outcomes; the contacts screened come from the
front door's decisions; the way each child left an assessment, and the moves from a plan
into care, from the children's moves between statuses (`status_moves`). A fork that
children are still passing through at the end has one more way out, the change in those
waiting at it (contacts waiting to be screened, children being assessed), so the ways out
of every fork add up to what came in, and the ways into every box add up to it. A plan is
not a fork: children stay on it; its arrow is the children moved from it into care at a
review.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from abm.outcomes import yearly
from abm.population import ASSESSMENT, CIN, CP, EARLY_HELP, LOOKED_AFTER, NONE
from app.wording import plural

KINDS = {"stage": ("#1f4e79", "white", "#dbe7f3"), "end": ("#cfd8dc", "#263238", "#37474f"),
         "waiting": ("#fff3e0", "#5d4037", "#6d4c41")}  # box, label and note colours of each kind of box


@dataclass(frozen=True)
class Stage:
    """A box of the journey: children a year (`per_year`), a line about its stock or its wait, where it is drawn,
    and its kind: a stage of the journey, an end of it (no further action) or the change in those waiting."""

    key: str
    label: str
    per_year: float
    note: str
    column: int
    row: float
    kind: str = "stage"


@dataclass(frozen=True)
class Flow:
    """An arrow between two stages carrying `per_year` children a year."""

    source: str
    target: str
    per_year: float


@dataclass(frozen=True)
class Journey:
    """The stages and flows of one run, with the waits children meet on the way."""

    stages: tuple[Stage, ...]
    flows: tuple[Flow, ...]
    weeks_to_help: float
    court_weeks: float
    years: int

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    def leaving(self, key: str) -> float:
        """Children a year on the flows out of stage `key`."""
        return sum(f.per_year for f in self.flows if f.source == key)

    def arriving(self, key: str) -> float:
        """Children a year on the flows into stage `key`."""
        return sum(f.per_year for f in self.flows if f.target == key)


def horizon(weekly: pd.DataFrame) -> pd.Series:
    """Every outcome of one run aggregated over its whole horizon."""
    return yearly(weekly.assign(horizon=0), ["horizon"]).iloc[0]


def _count(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:,.0f}"


def _change(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:+,.0f}"


def journey_flow(weekly: pd.DataFrame, decisions: pd.DataFrame, moves: np.ndarray) -> Journey:
    """The journey of one run: its weekly outcomes, its decisions after the warm-up (`stage` column) and
    `moves[a, b]`, the children whose status went from a to b after the warm-up (`StatusMoves.counts`)."""
    h = horizon(weekly)
    years = int(weekly["year"].nunique())
    moved = np.asarray(moves, dtype=float) / years
    contacts, referrals = h["contacts_per_year"], h["referrals_per_year"]
    screened = float((decisions["stage"] == "front door").sum()) / years
    assessments = h["initial_assessments_per_year"] + h["single_assessments_per_year"]
    to_cin, to_cp, to_care = moved[ASSESSMENT, CIN], moved[ASSESSMENT, CP], moved[ASSESSMENT, LOOKED_AFTER]
    to_nothing = moved[ASSESSMENT, NONE] + moved[ASSESSMENT, EARLY_HELP]
    from_plans = moved[CIN, LOOKED_AFTER] + moved[CP, LOOKED_AFTER]
    looked_after = to_care + from_plans
    applications = h["care_applications_per_year"]
    stages = (
        Stage("contacts", "Contacts", contacts, "about children, from agencies", 0, 1.3),
        Stage("no_referral", "No referral", screened - referrals, "no further action or early help", 1, 2.6,
              "end"),
        Stage("referrals", "Referrals", referrals, f"{_count(h['re_referrals_per_year'])} re-referrals", 1, 1.3),
        Stage("contacts_waiting", "Waiting to be screened", contacts - screened, "more at the end than the start",
              1, 0.0, "waiting"),
        Stage("referral_nfa", "No further action", referrals - assessments, "referred, not assessed", 2, 2.6, "end"),
        Stage("assessments", "Assessments", assessments,
              f"{_percent(h['assessment_in_timescale_rate'])} in timescale", 2, 1.3),
        Stage("cin", "Child-in-need plan", to_cin, f"{_count(h['children_in_need_open'])} on a plan at the end",
              3, 2.6),
        Stage("cp", "Child protection plan", to_cp, f"+{_count(moved[CIN, CP])} stepped up; "
              f"{_count(h['cp_plans_open'])} at the end", 3, 0.0),
        Stage("assessments_waiting", "Being assessed", assessments - to_cin - to_cp - to_care - to_nothing,
              "more at the end than the start", 3, -1.3, "waiting"),
        Stage("assessment_nfa", "No further action", to_nothing, "assessed, no plan", 3, -2.6, "end"),
        Stage("care", "Looked after", looked_after,
              f"{_count(h['looked_after_children'])} looked after at the end", 4, 1.3),
        Stage("court", "Care applications", applications, f"{_weeks(h['court_duration_weeks_mean'])} per case",
              5, 1.3),
        Stage("no_application", "No care application", looked_after - applications, "accommodated by agreement",
              5, 0.0, "end"),
    )
    flows = (
        Flow("contacts", "referrals", referrals),
        Flow("contacts", "no_referral", screened - referrals),
        Flow("contacts", "contacts_waiting", contacts - screened),
        Flow("referrals", "assessments", assessments),
        Flow("referrals", "referral_nfa", referrals - assessments),
        Flow("assessments", "cin", to_cin),
        Flow("assessments", "cp", to_cp),
        Flow("assessments", "care", to_care),
        Flow("assessments", "assessment_nfa", to_nothing),
        Flow("assessments", "assessments_waiting", assessments - to_cin - to_cp - to_care - to_nothing),
        Flow("cin", "care", moved[CIN, LOOKED_AFTER]),
        Flow("cp", "care", moved[CP, LOOKED_AFTER]),
        Flow("care", "court", applications),
        Flow("care", "no_application", looked_after - applications),
    )
    return Journey(stages, flows, float(h["weeks_to_help_mean"]), float(h["court_duration_weeks_mean"]), years)


def _percent(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _weeks(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.0f} weeks"


BOX_W, BOX_H, COL_W, ROW_H = 2.8, 0.8, 3.3, 1.05


def _centre(stage: Stage) -> tuple[float, float]:
    return stage.column * COL_W, stage.row * ROW_H


def widest_flow(*journeys: Journey) -> float:
    """The largest flow of `journeys`: draw journeys side by side with it, so their arrows compare."""
    return max((f.per_year for j in journeys for f in j.flows if np.isfinite(f.per_year)), default=1.0) or 1.0


def journey_figure(journey: Journey, title: str = "", biggest: float | None = None) -> Figure:
    """The journey as boxes (per year, and a stock or wait) joined by arrows as wide as their flows (`biggest`,
    the flow drawn widest, defaults to this journey's own)."""
    fig = Figure(figsize=(16, 7.6), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    biggest = biggest or widest_flow(journey)
    for flow in journey.flows:
        (x0, y0), (x1, y1) = _centre(journey.stage(flow.source)), _centre(journey.stage(flow.target))
        width = 1.5 + 14 * np.sqrt(max(flow.per_year, 0) / biggest) if np.isfinite(flow.per_year) else 1.5
        ax.add_patch(FancyArrowPatch((x0 + BOX_W / 2, y0), (x1 - BOX_W / 2, y1), arrowstyle="-|>",
                                     mutation_scale=22, linewidth=width, color="#9fb8d6", zorder=1,
                                     shrinkA=2, shrinkB=2))
    for stage in journey.stages:
        x, y = _centre(stage)
        box, text, note = KINDS[stage.kind]
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.05",
                                    facecolor=box, edgecolor="none", zorder=2))
        ax.text(x, y + 0.2, stage.label, ha="center", va="center", color=text, fontsize=14, weight="bold", zorder=3)
        shown = _change(stage.per_year) if stage.kind == "waiting" else _count(stage.per_year)
        ax.text(x, y - 0.06, f"{shown} a year", ha="center", va="center", color=text, fontsize=14, zorder=3)
        ax.text(x, y - 0.3, stage.note, ha="center", va="center", color=note, fontsize=10.5, zorder=3)
    ax.text(0, -1.3 * ROW_H, f"Need to first help:\n{_weeks(journey.weeks_to_help)} on average",
            ha="center", va="center", fontsize=14, color="#7a3b00", weight="bold")
    ax.set_xlim(-BOX_W / 2 - 0.2, 5 * COL_W + BOX_W / 2 + 0.2)
    ax.set_ylim(-2.6 * ROW_H - BOX_H, 2.6 * ROW_H + BOX_H)
    years = f"per year over {plural(journey.years, 'year')}"
    ax.set_title(f"{title}: the child's journey, {years}" if title else f"The child's journey, {years}",
                 fontsize=18)
    return fig


def side_by_side(journeys: dict[str, Journey]) -> list[list[str]]:
    """Every box of the `journeys` (scenario name -> its journey, the same history) as a row: the box, then each
    scenario's children a year (a change for a box of those waiting), as the figures show them."""
    first = next(iter(journeys.values()))
    return [[stage.label + ("" if stage.kind == "stage" else f" ({stage.note})"),
             *(_change(j.stage(stage.key).per_year) if stage.kind == "waiting" else _count(j.stage(stage.key).per_year)
               for j in journeys.values())] for stage in first.stages]
