"""Regression summary: a small, fixed run of the baseline scenario, kept to catch unintended change.

`python -m abm.regression` prints the summary as JSON, `--write PATH` saves it and
`--check PATH` compares it with a saved one, printing every difference (exit status 1
if there is any). The summary holds every outcome, aggregated by `abm.outcomes.yearly`,
for each of the first SEEDS replicate seeds of the scenario's root seed and each of
YEARS years from the scenario's start (the baseline branches from the history's saved
states at 1 April 2011, so its root seed is the history's and it has no warm-up; the
states are built first if the cache lacks them), rounded to DIGITS significant digits so
last-bit floating-point noise between platforms does not count as change.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from abm.engines import run_replicates
from abm.outcomes import NAMES, yearly
from abm.results import PROJECT_ROOT, atomic_write_bytes
from abm.scenario import load_scenario
from abm.seeds import replicate_seeds

BASELINE = PROJECT_ROOT / "scenarios" / "baseline.toml"
SEEDS = 2
YEARS = 2
DIGITS = 10
_ABSENT = object()


def summary() -> dict:
    """The regression summary of the baseline scenario (seed -> year -> outcome -> value)."""
    scenario = load_scenario(BASELINE).with_overrides(years=YEARS)
    seeds = replicate_seeds(scenario.root_seed, SEEDS)
    table = yearly(run_replicates(scenario, seeds, progress=False), ["seed", "year_label"])
    values: dict[str, dict] = {str(s): {} for s in seeds}
    for row in table.itertuples(index=False):
        values[str(row.seed)][row.year_label] = {n: _round(getattr(row, n)) for n in NAMES}
    branch = None if scenario.branch_from is None else str(scenario.branch_from)
    return {"scenario": scenario.name, "branch_from": branch, "root_seed": scenario.root_seed, "years": YEARS,
            "warmup_years": scenario.warmup_years, "seeds": values}


def diff(expected, actual, path: str = "") -> list[str]:
    """One line per value that differs between two summaries (empty when they match)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = []
        for key in [*expected, *(k for k in actual if k not in expected)]:
            lines += diff(expected.get(key, _ABSENT), actual.get(key, _ABSENT),
                          f"{path} > {key}" if path else str(key))
        return lines
    if expected == actual:
        return []
    return [f"{path or 'summary'}: expected {_show(expected)}, got {_show(actual)}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m abm.regression", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", type=Path, metavar="PATH", help="save the summary to PATH")
    mode.add_argument("--check", type=Path, metavar="PATH", help="compare the summary with PATH")
    args = parser.parse_args(argv)
    if args.check:
        try:
            expected = json.loads(args.check.read_text())
        except (OSError, ValueError) as exc:
            print(f"{args.check}: cannot read the stored summary ({exc})", file=sys.stderr)
            return 2
        differences = diff(expected, summary())
        for line in differences:
            print(line)
        print(f"{len(differences)} difference(s) from {args.check}" if differences else f"matches {args.check}")
        return 1 if differences else 0
    text = json.dumps(summary(), indent=1) + "\n"
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(args.write, text.encode())
        print(f"wrote {args.write}")
    else:
        sys.stdout.write(text)
    return 0


def _show(value) -> str:
    return "absent" if value is _ABSENT else repr(value)


def _round(value: float) -> float | None:
    return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else None


if __name__ == "__main__":
    sys.exit(main())
