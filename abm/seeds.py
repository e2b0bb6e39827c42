"""Seeds: replicate seeds from one root, one random stream per process, and the key of the per-child uniforms (abm/crn.py)."""

from __future__ import annotations

import numpy as np

STREAMS = ("uncertainty", "population", "community", "referrers", "court", "workforce")


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    """n independent replicate seeds spawned from `root_seed` (stable for any n)."""
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def _sequences(seed: int) -> list[np.random.SeedSequence]:
    """The seed's child sequences: one per stream of STREAMS, then the key of the per-child uniforms."""
    return np.random.SeedSequence(seed).spawn(len(STREAMS) + 1)


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One generator per process, so a change to one touches no other (common random numbers)."""
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, _sequences(seed))}


def child_key(seed: int) -> int:
    """The 64-bit key of the per-child uniforms (abm/crn.py): the seed's last child sequence."""
    return int(_sequences(seed)[-1].generate_state(1, np.uint64)[0])
