"""The Taylor-Russell record of decisions.

Every decision to intervene or not (at the front door: to assess; after an assessment: a
plan or care) is recorded against the child's true risk: true and false positives and
negatives are counted for the outcomes, and each decision's true risk, estimate and
threshold are kept for the scatter of the four quadrants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ("front door", "assessment", "review")


class DecisionLog:
    """Counts and keeps every intervention decision with the truth it was made against."""

    def __init__(self, model):
        self.model = model
        self.rows: list[np.ndarray] = []

    def record(self, stage: str, idx: np.ndarray, estimate: np.ndarray, threshold: float | np.ndarray,
               intervene: np.ndarray) -> None:
        if not len(idx):
            return
        model = self.model
        truth = model.population.truly_at_risk(idx)
        ledger = model.ledger
        ledger.true_positives += int((intervene & truth).sum())
        ledger.false_positives += int((intervene & ~truth).sum())
        ledger.false_negatives += int((~intervene & truth).sum())
        ledger.true_negatives += int((~intervene & ~truth).sum())
        self.rows.append(np.column_stack([
            np.full(len(idx), model.week), np.full(len(idx), STAGES.index(stage)),
            model.population.risk(idx), estimate, np.broadcast_to(threshold, len(idx)), intervene]))

    def frame(self) -> pd.DataFrame:
        """One row per decision: week, stage, true and estimated log-hazard, threshold, intervened."""
        data = np.concatenate(self.rows) if self.rows else np.empty((0, 6))
        frame = pd.DataFrame(data, columns=["week", "stage", "true_log_hazard", "estimate", "threshold", "intervene"])
        frame["stage"] = pd.Categorical.from_codes(frame["stage"].astype(int), STAGES)
        return frame.astype({"week": int, "intervene": bool})
