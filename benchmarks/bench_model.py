"""Benchmark: cpsim's cost per child-week against an idiomatic Mesa model on this machine.

    python benchmarks/bench_model.py [--json] [--years 10] [--profile] [--phases [SCENARIO]]

Runs the baseline's parameters from a fresh warm-up (scenarios/fresh_2011.toml: its warm-up
plus --years years; the baseline itself starts from a saved state) with one seed on one core
through `abm.run.run`, and in the same process a reference Mesa 3.5 model with one agent
per child of the scenario (what a user would write if every child were a Mesa agent), each
doing `self.x += 1` in `self.agents.shuffle_do("step")` for about 2 seconds. The two are
timed in alternation, three rounds, and each one's fastest time kept, so that a machine
whose speed drifts affects both alike. `--phases` also times each weekly process of one run
(of fresh_2011, or of SCENARIO) and prints its share of the run to stderr. See
benchmarks/README.md.
"""

from __future__ import annotations

import os

# One core: keep any numerical library from spreading over threads (before numpy loads).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mesa  # noqa: E402

from abm import (assessment, calendar, court, front_door, help, journey, ledger, management, model,  # noqa: E402
                 public, referrers, workforce)
from abm.reforms import schedule  # noqa: E402
from abm.run import run, scenario_params  # noqa: E402
from abm.seeds import replicate_seeds  # noqa: E402
from abm.scenario import load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "fresh_2011.toml"  # the baseline's parameters on a warm-up: no saved state
SEED = 1
ROUNDS = 3
MESA_TARGET_S = 2.0


class Counter(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.x = 0

    def step(self):
        self.x += 1


class Reference(mesa.Model):
    """The reference: N agents with a trivial update, activated in random order."""

    def __init__(self, n: int, seed: int):
        super().__init__(rng=seed)
        Counter.create_agents(self, n)

    def step(self):
        self.agents.shuffle_do("step")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def mesa_steps(agents: int) -> int:
    """Steps of the reference model that take about MESA_TARGET_S seconds."""
    probe = Reference(agents, SEED)
    probe.step()  # warm caches before measuring a step
    return max(1, round(MESA_TARGET_S / (timed(lambda: [probe.step() for _ in range(3)]) / 3)))


def bench(scenario) -> dict[str, float]:
    """Fastest wall seconds of cpsim and of the reference, timed in alternating rounds."""
    children = scenario_params(scenario, SEED).children_0_19
    steps = mesa_steps(children)
    cpsim_s = mesa_s = math.inf
    for _ in range(ROUNDS):
        cpsim_s = min(cpsim_s, timed(lambda: run(scenario, SEED)))
        model = Reference(children, SEED)  # built outside the timing
        mesa_s = min(mesa_s, timed(lambda: [model.step() for _ in range(steps)]))
    weeks = (scenario.warmup_years + scenario.years) * calendar.WEEKS_PER_YEAR
    return {"cpsim_s": cpsim_s, "children": children, "weeks": weeks, "mesa_s": mesa_s, "steps": steps}


def profile_cpsim(scenario, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run(scenario, SEED)
    profiler.disable()
    print(f"cProfile of one cpsim run, top {top} by cumulative time:", file=sys.stderr)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(top)


# The weekly processes of abm/model.py's step, each as the methods (or module function) it runs.
PHASES = {
    # set_params also switches a branched run's parameters at its start: counted here, not under "other"
    "reforms (a week's parameters)": [(schedule.ReformSchedule, "params_at"), (model.ChildProtectionModel, "set_params")],
    "community": [(model, "community_step")],
    "referrers": [(referrers.Referrers, "step")],
    "front door": [(front_door.FrontDoor, "step")],
    "assessment and decisions": [(journey.Journey, "helped"), (assessment.Assessment, "step"),
                                 (assessment.Assessment, "decide")],
    "help": [(help.Help, "step"), (journey.Journey, "apply_queued")],
    "court": [(court.FamilyCourt, "step")],
    "workforce": [(workforce.Workforce, "step")],
    "management": [(management.Management, "step")],
    "public": [(public.Public, "step")],
    "outcomes (collect)": [(ledger.Ledger, "outcomes"), (model.ChildProtectionModel, "collect")],
    "settle": [(journey.Journey, "settle")],
}


@contextlib.contextmanager
def timed_phases(seconds: collections.Counter):
    """While inside, add each phase's seconds to `seconds` (the outermost call of a phase counts)."""
    patched, active = [], set()
    for phase, targets in PHASES.items():
        for owner, name in targets:
            original = getattr(owner, name)
            patched.append((owner, name, original))
            setattr(owner, name, _timer(original, phase, seconds, active))
    try:
        yield
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def _timer(fn, phase: str, seconds: collections.Counter, active: set):
    def timed(*args, **kwargs):
        if phase in active:  # already timed by an outer call of the same phase
            return fn(*args, **kwargs)
        active.add(phase)
        began = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[phase] += time.perf_counter() - began
            active.discard(phase)
    return timed


def phases(scenario) -> None:
    """Print each weekly process's seconds and share of one run of `scenario` (fastest of three) to stderr."""
    seed = replicate_seeds(scenario.root_seed, 1)[0] if scenario.branch_from is not None else SEED
    run(scenario, seed)  # compiled, saved state built
    best = None
    for _ in range(3):
        seconds: collections.Counter = collections.Counter()
        with timed_phases(seconds):
            began = time.perf_counter()
            run(scenario, seed)
            seconds["(run)"] = time.perf_counter() - began
        if best is None or seconds["(run)"] < best["(run)"]:
            best = seconds
    total = best.pop("(run)")
    print(f"one run of {scenario.name} ({scenario.years} years), fastest of 3: {total:.3f} s", file=sys.stderr)
    for phase in PHASES:
        print(f"  {phase:32s} {best[phase]:7.3f} s {100 * best[phase] / total:5.1f}%", file=sys.stderr)
    rest = total - sum(best.values())
    print(f"  {'other (start, results)':32s} {rest:7.3f} s {100 * rest / total:5.1f}%", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--years", type=int, default=10, help="years simulated after the warm-up")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one cpsim run; top 25 functions to stderr")
    parser.add_argument("--phases", nargs="?", const=str(SCENARIO), default=None, metavar="SCENARIO",
                        help="only time each weekly process of one run (of fresh_2011, or of SCENARIO, for "
                             "--years years) and print their shares to stderr")
    args = parser.parse_args(argv)
    if args.phases is not None:
        phases(load_scenario(args.phases).with_overrides(years=args.years))
        return 0

    scenario = load_scenario(SCENARIO).with_overrides(years=args.years)
    b = bench(scenario)
    if args.profile:
        profile_cpsim(scenario)

    wall, children, weeks, mesa_wall, steps = b["cpsim_s"], b["children"], b["weeks"], b["mesa_s"], b["steps"]
    ns_per_child_week = wall / (children * weeks) * 1e9
    mesa_ns_per_agent_step = mesa_wall / (children * steps) * 1e9
    ratio = mesa_ns_per_agent_step / ns_per_child_week
    if args.json:
        print(json.dumps({"ns_per_child_week": ns_per_child_week,
                          "mesa_ns_per_agent_step": mesa_ns_per_agent_step,
                          "ratio": ratio, "wall_s": wall}))
    else:
        print(f"cpsim: {ns_per_child_week:.2f} ns per child-week "
              f"({children:,} children x {weeks} weeks in {wall:.2f} s); "
              f"Mesa reference: {mesa_ns_per_agent_step:.0f} ns per agent-step "
              f"({children:,} agents x {steps} steps in {mesa_wall:.2f} s); "
              f"ratio {ratio:.1f} (bar: >= 20)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
