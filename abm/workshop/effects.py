"""Factorial effects: each family's main effect and every two-way interaction, from the 2^k subsets.

With each family coded +1 (in the subset) or -1 (not), the effect of a term (one family, or
a pair) on one seed is the sum over subsets of the outcome times the product of the term's
codes, divided by 2^(k-1) (Yates's classical factorial effect):
- the main effect of f is the mean outcome over subsets with f minus the mean over subsets
  without f (every other family averaged over on and off);
- the interaction of f and g is half the difference between f's main effect among subsets
  with g and among subsets without g (so f's effect is twice the interaction larger with g
  than without; it is symmetric in f and g).
In a model y = m + sum_f b_f x_f + sum_fg b_fg x_f x_g (x = +-1) these are 2 b_f and 2 b_fg.
The estimate is the mean over seeds of the per-seed effects (the same seeds in every subset:
common random numbers), with a 90% t interval over seeds.
"""

from __future__ import annotations

import functools
import itertools
from typing import Sequence

import numpy as np

from abm.compare.statistics import mean_interval


def terms(families: Sequence[str]) -> list[tuple[str, ...]]:
    """Each family alone, then every pair, in the families' order."""
    return [(f,) for f in families] + list(itertools.combinations(families, 2))


@functools.cache
def contrast(term: tuple[str, ...], subsets: tuple[tuple[str, ...], ...], families: tuple[str, ...]) -> np.ndarray:
    """The weights of the term's effect over the subsets: the product of the term's +-1 codes / 2^(k-1) (kept: a
    workshop asks for each term's once per outcome)."""
    signs = np.array([np.prod([1.0 if f in s else -1.0 for f in term]) for s in subsets])
    return signs / 2 ** (len(families) - 1)


def factorial_effects(values: np.ndarray, subsets: Sequence[Sequence[str]], families: Sequence[str]) -> list[dict]:
    """Main effects and two-way interactions of `values` (seeds by subsets) as {term, estimate, p05, p95, n}."""
    if values.shape[1] != 2 ** len(families) or len(subsets) != values.shape[1]:
        raise ValueError(f"{values.shape[1]} subsets given; {len(families)} families need {2 ** len(families)}")
    effects = []
    subsets, families = tuple(map(tuple, subsets)), tuple(families)
    for term in terms(families):
        d = mean_interval(values @ contrast(term, subsets, families))
        effects.append({"term": list(term), "estimate": d["mean"], "p05": d["p05"], "p95": d["p95"], "n": d["n"]})
    return effects
