"""The Taylor-Russell record of decisions.

Every decision to intervene or not (at the front door: to assess; after an assessment: a
plan or care) is recorded against the child's true risk: true and false positives and
negatives are counted for the outcomes, and each decision after the warm-up (after the branch,
for a branched run) has its true risk, estimate and threshold kept for the scatter of the four
quadrants.
"""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd

STAGES = ("front door", "assessment", "review")


class DecisionLog:
    """Counts every intervention decision and keeps those after the warm-up with the truth they were made against.

    The kept decisions are one row per week and stage (week, stage, then arrays of true risk, estimate, threshold
    and whether to intervene); pickled (a saved state) they become a single row of columns, so that loading a
    state does not rebuild thousands of small arrays.
    """

    def __init__(self, model):
        self.model = model
        self.rows: list[tuple] = []

    def __getstate__(self) -> dict:
        rows = self.rows
        if len(rows) > 1:
            sizes = [len(risk) for _, _, risk, _, _, _ in rows]
            rows = [(np.repeat([row[0] for row in rows], sizes), np.repeat([row[1] for row in rows], sizes),
                     *(np.concatenate([np.broadcast_to(row[k], size) for row, size in zip(rows, sizes)])
                       for k in range(2, 6)))]
        return {"model": self.model, "rows": rows}

    def forget(self) -> None:
        """Drop the kept decisions (a branch keeps only its own)."""
        self.rows = []

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
        if model.week >= model.warmup_weeks:
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
