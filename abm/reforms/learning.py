"""A learning system (R9, R15)."""

from __future__ import annotations

from abm.reforms.base import Reform, SetTo
from abm.reforms.guidance import FINAL_REPORT


class R9(Reform):
    """Systems methodology for serious case reviews; end Ofsted's evaluation of reviews by grading.

    Mechanism: the learning culture moves from mostly blame (0.2) to mostly systems review
    (0.8). A review then yields reflection (which lowers the perceived effectiveness of
    prescription, loop B2) rather than new procedures and a blow to morale (loop R), and
    compliance hides fewer errors. A culture shifts slowly: five years by default.
    """

    name = "R9"
    label = "Systems review of serious cases"
    what_it_does = "learning culture rises from 0.2 to 0.8: reviews bring reflection instead of blame and procedures"
    family = "learning"
    source = (f"{FINAL_REPORT}, Recommendation 9: serious case reviews should use a systems methodology, and "
              "Ofsted's evaluation of them (grading) should end")
    default_ramp_years = 5.0
    moves = (SetTo("learning_culture", 0.8),)
    expected = {"perceived_effectiveness_of_prescription": "lower", "local_procedure_hours_per_case_week": "lower",
                "turnover_rate": "lower"}


class R15(Reform):
    """A Chief Social Worker in government, feeding the experience of practice into national policy.

    Mechanism: national learning from practice (`national_learning` 0 -> 0.5) adds a steady
    flow of reflection on the prescriptive approach, whatever the local culture, as if half
    a serious case review's worth of systems learning reached the authority every year.
    """

    name = "R15"
    label = "A Chief Social Worker in government"
    what_it_does = "national learning from practice adds a steady flow of reflection on the prescriptive approach"
    family = "learning"
    source = (f"{FINAL_REPORT}, Recommendation 15: a Chief Social Worker should be created in government to "
              "advise on social work practice")
    default_ramp_years = 3.0
    moves = (SetTo("national_learning", 0.5),)
    expected = {"reflection": "higher", "perceived_effectiveness_of_prescription": "lower"}
