"""Governance and accountability (R5-R8): recommendations with no direct mechanism, acting through proxies.

The model has no safeguarding board, chief executive, lead member or health
reorganisation. Each of these reforms acts through one documented proxy lever: the part
of the model that the recommendation's intended effect would reach first.
"""

from __future__ import annotations

from abm.reforms.base import Reform, Scale, SetTo
from abm.reforms.guidance import FINAL_REPORT


class R5(Reform):
    """Safeguarding boards report to the chief executive, the council leader and the police commissioner.

    Proxy: the direction of leadership's response to serious incidents. A board answerable
    to the whole council and the police asks what in the system let a child down, instead
    of answering each review with new procedures: the rise in the perceived effectiveness
    of prescription that a review brings in a blame culture is halved
    (`blame_prescription_increment` x 0.5, the "addiction to prescription" loop R). Why this
    proxy: accountability in the model is exactly how reviews feed back into prescription.
    """

    name = "R5"
    label = "Boards answer to the chief executive and leader"
    what_it_does = "a serious case review adds half as much faith in procedures as before (weaker blame loop)"
    family = "governance"
    source = (f"{FINAL_REPORT}, Recommendation 5: the Local Safeguarding Children Board should report to the chief "
              "executive and leader of the council and, subject to legislation, the police and crime commissioner")
    default_ramp_years = 1.0
    moves = (Scale("blame_prescription_increment", 0.5),)
    expected = {"perceived_effectiveness_of_prescription": "lower", "prescription_level": "lower"}


class R6(Reform):
    """Safeguarding boards assess the effectiveness of help, including early help and training.

    Proxy: feedback from outcomes to governance. Evidence on whether help works gives the
    reflection that follows a review twice the weight in questioning the prescriptive
    approach (`reflection_effectiveness_weight` x 2, double-loop learning, loop B2). Why this
    proxy: boards that assess outcomes are the route by which what happened to children
    reaches the authority's view of its own procedures. It acts only as far as there is
    reflection, i.e. with some learning culture (R9) or national learning (R15).
    """

    name = "R6"
    label = "Boards assess the effectiveness of help"
    what_it_does = "reflection after reviews weighs twice as much against faith in procedures (stronger loop B2)"
    family = "governance"
    source = (f"{FINAL_REPORT}, Recommendation 6: Local Safeguarding Children Boards should assess the "
              "effectiveness of help being provided, including early help, and of training")
    default_ramp_years = 2.0
    moves = (Scale("reflection_effectiveness_weight", 2.0),)
    expected = {"perceived_effectiveness_of_prescription": "lower", "prescription_level": "lower"}


class R7(Reform):
    """Protect the roles of the Director and the Lead Member for children's services.

    Proxy: leadership attention and stability. A protected, stable leadership neither
    passes blame for a serious case down to the front line nor lets public anxiety after a
    child's death tighten every decision: the blow to social workers' satisfaction from a
    blame-culture review is halved (`satisfaction_blame_weight` x 0.5), and so is the fall
    of the authority's intervention thresholds per unit of public anxiety
    (`intervention_anxiety_sensitivity` x 0.5). Why this proxy: the instability Munro
    describes followed high-profile deaths and the removal of directors; the model's
    channels for it are blame after reviews and anxiety-driven thresholds. The second lever
    acts only while public anxiety is raised (local deaths, national publicity events).
    """

    name = "R7"
    label = "Protect the Director and Lead Member roles"
    what_it_does = ("a blame-culture review hurts social workers' morale half as much, and decision thresholds "
                    "fall half as much when public anxiety rises")
    family = "governance"
    source = (f"{FINAL_REPORT}, Recommendation 7: the roles of the Director of Children's Services and the Lead "
              "Member for Children's Services should be protected (statutory guidance)")
    default_ramp_years = 1.0
    moves = (
        Scale("satisfaction_blame_weight", 0.5),
        Scale("intervention_anxiety_sensitivity", 0.5),
    )
    expected = {"satisfaction_mean": "higher", "false_positive_rate": "lower"}


class R8(Reform):
    """Research the impact of health reorganisation on partnership in safeguarding.

    Proxy: health referrers' quality and partnership. Keeping safeguarding expertise in the
    reorganised health service (named and designated professionals) lets health staff
    judge risk a little better (`health_perception_noise_sd` x 0.9) and talk a marginal
    concern through with a social worker three times as often (`health_consultation_access`
    0.1 -> 0.3). Why this proxy: the recommendation protects the health partnership, and
    health is the referrer agency the model holds.
    """

    name = "R8"
    label = "Protect the health partnership"
    what_it_does = ("health staff judge risk 10% better and discuss marginal concerns with social workers three "
                    "times as often")
    family = "governance"
    source = (f"{FINAL_REPORT}, Recommendation 8: the Government should research the impact of health "
              "reorganisation on effective partnership arrangements in safeguarding")
    default_ramp_years = 2.0
    moves = (
        Scale("health_perception_noise_sd", 0.9),
        SetTo("health_consultation_access", 0.3),
    )
    expected = {"contacts_per_year": "lower"}
