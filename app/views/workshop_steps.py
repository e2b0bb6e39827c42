"""The workshop's walk-through: each family alone, then each pair, then the whole package.

`workshop_steps` turns a result of `abm.workshop.run_workshop` into steps a facilitator
shows one at a time. Each step is one subset of the package's families, judged on the
outcomes the workshop checks (`result["checked"]`) by its paired difference from the
baseline (the subset with no reform) with its 90% interval; `step_figure` draws it as
bars where right is better, in percent of the baseline's median, with the whole
package's gains as diamonds beside for comparison, on one x-axis for every step
(`axis_range`), so that bars compare from step to step; `step_sentences` says it in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

SHORT_LABELS = {
    "children_harmed_per_year": "Children harmed",
    "false_negative_rate": "Missed cases",
    "false_positive_rate": "Needless interventions",
    "weeks_to_help_mean": "Weeks to first help",
    "turnover_rate": "Staff turnover",
    "court_duration_weeks_mean": "Court duration",
    "cost_per_year": "Cost",
}
VERDICT_COLOURS = {"better": "#2e7d32", "worse": "#c62828"}
UNCLEAR_COLOUR = "#90a4ae"


@dataclass(frozen=True)
class Step:
    """One screen of the walk-through: a subset of families ("alone", "pair" or "whole")."""

    kind: str
    families: tuple[str, ...]
    title: str
    subset: dict


def _family_label(result: dict, family: str) -> str:
    return result["families"][family]["label"]


def workshop_steps(result: dict) -> list[Step]:
    """Each family alone, then every pair, then the whole package (a step is never shown twice)."""
    families = list(result["families"])
    by_families = {tuple(s["families"]): s for s in result["subsets"]}
    whole = tuple(families)
    steps = []
    for size, kind in ((1, "alone"), (2, "pair")):
        for subset in result["subsets"]:
            chosen = tuple(subset["families"])
            if len(chosen) == size and chosen != whole:
                names = " + ".join(_family_label(result, f) for f in chosen)
                steps.append(Step(kind, chosen, f"{names} alone" if kind == "alone" else names, subset))
    steps.append(Step("whole", whole, "The whole package", by_families[whole]))
    return steps


def label(outcome: str, checked: list[dict]) -> str:
    own = next(c["label"] for c in checked if c["name"] == outcome)
    return SHORT_LABELS.get(outcome, own)


def gains(result: dict, subset: dict) -> list[dict]:
    """Per checked outcome: the change from the baseline as a gain in percent of the baseline's median
    (positive = better), its 90% interval, and the verdict (better, worse, or neither for no clear difference)."""
    baseline = next(s for s in result["subsets"] if not s["families"])
    rows = []
    for c in result["checked"]:
        name, better = c["name"], c["better"]
        d = subset["difference"][name]
        base = baseline["outcomes"][name]["median"]
        sign = -1.0 if better == "lower" else 1.0
        scale = 100.0 / abs(base) if base else float("nan")

        def gain(x):
            return sign * x * scale if x is not None else float("nan")

        low, high = sorted((gain(d["p05"]), gain(d["p95"])))
        verdict = d.get("verdict")
        rows.append({"outcome": name, "label": label(name, result["checked"]), "gain": gain(d["mean"]),
                     "low": low, "high": high, "verdict": verdict if verdict in VERDICT_COLOURS else "neither"})
    return rows


def step_sentences(result: dict, step: Step) -> list[str]:
    """Two plain sentences at most: the step's verdicts in few words, then the finding of
    abm.workshop.findings that speaks of it: for the whole package, whether cherry-picking reverses
    any of its effects; for a partial package, a cherry-picking finding naming it, if one does."""
    from abm.workshop.findings import who

    found = result.get("findings", [])
    name = who(list(step.families), result)
    if step.kind == "whole":
        said = [f["text"] for f in found if f["chart"].startswith("subsets")][:1]
    else:
        said = [f["text"] for f in found if f["text"].startswith("Cherry-picking") and f"{name} (" in f["text"]][:1]
    return [verdict_sentence(result, step), *said]


def verdict_sentence(result: dict, step: Step) -> str:
    """What the step does clearly better and worse than no reform, in one sentence."""
    rows = gains(result, step.subset)
    better = [r["label"].lower() for r in rows if r["verdict"] == "better"]
    worse = [r["label"].lower() for r in rows if r["verdict"] == "worse"]
    who = "The whole package" if step.kind == "whole" else step.title.removesuffix(" alone")
    if all(step.subset["difference"][r["outcome"]]["verdict"] == "no interval" for r in rows):
        return f"{who}: with 1 seed there is no interval, so no difference can be called clear: run more seeds."
    if not better and not worse:
        said = f"{who}: no clear difference from no reform on any of the {len(rows)} outcomes."
        return f"{said} {unseen(result, rows)}".rstrip()
    said = f"better than no reform on {_join(better)}" if better else ""
    if worse:
        said += ("; but worse on " if better else "worse than no reform on ") + _join(worse)
    return f"{who}: clearly {said}."


def unseen(result: dict, rows: list[dict]) -> str:
    """How large a difference on the first checked outcome these seeds would likely show as clear
    (abm.workshop.findings.detectable), so that "no clear difference" is not read as "no difference"; nothing
    when the runs do not vary over seeds."""
    from abm.posterior_draws import PARAMETERS
    from abm.workshop.findings import amount, detectable

    n, first = len(result["seeds"]), rows[0]["outcome"]
    smallest = detectable([s for s in result["subsets"] if s["families"]], first, n,
                          PARAMETERS in result.get("uncertainty", ()))
    if not smallest > 0:  # no spread over seeds: any difference would have shown
        return ""
    size = amount(smallest, first).lstrip("+")
    return (f"At {n} seeds a difference is likely to show as clear (80% of the time) only from about {size} on "
            f"{rows[0]['label'].lower()}, so a smaller one could go unseen.")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def axis_range(result: dict) -> tuple[float, float]:
    """The x-axis of every step's chart: from the lowest to the highest gain or interval end of any step, and 0."""
    ends = [x for step in workshop_steps(result) for r in gains(result, step.subset)
            for x in (r["gain"], r["low"], r["high"]) if np.isfinite(x)]
    low, high = min(ends + [0.0]), max(ends + [0.0])
    pad = 0.05 * (high - low) or 1.0
    return low - pad, high + pad


def step_figure(result: dict, step: Step, projector: bool = True) -> Figure:
    """The step's gains per checked outcome as bars with 90% intervals (right = better), on the x-axis of every
    step (`axis_range`); for a partial package, the whole package's gains as black diamonds beside them.
    The projector's figure is wider than high, to fit a projected screen under the step's words."""
    rows = gains(result, step.subset)
    whole = None if step.kind == "whole" else gains(result, workshop_steps(result)[-1].subset)
    size = 20 if projector else 13
    fig = Figure(figsize=(16, 5.5) if projector else (15, 8.5), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    values = np.array([r["gain"] for r in rows])
    colours = [VERDICT_COLOURS.get(r["verdict"], UNCLEAR_COLOUR) for r in rows]
    ax.barh(y, np.nan_to_num(values), height=0.6, color=colours)
    errors = np.array([[r["gain"] - r["low"], r["high"] - r["gain"]] for r in rows]).T
    ax.errorbar(values, y, xerr=np.nan_to_num(errors), fmt="none", ecolor="#263238", elinewidth=2.5, capsize=8)
    if whole is not None:
        ax.scatter([r["gain"] for r in whole], y, marker="D", s=140, color="black", zorder=3,
                   label="The whole package")
        ax.legend(fontsize=size - 4, loc="lower right")
    ax.axvline(0, color="black", linewidth=1.5)
    ax.set_xlim(*axis_range(result))
    ax.set_yticks(y, [r["label"] for r in rows], fontsize=size)
    ax.tick_params(axis="x", labelsize=size - 4)
    ax.set_xlabel("Change from no reform, % (right = better, left = worse)", fontsize=size - 2)
    ax.set_title(step.title, fontsize=size + 6, loc="left", weight="bold")
    ax.grid(axis="x", alpha=0.3)
    return fig
