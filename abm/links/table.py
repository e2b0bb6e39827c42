"""The causal links of MODEL.md s4 as measurements: what each one moves, and how.

Every row of the brief's table is one `Link` per effect: its cause and effect as
outcomes of abm/outcomes.py, its polarity ("S": same direction, "O": opposite) and the
`Push` that moves the cause by a small step at the calibrated state. A push either
multiplies or adds to parameters from its start (the model's own inputs), or, where the
cause is a state the loops hold (perceived effectiveness, prescription, experience,
status, anxiety), moves that state once by a small step and lets the model carry it on.
Pushes with `lead_weeks` start that long before the measured window, for causes that act
through slow stocks: a year for the court's guardian places and experts (its backlog); two years for
care applications (proceedings take about a year, so of the extra cases those concluded
within two years of the push's start are the quick ones), for turnover (the workforce's
experience) and for the quality of help (the protection it builds, whose relapse once help
ends takes about two years: `mitigation_decay_per_week` 0.01). Links
that the loops need but the table lacks are in `LOOP_LINKS` (with workload -> the share in
timescale, through which B1 answers to workload); `LOOPS` names the links of each loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from abm.parameters.help import NEEDS
from abm.parameters.referrers import KINDS

YEAR = 52


@dataclass(frozen=True)
class Push:
    """A small step of a cause: parameter factors (`scale`), additions (`add`) and a one-off state step (`nudge`)."""

    name: str
    scale: dict[str, float] = field(default_factory=dict)
    add: dict[str, float] = field(default_factory=dict)
    nudge: tuple[str, str, str, float] | None = None  # (component, attribute, "x" or "+", amount), once at the start
    lead_weeks: int = 0


@dataclass(frozen=True)
class Link:
    """One cause -> effect row of MODEL.md s4 (one effect), with the push that moves its cause."""

    key: str
    cause_label: str
    effect_label: str
    polarity: str
    cause: str
    effect: str
    push: Push
    row: int


P = Push
PUSHES = {push.name: push for push in (
    P("perceived effectiveness +10%", nudge=("governance", "perceived_effectiveness", "x", 1.1)),
    P("prescription +10%", nudge=("governance", "prescription", "x", 1.1)),
    P("inspection's enforcement weight x2", scale={"enforcement_inspection_weight": 2.0}),
    P("loss of judgment to enforcement -20%", scale={"judgment_enforcement_weight": 0.8}),
    P("variety of every need type +10%", scale={f"{need}_variety": 1.1 for need in NEEDS}),
    P("satisfaction +0.2 logit", add={"satisfaction_intercept": 0.2}),
    P("base turnover +20%, two years ahead", scale={"turnover_base_rate_per_year": 1.2}, lead_weeks=2 * YEAR),
    P("experience +1 year", nudge=("workforce", "experience", "+", 1.0)),
    P("quality of unskilled help +30%, two years ahead", scale={"help_quality_unskilled": 1.3},
      lead_weeks=2 * YEAR),
    P("share of errors reviewed x2", scale={"error_review_share": 2.0}),
    P("reflection per review x1.5", scale={"reflection_per_review": 1.5}),
    P("compliance floor +0.05", add={"compliance_floor": 0.05}),
    P("public anxiety +0.1", nudge=("public", "anxiety", "+", 0.1)),
    P("referrers' thresholds -5%", scale={f"{kind}_threshold_annual_risk": 0.95 for kind in KINDS}),
    P("care applications +20%, two years ahead", scale={"care_application_share": 1.2}, lead_weeks=2 * YEAR),
    P("recording per case +10%", scale={"recording_hours_per_case_week": 1.1}),
    P("travel per direct hour -20%", scale={"travel_hours_per_direct_hour": 0.8}),
    P("public status +20%", nudge=("workforce", "status", "x", 1.2)),
    P("managers' indicator -5 points", nudge=("management", "timeliness", "+", -0.05)),
    P("agency hiring x2", scale={"agency_hire_rate_per_week": 2.0}),
    P("guardian places -10%, a year ahead", scale={"guardian_cases_per_10k_children": 0.9}, lead_weeks=YEAR),
    P("managers' allocation limit +25%", scale={"allocation_load_limit": 1.25}),
    P("experts per case +20%, a year ahead", scale={"expert_assessments_per_case_mean": 1.2}, lead_weeks=YEAR),
    P("blame defence -10%", scale={"blame_defence_strength": 0.9}),
    P("error window +20%", scale={"error_window_weeks": 1.2}),
    P("procedures per blame review x1.5", scale={"procedure_hours_per_blame_review": 1.5}),
)}


def _link(key, row, cause_label, effect_label, polarity, cause, effect, push) -> Link:
    return Link(key, cause_label, effect_label, polarity, cause, effect, PUSHES[push], row)


L = _link
LINKS: tuple[Link, ...] = (
    L("pe->prescription", 1, "perceived effectiveness of prescriptive approach", "target level of procedural prescription",
      "S", "perceived_effectiveness_of_prescription", "prescription_level", "perceived effectiveness +10%"),
    L("prescription->enforcement", 2, "target level of prescription", "compliance enforcement", "S",
      "prescription_level", "compliance_enforcement", "prescription +10%"),
    L("enforcement->scope", 3, "compliance enforcement", "scope for judgment", "O",
      "compliance_enforcement", "scope_for_judgment", "inspection's enforcement weight x2"),
    L("scope->compliance", 4, "scope for judgment", "compliance with prescriptions", "O",
      "scope_for_judgment", "compliance_with_prescriptions", "loss of judgment to enforcement -20%"),
    L("scope->quality", 5, "scope for judgment", "quality of help (given variety of circumstances)", "S",
      "scope_for_judgment", "help_quality_mean", "loss of judgment to enforcement -20%"),
    L("variety->quality", 6, "variety of circumstances", "quality of help", "O",
      "variety_mean", "help_quality_mean", "variety of every need type +10%"),
    L("scope->satisfaction", 7, "scope for judgment", "satisfaction from work", "S",
      "scope_for_judgment", "satisfaction_mean", "loss of judgment to enforcement -20%"),
    L("satisfaction->turnover", 8, "satisfaction", "staff turnover", "O",
      "satisfaction_mean", "turnover_rate", "satisfaction +0.2 logit"),
    L("turnover->experience", 9, "staff turnover", "average experience", "O",
      "turnover_rate", "experience_years_mean", "base turnover +20%, two years ahead"),
    L("experience->status", 10, "average experience", "public status of profession", "S",
      "experience_years_mean", "profession_status", "experience +1 year"),
    L("quality->errors", 11, "quality of help", "errors (harm, missed cases)", "O",
      "help_quality_mean", "errors_per_year", "quality of unskilled help +30%, two years ahead"),
    L("errors->reflection", 12, "errors", "reflection on success of prescription (with a learning culture)", "S",
      "errors_reviewed_per_year", "reflection", "share of errors reviewed x2"),
    L("reflection->pe", 13, "reflection", "perceived effectiveness of prescription", "O",
      "reflection", "perceived_effectiveness_of_prescription", "reflection per review x1.5"),
    L("compliance->acknowledgement", 14, "compliance with prescriptions", "ability to acknowledge errors", "O",
      "compliance_with_prescriptions", "ability_to_acknowledge_errors", "compliance floor +0.05"),
    L("anxiety->referrer thresholds", 15, "public anxiety", "referrer thresholds", "O",
      "public_anxiety", "referrer_threshold_annual_risk", "public anxiety +0.1"),
    L("anxiety->intervention thresholds", 15, "public anxiety", "intervention thresholds", "O",
      "public_anxiety", "intervention_threshold_annual_risk", "public anxiety +0.1"),
    L("referrals->caseload", 16, "referrals", "caseload", "S",
      "referrals_per_year", "caseload_mean", "referrers' thresholds -5%"),
    L("caseload->direct time", 17, "caseload", "direct time per child", "O",
      "caseload_mean", "direct_hours_per_case_week", "managers' allocation limit +25%"),
    L("caseload->satisfaction", 17, "caseload", "satisfaction", "O",
      "caseload_mean", "satisfaction_mean", "managers' allocation limit +25%"),
    L("applications->backlog", 18, "care applications", "court backlog", "S",
      "care_applications_per_year", "court_backlog_cases", "care applications +20%, two years ahead"),
    L("applications->duration", 18, "care applications", "proceedings duration", "S",
      "care_applications_per_year", "court_duration_weeks_mean", "care applications +20%, two years ahead"),
    L("enforcement->recording", 19, "prescription and enforcement", "recording hours per case", "S",
      "compliance_enforcement", "recording_hours_per_case_week", "inspection's enforcement weight x2"),
    L("recording->direct hours", 20, "recording hours", "direct hours per child", "O",
      "recording_hours_per_case_week", "direct_hours_per_case_week", "recording per case +10%"),
    L("direct hours->quality", 21, "direct hours delivered", "quality of help", "S",
      "direct_hours_per_case_week", "help_quality_mean", "travel per direct hour -20%"),
    L("direct hours->effect", 21, "direct hours delivered", "effect of help (protection built)", "S",
      "direct_hours_per_case_week", "help_protection_mean", "travel per direct hour -20%"),
    L("caseload->rationing", 22, "caseload (workload)", "intervention thresholds (rationing)", "S",
      "caseload_mean", "intervention_threshold_annual_risk", "managers' allocation limit +25%"),
    L("blame reviews->procedures", 23, "errors reviewed in a blame culture", "procedures added", "S",
      "errors_reviewed_per_year", "local_procedure_hours_per_case_week", "share of errors reviewed x2"),
    L("blame reviews->morale", 23, "errors reviewed in a blame culture", "morale", "O",
      "errors_reviewed_per_year", "satisfaction_mean", "share of errors reviewed x2"),
    L("status->recruitment", 24, "public status of the profession", "recruitment", "S",
      "profession_status", "recruits_per_year", "public status +20%"),
    L("status->vacancies", 24, "public status of the profession", "vacancies", "O",
      "profession_status", "vacancy_rate", "public status +20%"),
    L("agency->continuity", 25, "agency share", "continuity of worker", "O",
      "agency_share", "continuity_mean", "agency hiring x2"),
    L("agency->quality", 25, "agency share", "quality of help", "O",
      "agency_share", "help_quality_mean", "agency hiring x2"),
    L("backlog->duration", 26, "court backlog", "proceedings duration", "S",
      "court_backlog_cases", "court_duration_weeks_mean", "guardian places -10%, a year ahead"),
    L("experts->duration", 26, "expert assessments", "proceedings duration", "S",
      "expert_assessments_per_year", "court_duration_weeks_mean", "experts per case +20%, a year ahead"),
    L("proceedings->development", 27, "weeks in proceedings", "harm to the child's development", "S",
      "court_duration_weeks_mean", "developmental_harm_per_year", "guardian places -10%, a year ahead"),
    L("quality->re-referrals", 28, "quality of help", "re-referrals", "O",
      "help_quality_mean", "re_referrals_per_year", "quality of unskilled help +30%, two years ahead"),
    L("quality->repeat plans", 28, "quality of help", "repeat plans", "O",
      "help_quality_mean", "repeat_cp_plans_per_year", "quality of unskilled help +30%, two years ahead"),
)

LOOP_LINKS: tuple[Link, ...] = (
    L("timeliness->enforcement", 0, "assessments in timescale (managers' indicator)", "compliance enforcement", "O",
      "timeliness_indicator", "compliance_enforcement", "managers' indicator -5 points"),
    L("enforcement->timeliness", 0, "compliance enforcement", "assessments in timescale (managers' indicator)", "S",
      "compliance_enforcement", "timeliness_indicator", "inspection's enforcement weight x2"),
    L("workload->timeliness", 0, "caseload (workload)", "share of assessments in timescale", "O",
      "caseload_mean", "assessment_in_timescale_rate", "managers' allocation limit +25%"),
    L("acknowledgement->reflection", 0, "ability to acknowledge errors", "reflection", "S",
      "ability_to_acknowledge_errors", "reflection", "blame defence -10%"),
    L("errors->reviews", 0, "errors", "errors reviewed", "S",
      "errors_per_year", "errors_reviewed_per_year", "error window +20%"),
    L("procedures->recording", 0, "local procedures", "recording hours per case", "S",
      "local_procedure_hours_per_case_week", "recording_hours_per_case_week", "procedures per blame review x1.5"),
)

LOOPS: dict[str, tuple[str, ...]] = {
    "B1": ("timeliness->enforcement", "enforcement->timeliness"),
    "B2": ("errors->reviews", "errors->reflection", "reflection->pe", "pe->prescription", "prescription->enforcement",
           "enforcement->scope", "scope->quality", "quality->errors"),
    "R": ("prescription->enforcement", "enforcement->scope", "scope->compliance", "compliance->acknowledgement",
          "acknowledgement->reflection", "reflection->pe", "pe->prescription"),
    "R (blame procedures)": ("errors->reviews", "blame reviews->procedures", "procedures->recording",
                             "recording->direct hours", "direct hours->quality", "quality->errors"),
}

# Loops whose gain `cpsim links` does not find clear of zero at the calibrated state (24 seeds), and why: reported,
# never hidden (docs/validation.md). None at the fit of 7 December 2026 with the guardian target: B2 and R (blame
# procedures), which pass through quality->errors, are clear of zero at 24 seeds but not on 200 (docs/validation.md).
WEAK_LOOPS: dict[str, str] = {}

# Links that `cpsim links` does not find alive at the calibrated state (24 seeds), and why: reported with the
# link, never hidden, and not made stronger to pass (docs/ODD.md section 8, docs/validation.md, where the sources
# cited here are given in full). At the fit of 7 December 2026 with the guardian target every link was also
# measured on 200 seeds (results/links-2026-12-07/links-200-seeds-guardians.json): one of these is alive there
# (care applications -> duration), and one link alive at 24 seeds is not (quality -> errors: -0.104, -0.218 to
# +0.011).
WEAK: dict[str, str] = {
    "applications->duration": "not resolved at 24 seeds (+0.041, -0.121 to +0.248) and alive on 200 (+0.140, +0.086 to "
                              "+0.202): with care applications +20% from two years ahead of the window the share of "
                              "care cases waiting for a children's guardian more than doubles (+138%, +116% to "
                              "+168%), the backlog rises 19.6% and the mean duration of the cases concluded 2.3% "
                              "(+1.4% to +3.2%). At the fit before, whose guardian service had a place for every "
                              "case, it was +0.049 (+0.015 to +0.085) on 300 seeds: the guardians' queue, fitted "
                              "since to August 2009, makes a surge lengthen proceedings, as England's did in 2009-10",
    "agency->continuity": "weak at any window: continuity is back to full 12 weeks after a change of worker, so agency"
                          " workers' cases keep 0.93 of it against 0.98 on permanent workers' cases, and agency workers"
                          " hold about 8% of helped children's cases (measured at an earlier fit). +0.013 (-0.005 to "
                          "+0.054) at 24 seeds, -0.000 (-0.011 to +0.016) on 200 (+0.002, -0.004 to +0.009 on 600 at "
                          "the fit before): none. Weaker than in practice, where agency use is criticised for "
                          "discontinuity (Cornes et al. 2013)",
    "agency->quality": "the opposite way at the calibrated state: +0.060 (+0.020 to +0.230) at 24 seeds, +0.067 "
                       "(+0.042 to +0.112) on 200 (+0.055, +0.040 to +0.074 on 600 at the fit before): agency "
                       "workers fill vacant posts, so more workers are in post, caseloads are lower and each case "
                       "gets more direct time (at the fit before: +0.8%, -0.7%, +1.9%), which outweighs agency "
                       "workers' lower local knowledge and continuity. Research on the period finds both sides: "
                       "locums are a quick response to shortages of staff but carry risks to practice (J. Care "
                       "Services Management 2011; Cornes et al. 2013)",
    "quality->repeat plans": "below what even 200 seeds resolve: -0.084 (-0.439 to +0.269) (-0.074, -1.184 to +1.082 "
                             "at 24; -0.020, -0.226 to +0.184 on 600 at the fit before), with some 40 repeat plans a "
                             "year per authority. The national indicator is read both ways: a high share of repeat "
                             "plans may mean ineffective help, a very low one children in need left without a plan "
                             "(NI 65)",
}
