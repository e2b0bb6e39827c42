"""The baseline scenario still gives the stored regression summary."""

import json
from pathlib import Path

from abm.regression import diff, summary

STORED = Path(__file__).parent / "data" / "baseline_summary.json"
ADVICE = "if the change is intended, run `make baseline` and commit tests/data/baseline_summary.json"


def test_baseline_matches_stored_summary():
    assert STORED.is_file(), f"{STORED} is missing; {ADVICE}"
    differences = diff(json.loads(STORED.read_text()), summary())
    shown = "\n".join(differences[:40] + ([f"... and {len(differences) - 40} more"] if len(differences) > 40 else []))
    assert not differences, f"{len(differences)} outcome(s) differ from the stored baseline; {ADVICE}\n{shown}"


def test_diff_reports_changed_missing_and_extra_values():
    stored = {"seeds": {"1": {"year 1": {"a": 1.0, "b": 2.0}}}}
    fresh = {"seeds": {"1": {"year 1": {"a": 1.5, "c": 3.0}}}}
    assert diff(stored, fresh) == [
        "seeds > 1 > year 1 > a: expected 1.0, got 1.5",
        "seeds > 1 > year 1 > b: expected 2.0, got absent",
        "seeds > 1 > year 1 > c: expected absent, got 3.0",
    ]
    assert diff(stored, stored) == []
