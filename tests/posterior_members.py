"""A calibration posterior of three members around the point fit, for tests (tests/test_posterior_draws.py, the
app's tests): `write_test_posterior(path)` writes it as a posterior file."""

from __future__ import annotations

from pathlib import Path

from abm.calibration.posterior import posterior_text
from abm.calibration.space import load_space
from abm.scenario import load_parameter_file

ROOT = Path(__file__).resolve().parents[1]


def write_test_posterior(path: Path) -> Path:
    """Write the three-member posterior (weights 0.4, 0.3, 0.3) to `path` and return it."""
    space = load_space()
    _, provenance = load_parameter_file(ROOT / "scenarios" / "calibrated.toml")
    point = {**{d.name: d.guess for d in space}, **provenance["searched"]}
    members = [point, {**point, "help_effect_log_hazard": 0.2, "referral_threshold_annual_risk": 0.024},
               {**point, "turnover_base_rate_per_year": 0.09, "recording_hours_per_case_week": 1.4}]
    path.write_text(posterior_text(space, members, [0.4, 0.3, 0.3], {"method": "test"}))
    return path
