"""The causal loop diagram of MODEL.md section 4, with each variable's value in one run.

Each variable of the diagram is read from an outcome of the run (or, for the
intervention threshold, from the thresholds the front door's decisions were made
against). Its value is shown for the run's last year, with the direction it moved from
the first year: up, down, or steady (a change within 1% of the larger of the two
values). A move within one run is not a finding (one history says nothing about which
way another would go), so no move is coloured better or worse. The variety of families'
circumstances is fixed for each child, so it is shown without a direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from abm.outcomes import yearly
from abm.risk import annual_risk
from abm.summary import PERCENT

STEADY = 0.01
THRESHOLD, VARIETY = "intervention_threshold", "variety"


@dataclass(frozen=True)
class Variable:
    """A box of the diagram: its label, where its value comes from and where it is drawn."""

    key: str
    label: str
    source: str
    x: float
    y: float


C = (0.0, 3.6, 7.2, 10.8, 14.4, 18.0)  # the diagram's columns
VARIABLES = (
    Variable("effectiveness", "Perceived effectiveness\nof prescription", "perceived_effectiveness_of_prescription", C[0], 6),
    Variable("prescription", "Level of\nprescription", "prescription_level", C[1], 6),
    Variable("enforcement", "Compliance\nenforcement", "compliance_enforcement", C[2], 6),
    Variable("scope", "Scope for\njudgment", "scope_for_judgment", C[3], 6),
    Variable("compliance", "Compliance with\nprescriptions", "compliance_with_prescriptions", C[4], 6),
    Variable("acknowledge", "Ability to\nacknowledge errors", "ability_to_acknowledge_errors", C[5], 6),
    Variable("reflection", "Reflection on\nprescription", "reflection", C[0], 4),
    Variable("errors", "Errors: children\nharmed a year", "children_harmed_per_year", C[1], 4),
    Variable("quality", "Quality of\nhelp", "help_quality_mean", C[2], 4),
    Variable("variety", "Variety of\ncircumstances", VARIETY, C[4], 4),
    Variable("status", "Public status\nof the profession", "profession_status", C[0], 2),
    Variable("experience", "Average\nexperience (years)", "experience_years_mean", C[1], 2),
    Variable("turnover", "Staff\nturnover", "turnover_rate", C[2], 2),
    Variable("satisfaction", "Satisfaction\nfrom work", "satisfaction_mean", C[3], 2),
    Variable("caseload", "Caseload\n(cases per worker)", "caseload_mean", C[4], 2),
    Variable("referrals", "Referrals\n(a year)", "referrals_per_year", C[5], 2),
    Variable("care", "Care applications\n(a year)", "care_applications_per_year", C[0], 0),
    Variable("backlog", "Court backlog\n(cases)", "court_backlog_cases", C[1], 0),
    Variable("anxiety", "Public\nanxiety", "public_anxiety", C[2], 0),
    Variable("threshold", "Intervention threshold\n(annual risk)", THRESHOLD, C[3], 0),
    Variable("direct", "Direct time per child\n(hours a week)", "direct_hours_per_case_week", C[4], 0),
    Variable("duration", "Court proceedings\n(weeks)", "court_duration_weeks_mean", C[1], -1.7),
)
LINKS = (  # (from, to, polarity), MODEL.md section 4: "+" same direction, "-" opposite
    ("effectiveness", "prescription", "+"), ("prescription", "enforcement", "+"), ("enforcement", "scope", "-"),
    ("scope", "compliance", "-"), ("scope", "quality", "+"), ("variety", "quality", "-"),
    ("scope", "satisfaction", "+"), ("satisfaction", "turnover", "-"), ("turnover", "experience", "-"),
    ("experience", "status", "+"), ("quality", "errors", "-"), ("errors", "reflection", "+"),
    ("reflection", "effectiveness", "-"), ("compliance", "acknowledge", "-"), ("anxiety", "threshold", "-"),
    ("referrals", "caseload", "+"), ("caseload", "direct", "-"), ("caseload", "satisfaction", "-"),
    ("care", "backlog", "+"), ("care", "duration", "+"),
)
BY_KEY = {v.key: v for v in VARIABLES}


@dataclass(frozen=True)
class Reading:
    """A variable's value in the run's first and last year and the direction it moved."""

    first: float
    last: float
    direction: str  # "up", "down", "steady" or "fixed"


def direction(first: float, last: float) -> str:
    """"up", "down" or "steady" (a change within STEADY of the larger of the two values, or undefined)."""
    if not (np.isfinite(first) and np.isfinite(last)):
        return "steady"
    if abs(last - first) <= STEADY * max(abs(first), abs(last)):
        return "steady"
    return "up" if last > first else "down"


def yearly_thresholds(decisions: pd.DataFrame, base_per_week: float) -> pd.Series:
    """Mean front-door threshold of each year of the run, as an annual risk of significant harm."""
    front = decisions[decisions["stage"] == "front door"]
    return front.groupby("year")["threshold"].mean().map(lambda z: float(annual_risk(z, base_per_week)))


def readings(weekly: pd.DataFrame, decisions: pd.DataFrame, base_per_week: float,
             variety_mean: float) -> dict[str, Reading]:
    """Every variable of the diagram in the run's first and last year."""
    years = yearly(weekly, ["year"]).set_index("year").sort_index()
    thresholds = yearly_thresholds(decisions, base_per_week)
    out = {}
    for v in VARIABLES:
        if v.source == VARIETY:
            out[v.key] = Reading(variety_mean, variety_mean, "fixed")
            continue
        series = thresholds if v.source == THRESHOLD else years[v.source]
        first, last = (float(series.iloc[0]), float(series.iloc[-1])) if len(series) else (np.nan, np.nan)
        out[v.key] = Reading(first, last, direction(first, last))
    return out


def show(source: str, x: float) -> str:
    """A value as the diagram shows it: a percentage for rates, shares and the threshold, else 3 figures."""
    if not np.isfinite(x):
        return "n/a"
    if source in PERCENT or source == THRESHOLD:
        return f"{100 * x:.3g}%"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


ARROWS = {"up": "\u25b2", "down": "\u25bc", "steady": "\u25b6", "fixed": ""}
INK = "#263238"
BOX_W, BOX_H = 2.9, 1.1


def loops_figure(values: dict[str, Reading], title: str = "") -> Figure:
    """The diagram: a box per variable (last year's value, arrow from the first year), links with polarity."""
    fig = Figure(figsize=(18, 11), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    boxes = {}
    for v in VARIABLES:
        r = values[v.key]
        boxes[v.key] = ax.add_patch(FancyBboxPatch(
            (v.x - BOX_W / 2, v.y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.05", facecolor="#eceff1",
            edgecolor="#78909c", linewidth=2.5, zorder=2))
        ax.text(v.x, v.y + 0.22, v.label, ha="center", va="center", fontsize=12, zorder=3)
        moved = "" if r.direction == "fixed" else f"  {ARROWS[r.direction]} from {show(v.source, r.first)}"
        ax.text(v.x, v.y - 0.33, f"{show(v.source, r.last)}{moved}", ha="center", va="center", fontsize=14,
                weight="bold", color=INK, zorder=3)
    for source, target, sign in LINKS:
        a, b = BY_KEY[source], BY_KEY[target]
        ax.add_patch(FancyArrowPatch((a.x, a.y), (b.x, b.y), arrowstyle="-|>", mutation_scale=24, linewidth=2,
                                     color="#546e7a", zorder=1, patchA=boxes[source], patchB=boxes[target],
                                     shrinkA=3, shrinkB=3))
        ax.text(a.x + 0.45 * (b.x - a.x), a.y + 0.45 * (b.y - a.y), sign, fontsize=16, weight="bold",
                ha="center", va="center", color="#37474f", zorder=4,
                bbox={"boxstyle": "circle,pad=0.12", "facecolor": "white", "edgecolor": "#546e7a"})
    ax.text((C[0] + C[1]) / 2, 5, "B2: learning\nfrom errors", ha="center", va="center", fontsize=13,
            style="italic", color="#1f4e79")
    ax.set_xlim(C[0] - BOX_W / 2 - 0.2, C[-1] + BOX_W / 2 + 0.2)
    ax.set_ylim(-1.7 - BOX_H / 2 - 0.2, 6 + BOX_H / 2 + 0.2)
    ax.set_title(f"{title}: inside the system, last year against the first" if title
                 else "Inside the system, last year against the first", fontsize=18)
    return fig
