"""The workshop's numbers, from the weekly runs of every subset on the same seeds.

For every subset: each outcome's band over seeds and its paired difference from the
baseline (the subset with no reform); each family's main effect and every two-way
interaction (abm.workshop.effects) on every outcome; the time profile: the paired
difference from the baseline over the first 2 years and over the last 3 years of the
seven outcomes the workshop judges by (CHECKED); and the yearly series of those seven; and
what the intervals include (seeds, and parameters under the posterior: abm/posterior_draws.py).
"""

from __future__ import annotations

import pandas as pd

from abm.compare.comparison import compare, yearly_series
from abm.compare.statistics import paired_matrix, run_values
from abm.outcomes import BY_NAME, NAMES
from abm.posterior_draws import uncertainty
from abm.workshop.effects import factorial_effects
from abm.workshop.planning import Workshop, subset_name

# The outcomes on which a family or partial package is judged against the baseline (issue 4): children
# harmed, missed cases, false positives, weeks to help, turnover, court duration, cost.
CHECKED = ("children_harmed_per_year", "false_negative_rate", "false_positive_rate", "weeks_to_help_mean",
           "turnover_rate", "court_duration_weeks_mean", "cost_per_year")
EARLY_YEARS, LATE_YEARS = 2, 3


def windows(years: int) -> tuple[list[int], list[int]]:
    """The years (1-based) of the time profile's early and late windows; they overlap below 5 years."""
    return list(range(1, min(EARLY_YEARS, years) + 1)), list(range(max(1, years - LATE_YEARS + 1), years + 1))


def _labels(weekly: pd.DataFrame, years: list[int]) -> list[str]:
    chosen = weekly.loc[weekly["year"].isin(years)].drop_duplicates("year").sort_values("year")
    return [str(x) for x in chosen["year_label"]]


def _time_profile(weekly: pd.DataFrame, names: list[str], ws: Workshop, drawn: dict) -> dict:
    years = int(weekly["year"].max())
    early, late = windows(years)
    parts = {key: compare(weekly[weekly["year"].isin(span)], names, outcomes=CHECKED, per_year=False,
                          uncertainty=drawn)["outcomes"]
             for key, span in (("early", early), ("late", late))}
    subsets = [{"name": names[i], "families": list(s.families),
                "outcomes": {o: {key: parts[key][o]["difference"][names[i]] for key in parts} for o in CHECKED}}
               for i, s in enumerate(ws.subsets) if i > 0]
    return {"early_years": _labels(weekly, early), "late_years": _labels(weekly, late),
            "overlap": bool(set(early) & set(late)), "subsets": subsets}


def analyse(ws: Workshop, weekly: pd.DataFrame) -> dict:
    """The workshop's result (without findings) from `weekly`, the runs of every subset of `ws`."""
    names = [subset_name(s.families) for s in ws.subsets]
    drawn = uncertainty([s.scenario for s in ws.subsets])
    whole = compare(weekly, names, per_year=False, uncertainty=drawn)
    series = yearly_series(weekly, names, list(CHECKED))
    families = list(ws.families)
    values = run_values(weekly)
    subsets_families = [s.families for s in ws.subsets]
    effects = []
    for outcome in NAMES:
        matrix = paired_matrix(values, outcome, names).to_numpy(dtype=float)
        effects += [{"term": e["term"], "outcome": outcome, **{k: e[k] for k in ("estimate", "p05", "p95", "n")}}
                    for e in factorial_effects(matrix, subsets_families, families)]
    subsets = []
    for i, s in enumerate(ws.subsets):
        subsets.append({"name": names[i], "families": list(s.families), "reforms": list(s.reforms),
                        "outcomes": {o: whole["outcomes"][o]["scenarios"][names[i]] for o in NAMES},
                        "difference": {} if i == 0 else
                        {o: whole["outcomes"][o]["difference"][names[i]] for o in NAMES}})
    return {
        "package": ws.package,
        "seeds": whole["seeds"],
        "years": int(weekly["year"].max()),
        "runs": len(names) * len(whole["seeds"]),
        "level": whole["level"],
        **drawn,
        "families": {f: {"label": ws.labels[f], "reforms": list(ws.families[f])} for f in families},
        "checked": [{"name": o, "label": BY_NAME[o].label, "better": BY_NAME[o].better} for o in CHECKED],
        "subsets": subsets,
        "effects": effects,
        "time_profile": _time_profile(weekly, names, ws, drawn),
        "series": series,
    }
