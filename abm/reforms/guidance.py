"""Less prescription: revised statutory guidance (R1)."""

from __future__ import annotations

from abm.reforms.base import Reform, Scale, SetTo

FINAL_REPORT = "Munro (2011) The Munro Review of Child Protection: Final Report, Cm 8062"


class R1(Reform):
    """Revise Working Together and the Assessment Framework: rules apart from guidance, no initial/core split.

    Mechanism: the authority's target level of procedural prescription becomes half the
    perceived effectiveness of the prescriptive approach (`prescription_target_scale`, a
    parameter added for this reform: 1 in the baseline, where prescription simply follows
    perceived effectiveness), so prescription, compliance enforcement and the recording load
    tied to compliance fall over the ramp; assessments are no longer split into initial and
    core with fixed timescales (one single assessment, decided by its worker); and the
    statutory recording load per case falls by a quarter. The blame loop can still push
    prescription back up: local procedures return after reviews in a blame culture, which
    is Munro's warning about reducing prescription without a learning system.
    """

    name = "R1"
    label = "Revise statutory guidance"
    what_it_does = ("prescription aims at half its former level, the initial/core split and its timescales go, "
                    "and recording per case falls by a quarter")
    family = "guidance"
    source = (f"{FINAL_REPORT}, Recommendation 1: revise Working Together and the Assessment Framework to "
              "distinguish rules from guidance and remove the initial/core split and its timescales")
    default_ramp_years = 2.0
    moves = (
        SetTo("prescription_target_scale", 0.5),
        SetTo("assessment_timescales_prescribed", False),
        Scale("recording_hours_per_case_week", 0.75),
    )
    expected = {"prescription_level": "lower", "help_quality_mean": "higher"}
