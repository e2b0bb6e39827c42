"""Public and media anxiety.

One signed level: positive after high-profile deaths (local, or national events named in
the scenario), negative after over-intervention scandals. It decays with a half-life.
Referrers and the authority's thresholds read it.
"""

from __future__ import annotations


class Public:
    """Public anxiety about child protection."""

    def __init__(self, params):
        self.configure(params)
        self.anxiety = params.anxiety_initial

    def configure(self, p) -> None:
        """Take the parameters `p` and the weekly decay they give."""
        self.p = p
        self.decay = 0.5 ** (1.0 / p.anxiety_half_life_weeks)

    def jump(self, amount: float) -> None:
        self.anxiety += amount

    def local_deaths(self, count: int) -> None:
        self.anxiety += self.p.anxiety_local_death_jump * count

    def step(self) -> None:
        self.anxiety *= self.decay
