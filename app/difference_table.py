"""The comparison table as a reader sees it: a row per outcome of an `abm.compare.compare` result,
headline outcomes first (`split_rows` parts them from the rest), each with its unit and what it
counts (app.measures), each scenario's median over seeds, and each later scenario's paired
difference from the baseline (mean [90% interval]) with its verdict, in one number format per
row (app.number_format); a difference that is not clear also gives the smallest difference the seeds
would show 80% of the time (its minimal detectable difference, abm.compare.statistics). Verdicts:
better (green), worse (red), higher or lower (blue: an outcome with no better side), uncertain
(orange: the interval lies off zero but the pairs drawn from the posterior disagree) and no clear
difference (grey); the word is always written too.
"""

from __future__ import annotations

from dataclasses import dataclass

from abm.compare.comparison import ordered_outcomes
from app.measures import measure
from app.number_format import RowFormat

INTERVAL_SENTENCE = ("Differences: mean over seeds [90% interval of the paired difference over seeds: the same "
                     "simulated histories with and without the reform]. Better or worse only when the whole "
                     "interval lies on one side of zero; otherwise no clear difference, with the smallest "
                     "difference these seeds would show 80% of the time (detectable from).")


# verdict -> (text colour, background): the colour says it at a glance, the word for everyone
VERDICT_STYLE = {
    "better": ("#1b5e20", "#d3f9d8"),
    "worse": ("#a61e1e", "#ffe3e3"),
    "higher": ("#1864ab", "#e7f5ff"),
    "lower": ("#1864ab", "#e7f5ff"),
    "uncertain": ("#8a4b00", "#fff4e6"),
    "no clear difference": ("#495057", "#f1f3f5"),
    "no interval": ("#495057", "#f1f3f5"),
}


@dataclass(frozen=True)
class Row:
    """One outcome: its name and label, unit and what it counts, each scenario's median, and each later
    scenario's difference from the baseline with its verdict and, where that is no clear difference, the size
    the seeds would have shown ("" otherwise)."""

    outcome: str
    label: str
    measure: str
    headline: bool
    medians: tuple[str, ...]
    differences: tuple[str, ...]
    verdicts: tuple[str, ...]
    detectables: tuple[str, ...]


def table_rows(result: dict) -> list[Row]:
    """The rows of a compare result, headline outcomes first."""
    names = result["scenarios"]
    rows = []
    for outcome in ordered_outcomes(result["outcomes"]):
        entry = result["outcomes"][outcome]
        what = measure(outcome)
        medians = [entry["scenarios"][name]["median"] for name in names]
        differences = [entry["difference"][name] for name in names[1:]]
        form = RowFormat.of(medians, differences, what.share)
        rows.append(Row(outcome, entry["label"], what.period(form.scale), entry["headline"],
                        tuple(map(form.level, medians)), tuple(map(form.difference, differences)),
                        tuple(d["verdict"] for d in differences),
                        tuple(_detectable(d, form) for d in differences)))
    return rows


def _detectable(d: dict, form: RowFormat) -> str:
    if d["verdict"] != "no clear difference" or not d.get("detectable"):  # none, or runs identical on every seed
        return ""
    return f"detectable from {form.size(d['detectable'])}"


def split_rows(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(headline rows, the other rows)."""
    return [r for r in rows if r.headline], [r for r in rows if not r.headline]
