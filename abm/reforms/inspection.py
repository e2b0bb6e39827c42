"""Inspection and performance information (R2-R4)."""

from __future__ import annotations

from abm.parameters.referrers import KINDS
from abm.reforms.base import Reform, Scale, SetTo
from abm.reforms.guidance import FINAL_REPORT


class R2(Reform):
    """Inspect the contribution of all local services (health, education, police, probation, justice).

    Mechanism: agencies held to account for their safeguarding contribution perceive risk
    better (every referrer agency's perception error falls by 15%), and the information
    they send with a contact is better, so the front door screens it with 10% less error.
    Fewer contacts about children not at risk become referrals, and fewer children at
    risk are missed. The police notification of every domestic-violence incident is a
    local protocol of its own (`police_auto_refer_domestic_violence`), not part of R2:
    Munro does not recommend ending it.
    """

    name = "R2"
    label = "Inspect all local services"
    what_it_does = ("referrer agencies judge risk better (15% less perception error) and their contacts carry better "
                    "information (10% less screening error)")
    family = "inspection"
    source = (f"{FINAL_REPORT}, Recommendation 2: the inspection framework should examine the effectiveness of "
              "the contributions of all local services to the protection of children")
    default_ramp_years = 2.0
    moves = (
        *(Scale(f"{kind}_perception_noise_sd", 0.85) for kind in KINDS),
        Scale("front_door_noise_sd", 0.9),
    )
    expected = {"contacts_per_year": "lower", "unmet_risk_child_weeks_per_year": "lower"}


class R3(Reform):
    """Inspect the child's journey and the effectiveness of help, unannounced.

    Mechanism: inspection looks at outcomes rather than process (`inspection_process_focus`
    0.8 -> 0.2), which lowers the extra compliance enforcement a process-focused regime asks
    of managers, and inspections are unannounced, which ends the hours workers spend
    preparing for them.
    """

    name = "R3"
    label = "Inspect the child's journey, unannounced"
    what_it_does = ("inspection judges outcomes rather than process and comes unannounced: less enforcement, "
                    "no preparation hours")
    family = "inspection"
    source = (f"{FINAL_REPORT}, Recommendation 3: the new inspection framework should examine the child's journey "
              "from needing to receiving help and the effectiveness of help, through unannounced inspections")
    default_ramp_years = 2.0
    moves = (
        SetTo("inspection_process_focus", 0.2),
        SetTo("inspection_announced", False),
    )
    expected = {"compliance_enforcement": "lower", "scope_for_judgment": "higher"}


class R4(Reform):
    """Use performance information to ask questions, not to judge.

    Mechanism: managers react a quarter as strongly to a shortfall of assessments completed
    in timescale (`enforcement_indicator_weight` x 0.25): the indicator prompts questions
    instead of driving compliance enforcement (a weaker single-loop learning, loop B1).
    """

    name = "R4"
    label = "Performance data to ask questions"
    what_it_does = "managers raise compliance enforcement a quarter as much when the timeliness indicator falls short"
    family = "inspection"
    source = (f"{FINAL_REPORT}, Recommendation 4: performance information, national and local, should be used "
              "to ask questions about practice, not as targets to judge it")
    default_ramp_years = 1.0
    moves = (Scale("enforcement_indicator_weight", 0.25),)
    expected = {"compliance_enforcement": "lower", "scope_for_judgment": "higher"}
