"""Comparing scenarios on common random numbers: `run_scenarios` runs them on the same seeds,
`compare` gives each outcome's band per scenario and its paired difference from the first.

Modules: `running` (the runs), `statistics` (run values, bands, paired differences),
`comparison` (the JSON result), `table` (its text table), `page` and `report` (the HTML report).
"""

from abm.compare.comparison import compare
from abm.compare.running import Cancelled, CompareError, run_scenarios

__all__ = ["Cancelled", "CompareError", "compare", "run_scenarios"]
