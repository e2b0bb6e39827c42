"""Benchmark: the default workshop deck of the full Munro package, from a cold and a warm run cache.

    python benchmarks/bench_workshop.py [--json] [--package scenarios/reforms/munro_full.toml]
                                        [--seeds 5] [--years 10] [--workers 2]

Runs what a facilitator's room waits for: every subset of the package's reform families
(2^k scenarios) on the workshop's default seeds, each for --years years from the history's
saved state on 1 April 2011, on the local engine, through `abm.workshop.run_plan` (runs,
effects and findings). First with an empty run cache (cold: every run computed; the saved
states are built beforehand, untimed), then again (warm: every run read from the cache).
In the same process it times one run of the package alone. Prints

    {"runs", "cold_wall_s", "warm_wall_s", "single_run_s", "workers"}

Targets (issue 15, on 2 cores): cold <= 120 s, warm <= 5 s.
"""

from __future__ import annotations

import argparse
import time

from timing import ROOT, ensure_states, report, scratch_cache, single_run_s

from abm.scenario import load_scenario
from abm.workshop import plan, run_plan
from abm.workshop.running import DEFAULT_SEEDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--package", default=str(ROOT / "scenarios" / "reforms" / "munro_full.toml"))
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    package = load_scenario(args.package).with_overrides(years=args.years)
    workshop = plan(package)
    scenarios = [s.scenario for s in workshop.subsets]
    ensure_states(scenarios, args.seeds, args.workers)
    with scratch_cache():
        walls = []
        for _ in ("cold", "warm"):
            began = time.perf_counter()
            run_plan(workshop, args.seeds, workers=args.workers)
            walls.append(time.perf_counter() - began)
    report({"runs": len(scenarios) * args.seeds, "cold_wall_s": walls[0], "warm_wall_s": walls[1],
            "single_run_s": single_run_s(package), "workers": args.workers}, args.json)


if __name__ == "__main__":
    main()
