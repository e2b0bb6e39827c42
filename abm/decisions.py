"""The Taylor-Russell record of decisions.

Every decision to intervene or not (at the front door: to assess; after an assessment: a
plan or care) is recorded against the child's true risk: true and false positives and
negatives are counted for the outcomes, and each decision's true risk, estimate and
threshold are kept for the scatter of the four quadrants.
"""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd

STAGES = ("front door", "assessment", "review")


class DecisionLog:
    """Counts and keeps every intervention decision with the truth it was made against."""

    def __init__(self, model):
        self.model = model
        self.rows: list[tuple] = []

    def record(self, stage: str, idx: np.ndarray, estimate: np.ndarray, threshold: float | np.ndarray,
               intervene: np.ndarray) -> None:
        if not len(idx):
            return
        model = self.model
        risk = model.population.risk(idx)
        positives, at_risk, true_positives = _counts(risk, intervene, model.population.z_significant)
        ledger = model.ledger
        ledger.true_positives += true_positives
        ledger.false_positives += positives - true_positives
        ledger.false_negatives += at_risk - true_positives
        ledger.true_negatives += len(idx) - positives - at_risk + true_positives
        self.rows.append((model.week, STAGES.index(stage), risk, estimate, threshold, intervene))

    def frame(self) -> pd.DataFrame:
        """One row per decision: week, stage, true and estimated log-hazard, threshold, intervened."""
        columns = ["week", "stage", "true_log_hazard", "estimate", "threshold", "intervene"]
        parts = [pd.DataFrame({"week": week, "stage": stage, "true_log_hazard": risk, "estimate": estimate,
                               "threshold": threshold, "intervene": intervene})
                 for week, stage, risk, estimate, threshold, intervene in self.rows]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
        frame["stage"] = pd.Categorical.from_codes(frame["stage"].astype(int), STAGES)
        return frame


@numba.njit(cache=True, nogil=True)
def _counts(risk, intervene, z_significant):
    """Decisions to intervene, children truly at risk (risk at z_significant or above), and both."""
    positives = at_risk = true_positives = 0
    for i in range(len(risk)):
        truth = risk[i] >= z_significant
        positives += intervene[i]
        at_risk += truth
        true_positives += intervene[i] and truth
    return positives, at_risk, true_positives
