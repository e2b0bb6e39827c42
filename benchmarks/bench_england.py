"""Benchmark: England as its 152 authorities, each for 10 years, on the local engine.

    python benchmarks/bench_england.py [--json] [--years 10] [--workers 2]

Runs the national ensemble (scenarios/sweeps/england.toml: 152 authorities of drawn size
and deprivation, each on the baseline's parameters after a fresh 5-year warm-up, since a
sweep that varies an authority's size cannot branch from the history) for --years years,
with an empty run cache, into a scratch folder, as `cpsim sweep` would. In the same process
it times one run of the ensemble's base scenario (an authority of the base's size) alone.
Prints

    {"authorities", "years", "wall_s", "single_run_s", "workers"}

Target (issue 15, on 2 cores): <= 300 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from timing import ROOT, report, scratch_cache, single_run_s

from abm.sweep.design import make_design
from abm.sweep.runner import run_sweep
from abm.sweep.spec import load_sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    england = load_sweep(ROOT / "scenarios" / "sweeps" / "england.toml")
    england = dataclasses.replace(england, base=england.base.with_overrides(years=args.years))
    design = make_design(england)
    with scratch_cache(), tempfile.TemporaryDirectory(prefix="bench_england-") as out:
        began = time.perf_counter()
        result = run_sweep(england, design, Path(out) / "england", workers=args.workers)
        wall = time.perf_counter() - began
    if result.failed:
        raise SystemExit(f"{result.failed} of {result.total} authorities failed")
    report({"authorities": design.points, "years": args.years, "wall_s": wall,
            "single_run_s": single_run_s(england.base), "workers": args.workers}, args.json)


if __name__ == "__main__":
    main()
