"""Benchmark: how fast each engine gets through a sweep of small runs, and what it adds per run.

    python benchmarks/bench_sweep.py [--json] [--runs 32] [--national]

For each engine (local process pool, Dask, Ray) on 1 and 2 workers it times two whole
sweeps of small runs (5,000 children, one warm-up year and one year each), of `--runs`
and of twice as many runs, each written to a scratch folder with the engine started and
stopped as a user would. The difference between the two is the steady rate, free of the
fixed cost (starting and stopping the engine, the workers' first imports), which is what
is left of the smaller sweep's time. It prints

    {"local": {"1": {"runs_per_s": x, "fixed_s": f}, "2": {...}}, "dask": {...}, "ray": {...},
     "overhead_s_per_run": {"local": 0.0, "dask": d, "ray": r}}

where an engine's overhead per run is its seconds per run on 2 workers minus the process
pool's. `--national` also runs the national ensemble (scenarios/sweeps/england.toml, 152
authorities of 15 years each) on the local engine with one worker per core and adds
`"national": {"runs": 152, "wall_s": w}`; it takes minutes. Without --json it prints one
readable line per figure. The figures are wall times: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["CPSIM_RUN_CACHE"] = "off"  # each sweep is timed running its runs, not reading them back
sys.path.insert(0, str(ROOT))

from abm.sweep.design import make_design  # noqa: E402
from abm.sweep.runner import run_sweep  # noqa: E402
from abm.sweep.spec import load_sweep  # noqa: E402

ENGINES = ("local", "dask", "ray")
WORKERS = (1, 2)
SMALL = """[sweep]
base = "{base}"
years = 1
warmup_years = 1
replicates = {replicates}
root_seed = 1
outcomes = "all"

[design]
kind = "latin"
samples = 2

[constants]
children_0_19 = 5000

[parameters]
deprivation_mean = {{ low = 0.2, high = 0.4 }}
"""


def small_sweep(folder: Path, runs: int):
    folder.mkdir(parents=True)
    path = folder / "bench.toml"
    path.write_text(SMALL.format(base=ROOT / "scenarios" / "fresh_2011.toml", replicates=runs // 2))
    sweep = load_sweep(path)
    return sweep, make_design(sweep)


def timed_sweep(sweep, design, engine: str, workers: int, out: Path) -> float:
    began = time.perf_counter()
    report = run_sweep(sweep, design, out, engine=engine, workers=workers, progress=False)
    wall = time.perf_counter() - began
    if report.failed:
        raise SystemExit(f"{report.failed} runs failed on {engine}; see {out / 'failures'}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=32, help="small runs in the smaller sweep, even (default 32)")
    parser.add_argument("--national", action="store_true", help="also time the national ensemble (minutes)")
    args = parser.parse_args()
    if args.runs < 2 or args.runs % 2:
        parser.error("--runs must be an even number of at least 2")
    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench_sweep-") as scratch:
        scratch = Path(scratch)
        per_run = {}
        for engine in ENGINES:
            result[engine] = {}
            for workers in WORKERS:
                walls = []
                for size in (args.runs, 2 * args.runs):
                    folder = scratch / f"{engine}-{workers}-{size}"
                    sweep, design = small_sweep(folder, size)
                    walls.append(timed_sweep(sweep, design, engine, workers, folder / "out"))
                seconds_per_run = max(walls[1] - walls[0], 1e-9) / args.runs
                result[engine][str(workers)] = {"runs_per_s": round(1 / seconds_per_run, 3),
                                                "fixed_s": round(walls[0] - args.runs * seconds_per_run, 3)}
                if workers == 2:
                    per_run[engine] = seconds_per_run
        result["overhead_s_per_run"] = {e: round(per_run[e] - per_run["local"], 4) for e in ENGINES}
        if args.national:
            england = load_sweep(ROOT / "scenarios" / "sweeps" / "england.toml")
            national = make_design(england)
            wall = timed_sweep(england, national, "local", os.cpu_count() or 1, scratch / "england")
            result["national"] = {"runs": national.points * england.replicates, "wall_s": round(wall, 1)}
    if args.json:
        print(json.dumps(result))
        return
    for engine in ENGINES:
        for workers in WORKERS:
            figures = result[engine][str(workers)]
            print(f"{engine:5} {workers} worker(s): {figures['runs_per_s']:7.2f} runs/s "
                  f"(fixed cost {figures['fixed_s']:.1f} s)")
        print(f"{engine:5} overhead per run vs the process pool: {result['overhead_s_per_run'][engine]:+.4f} s")
    if "national" in result:
        print(f"national ensemble: {result['national']['runs']} runs in {result['national']['wall_s']} s")


if __name__ == "__main__":
    main()
