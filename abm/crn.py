"""Per-child random numbers: the same uniform for the same child, week and purpose in every scenario.

A draw from a stream depends on how many draws came before it, so two scenarios that
differ in one child's case draw different numbers for every child after it, and the
difference compounds week by week. For the decisions made child by child (whether a child
is harmed this week and how seriously; the noise of the front door's, an assessment's, a
conference's and the court's judgments; an assessment's complexity, engagement, a need type read, a care application,
leaving care, a referrer noticing), the uniform is instead a hash of the child, the week
and the purpose, keyed by the run's seed:

    u(child, week, purpose) = splitmix64(splitmix64(key XOR (week * 2^8 + purpose)) + child) / 2^64

(splitmix64: Steele, Lea and Flood 2014, "Fast splittable pseudorandom number
generators", OOPSLA; the finaliser of Java's SplittableRandom). Two scenarios with the same
seed then harm the same child in the same week unless that child's hazard differs between
them: common random numbers per child rather than per stream position. A normal is
sqrt(-2 ln(1 - u1)) cos(2 pi u2) from two such uniforms (Box and Muller 1958). Draws whose
number does not depend on the state (referrers' looks, thinning candidates, households'
problems, workers' leaving) stay on the process streams of abm/seeds.py.
"""

from __future__ import annotations

import numba
import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
SCALE = 1.0 / (1 << 53)
TWO_PI = 2.0 * np.pi
# Purposes (a normal uses its purpose and the next one).
HARM, SERIOUS, DEATH, REVIEW, FRONT_DOOR, _, ESTIMATE, _, ON_TIME, CONFERENCE, _, LEAVE_CARE, ENGAGE, APPLY, \
    ADOLESCENT, SEXUAL_ABUSE, POLICE, _, NOTICED, COURT, _, COMPLEXITY, _ = range(23)


@numba.njit(cache=True, nogil=True)
def _finalise(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True)
def _uniforms(children: np.ndarray, key: np.uint64, first: np.uint64, count: int) -> np.ndarray:
    """Row k: splitmix64(splitmix64(key XOR (first + k)) + child) / 2^64 for every child, to 53 bits."""
    out = np.empty((count, len(children)))
    golden = np.uint64(GOLDEN)
    for row in range(count):
        base = _finalise((key ^ (first + np.uint64(row))) + golden) + golden
        for col in range(len(children)):
            out[row, col] = (_finalise(np.uint64(children[col]) + base) >> np.uint64(11)) * SCALE
    return out


class ChildUniforms:
    """Uniforms on [0, 1) keyed by (child, week, purpose) and the run's key (a 64-bit integer from its seed)."""

    def __init__(self, key: int):
        self.key = np.uint64(key & MASK)

    def __call__(self, idx: np.ndarray, week: int, purpose: int, count: int = 1) -> np.ndarray:
        """The uniforms of children `idx`; with `count` > 1, one row for each of the purposes from `purpose` on."""
        out = _uniforms(np.asarray(idx, dtype=np.int64), self.key, np.uint64(week * 256 + purpose), count)
        return out[0] if count == 1 else out

    def normal(self, idx: np.ndarray, week: int, purpose: int) -> np.ndarray:
        """Standard normals by Box and Muller (1958) from the uniforms of `purpose` and `purpose + 1`
        (the logarithm and cosine are numpy's; the arithmetic around them is in kernels)."""
        minus_u1, angle = _box_muller_arguments(np.asarray(idx, dtype=np.int64), self.key,
                                                np.uint64(week * 256 + purpose))
        return _box_muller(np.log1p(minus_u1), np.cos(angle))


@numba.njit(cache=True, nogil=True)
def _box_muller_arguments(children: np.ndarray, key: np.uint64, first: np.uint64):
    """-u1 and 2 pi u2 for every child, u1 and u2 the uniforms of purposes `first` and `first + 1` (as _uniforms)."""
    u = _uniforms(children, key, first, 2)
    minus_u1, angle = np.empty(len(children)), np.empty(len(children))
    for col in range(len(children)):
        minus_u1[col] = -u[0, col]
        angle[col] = TWO_PI * u[1, col]
    return minus_u1, angle


@numba.njit(cache=True, nogil=True)
def _box_muller(log1p_minus_u1: np.ndarray, cos_angle: np.ndarray) -> np.ndarray:
    """sqrt(-2 ln(1 - u1)) cos(2 pi u2) from numpy's ln(1 - u1) and cos(2 pi u2) (sqrt is exact in both)."""
    out = np.empty(len(cos_angle))
    for i in range(len(cos_angle)):
        out[i] = np.sqrt(-2.0 * log1p_minus_u1[i]) * cos_angle[i]
    return out
