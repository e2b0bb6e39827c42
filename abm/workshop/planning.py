"""The workshop's plan: the package's reforms grouped into families, and every subset of the families.

A family is a group of related recommendations (abm.reforms.FAMILIES: at most 6, e.g.
"inspection" holds R2-R4). Only the families the package switches on take part, each with
the package's own reforms of that family and their arguments. A subset switches on the
reforms of its families and nothing else: the empty subset is the package's authority with
no reform (the baseline), the full subset the package itself; 2^k subsets for k families.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Sequence

MAX_FAMILIES = 6
BASELINE = "no_reform"


class WorkshopError(ValueError):
    """A package that cannot be workshopped, explained in one line."""


@dataclass(frozen=True)
class Subset:
    """Some of the package's families switched on (their reforms), run as one scenario."""

    families: tuple[str, ...]
    reforms: tuple[str, ...]
    scenario: object


@dataclass(frozen=True)
class Workshop:
    """A package's families (name -> its reforms in the package, with labels) and its 2^k subsets, baseline first."""

    package: str
    families: dict[str, tuple[str, ...]]
    labels: dict[str, str]
    subsets: tuple[Subset, ...]


def enumerate_subsets(families: Sequence[str]) -> list[tuple[str, ...]]:
    """Every subset of `families` (2^k): by size, then in the families' order; the empty one first."""
    return [combo for size in range(len(families) + 1) for combo in itertools.combinations(families, size)]


def subset_name(families: Sequence[str]) -> str:
    """A subset's scenario name: its families joined by '-', or 'no_reform' for none."""
    return "-".join(families) if families else BASELINE


def assemble(package: str, families: dict[str, tuple[str, ...]], labels: dict[str, str],
             scenario_for: Callable[[tuple[str, ...]], object], where: str | None = None) -> Workshop:
    """The workshop of `families`, each subset's scenario made by `scenario_for(subset's families)`;
    `where` (default: the package's name) names the package in errors."""
    where = where or package
    if not families:
        raise WorkshopError(f"{where}: the package switches no reform on ([[levers]]); a workshop needs at least "
                            "one")
    if len(families) > MAX_FAMILIES:
        raise WorkshopError(f"{where}: {len(families)} families; a workshop takes at most {MAX_FAMILIES}")
    subsets = tuple(Subset(combo, tuple(r for f in combo for r in families[f]), scenario_for(combo))
                    for combo in enumerate_subsets(list(families)))
    return Workshop(package, dict(families), dict(labels), subsets)


def plan(package) -> Workshop:
    """The families the package's levers belong to (in abm.reforms.FAMILIES order) and its 2^k subset scenarios."""
    from abm.reforms import FAMILIES, FAMILY_LABELS, REFORMS

    where = package.source or f"scenario '{package.name}'"
    levers = {}
    for lever in package.levers:
        family = REFORMS[lever.reform].family
        levers.setdefault(family, []).append(lever)
    unknown = [f for f in levers if f not in FAMILIES]
    if unknown:
        raise WorkshopError(f"{where}: reforms of unknown families {unknown} (known: {', '.join(FAMILIES)})")
    ordered = [f for f in FAMILIES if f in levers]
    families = {f: tuple(lever.reform for lever in levers[f]) for f in ordered}

    def scenario_for(combo: tuple[str, ...]):
        chosen = tuple(lever for f in combo for lever in levers[f])
        return package.with_levers(chosen, name=subset_name(combo))

    return assemble(package.name, families, {f: FAMILY_LABELS[f] for f in ordered}, scenario_for, where)
