"""Measuring every causal link and loop at the calibrated historical state (MODEL.md s4b).

For each seed the historical scenario runs once up to each branch point (the start of the
2009/10 window, or one or two years earlier for pushes with a lead; the earliest, at the
end of March 2007, is a year after the warm-up ends). At a branch point the model is
copied whole (its random streams too, so every arm shares the same random numbers from
there), each push is applied to its own copy, and every arm runs to the end of the window.
A run's value of an outcome in the window is its mean over the window's weeks (a ratio
outcome: the ratio of its numerator's and denominator's means).

A link's elasticity is the relative change of its effect over the relative change of its
cause, both as means over seeds of the paired differences from the unpushed arm:

    elasticity = (mean(E1 - E0) / mean(E0)) / (mean(C1 - C0) / mean(C0))

Its 90% interval is the 5th-95th percentile over bootstrap resamples of the seeds; it is
alive when the interval excludes zero on the side its polarity states (above zero for
"S", below for "O") and the push moved its cause beyond its own interval. Links that are
not alive at the calibrated state, and why, are documented in `abm.links.table.WEAK`
(reported as `weak`, never hidden). The links that only the loops need (`LOOP_LINKS`)
are reported apart, as `loop_links`. A loop's gain
is the product of its links' elasticities (the open-loop gain around it at the calibrated
state: negative for a balancing loop, positive for a reinforcing one), with its interval
from the same resamples.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import numpy as np

from abm import calendar
from abm.links.table import LINKS, LOOP_LINKS, LOOPS, WEAK, WEAK_LOOPS, Link, Push
from abm.model import ChildProtectionModel
from abm.outcomes import NAMES, OUTCOMES
from abm.parameters import PARAMETERS
from abm.reforms import ReformSchedule
from abm.run import scenario_params

WINDOW_START = dt.date(2009, 4, 1)
WINDOW_WEEKS = 52
STATE = "england_2006_2011, calibrated, 2009/10"
BOOTSTRAP = 2000
INDEX = {name: i for i, name in enumerate(NAMES)}
RATIOS = [(INDEX[o.name], INDEX[o.numerator], INDEX[o.denominator]) for o in OUTCOMES if o.aggregate == "ratio"]


def all_links() -> tuple[Link, ...]:
    return LINKS + LOOP_LINKS


def chosen_links(keys=None) -> tuple[Link, ...]:
    """The links named by `keys` (all of them when None), in the table's order; an unknown key is a ValueError."""
    if keys is None:
        return all_links()
    known = {link.key for link in all_links()}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValueError(f"unknown link {', '.join(map(repr, unknown))}: allowed {', '.join(sorted(known))}")
    keys = set(keys)
    return tuple(link for link in all_links() if link.key in keys)


def check_outcomes(names) -> None:
    """Refuse (ValueError) any of `names` that is not an outcome of abm/outcomes.py."""
    unknown = [name for name in names if name not in INDEX]
    if unknown:
        raise ValueError(f"unknown outcome {', '.join(map(repr, unknown))}: allowed {', '.join(NAMES)}")


def pushes(keys=None) -> list[Push]:
    seen: dict[str, Push] = {}
    for link in chosen_links(keys):
        seen.setdefault(link.push.name, link.push)
    return list(seen.values())


def window_values(model, start: int) -> np.ndarray:
    """Every outcome's value over the window's weeks (from week `start`) of a model that has run through them."""
    first = start - model.warmup_weeks
    rows = np.vstack(model.datacollector.model_vars["outcomes"][first:first + WINDOW_WEEKS])
    values = np.nanmean(rows, axis=0)
    for i, num, den in RATIOS:
        values[i] = values[num] / values[den] if values[den] else np.nan
    return values


def apply_push(model, push: Push) -> None:
    """Move the cause of `push` in `model`: its parameters from now on (also under the run's dated changes, whose
    schedule rebuilds a week's parameters from its base), or its state once."""
    if push.scale or push.add:
        changes = {}
        for name, factor in push.scale.items():
            changes[name] = getattr(model.p, name) * factor
        for name, amount in push.add.items():
            changes[name] = getattr(model.p, name) + amount
        for name, value in changes.items():
            spec = PARAMETERS[name]
            changes[name] = spec.kind(min(max(value, spec.low), spec.high))
        pushed = dataclasses.replace(model.p, **changes)
        model.set_params(pushed)
        if model.reforms is not None:
            model.reforms = model.reforms.rebased(pushed)
    if push.nudge is not None:
        component, attribute, op, amount = push.nudge
        owner = getattr(model, component)
        value = getattr(owner, attribute)
        setattr(owner, attribute, value * amount if op == "x" else value + amount)


def measure_seed(task) -> dict[str, np.ndarray]:
    """One seed's window values: {"control": ..., push name: ...} (a picklable task: (scenario, seed), or
    (scenario, seed, link keys) for those links' pushes only)."""
    scenario, seed, *keys = task
    params = scenario_params(scenario, seed)
    warmup = scenario.warmup_years * calendar.WEEKS_PER_YEAR
    model = ChildProtectionModel(params, seed, warmup_weeks=warmup, events=scenario.event_weeks(),
                                 reforms=ReformSchedule.from_scenario(scenario, params))
    start = warmup + calendar.week_of(scenario.start_date, WINDOW_START)
    branches: dict[int, list[Push]] = {}
    for push in pushes(keys[0] if keys else None):
        branches.setdefault(start - push.lead_weeks, []).append(push)
    if min(branches) < warmup:
        raise ValueError(f"a push's lead of {start - min(branches)} weeks would start it in the warm-up")
    values = {}
    for branch in sorted(branches):
        while model.week < branch:
            model.step()
        for push in branches[branch]:
            arm = copy.deepcopy(model)
            apply_push(arm, push)
            while arm.week < start + WINDOW_WEEKS:
                arm.step()
            values[push.name] = window_values(arm, start)
    while model.week < start + WINDOW_WEEKS:
        model.step()
    values["control"] = window_values(model, start)
    return values


def _relative(arms: np.ndarray, control: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Relative change of the means over seeds `rows` (one value per resample row)."""
    base = control[rows].mean(axis=1)
    return (arms[rows] - control[rows]).mean(axis=1) / base


def summarise(per_seed: list[dict[str, np.ndarray]], resamples: int = BOOTSTRAP, keys=None, also=()) -> dict:
    """The JSON report: every link's (or the links `keys`') elasticity and 90% interval, alive or not, the gain
    of every loop whose links were all measured, and what each push measured did to the outcomes `also`."""
    n = len(per_seed)
    rng = np.random.default_rng(0)
    rows = np.vstack([np.arange(n), rng.integers(0, n, (resamples, n))])
    control = np.array([s["control"] for s in per_seed])
    draws: dict[str, np.ndarray] = {}
    links, loop_links = [], []
    for link in chosen_links(keys):
        arm = np.array([s[link.push.name] for s in per_seed])
        c, e = INDEX[link.cause], INDEX[link.effect]
        cause = _relative(arm[:, c], control[:, c], rows)
        effect = _relative(arm[:, e], control[:, e], rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            elasticity = effect / cause
        draws[link.key] = elasticity
        p05, p95 = np.nanpercentile(elasticity[1:], [5, 95]) if np.isfinite(elasticity[1:]).any() else (np.nan,) * 2
        c05, c95 = np.nanpercentile(cause[1:], [5, 95])
        moved = c05 > 0 or c95 < 0
        alive = bool(moved and (p05 > 0 if link.polarity == "S" else p95 < 0))
        (links if link.row else loop_links).append({
            "key": link.key, "row": link.row, "from": link.cause_label, "to": link.effect_label,
            "polarity": link.polarity, "cause": link.cause, "effect": link.effect, "push": link.push.name,
            "cause_change": _plain(cause[0]), "effect_change": _plain(effect[0]), "elasticity": _plain(elasticity[0]),
            "p05": _plain(p05), "p95": _plain(p95), "alive": alive, "weak": WEAK.get(link.key)})
    loops = []
    for name, loop_keys in LOOPS.items():
        if not set(loop_keys) <= set(draws):
            continue
        gain = np.prod([draws[k] for k in loop_keys], axis=0)
        p05, p95 = np.nanpercentile(gain[1:], [5, 95])
        loops.append({"name": name, "links": list(loop_keys), "gain": _plain(gain[0]), "p05": _plain(p05),
                      "p95": _plain(p95), "weak": WEAK_LOOPS.get(name)})
    result = {"state": STATE, "seeds": n, "window": f"{WINDOW_START.isoformat()} + {WINDOW_WEEKS} weeks",
              "links": links, "loop_links": loop_links, "loops": loops}
    if also:
        result["also"] = [_also(push.name, name, per_seed, control, rows)
                          for push in pushes(keys) for name in also]
    return result


def _also(push: str, outcome: str, per_seed, control: np.ndarray, rows: np.ndarray) -> dict:
    """The relative change of `outcome` (its mean over seeds) in the arms of `push`, with its 90% interval."""
    i = INDEX[outcome]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = _relative(np.array([s[push][i] for s in per_seed]), control[:, i], rows)
    p05, p95 = np.nanpercentile(change[1:], [5, 95]) if np.isfinite(change[1:]).any() else (np.nan,) * 2
    return {"push": push, "outcome": outcome, "control_mean": _plain(np.nanmean(control[:, i])),
            "change": _plain(change[0]), "p05": _plain(p05), "p95": _plain(p95)}


def _plain(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def measure(scenario, seeds: list[int], engine, progress=None, keys=None, also=()) -> dict:
    """Measure every link and loop (or only the links `keys` and the loops they close) on `seeds` with `engine`
    (abm.engines), and each push's relative change of the outcomes `also`; `progress()` after each seed."""
    chosen_links(keys)  # an unknown key or outcome fails before any run
    check_outcomes(also)
    per_seed = [None] * len(seeds)
    tasks = [(scenario, seed) if keys is None else (scenario, seed, tuple(keys)) for seed in seeds]
    for i, values in engine.map(measure_seed, tasks):
        per_seed[i] = values
        if progress is not None:
            progress()
    return summarise(per_seed, keys=keys, also=also)

