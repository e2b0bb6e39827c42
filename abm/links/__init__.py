"""`cpsim links`: the strength of every causal link and loop at the calibrated historical state."""

from abm.links.measure import STATE, measure, measure_seed, summarise
from abm.links.table import LINKS, LOOP_LINKS, LOOPS, PUSHES, Link, Push

__all__ = ["LINKS", "LOOP_LINKS", "LOOPS", "PUSHES", "Link", "Push", "STATE", "measure", "measure_seed", "summarise"]
