"""The Taylor-Russell picture: assessed against true risk, a threshold and four quadrants.

Every decision (at the front door, after an assessment, at a review) compared an
estimate of the child's risk with that week's threshold, which public anxiety lowers
(and, at a review, workforce pressure raises). So that one line splits the picture exactly as the
decisions were made, each decision's assessed risk is shown *as weighed*: its estimate
plus the amount the threshold was moved that week (estimate - threshold + the
stage's parameter threshold). A decision intervened exactly when its margin (estimate -
threshold) is at least zero, that is when its weighed risk reaches the stage's parameter
threshold, so at that default the counts are the model's own (compared as margins, so
exactly); moving the threshold recounts the quadrants from the same decisions without
re-running the model. Risks are log-hazards on the axes, labelled as annual risk of
significant harm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from abm.risk import annual_risk, log_hazard
from abm.validation.taylor_russell import QUADRANTS, quadrant

STAGE_WORDS = {"front door": ("assessed", "not assessed"), "assessment": ("plan or care", "no plan"),
               "review": ("kept helping", "closed")}  # what intervening and not intervening are at each stage
QUADRANT_COLOURS = {"true_positive": "#2e7d32", "false_positive": "#ef6c00",
                    "false_negative": "#c62828", "true_negative": "#78909c"}
STAGE_LABELS = {"front door": "At the front door (assess or not)", "assessment": "After assessment (a plan or not)",
                "review": "At a review (keep helping or close)"}
RISK_TICKS = (0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9)
MOST_POINTS = 4000


@dataclass(frozen=True)
class Quadrants:
    """Decisions per quadrant at one threshold, with the two error rates."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def missed_share(self) -> float:
        """Share of children truly at risk who are turned away (the false negative rate)."""
        at_risk = self.true_positive + self.false_negative
        return self.false_negative / at_risk if at_risk else float("nan")

    @property
    def needless_share(self) -> float:
        """Share of interventions on children not at risk (the false positive rate)."""
        acted = self.true_positive + self.false_positive
        return self.false_positive / acted if acted else float("nan")


def quadrant_labels(stage: str) -> dict[str, str]:
    """The four quadrants' words at `stage`: what was done, or not, and whether the child was at risk."""
    done, not_done = STAGE_WORDS[stage]
    done = done.capitalize()
    return {"true_positive": f"{done}, truly at risk", "false_positive": f"{done}, not at risk",
            "false_negative": f"Missed: at risk, {not_done}", "true_negative": f"Rightly {not_done}"}


def count_lines(counts, stage: str) -> tuple[str, str]:
    """The missed and the needless of `counts` (Quadrants) at `stage`, each in the stage's words, with its share."""
    done, not_done = STAGE_WORDS[stage]
    missed = "n/a" if counts.missed_share != counts.missed_share else f"{100 * counts.missed_share:.0f}%"
    needless = "n/a" if counts.needless_share != counts.needless_share else f"{100 * counts.needless_share:.0f}%"
    return (f"Missed (at risk, {not_done}): {counts.false_negative:,} ({missed} of the children at risk)",
            f"{done.capitalize()}, not at risk: {counts.false_positive:,} ({needless} of the '{done}' decisions)")


def stage_decisions(decisions: pd.DataFrame, stage: str, stage_threshold: float) -> pd.DataFrame:
    """The decisions at `stage` with their weighed risk (see the module docstring)."""
    frame = decisions[decisions["stage"] == stage]
    margin = (frame["estimate"] - frame["threshold"]).to_numpy()
    return pd.DataFrame({"true": frame["true_log_hazard"].to_numpy(), "margin": margin,
                         "weighed": margin + stage_threshold, "base": stage_threshold,
                         "intervene": frame["intervene"].to_numpy(dtype=bool),
                         "at_risk": frame["at_risk"].to_numpy(dtype=bool)})


def intervenes_at(frame: pd.DataFrame, threshold: float) -> np.ndarray:
    """Whether each decision of `frame` intervenes at weighed risk >= `threshold` (as margins: exact at the default)."""
    if not len(frame):
        return np.zeros(0, dtype=bool)
    return frame["margin"].to_numpy() >= threshold - frame["base"].iat[0]


def quadrants_at(frame: pd.DataFrame, threshold: float) -> Quadrants:
    """Quadrant counts if every decision of `frame` had intervened at weighed risk >= `threshold`."""
    names = quadrant(frame["at_risk"].to_numpy(), intervenes_at(frame, threshold))
    found = dict(zip(*np.unique(names, return_counts=True)))
    return Quadrants(**{q: int(found.get(q, 0)) for q in QUADRANTS})


LADDER = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75)


def threshold_ladder(stage_threshold: float, base_per_week: float) -> list[tuple[str, float]]:
    """The slider's steps as (annual risk label, log-hazard): a fixed ladder plus the model's own threshold,
    which keeps its exact log-hazard so that choosing it gives the model's own counts."""
    own = risk_of(stage_threshold, base_per_week)
    steps = [(r, log_hazard_of(r, base_per_week)) for r in LADDER if abs(r - own) > 1e-3 * own]
    steps.append((own, stage_threshold))
    return [(f"{100 * r:.3g}%", z) for r, z in sorted(steps)]


def risk_of(z: float, base_per_week: float) -> float:
    return float(annual_risk(z, base_per_week))


def log_hazard_of(risk: float, base_per_week: float) -> float:
    return log_hazard(risk, base_per_week)


def _sample(frame: pd.DataFrame) -> pd.DataFrame:
    """At most MOST_POINTS decisions to draw, taken at an even stride (counts always use all of them)."""
    stride = max(1, int(np.ceil(len(frame) / MOST_POINTS)))
    return frame.iloc[::stride]


def scatter_figure(frame: pd.DataFrame, stage: str, threshold: float, significant: float,
                   base_per_week: float, run_title: str = "") -> Figure:
    """True against assessed risk, the threshold (vertical), significant harm (horizontal), four quadrants; the
    title names the run (`run_title`) above the stage."""
    counts, words, title = quadrants_at(frame, threshold), quadrant_labels(stage), STAGE_LABELS[stage]
    fig = Figure(figsize=(11, 8), layout="constrained")
    ax = fig.add_subplot()
    shown = _sample(frame)
    names = quadrant(shown["at_risk"].to_numpy(), intervenes_at(shown, threshold))
    for q in QUADRANTS:
        part = shown[names == q]
        ax.scatter(part["weighed"], part["true"], s=9, alpha=0.45, color=QUADRANT_COLOURS[q], linewidths=0)
    low = min(frame["weighed"].min(), frame["true"].min(), threshold) - 0.3 if len(frame) else -3.0
    high = max(frame["weighed"].max(), frame["true"].max(), threshold) + 0.3 if len(frame) else 9.0
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.axvline(threshold, color="black", linewidth=3)
    ax.axhline(significant, color="black", linewidth=1.5, linestyle="--")
    corners = {"true_positive": (0.98, 0.98, "right", "top"), "false_positive": (0.98, 0.02, "right", "bottom"),
               "false_negative": (0.02, 0.98, "left", "top"), "true_negative": (0.02, 0.02, "left", "bottom")}
    for q, (x, y, ha, va) in corners.items():
        ax.text(x, y, f"{words[q]}\n{getattr(counts, q):,}", transform=ax.transAxes, ha=ha, va=va,
                fontsize=16, weight="bold", color=QUADRANT_COLOURS[q],
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
    ticks = [log_hazard_of(r, base_per_week) for r in RISK_TICKS]
    labels = [f"{100 * r:g}%" for r in RISK_TICKS]
    ax.set_xticks(ticks, labels, fontsize=13)
    ax.set_yticks(ticks, labels, fontsize=13)
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_xlabel("Assessed risk of significant harm in a year", fontsize=16)
    ax.set_ylabel("True risk of significant harm in a year", fontsize=16)
    ax.set_title(f"{run_title}\n{title}: threshold {100 * risk_of(threshold, base_per_week):.3g}% a year"
                 if run_title else f"{title}: threshold {100 * risk_of(threshold, base_per_week):.3g}% a year",
                 fontsize=18)
    return fig
