"""Which outcomes the system's levers reach: the baseline against each of Munro's fifteen recommendations alone.

`cpsim detectable` runs `scenarios/baseline.toml` and each recommendation's own scenario
(`scenarios/reforms/r01_*.toml` ... `r15_*.toml`, one lever each) on the same seeds, compares them
(abm.compare.comparison) and, for every outcome, gives the recommendations whose paired difference
from the baseline is clear (its 90% interval off zero and, under the posterior, not flipping
across the draws), the largest clear effect (or, where none is clear, the largest effect of any
recommendation) and that effect's minimal detectable difference at these seeds,

    detectable = (t_0.95 + t_0.80) * sd / sqrt(n)      (n seeds, n - 1 degrees of freedom; single fit)

with sd the standard deviation over seeds of that recommendation's paired differences; under the
posterior the multiple of sd is simulated, as a clear verdict there also needs at most a tenth
of the pairs on the other side (abm.compare.statistics). An outcome no recommendation moves
clearly is reported as such, with that figure (MODEL.md s7); one that no recommendation changes
on any seed as unchanged, and one undefined on every seed as such.
"""

from __future__ import annotations

from pathlib import Path

from abm.branch_from import SCENARIOS
from abm.compare.comparison import ordered_outcomes

BASELINE_FILE = SCENARIOS / "baseline.toml"
CLEAR = ("better", "worse", "higher", "lower")


def lever_files() -> list[Path]:
    """The fifteen recommendations' own scenario files, R1 to R15."""
    return sorted((SCENARIOS / "reforms").glob("r[0-9][0-9]_*.toml"))


def _effect(lever: str, d: dict) -> dict:
    return {"lever": lever, **{key: d[key] for key in ("mean", "p05", "p95", "verdict", "detectable")}}


def _largest(names: list[str], differences: dict) -> str | None:
    return max(names, key=lambda name: abs(differences[name]["mean"]), default=None)


def reach(comparison: dict, labels: dict[str, str] | None = None) -> dict:
    """From a `compare` result of the baseline (first) and the levers' scenarios: per outcome whether it is defined
    on any seed, the levers that move it clearly, the largest clear effect or, with none clear, the largest effect
    of any lever (by its mean's size; None when no lever changes the outcome on any seed), and every lever's effect,
    each with its interval, verdict and minimal detectable difference. `labels` names each lever's scenario briefly
    (e.g. "R1"; default its name) and must name them all apart."""
    baseline, *levers = comparison["scenarios"]
    labels = labels or {name: name for name in levers}
    if len({labels[name] for name in levers}) != len(levers):
        raise ValueError(f"the levers' labels must differ: {[labels[name] for name in levers]}")
    outcomes = {}
    for outcome in ordered_outcomes(comparison["outcomes"]):
        o = comparison["outcomes"][outcome]
        differences = o["difference"]
        defined = [name for name in levers if differences[name]["n"]]
        clear = [name for name in defined if differences[name]["verdict"] in CLEAR]
        changed = [name for name in defined if differences[name]["mean"] or differences[name].get("detectable")]
        largest = _largest(clear, differences) or _largest(changed, differences)
        outcomes[outcome] = {
            "label": o["label"], "headline": o["headline"], "better": o["better"],
            "baseline": o["scenarios"][baseline]["median"], "defined": bool(defined),
            "moved_by": [labels[name] for name in clear],
            "largest": None if largest is None else _effect(labels[largest], differences[largest]),
            "effects": [_effect(labels[name], differences[name]) for name in levers],
        }
    drawn = {key: comparison[key] for key in ("uncertainty", "posterior") if key in comparison}
    return {"baseline": baseline, "levers": [labels[name] for name in levers], "seeds": comparison["seeds"],
            "level": comparison["level"], **drawn, "outcomes": outcomes}


def unreached(result: dict) -> list[str]:
    """The outcomes of a `reach` result that no lever moves clearly."""
    return [name for name, o in result["outcomes"].items() if not o["moved_by"]]
