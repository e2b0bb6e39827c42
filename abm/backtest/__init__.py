"""The back-test (issue 13): the decade after Munro as it happened, April 2011 to March 2024, predicted from the
history's state with nothing fitted after March 2011, beside two counterfactuals and the observed figures.

Modules: `plan` (the three scenarios and the history), `observed` (the published figures, for comparison only),
`results` (yearly bands and the closing figures), `table` (the closing figures as text), `report` (backtest.md
and its charts, written atomically).
"""

from abm.backtest.observed import ObservedError, load_observed
from abm.backtest.plan import BACKTEST_FILE, BacktestError, plan
from abm.backtest.report import write_report
from abm.backtest.results import backtest_result
from abm.backtest.table import render_closing

__all__ = ["BACKTEST_FILE", "BacktestError", "ObservedError", "backtest_result", "load_observed", "plan",
           "render_closing", "write_report"]
