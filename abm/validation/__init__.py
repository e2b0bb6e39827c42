"""Validation: the historical baseline against its calibration targets (`cpsim validate`).

`targets` loads abm/validation/targets.toml strictly; `evaluate` reads every target off the
weekly outcomes of the replicate runs, seed by seed, and judges the median over seeds
against the target's band; `taylor_russell` classifies one run's decisions against true
risk; `report` writes the HTML report. See docs/validation.md.
"""

from abm.validation.evaluate import Result, as_json, evaluate, render
from abm.validation.targets import TARGETS_FILE, Band, Target, TargetsError, check_periods, load_targets

__all__ = ["TARGETS_FILE", "Band", "Result", "Target", "TargetsError", "as_json", "check_periods", "evaluate",
           "load_targets", "render"]
