"""Developing social-work expertise (R11-R14)."""

from __future__ import annotations

from abm.reforms.base import Reform, Scale, SetTo
from abm.reforms.guidance import FINAL_REPORT


class R11(Reform):
    """A capabilities framework for child and family social work, used in training and appraisal.

    Mechanism: skill grows 30% faster with practice (`skill_growth_per_year` x 1.3), in
    recruits as in the workers already in post.
    """

    name = "R11"
    label = "A capabilities framework"
    what_it_does = "social workers' skill grows 30% faster with practice"
    family = "workforce"
    source = (f"{FINAL_REPORT}, Recommendation 11: employers and higher education should use a capabilities "
              "framework for child and family social work in training, appraisal and development")
    default_ramp_years = 5.0
    moves = (Scale("skill_growth_per_year", 1.3),)
    expected = {"help_protection_mean": "higher"}


class R12(Reform):
    """Better practice placements and teaching organisations for social-work students.

    Mechanism: newly qualified workers start with more skill (`skill_newly_qualified` 0.3 ->
    0.45). It reaches the workforce only through recruitment, so slowly: over 4 years from
    the 2011 baseline it raises the quality of help about 2.5%, and moves no child outcome
    detectably (children harmed -0.1 a year, 90% interval -1.0 to +0.8, on 8 seeds with
    per-child random numbers).
    """

    name = "R12"
    label = "Better placements, teaching organisations"
    what_it_does = "newly qualified social workers start with half as much skill again (0.3 -> 0.45)"
    family = "workforce"
    source = (f"{FINAL_REPORT}, Recommendation 12: higher education and employers should improve practice "
              "placements, e.g. through 'teaching organisations'")
    default_ramp_years = 5.0
    moves = (SetTo("skill_newly_qualified", 0.45),)
    expected = {"help_quality_mean": "higher"}


class R13(Reform):
    """Redesign the delivery of services with evidence-based methods of working with families.

    Mechanism: the protection help builds (for the direct hours it gets) rises by an
    evidence-based method's effect size (`evidence_based_method_effect` 0 -> 0.3) once a worker uses the
    method fully. Workers learn it over `method_learning_weeks` of practice, spending
    `method_training_hours_per_week` in training meanwhile (time taken from the week), and
    every recruit starts again from nothing. The effect size is uncertain: the
    evaluations run from none (multisystemic therapy and Signs of Safety in England) to a
    hazard ratio of 0.74-0.83 against usual services (SafeCare); 0.3 lies in the range
    0.2-0.5 that supports (`strength` scales it; 0 is the null result).
    """

    name = "R13"
    label = "Evidence-based methods of help"
    what_it_does = ("help builds 30% more protection once workers have learnt an evidence-based method, "
                    "after a year of training time")
    family = "workforce"
    source = (f"{FINAL_REPORT}, Recommendation 13: local authorities should redesign services to give scope for "
              "evidence-based methods of working with children and families")
    default_ramp_years = 3.0
    moves = (SetTo("evidence_based_method_effect", 0.3),)
    expected = {"help_protection_mean": "higher"}


class R14(Reform):
    """A Principal Child and Family Social Worker in every authority.

    Mechanism: frontline feedback into management (`principal_social_worker_feedback`
    0 -> 0.5) raises the reflective share of supervision by half of what is not reflective
    without enforcement (0.5 x (1 - supervision_reflective_share)), whatever enforcement
    crowds out, which raises satisfaction, assessment accuracy and skill growth.
    """

    name = "R14"
    label = "A Principal Social Worker"
    what_it_does = "half of the non-reflective part of supervision becomes reflective, fed by frontline practice"
    family = "workforce"
    source = (f"{FINAL_REPORT}, Recommendation 14: each local authority should designate a Principal Child and "
              "Family Social Worker, a senior manager still practising, to report the views of the front line")
    default_ramp_years = 2.0
    moves = (SetTo("principal_social_worker_feedback", 0.5),)
    expected = {"reflective_supervision_mean": "higher"}
