"""The cherry-picking workshop: a package's reforms grouped into families, every subset of the families
run on common random numbers, main effects and two-way interactions, and plain-language findings.

Modules: `planning` (families and subsets), `effects` (factorial effects), `analysis` (the
numbers), `findings` (the sentences), `running` (the job), `table` (the text) and `report` (the HTML).
"""

from abm.workshop.planning import Workshop, WorkshopError, assemble, plan
from abm.workshop.running import run_plan, run_workshop

__all__ = ["Workshop", "WorkshopError", "assemble", "plan", "run_plan", "run_workshop"]
