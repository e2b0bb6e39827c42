"""Reform objects: the 15 recommendations of the Munro Final Report (2011), composable into packages.

See abm.reforms.base for the ramp, abm.reforms.schedule for how a run applies them, and
docs/ODD.md ("Reforms") for each reform's levers, mechanism and source.
"""

from abm.reforms.base import Reform, Scale, SetTo
from abm.reforms.registry import FAMILIES, FAMILY_LABELS, REFORMS
from abm.reforms.schedule import ReformSchedule

__all__ = ["FAMILIES", "FAMILY_LABELS", "REFORMS", "Reform", "ReformSchedule", "Scale", "SetTo"]
