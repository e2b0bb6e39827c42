"""Benchmark: a comparison of 4 scenarios on 10 seeds for 10 years: time to the first result and to all.

    python benchmarks/bench_compare.py [--json] [--seeds 10] [--years 10] [--workers 2]

Compares the 2011 baseline with three reform scenarios (the full Munro package, the
prescription reform alone, the workforce reforms alone), every one branched from the
history's saved states on 1 April 2011, through `abm.compare.run_scenarios` on the local
engine with an empty run cache (the saved states are built beforehand, untimed). The first
result is the first finished run handed back (what the app can draw first); all is every
run. In the same process it times one baseline run alone. Prints

    {"runs", "first_result_s", "wall_s", "single_run_s", "workers"}

Targets (issue 15, on 2 cores): first result <= 10 s, all <= 30 s.
"""

from __future__ import annotations

import argparse
import time

from timing import ROOT, ensure_states, report, scratch_cache, single_run_s

from abm.compare import run_scenarios
from abm.scenario import load_scenario

SCENARIOS = ("baseline.toml", "reforms/munro_full.toml", "reforms/prescription_only.toml",
             "reforms/workforce_only.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenarios = [load_scenario(ROOT / "scenarios" / name).with_overrides(years=args.years) for name in SCENARIOS]
    ensure_states(scenarios, args.seeds, args.workers)
    first: list[float] = []
    with scratch_cache():
        began = time.perf_counter()
        run_scenarios(scenarios, args.seeds, workers=args.workers,
                      progress=lambda done, total: first.append(time.perf_counter() - began) if done == 1 else None)
        wall = time.perf_counter() - began
    report({"runs": len(scenarios) * args.seeds, "first_result_s": first[0], "wall_s": wall,
            "single_run_s": single_run_s(scenarios[0]), "workers": args.workers}, args.json)


if __name__ == "__main__":
    main()
