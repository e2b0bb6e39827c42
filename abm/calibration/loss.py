"""The calibration loss: how far a set of runs lies from the targets, in units of each band.

For each target, z = (median - value) / (tolerance * value): the median over seeds (as
`abm.validation.evaluate` reads it) minus the target value, over the half-width of the
target's band, so |z| <= 1 exactly when the target passes. The loss is the sum over targets
of z squared, each capped at `CAP` so that one target far off cannot drown the others and
a target the runs cannot read at all (no seed gives a value) costs the cap. Targets marked
`held_out` (the year 2010/11, kept out of the fit) never enter the loss.
"""

from __future__ import annotations

import math

CAP = 25.0  # per target: five half-bands off counts as far off as anything can be


def misfit(median: float, value: float, tolerance: float, cap: float = CAP) -> float:
    """(median - value) / (tolerance * value), clipped to +/-sqrt(`cap`); +sqrt(`cap`) for a missing median."""
    limit = math.sqrt(cap)
    if median is None or not math.isfinite(median):
        return limit
    return min(max((median - value) / (tolerance * value), -limit), limit)


def target_loss(median: float, value: float, tolerance: float, cap: float = CAP) -> float:
    """((median - value) / (tolerance * value))**2, at most `cap`; the cap for a missing median."""
    return misfit(median, value, tolerance, cap) ** 2


def losses(results, cap: float = CAP) -> list[float]:
    """Each target's capped loss, for `Result`s of `abm.validation.evaluate.evaluate`."""
    return [target_loss(r.median, r.target.value, r.target.tolerance, cap) for r in results]


def loss(results, cap: float = CAP) -> float:
    """The sum of the fitted targets' capped losses (held-out targets are reported, never fitted)."""
    return float(sum(x for x, r in zip(losses(results, cap), results) if not r.target.held_out))
