"""Risk scales.

A child's latent risk is a log-hazard `z`: the weekly probability of significant harm is
`harm_hazard_base_per_week * exp(z)`. Thresholds are stated in parameters as annual
probabilities of harm (readable) and converted here to the log-hazard scale on which
referrers, the front door, social workers and the court perceive risk with noise.
"""

from __future__ import annotations

import math


def log_hazard(annual_risk: float, base_per_week: float) -> float:
    """The log-hazard whose weekly hazard gives `annual_risk` of harm over 52 weeks."""
    weekly = -math.log1p(-annual_risk) / 52.0
    return math.log(weekly / base_per_week)


def threshold_log_hazard(params, name: str) -> float:
    """The log-hazard of the annual-risk threshold parameter `name`."""
    return log_hazard(getattr(params, name), params.harm_hazard_base_per_week)


def annual_risk(z, base_per_week: float):
    """Inverse of `log_hazard` (works on floats and numpy arrays)."""
    import numpy as np

    return 1.0 - np.exp(-52.0 * base_per_week * np.exp(z))
