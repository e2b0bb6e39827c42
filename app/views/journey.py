"""The child's journey as a flow: contacts, referrals, assessments, plans, court and care.

`journey_flow` reads a run's weekly outcomes over its whole horizon the way
`abm.outcomes.yearly` aggregates a year (flows as yearly means, stocks at the end,
ratios as ratios of sums), so every number is per year, or the stock at the end of the
run; `journey_figure` draws the flow with arrows as wide as their flows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from abm.outcomes import yearly


@dataclass(frozen=True)
class Stage:
    """A box of the journey: a flow per year, and a line about its stock or its wait."""

    key: str
    label: str
    per_year: float
    note: str
    column: int
    row: float


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


def horizon(weekly: pd.DataFrame) -> pd.Series:
    """Every outcome of one run aggregated over its whole horizon."""
    return yearly(weekly.assign(horizon=0), ["horizon"]).iloc[0]


def _count(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:,.0f}"


def journey_flow(weekly: pd.DataFrame) -> Journey:
    """The journey of one run (one seed's weekly outcomes)."""
    h = horizon(weekly)
    assessments = h["initial_assessments_per_year"] + h["single_assessments_per_year"]
    stages = (
        Stage("contacts", "Contacts", h["contacts_per_year"], "about children, from agencies", 0, 1.0),
        Stage("early_help", "Early help", h["early_help_starts_per_year"], "children starting", 1, 2.0),
        Stage("referrals", "Referrals", h["referrals_per_year"],
              f"{_count(h['re_referrals_per_year'])} re-referrals", 1, 0.0),
        Stage("assessments", "Assessments", assessments,
              f"{_percent(h['assessment_in_timescale_rate'])} in timescale", 2, 0.0),
        Stage("cin", "Child-in-need plan", h["children_in_need_per_year"],
              f"{_count(h['children_in_need_open'])} on a plan at the end", 3, 2.0),
        Stage("cp", "Child protection plan", h["cp_plans_per_year"],
              f"{_count(h['cp_plans_open'])} on a plan at the end", 3, 0.5),
        Stage("care", "Looked after", h["looked_after_starts_per_year"],
              f"{_count(h['looked_after_children'])} looked after at the end", 3, -1.0),
        Stage("court", "Care applications", h["care_applications_per_year"],
              f"{_weeks(h['court_duration_weeks_mean'])} per case", 4, -1.0),
    )
    flows = (
        Flow("contacts", "referrals", h["referrals_per_year"]),
        Flow("contacts", "early_help", h["early_help_starts_per_year"]),
        Flow("referrals", "assessments", assessments),
        Flow("assessments", "cin", h["children_in_need_per_year"]),
        Flow("assessments", "cp", h["cp_plans_per_year"]),
        Flow("assessments", "care", h["looked_after_starts_per_year"]),
        Flow("care", "court", h["care_applications_per_year"]),
    )
    return Journey(stages, flows, float(h["weeks_to_help_mean"]), float(h["court_duration_weeks_mean"]),
                   int(weekly["year"].nunique()))


def _percent(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _weeks(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.0f} weeks"


BOX_W, BOX_H, COL_W, ROW_H = 2.6, 0.8, 3.3, 1.05


def _centre(stage: Stage) -> tuple[float, float]:
    return stage.column * COL_W, stage.row * ROW_H


def journey_figure(journey: Journey, title: str = "") -> Figure:
    """The journey as boxes (per year, and a stock or wait) joined by arrows as wide as their flows."""
    fig = Figure(figsize=(16, 7.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    biggest = max((f.per_year for f in journey.flows if np.isfinite(f.per_year)), default=1.0) or 1.0
    for flow in journey.flows:
        (x0, y0), (x1, y1) = _centre(journey.stage(flow.source)), _centre(journey.stage(flow.target))
        width = 1.5 + 14 * np.sqrt(max(flow.per_year, 0) / biggest) if np.isfinite(flow.per_year) else 1.5
        ax.add_patch(FancyArrowPatch((x0 + BOX_W / 2, y0), (x1 - BOX_W / 2, y1), arrowstyle="-|>",
                                     mutation_scale=22, linewidth=width, color="#9fb8d6", zorder=1,
                                     shrinkA=2, shrinkB=2))
    for stage in journey.stages:
        x, y = _centre(stage)
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.05",
                                    facecolor="#1f4e79", edgecolor="none", zorder=2))
        ax.text(x, y + 0.2, stage.label, ha="center", va="center", color="white", fontsize=15, weight="bold",
                zorder=3)
        ax.text(x, y - 0.06, f"{_count(stage.per_year)} a year", ha="center", va="center", color="white",
                fontsize=15, zorder=3)
        ax.text(x, y - 0.3, stage.note, ha="center", va="center", color="#dbe7f3", fontsize=11, zorder=3)
    ax.text(0, -1.0 * ROW_H, f"Need to first help:\n{_weeks(journey.weeks_to_help)} on average",
            ha="center", va="center", fontsize=15, color="#7a3b00", weight="bold")
    ax.set_xlim(-BOX_W / 2 - 0.2, 4 * COL_W + BOX_W / 2 + 0.2)
    ax.set_ylim(-1.0 * ROW_H - BOX_H, 2.0 * ROW_H + BOX_H)
    years = f"per year over {journey.years} year{'s' * (journey.years != 1)}"
    ax.set_title(f"{title}: the child's journey, {years}" if title else f"The child's journey, {years}",
                 fontsize=18)
    return fig
