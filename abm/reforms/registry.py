"""The registry of reforms: R1 ... R15 by name, and their families."""

from __future__ import annotations

from abm.reforms.base import Reform
from abm.reforms.early_help import R10
from abm.reforms.governance import R5, R6, R7, R8
from abm.reforms.guidance import R1
from abm.reforms.inspection import R2, R3, R4
from abm.reforms.learning import R9, R15
from abm.reforms.workforce import R11, R12, R13, R14

REFORMS: dict[str, type[Reform]] = {cls.name: cls for cls in (
    R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14, R15)}

FAMILIES: dict[str, tuple[str, ...]] = {
    "guidance": ("R1",),
    "inspection": ("R2", "R3", "R4"),
    "governance": ("R5", "R6", "R7", "R8"),
    "learning": ("R9", "R15"),
    "early_help": ("R10",),
    "workforce": ("R11", "R12", "R13", "R14"),
}

FAMILY_LABELS: dict[str, str] = {
    "guidance": "Less prescription (revised guidance)",
    "inspection": "Inspection and performance information",
    "governance": "Accountable local leadership and partnership",
    "learning": "A learning system",
    "early_help": "Early help",
    "workforce": "Social-work expertise",
}
