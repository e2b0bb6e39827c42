"""The week's counts and the outcomes computed from model state.

Processes add to the counters during a week; `Ledger.outcomes` turns them and the
model's stocks into the values of every declared outcome (abm.outcomes), and the counters
start again at zero.
"""

from __future__ import annotations

import numba
import numpy as np

from abm.calendar import WEEKS_PER_YEAR
from abm.population import ASSESSMENT, CIN, CP, LOOKED_AFTER, NONE, mitigation_of
from abm.risk import annual_risk
from abm.workforce import AGENCY, PERMANENT, VACANT

COUNTERS = (
    "contacts", "referrals", "re_referrals", "early_help_starts", "initial_assessments",
    "core_assessments", "single_assessments", "assessments_completed", "assessments_in_timescale",
    "cin_starts", "cp_starts", "care_applications", "proceedings_closed", "court_weeks_total",
    "looked_after_starts", "looked_after_ends", "true_positives", "false_positives",
    "false_negatives", "true_negatives", "children_harmed", "children_harmed_known",
    "serious_incidents", "child_deaths", "help_starts", "weeks_to_help_total",
    "initial_timed", "initial_in_timescale", "core_timed", "core_in_timescale", "single_timed",
    "single_in_timescale", "section47_enquiries", "initial_conferences", "repeat_cp_starts", "allocations",
    "allocation_wait_weeks", "children_harmed_recently_known", "errors", "errors_reviewed", "recruits",
    "expert_assessments", "proceedings_weeks_beyond_26", "developmental_harm", "contact_wait_weeks", "hearings",
)


class Ledger:
    """Weekly counters of events, reset after each collection."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        for name in COUNTERS:
            setattr(self, name, 0)

    def outcomes(self, model) -> dict[str, float]:
        p, pop, wf, gov = model.p, model.population, model.workforce, model.governance
        y = float(WEEKS_PER_YEAR)
        helped = model.help.helped
        (status_counts, unallocated, unmet, quality, protection, continuity, variety, in_post, permanent, agency,
         experience, direct_hours, cases, means) = _stocks(
            model.known, pop.status, model.journey.worker, helped, model.journey.quality, model.help.continuity,
            pop.variety, pop.significant, pop.base_risk, pop.z_significant, pop.now, pop.ebb_from,
            pop.mitigation_durable, pop.mitigation_level, pop.ebb_after, wf.filled, wf.experience, wf.direct_hours,
            wf.caseload, tuple(getattr(wf, name) for name in WORKER_MEANS[1:]))
        means = dict(zip(WORKER_MEANS, means.tolist()))
        filled = max(in_post, 1)
        looked_after = int(status_counts[LOOKED_AFTER])
        backlog, waiting = model.court.backlog, model.court.without_guardian
        cost = (permanent * p.social_worker_cost_per_year + agency * p.social_worker_cost_per_year * p.agency_cost_multiplier
                + wf.teams * p.manager_cost_per_year
                + y * (looked_after * p.looked_after_cost_per_child_week
                       + model.early_help_open * p.early_help_cost_per_child_week
                       + backlog * p.court_cost_per_case_week))
        completed = self.assessments_completed
        shift = model.assessment.shift()
        return {
            "contacts_per_year": self.contacts * y,
            "contact_wait_weeks_total_per_year": self.contact_wait_weeks * y,
            "contact_wait_weeks_mean": self.contact_wait_weeks / self.contacts if self.contacts else np.nan,
            "referrals_per_year": self.referrals * y,
            "contact_to_referral_rate": self.referrals / self.contacts if self.contacts else np.nan,
            "re_referrals_per_year": self.re_referrals * y,
            "re_referral_rate": self.re_referrals / self.referrals if self.referrals else np.nan,
            "early_help_starts_per_year": self.early_help_starts * y,
            "initial_assessments_per_year": self.initial_assessments * y,
            "core_assessments_per_year": self.core_assessments * y,
            "single_assessments_per_year": self.single_assessments * y,
            "assessments_in_timescale_per_year": self.assessments_in_timescale * y,
            "assessments_out_of_timescale_per_year": (completed - self.assessments_in_timescale) * y,
            "assessment_in_timescale_rate": self.assessments_in_timescale / completed if completed else np.nan,
            "initial_assessments_timed_per_year": self.initial_timed * y,
            "initial_assessments_in_timescale_per_year": self.initial_in_timescale * y,
            "initial_in_timescale_rate": self.initial_in_timescale / self.initial_timed if self.initial_timed else np.nan,
            "core_assessments_timed_per_year": self.core_timed * y,
            "core_assessments_in_timescale_per_year": self.core_in_timescale * y,
            "core_in_timescale_rate": self.core_in_timescale / self.core_timed if self.core_timed else np.nan,
            "section47_enquiries_per_year": self.section47_enquiries * y,
            "initial_conferences_per_year": self.initial_conferences * y,
            "assessments_completed_per_year": completed * y,
            "children_in_need_per_year": self.cin_starts * y,
            "children_in_need_stock": float(status_counts[ASSESSMENT:].sum()),
            "children_in_need_open": float(status_counts[CIN]),
            "cp_plans_per_year": self.cp_starts * y,
            "cp_plans_open": float(status_counts[CP]),
            "repeat_cp_plans_per_year": self.repeat_cp_starts * y,
            "repeat_cp_plan_rate": self.repeat_cp_starts / self.cp_starts if self.cp_starts else np.nan,
            "unallocated_cases": float(unallocated),
            "allocations_per_year": self.allocations * y,
            "allocation_wait_weeks_total_per_year": self.allocation_wait_weeks * y,
            "weeks_waiting_allocation_mean": self.allocation_wait_weeks / self.allocations if self.allocations else np.nan,
            "front_door_queue": float(len(model.front_door.queue)),
            "early_help_waiting": float(len(model.journey.early_help_queue)),
            "care_applications_per_year": self.care_applications * y,
            "care_proceedings_closed_per_year": self.proceedings_closed * y,
            "court_duration_weeks_mean": (self.court_weeks_total / self.proceedings_closed
                                          if self.proceedings_closed else np.nan),
            "court_duration_weeks_total_per_year": self.court_weeks_total * y,
            "court_backlog_cases": float(backlog),
            "court_cases_without_guardian": float(waiting),
            "court_cases_without_guardian_share": waiting / backlog if backlog else np.nan,
            "court_hearings_per_year": self.hearings * y,
            "expert_assessments_per_year": self.expert_assessments * y,
            "proceedings_weeks_beyond_26_per_year": self.proceedings_weeks_beyond_26 * y,
            "developmental_harm_per_year": self.developmental_harm * y,
            "looked_after_children": float(looked_after),
            "looked_after_starts_per_year": self.looked_after_starts * y,
            "looked_after_ends_per_year": self.looked_after_ends * y,
            "caseload_mean": means["caseload"],
            "direct_work_share": means["direct_share"],
            "recording_share": means["recording_share"],
            "hours_worked_mean": means["worked"],
            "overtime_hours_mean": means["overtime"],
            "time_factor_mean": means["time_factor"],
            "recording_hours_per_case_week": wf.recording_needed_per_case,
            "local_procedure_hours_per_case_week": gov.local_procedures,
            "reflective_supervision_mean": means["supervision"],
            "supervision_hours_mean": means["supervision_hours"],
            "burnout_mean": means["burnout"],
            "satisfaction_mean": means["satisfaction"],
            "turnover_rate": wf.leavers * y / max(permanent, 1),
            "vacancy_rate": 1.0 - permanent / wf.posts,
            "agency_share": agency / filled,
            "experience_years_mean": experience,
            "true_positives_per_year": self.true_positives * y,
            "false_positives_per_year": self.false_positives * y,
            "false_negatives_per_year": self.false_negatives * y,
            "true_negatives_per_year": self.true_negatives * y,
            "false_negative_rate": (self.false_negatives / (self.false_negatives + self.true_positives)
                                    if self.false_negatives + self.true_positives else np.nan),
            "false_positive_rate": (self.false_positives / (self.false_positives + self.true_positives)
                                    if self.false_positives + self.true_positives else np.nan),
            "truly_at_risk_decisions_per_year": (self.false_negatives + self.true_positives) * y,
            "intervention_decisions_per_year": (self.false_positives + self.true_positives) * y,
            "children_harmed_per_year": self.children_harmed * y,
            "children_harmed_known_per_year": self.children_harmed_known * y,
            "children_harmed_unknown_per_year": (self.children_harmed - self.children_harmed_known) * y,
            "children_harmed_recently_known_per_year": self.children_harmed_recently_known * y,
            "errors_per_year": self.errors * y,
            "errors_reviewed_per_year": self.errors_reviewed * y,
            "unmet_risk_child_weeks_per_year": unmet * y,
            "serious_incidents_per_year": self.serious_incidents * y,
            "child_deaths_per_year": self.child_deaths * y,
            "weeks_to_help_mean": self.weeks_to_help_total / self.help_starts if self.help_starts else np.nan,
            "weeks_to_help_total_per_year": self.weeks_to_help_total * y,
            "help_starts_per_year": self.help_starts * y,
            "help_quality_mean": quality,
            "help_protection_mean": protection,
            "continuity_mean": continuity,
            "variety_mean": variety,
            "intervention_threshold_annual_risk": float(annual_risk(model.assessment.cin_threshold - shift,
                                                                    p.harm_hazard_base_per_week)),
            "referrer_threshold_annual_risk": float(annual_risk(model.referrers.threshold_mean,
                                                                p.harm_hazard_base_per_week)),
            "direct_hours_per_case_week": direct_hours / max(cases, 1),
            "prescription_level": gov.prescription,
            "perceived_effectiveness_of_prescription": gov.perceived_effectiveness,
            "timeliness_indicator": model.management.indicator(),
            "compliance_enforcement": gov.enforcement,
            "scope_for_judgment": gov.scope_for_judgment,
            "compliance_with_prescriptions": gov.compliance,
            "ability_to_acknowledge_errors": gov.acknowledgement,
            "reflection": gov.reflection,
            "profession_status": wf.status,
            "public_anxiety": model.public.anxiety,
            "social_workers_in_post": float(in_post),
            "recruits_per_year": self.recruits * y,
            "cost_per_year": cost,
        }


WORKER_MEANS = ("caseload", "direct_share", "recording_share", "worked", "overtime", "time_factor", "supervision",
                "supervision_hours", "burnout", "satisfaction")


@numba.njit(cache=True, nogil=True)
def _stocks(known, status, worker, helped, quality, continuity, variety, significant, base_risk, z_significant, now,
            ebb_from, durable, level, ebb_after, filled, experience, direct_hours, caseload, worker_arrays):
    """The week's stocks and means, in one pass over each array: of the children `known`, how many have each status,
    how many open cases (assessment or above) have no worker, and their mean variety (NaN without any); of the
    children of `significant` base risk, those at significant risk (base risk less mitigation at z_significant or
    above) without help (none, being assessed, or on a plan or looked after without a worker); the mean quality of
    help, mitigation and continuity of the `helped` (NaN without any); workers in post, permanent and agency; over
    workers in post the mean experience (0 without any) and the means of the caseload and the `worker_arrays`
    (WORKER_MEANS in order; NaN without any); the sums of direct hours and caseload over every slot."""
    counts = np.zeros(LOOKED_AFTER + 1, dtype=np.int64)
    opened = unallocated = 0
    varieties = 0.0
    for child in known:
        counts[status[child]] += 1
        if status[child] >= ASSESSMENT:
            opened += 1
            unallocated += worker[child] < 0
            varieties += variety[child]
    unmet = 0
    for child in significant:  # mitigation only lowers risk: only a base risk that reaches it can
        if base_risk[child] - mitigation_of(child, now, ebb_from, durable, level, ebb_after) >= z_significant:
            stage = status[child]
            unmet += stage == NONE or stage == ASSESSMENT or (stage > ASSESSMENT and worker[child] < 0)
    qualities = protections = continuities = 0.0
    for i in range(len(helped)):
        qualities += quality[helped[i]]
        protections += mitigation_of(helped[i], now, ebb_from, durable, level, ebb_after)
        continuities += continuity[i]
    in_post = permanent = agency = cases = 0
    years = hours = 0.0
    sums = np.zeros(len(worker_arrays) + 1)
    for w in range(len(filled)):
        hours += direct_hours[w]
        cases += caseload[w]
        if filled[w] != VACANT:
            in_post += 1
            permanent += filled[w] == PERMANENT
            agency += filled[w] == AGENCY
            years += experience[w]
            sums[0] += caseload[w]
            for k in range(len(worker_arrays)):
                sums[k + 1] += worker_arrays[k][w]
    helped_n = len(helped)
    return (counts, unallocated, unmet, qualities / helped_n if helped_n else np.nan,
            protections / helped_n if helped_n else np.nan, continuities / helped_n if helped_n else np.nan,
            varieties / opened if opened else np.nan, in_post, permanent, agency, years / in_post if in_post else 0.0,
            hours, cases, sums / in_post if in_post else np.full(len(sums), np.nan))
