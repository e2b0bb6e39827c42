"""Analysis of a sweep's results: sensitivity indices, scenario discovery, national totals.

`analyze` (in `abm.analysis.analyze`) reads a sweep folder written by `cpsim sweep` and
never re-runs the model; `write_analysis` (in `abm.analysis.output`) writes its tables,
plots and plain-language report atomically. Modules: `scalars` (one number per run and
outcome), `sensitivity` (Sobol and Morris indices with SALib), `discovery` (criteria and
PRIM boxes with ema_workbench), `plots`, `report`, `output`.
"""

from abm.analysis.analyze import Analysis, AnalysisError, analyze
from abm.analysis.output import summary, write_analysis

__all__ = ["Analysis", "AnalysisError", "analyze", "summary", "write_analysis"]
