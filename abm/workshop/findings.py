"""The workshop's findings in plain language, each with the chart it rests on.

Every finding is a sentence or two a non-modeller can read, naming the chart that shows it
("full_package", "subsets", "subsets-OUTCOME", "effects-OUTCOME" or "time-OUTCOME"). They
say what the runs show whichever way it goes: "better" and "worse" mean that the 90%
interval of the paired difference from no reform lies entirely on that side of zero;
anything else is "no clear difference". Where a finding rests on many such tests it says
how many would come out "clear" by chance alone, with no real difference at all. Order:
the full package; cherry-picking (partial packages that go the other way); interactions;
each family alone; the time profile; then each outcome's numbers and main effects.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import t

from abm.compare.statistics import LEVEL, detectable_multiple
from abm.compare.table import signed
from abm.posterior_draws import PARAMETERS
from abm.summary import PERCENT, _number, _value

MAX_LISTED = 6
ONE_SIDE = 0.05  # the chance that a 90% interval lies wholly on one given side of zero when there is no difference


def who(families: list[str], result: dict) -> str:
    """How a subset is named in a finding."""
    if not families:
        return "no reform"
    if len(families) == len(result["families"]):
        return "the full package"
    if len(families) == 1:
        return f"{short(families[0])} alone"
    return " + ".join(map(short, families))


def short(family: str) -> str:
    return family.replace("_", " ")


def amount(x: float | None, outcome: str, unit: bool = True) -> str:
    """A difference in the outcome's unit, signed; shares in percentage points."""
    if x is None:
        return "n/a"
    if outcome in PERCENT:
        text = _number(100 * x)
        return f"{'' if text.startswith('-') or x == 0 else '+'}{text}" + (" percentage points" if unit else "")
    return signed(x, False)


def interval(d: dict, outcome: str) -> str:
    if d["p05"] is None:
        return "no interval: 1 seed"
    return f"90% interval {amount(d['p05'], outcome, unit=False)} to {amount(d['p95'], outcome)}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _listing(items: list[str], most: int = MAX_LISTED) -> str:
    shown = items[:most]
    more = f" and {len(items) - len(shown)} more" if len(items) > len(shown) else ""
    if len(shown) == 1:
        return shown[0] + more
    return ", ".join(shown[:-1]) + (f", {shown[-1]}{more}" if more else f" and {shown[-1]}")


def _labels(result: dict, lower: bool = False) -> dict[str, str]:
    return {c["name"]: lower_first(c["label"]) if lower else c["label"] for c in result["checked"]}


def _verdicts(subset: dict, outcomes: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"better": [], "worse": [], "unclear": []}
    for o in outcomes:
        v = subset["difference"][o]["verdict"]
        found[v if v in ("better", "worse") else "unclear"].append(o)
    return found


def full_package(result: dict) -> list[dict]:
    labels, full = _labels(result, lower=True), result["subsets"][-1]
    if len(result["seeds"]) < 2:
        return [{"chart": "full_package", "text": (
            "With 1 seed there are no intervals, so nothing below can be called better or worse: run more seeds.")}]
    found = _verdicts(full, list(labels))
    named = {k: _listing([labels[o] for o in v], len(labels)) for k, v in found.items() if v}
    n = len(labels)
    if not found["better"]:
        text = (f"The full package is NOT clearly better than no reform on any of the {n} outcomes checked"
                + (f"; it is worse on {named['worse']}" if found["worse"] else "") + ".")
    else:
        text = (f"Against no reform, the full package is better on {len(found['better'])} of the {n} outcomes "
                f"checked ({named['better']})"
                + (f", worse on {len(found['worse'])} ({named['worse']})" if found["worse"] else ", worse on none")
                + (f" and shows no clear difference on {len(found['unclear'])} ({named['unclear']})"
                   if found["unclear"] else "") + ".")
    return [{"text": text, "chart": "full_package"}]


def cherry_picking(result: dict) -> list[dict]:
    labels, full = _labels(result, lower=True), result["subsets"][-1]
    partial = result["subsets"][1:-1]
    findings = []
    for o, label in labels.items():
        side = full["difference"][o]["verdict"]
        if side not in ("better", "worse"):
            continue
        other = "worse" if side == "better" else "better"
        against = [s for s in partial if s["difference"][o]["verdict"] == other]
        if against:
            listed = _listing([f"{who(s['families'], result)} ({amount(s['difference'][o]['mean'], o)})"
                               for s in against])
            findings.append({"chart": f"subsets-{o}", "text": (
                f"Cherry-picking {'backfires' if side == 'better' else 'does better'} on {label}: the full "
                f"package does {side} than no reform ({amount(full['difference'][o]['mean'], o)}), but "
                f"{len(against)} partial package{'s' * (len(against) != 1)} of {len(partial)} "
                f"do{'es' * (len(against) == 1)} {other}: {listed}. By chance alone, with no real difference, about "
                f"{ONE_SIDE * len(partial):.1f} would.")})
    if not findings and partial:
        findings.append({"chart": "subsets", "text": _no_reversal(result, labels, partial)})
    harmful = [s for s in partial if any(s["difference"][o]["verdict"] == "worse" for o in labels)]
    if partial:
        chance = len(partial) * (1 - (1 - ONE_SIDE) ** len(labels))
        findings.append({"chart": "subsets", "text": (
            f"{len(harmful)} of the {len(partial)} partial packages do worse than no reform on at least one outcome "
            f"checked ({_listing([who(s['families'], result) for s in harmful])}); by chance alone, with no real "
            f"difference, about {chance:.0f} would (if the outcomes were independent), so the count is evidence of "
            "harm only well above that." if harmful else
            f"None of the {len(partial)} partial packages does worse than no reform on any outcome checked.")})
    return findings


def _no_reversal(result: dict, labels: dict[str, str], partial: list[dict]) -> str:
    """What it means that no partial package went the other way: nothing, if the full package is clear on no
    outcome; else no reversal larger than what these seeds can detect, which it names."""
    full = result["subsets"][-1]
    clear = [o for o in labels if full["difference"][o]["verdict"] in ("better", "worse")]
    n = len(result["seeds"])
    if not clear:
        return (f"The full package is not clearly better or worse than no reform on any outcome checked at {n} "
                f"seed{'s' * (n != 1)} x {result['years']} year{'s' * (result['years'] != 1)}, so these runs cannot "
                "show whether cherry-picking reverses its effects (there is no clear effect to reverse): run more "
                "seeds, or more years if the reforms take longer to act.")
    draws = PARAMETERS in result.get("uncertainty", ())
    sizes = [f"{labels[o]} {amount(detectable(partial, o, n, draws), o).lstrip('+')}" for o in clear]
    return (f"No single family or partial package goes clearly the other way from the full package on "
            f"{_listing([labels[o] for o in clear], len(clear))}. At {n} seeds a partial package's difference is "
            f"likely to show as clear (80% of the time) only from about {_listing(sizes, len(sizes))}, so a smaller "
            "reversal could go unseen.")


def detectable(subsets: list[dict], outcome: str, seeds: int, draws: bool = False) -> float:
    """The smallest paired difference these runs show as clear 80% of the time: the spread of the differences over
    seeds that the median half-width of the subsets' intervals on `outcome` implies (half-width * sqrt(seeds) /
    t_0.95, seeds - 1 degrees of freedom), times `detectable_multiple` (with `draws` under the posterior, where a
    clear verdict also needs at most a tenth of the pairs on the other side)."""
    halves = [(s["difference"][outcome]["p95"] - s["difference"][outcome]["p05"]) / 2 for s in subsets]
    spread = float(np.median(halves)) * math.sqrt(seeds) / t.ppf(0.5 + LEVEL / 2, seeds - 1)
    return spread * detectable_multiple(seeds, draws)


def _effect(result: dict, term: list[str], outcome: str) -> dict:
    return next(e for e in result["effects"] if e["term"] == term and e["outcome"] == outcome)


def _clear(e: dict) -> bool:
    return e["p05"] is not None and (e["p05"] > 0 or e["p95"] < 0)


def interactions(result: dict) -> list[dict]:
    labels, findings, quiet = _labels(result, lower=True), [], []
    pairs = [e["term"] for e in result["effects"] if len(e["term"]) == 2 and e["outcome"] == next(iter(labels))]
    if not pairs:
        return []
    better = {c["name"]: c["better"] for c in result["checked"]}
    tests = len(pairs) * len(labels)
    clear_count = sum(_clear(_effect(result, t, o)) for t in pairs for o in labels)
    if clear_count:
        findings.append({"chart": f"effects-{next(iter(labels))}", "text": (
            f"{clear_count} of the {tests} two-way interactions ({len(pairs)} pair{'s' * (len(pairs) != 1)} of "
            f"families on {len(labels)} outcomes) are clear; by chance alone, with no real interaction, about "
            f"{2 * ONE_SIDE * tests:.0f} would be, so read single ones below with caution.")})
    for o, label in labels.items():
        clear = [e for e in (_effect(result, t, o) for t in pairs) if _clear(e)]
        if not clear:
            quiet.append(label)
            continue
        parts = []
        for e in clear:
            a, b = map(short, e["term"])
            helps = (e["estimate"] < 0) == (better[o] == "lower")
            parts.append(f"{a}'s effect is {amount(2 * e['estimate'], o)} with {b} than without "
                         f"(interaction {amount(e['estimate'], o)}, {interval(e, o)}): together they do "
                         f"{'better' if helps else 'worse'} than their separate effects add up to")
        findings.append({"chart": f"effects-{o}", "text": f"On {label}, families interact: "
                                                          + "; ".join(parts) + "."})
    if quiet:
        n = len(result["seeds"])
        findings.append({"chart": f"effects-{next(iter(labels))}", "text": (
            f"No two-way interaction is clear on {_listing(quiet, len(quiet))} at {n} seed{'s' * (n != 1)}: there the "
            "families' effects add up as far as these runs can tell (more seeds narrow the intervals).")})
    return findings


def singles(result: dict) -> list[dict]:
    labels = _labels(result, lower=True)
    if len(result["families"]) < 2:
        return []
    findings = []
    for s in result["subsets"][1:1 + len(result["families"])]:
        found = _verdicts(s, list(labels))
        text = (f"{who(s['families'], result).capitalize()}: better than no reform on "
                f"{_listing([labels[o] for o in found['better']], 7) if found['better'] else 'no outcome checked'}"
                f"; worse on {_listing([labels[o] for o in found['worse']], 7) if found['worse'] else 'none'}.")
        findings.append({"chart": "subsets", "text": text})
    return findings


def time_profile(result: dict) -> list[dict]:
    tp, labels = result["time_profile"], _labels(result)
    early, late = f"the first {len(tp['early_years'])} years", f"the last {len(tp['late_years'])} years"
    findings = []
    if tp["overlap"]:
        findings.append({"chart": f"time-{next(iter(labels))}", "text": (
            f"The runs cover {result['years']} years, so {early} and {late} overlap: the time profile cannot "
            "separate short-term from long-term effects (run at least 5 years).")})
    singles_and_full = [s for s in tp["subsets"] if len(s["families"]) in (1, len(result["families"]))]
    for o, label in labels.items():
        full = tp["subsets"][-1]["outcomes"][o]
        text = (f"{label}, full package against no reform: {early} ({', '.join(tp['early_years'])}) "
                f"{full['early']['verdict']} ({amount(full['early']['mean'], o)}), {late} "
                f"({', '.join(tp['late_years'])}) {full['late']['verdict']} ({amount(full['late']['mean'], o)}).")
        for s in singles_and_full:
            e, l = s["outcomes"][o]["early"]["verdict"], s["outcomes"][o]["late"]["verdict"]
            if (e, l) == ("worse", "better"):
                text += f" {who(s['families'], result).capitalize()}: a short-term cost for a long-term gain."
            elif (e, l) == ("better", "worse"):
                text += f" {who(s['families'], result).capitalize()}: an early gain that turns into a loss."
        findings.append({"chart": f"time-{o}", "text": text})
    return findings


def details(result: dict) -> list[dict]:
    labels, base, full = _labels(result), result["subsets"][0], result["subsets"][-1]
    findings = []
    for o, label in labels.items():
        d = full["difference"][o]
        percent = o in PERCENT
        findings.append({"chart": "full_package", "text": (
            f"{label}: {_value(base['outcomes'][o]['median'], percent)} with no reform, "
            f"{_value(full['outcomes'][o]['median'], percent)} with the full package (medians); paired difference "
            f"{amount(d['mean'], o)} ({interval(d, o)}): {d['verdict']}.")})
    better = {c["name"]: c["better"] for c in result["checked"]}
    for o, label in labels.items():
        mains = [_effect(result, [f], o) for f in result["families"]]
        clear = [f"{short(e['term'][0])} {amount(e['estimate'], o)} "
                 f"({'better' if (e['estimate'] < 0) == (better[o] == 'lower') else 'worse'})"
                 for e in mains if _clear(e)]
        unclear = [short(e["term"][0]) for e in mains if not _clear(e)]
        text = (f"Main effects on {lower_first(label)} (switching a family on, averaged over the other families' "
                f"settings): " + (f"clear for {_listing(clear)}" if clear else "none is clear")
                + (f"; no clear effect of {_listing(unclear)}" if unclear and clear else "") + ".")
        findings.append({"chart": f"effects-{o}", "text": text})
    return findings


def findings(result: dict) -> list[dict]:
    """Every finding of a workshop result, most important first: [{"text", "chart"}]."""
    return [*full_package(result), *cherry_picking(result), *interactions(result), *singles(result),
            *time_profile(result), *details(result)]
