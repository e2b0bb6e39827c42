"""The Taylor-Russell check: every decision to intervene against the child's true risk.

A decision is a true positive when the child intervened on is truly at risk (true
log-hazard at or above the significant-harm level `population.z_significant`), a false
positive when not; a child turned away is a false negative when truly at risk, a true
negative when not. The decisions come from the model's log (`model.decisions.frame()`),
after the warm-up, at the front door (to assess) and after assessment (a plan or care).

    false_negative_rate  FN / (TP + FN): the share of children truly at risk who are turned away
    false_positive_rate  FP / (TP + FP): the share of interventions on children not at risk
                         (the model's outcomes define both rates the same way)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ("front door", "assessment")
QUADRANTS = ("true_positive", "false_positive", "false_negative", "true_negative")


def decisions(model, stages=STAGES) -> pd.DataFrame:
    """The finished model's decisions after the warm-up at `stages`, with `at_risk` and `quadrant` columns."""
    frame = model.decisions.frame()
    frame = frame[(frame["week"] >= model.warmup_weeks) & frame["stage"].isin(stages)].copy()
    frame["stage"] = frame["stage"].cat.remove_unused_categories()
    frame["intervene"] = frame["intervene"].astype(bool)
    frame["at_risk"] = frame["true_log_hazard"] >= model.population.z_significant
    frame["quadrant"] = quadrant(frame["at_risk"].to_numpy(), frame["intervene"].to_numpy())
    return frame.reset_index(drop=True)


def quadrant(at_risk: np.ndarray, intervene: np.ndarray) -> np.ndarray:
    """Each decision's quadrant name."""
    return np.where(intervene, np.where(at_risk, QUADRANTS[0], QUADRANTS[1]),
                    np.where(at_risk, QUADRANTS[2], QUADRANTS[3]))


def counts(frame: pd.DataFrame, by: str | None = "stage") -> pd.DataFrame:
    """Decisions per quadrant (one row per `by` value, or one row "all"), with the two error rates."""
    groups = frame.groupby(by, observed=True) if by else [("all", frame)]
    rows = {}
    for key, part in groups:
        n = part["quadrant"].value_counts()
        row = {q: int(n.get(q, 0)) for q in QUADRANTS}
        at_risk = row["true_positive"] + row["false_negative"]
        acted = row["true_positive"] + row["false_positive"]
        row["false_negative_rate"] = row["false_negative"] / at_risk if at_risk else np.nan
        row["false_positive_rate"] = row["false_positive"] / acted if acted else np.nan
        rows[key] = row
    return pd.DataFrame.from_dict(rows, orient="index")
