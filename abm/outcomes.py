"""Outcomes, declared once.

Each `Outcome` names its unit in its name, carries a label, which way is better and how
its weekly values aggregate to a year. The model records every outcome every week; the
weekly value of a `_per_year` flow is the week's count annualised (times 52), so a year's
mean of the weekly values is the year's total for a 52-week year. The data collector, the
CLI tables and the app all read `OUTCOMES`.

Aggregations: `mean` (flows and averages over the year), `end` (a stock at the year's
last week, as the statistics count looked-after children at 31 March) and `ratio` (the
yearly sum of one outcome over the yearly sum of another).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    better: str  # "lower", "higher" or "neither"
    aggregate: str = "mean"  # "mean", "end" or "ratio"
    numerator: str | None = None
    denominator: str | None = None
    headline: bool = False


O = Outcome
OUTCOMES: tuple[Outcome, ...] = (
    O("contacts_per_year", "Contacts to children's social care", "neither"),
    O("contact_wait_weeks_total_per_year", "Weeks contacts waited at the front door", "lower"),
    O("contact_wait_weeks_mean", "Weeks a contact waits to be screened", "lower", "ratio",
      "contact_wait_weeks_total_per_year", "contacts_per_year"),
    O("front_door_queue", "Contacts waiting to be screened", "lower"),
    O("referrals_per_year", "Referrals", "neither", headline=True),
    O("contact_to_referral_rate", "Share of contacts that become referrals", "neither", "ratio",
      "referrals_per_year", "contacts_per_year"),
    O("re_referrals_per_year", "Re-referrals within 12 months", "lower"),
    O("re_referral_rate", "Share of referrals that are re-referrals", "lower", "ratio",
      "re_referrals_per_year", "referrals_per_year"),
    O("early_help_starts_per_year", "Children starting early help", "neither"),
    O("initial_assessments_per_year", "Initial assessments", "neither"),
    O("core_assessments_per_year", "Core assessments", "neither"),
    O("single_assessments_per_year", "Single assessments (no initial/core split)", "neither"),
    O("assessments_in_timescale_per_year", "Assessments completed in timescale", "neither"),
    O("assessments_out_of_timescale_per_year", "Assessments completed out of timescale", "lower"),
    O("assessment_in_timescale_rate", "Share of assessments in timescale", "neither", "ratio",
      "assessments_in_timescale_per_year", "assessments_completed_per_year"),
    O("initial_assessments_timed_per_year", "Initial assessments completed (with a timescale)", "neither"),
    O("initial_assessments_in_timescale_per_year", "Initial assessments completed in timescale", "neither"),
    O("initial_in_timescale_rate", "Share of initial assessments in timescale", "neither", "ratio",
      "initial_assessments_in_timescale_per_year", "initial_assessments_timed_per_year"),
    O("core_assessments_timed_per_year", "Core assessments completed", "neither"),
    O("core_assessments_in_timescale_per_year", "Core assessments completed in timescale", "neither"),
    O("core_in_timescale_rate", "Share of core assessments in timescale", "neither", "ratio",
      "core_assessments_in_timescale_per_year", "core_assessments_timed_per_year"),
    O("section47_enquiries_per_year", "Section 47 enquiries", "neither", headline=True),
    O("initial_conferences_per_year", "Initial child protection conferences", "neither"),
    O("assessments_completed_per_year", "Assessments completed", "neither"),
    O("children_in_need_stock", "Children in need: open cases of children's social care (31 March)", "neither", "end"),
    O("children_in_need_per_year", "Children starting a child-in-need plan", "neither"),
    O("children_in_need_open", "Children on a child-in-need plan", "neither", "end"),
    O("cp_plans_per_year", "Children starting a child protection plan", "neither", headline=True),
    O("cp_plans_open", "Children on a child protection plan", "neither", "end"),
    O("repeat_cp_plans_per_year", "Children starting a second or later child protection plan", "lower"),
    O("repeat_cp_plan_rate", "Share of child protection plans that are a second or later plan", "lower", "ratio",
      "repeat_cp_plans_per_year", "cp_plans_per_year"),
    O("unallocated_cases", "Open cases without an allocated social worker", "lower", headline=True),
    O("allocations_per_year", "Cases allocated to a social worker", "neither"),
    O("allocation_wait_weeks_total_per_year", "Weeks cases waited for allocation", "lower"),
    O("weeks_waiting_allocation_mean", "Weeks a case waits for a social worker", "lower", "ratio",
      "allocation_wait_weeks_total_per_year", "allocations_per_year"),
    O("early_help_waiting", "Children waiting for an early-help place", "lower"),
    O("care_applications_per_year", "Care applications", "neither", headline=True),
    O("care_proceedings_closed_per_year", "Care proceedings concluded", "neither"),
    O("court_duration_weeks_mean", "Duration of concluded care proceedings (weeks)", "lower", "ratio",
      "court_duration_weeks_total_per_year", "care_proceedings_closed_per_year", headline=True),
    O("court_duration_weeks_total_per_year", "Weeks of proceedings concluded", "lower"),
    O("court_backlog_cases", "Care cases before the court", "lower"),
    O("court_cases_without_guardian", "Care cases waiting for a children's guardian", "lower"),
    O("court_cases_without_guardian_share", "Share of care cases waiting for a children's guardian", "lower", "ratio",
      "court_cases_without_guardian", "court_backlog_cases"),
    O("court_hearings_per_year", "Hearings of care cases", "neither"),
    O("expert_assessments_per_year", "Expert assessments commissioned in care cases", "neither"),
    O("proceedings_weeks_beyond_26_per_year", "Weeks of childhood spent in care proceedings beyond 26 weeks", "lower",
      headline=True),
    O("developmental_harm_per_year", "Harm to development from delay in proceedings (log-hazard added)", "lower"),
    O("looked_after_children", "Looked-after children (31 March)", "neither", "end", headline=True),
    O("looked_after_starts_per_year", "Children starting to be looked after", "neither"),
    O("looked_after_ends_per_year", "Children ceasing to be looked after", "neither"),
    O("caseload_mean", "Cases per social worker", "lower", headline=True),
    O("direct_work_share", "Share of social-worker time in direct work", "higher", headline=True),
    O("recording_share", "Share of social-worker time on recording and compliance", "lower"),
    O("hours_worked_mean", "Hours a social worker works in a week", "neither"),
    O("overtime_hours_mean", "Hours a social worker works beyond contract in a week", "lower"),
    O("time_factor_mean", "Share of the direct work plans need that workers deliver", "higher"),
    O("recording_hours_per_case_week", "Recording hours a case asks per week", "lower"),
    O("local_procedure_hours_per_case_week", "Recording hours per case-week added by local procedures", "lower"),
    O("reflective_supervision_mean", "Reflective supervision a social worker gets (0-1)", "higher"),
    O("supervision_hours_mean", "Supervision a social worker gets per week (hours)", "higher"),
    O("burnout_mean", "Social-worker burnout (0-1)", "lower"),
    O("satisfaction_mean", "Social-worker satisfaction (0-1)", "higher"),
    O("turnover_rate", "Permanent social workers leaving per permanent worker per year", "lower", headline=True),
    O("vacancy_rate", "Share of posts vacant", "lower"),
    O("agency_share", "Share of filled posts held by agency workers", "lower"),
    O("experience_years_mean", "Mean social-worker experience (years)", "higher", headline=True),
    O("true_positives_per_year", "Decisions to intervene on children truly at risk", "higher"),
    O("false_positives_per_year", "Decisions to intervene on children not at risk", "lower"),
    O("false_negatives_per_year", "Children truly at risk turned away", "lower"),
    O("true_negatives_per_year", "Children not at risk turned away", "higher"),
    O("false_negative_rate", "Share of children truly at risk who are turned away", "lower", "ratio",
      "false_negatives_per_year", "truly_at_risk_decisions_per_year", headline=True),
    O("false_positive_rate", "Share of intervention decisions on children not at risk", "lower", "ratio",
      "false_positives_per_year", "intervention_decisions_per_year", headline=True),
    O("truly_at_risk_decisions_per_year", "Decisions on children truly at risk", "neither"),
    O("intervention_decisions_per_year", "Decisions to intervene", "neither"),
    O("children_harmed_per_year", "Children significantly harmed", "lower", headline=True),
    O("children_harmed_known_per_year", "Children harmed while known to children's social care", "lower"),
    O("children_harmed_unknown_per_year", "Children harmed while unknown to children's social care", "lower"),
    O("children_harmed_recently_known_per_year",
      "Children harmed within 12 months of being referred or closed, while not open", "lower", headline=True),
    O("errors_per_year", "Errors: harm to children known, or soon after being turned away or closed", "lower"),
    O("errors_reviewed_per_year", "Errors reviewed (serious case and other reviews)", "neither"),
    O("unmet_risk_child_weeks_per_year", "Child-weeks at significant risk without help", "lower", headline=True),
    O("serious_incidents_per_year", "Serious incidents (serious injury or death)", "lower"),
    O("child_deaths_per_year", "Child deaths from maltreatment", "lower"),
    O("weeks_to_help_mean", "Weeks from first need to first help", "lower", "ratio",
      "weeks_to_help_total_per_year", "help_starts_per_year", headline=True),
    O("weeks_to_help_total_per_year", "Weeks waited by children starting help", "lower"),
    O("help_starts_per_year", "Children starting help after a period of need", "neither"),
    O("help_quality_mean", "Quality of help to children on plans or looked after (0-1)", "higher"),
    O("help_protection_mean", "Protection built by help in children helped (log-hazard)", "higher"),
    O("continuity_mean", "Continuity of worker for children helped (0-1)", "higher"),
    O("variety_mean", "Variety of open cases' circumstances (0-1)", "neither"),
    O("intervention_threshold_annual_risk", "The authority's threshold for a plan (annual risk)", "neither"),
    O("referrer_threshold_annual_risk", "Referrers' mean threshold for a contact (annual risk)", "neither"),
    O("direct_hours_per_case_week", "Direct work per open case per week (hours)", "higher"),
    O("prescription_level", "Target level of procedural prescription (0-1)", "neither"),
    O("perceived_effectiveness_of_prescription", "Perceived effectiveness of the prescriptive approach (0-1)", "neither"),
    O("timeliness_indicator", "Managers' indicator: running share of assessments in timescale (0-1)", "neither"),
    O("compliance_enforcement", "Compliance enforcement (0-1)", "neither"),
    O("scope_for_judgment", "Scope for professional judgment (0-1)", "higher"),
    O("compliance_with_prescriptions", "Compliance with prescriptions (0-1)", "neither"),
    O("ability_to_acknowledge_errors", "Ability to acknowledge errors (0-1)", "higher"),
    O("reflection", "Reflection on the success of prescription", "neither"),
    O("profession_status", "Public status of the profession (1 = neutral)", "higher"),
    O("public_anxiety", "Public anxiety", "neither"),
    O("social_workers_in_post", "Social workers in post", "neither"),
    O("recruits_per_year", "Permanent social workers recruited", "higher"),
    O("cost_per_year", "Cost of children's social care (GBP per year)", "lower", headline=True),
)

BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOMES}
NAMES: tuple[str, ...] = tuple(BY_NAME)
# the weekly columns a year's means and ends are taken of (a ratio is a ratio of means)
MEANS = tuple(dict.fromkeys(n for o in OUTCOMES for n in ((o.name,) if o.aggregate == "mean" else
                                                          (o.numerator, o.denominator) if o.aggregate == "ratio" else ())))
ENDS = tuple(o.name for o in OUTCOMES if o.aggregate == "end")


def yearly(weekly: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Aggregate a weekly outcome table to one row per `by` group (e.g. seed, year)."""
    grouped = weekly.groupby(by, sort=True)
    out = {}
    means = grouped[list(MEANS)].mean()
    ends = grouped[list(ENDS)].last()
    for o in OUTCOMES:
        if o.aggregate == "mean":
            out[o.name] = means[o.name]
        elif o.aggregate == "end":
            out[o.name] = ends[o.name]
        else:
            den = means[o.denominator]
            out[o.name] = means[o.numerator] / den.where(den > 0, np.nan)
    return pd.DataFrame(out).reset_index()
