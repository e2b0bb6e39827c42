"""How the verdict of `cpsim validate` depends on the number of seeds.

Replicate seeds are a stable sequence (the first n of `replicate_seeds(root, N)` are
`replicate_seeds(root, n)`), so the runs of N seeds contain those of every smaller count.
For each count n on a ladder up to N, each target's median over the first n seeds is judged
against its band; the stable count is the smallest n from which every target passes at
every larger count on the ladder. docs/validation.md records it, and the test suite runs
`cpsim validate` at that count.
"""

from __future__ import annotations

import math

import pandas as pd

from abm.validation.evaluate import Result

LADDER = (2, 4, 6, 8, 10, 12, 16, 20, 25, 30, 40, 50, 60, 80, 100)


def counts(n_seeds: int) -> list[int]:
    """The ladder's counts up to `n_seeds`, and `n_seeds` itself."""
    return sorted({n for n in LADDER if n < n_seeds} | {n_seeds})


def medians(results: list[Result]) -> pd.DataFrame:
    """Each target's median over the first n seeds (rows: targets, columns: n)."""
    ladder = counts(len(results[0].values))
    rows = {f"{r.target.name} {r.target.when}": [r.values.iloc[:n].median() for n in ladder] for r in results}
    return pd.DataFrame.from_dict(rows, orient="index", columns=ladder)


def passing(results: list[Result]) -> pd.DataFrame:
    """Whether each target's median over the first n seeds lies in its band (rows: targets, columns: n)."""
    table = medians(results)
    rows = {label: [math.isfinite(m) and r.target.low <= m <= r.target.high for m in table.loc[label]]
            for r, label in zip(results, table.index)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=table.columns)


def stable_count(results: list[Result]) -> int | None:
    """The smallest n from which every target passes at every count up to all the seeds; None if none."""
    every = passing(results).all(axis=0)
    stable = None
    for n in reversed(every.index):
        if not every[n]:
            break
        stable = int(n)
    return stable


def render_stability(results: list[Result]) -> str:
    """A table of PASS (.) and FAIL (x) per target and seed count, and the stable count."""
    table = passing(results)
    width = max(map(len, table.index))
    head = " " * width + "  " + " ".join(f"{n:>4}" for n in table.columns)
    lines = ["Seed stability: each target's median over the first n seeds, '.' in its band, 'x' outside", "",
             head]
    for label, row in table.iterrows():
        lines.append(label.ljust(width) + "  " + " ".join(f"{'.' if ok else 'x':>4}" for ok in row))
    stable = stable_count(results)
    lines += ["", f"every target passes from {stable} seeds on (up to {table.columns[-1]})" if stable
              else "no seed count on the ladder from which every target passes"]
    return "\n".join(lines)
