"""Calibration: fit the declared calibration parameters to the targets (`cpsim calibrate`).

`abm/calibration/parameters.toml` declares what is fitted (`space.load_space`);
`loss` scores a set of runs against the targets of `abm/validation/targets.toml` as read by
`abm.validation.evaluate`; `search.calibrate` runs the optuna search, checks the best fit
against the starting guess on held-aside seeds and writes the fit to the scenario's
parameter file (`scenarios/calibrated.toml`). See docs/calibration.md.
"""

from abm.calibration.loss import CAP, loss, target_loss
from abm.calibration.space import CalibrationError, Dimension, load_space
from abm.calibration.search import Calibration, calibrate, prepare

__all__ = ["CAP", "Calibration", "CalibrationError", "Dimension", "calibrate", "load_space", "loss", "prepare",
           "target_loss"]
