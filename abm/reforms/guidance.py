"""Less prescription: revised statutory guidance (R1)."""

from __future__ import annotations

from abm.reforms.base import Reform, Scale, SetTo

FINAL_REPORT = "Munro (2011) The Munro Review of Child Protection: Final Report, Cm 8062"


class R1(Reform):
    """Revise Working Together and the Assessment Framework: rules apart from guidance, no initial/core split.

    Mechanism: assessments are no longer split into initial and core with fixed
    timescales (one single assessment, as long as its worker needs, so the timeliness
    indicator that drove enforcement (loop B1) no longer exists), and prescribed recording
    falls by a quarter: per case-week and on every assessment form. The level of
    prescription is not set: it follows from the loops (perceived effectiveness, reviews,
    reflection). The size of the cut is uncertain: Munro gives none; a quarter is an
    assumption within 10-40% (the `strength` of the lever scales it).
    """

    name = "R1"
    label = "Revise statutory guidance"
    what_it_does = ("the initial/core split and its timescales go, and prescribed recording falls by a quarter; "
                    "the time freed goes to children")
    family = "guidance"
    source = (f"{FINAL_REPORT}, Recommendation 1: revise Working Together and the Assessment Framework to "
              "distinguish rules from guidance and remove the initial/core split and its timescales")
    default_ramp_years = 2.0
    moves = (
        SetTo("assessment_timescales_prescribed", False),
        Scale("recording_hours_per_case_week", 0.75),
        Scale("initial_assessment_recording_hours", 0.75),
        Scale("core_assessment_recording_hours", 0.75),
        Scale("single_assessment_recording_hours", 0.75),
    )
    expected = {"direct_work_share": "higher", "direct_hours_per_case_week": "higher", "unallocated_cases": "lower"}
