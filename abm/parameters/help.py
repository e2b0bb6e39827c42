"""Help: direct work by need type, its effect on risk, plans, early help, reviews and closure."""

A = "assumption"
HELP_EVIDENCE = ("evaluations compare evidence-based help with usual services, never with none: SafeCare (Chaffin et "
                 "al. 2012, Pediatrics 129) hazard ratio 0.74-0.83 for repeat reports; parenting programmes "
                 "(Vlahovicova et al. 2017) risk ratio 0.76 (0.54-1.07); FDAC (Harwin et al. 2014) neglect or abuse "
                 "after return home 25% vs 56%; recurrence 15-50% (Hindley, Ramchandani & Jones 2006)")
WT10 = "Working Together to Safeguard Children (2010) s5.150: first review within 3 months, then at most every 6 months"

# The need types of MODEL.md s3.1, in the order a case's primary need is read (abm/needs.py). `variety` is how far
# the type departs from the standard family a prescribed menu of responses was written for (0 = fits it);
# `hours` multiplies the direct work a plan needs per week.
NEEDS = ("neglect", "domestic_violence", "mental_health", "substance_misuse", "disability",
         "sexual_abuse_exploitation", "adolescent")
_VARIETY = {"neglect": 0.1, "domestic_violence": 0.4, "mental_health": 0.4, "substance_misuse": 0.5,
            "disability": 0.6, "sexual_abuse_exploitation": 0.8, "adolescent": 0.8}
_HOURS = {"neglect": 1.0, "domestic_violence": 1.1, "mental_health": 1.0, "substance_misuse": 1.2,
          "disability": 1.2, "sexual_abuse_exploitation": 1.5, "adolescent": 1.3}

PARAMETERS = [
    ("cin_review_weeks", 13, 1, 104, "weeks between reviews of a child-in-need plan", A),
    ("cp_first_review_weeks", 13, 1, 104, "weeks from the initial conference to the first review conference", WT10),
    ("cp_review_weeks", 26, 1, 104, "weeks between later review conferences of a child protection plan", WT10),
    ("close_threshold_annual_risk", 0.004, 0.0005, 0.9,
     "assessed annual risk below which a plan closes at review", A),
    ("closure_anxiety_sensitivity", 0.4, 0.0, 5.0,
     "fall of the close threshold (log-hazard) per unit of public anxiety: fewer plans close while anxiety is high "
     "(defensive practice)", "Munro 2011 s1.18-1.20 on defensive practice; children in need rose 25% in 2009/10 (MODEL.md s6)"),
    ("step_down_threshold_annual_risk", 0.03, 0.0005, 0.9,
     "assessed annual risk below which a child protection plan steps down to a child-in-need plan at review", A),
    ("cin_direct_hours_per_case_week", 1.3, 0.0, 20.0,
     "direct work per week a child-in-need plan for the standard family needs for full effect", A),
    ("cp_direct_hours_per_case_week", 2.0, 0.0, 20.0,
     "direct work per week a child protection plan for the standard family needs for full effect "
     "(statutory visits at least every 10 working days, and the plan's work)", "Working Together 2010 s5.149; " + A),
    ("looked_after_direct_hours_per_case_week", 0.5, 0.0, 20.0,
     "direct work per week a looked-after child's case needs", A),
    *[(f"{need}_variety", _VARIETY[need], 0.0, 1.0,
       f"departure of {need.replace('_', ' ')} cases from the standard family a prescribed menu fits (0-1)",
       "Munro 2010 s2: requisite variety; " + A) for need in NEEDS],
    *[(f"{need}_direct_hours_multiplier", _HOURS[need], 0.2, 5.0,
       f"direct work a {need.replace('_', ' ')} case needs relative to the standard family", A) for need in NEEDS],
    ("sexual_abuse_exploitation_share", 0.05, 0.0, 0.5,
     "share of cases whose primary need is sexual abuse or exploitation, whatever the household's problems", A),
    ("adolescent_age_years", 13, 10, 17, "age from which a case's primary need can be the adolescent's own risks", A),
    ("adolescent_own_risk_share", 0.4, 0.0, 1.0,
     "share of cases of children at or above that age, not disabled and without a parental problem, whose primary "
     "need is their own risks", A),
    ("variety_quality_penalty", 0.6, 0.0, 1.0,
     "loss of help quality for a case of full variety (1) under a fully prescribed menu", A),
    ("help_effect_log_hazard", 0.35, 0.05, 1.5,
     "fall in the log-hazard of harm that help of full quality to an engaged family builds at steady state "
     "(0.35: hazard ratio 0.70; the evidence supports about 0.1-0.7, hazard ratios 0.9-0.5)", HELP_EVIDENCE),
    ("help_mitigation_rate_per_week", 0.05, 0.001, 1.0,
     "weekly share of the gap to that protection which help closes", A),
    ("direct_work_dose_curvature", 2.0, 0.01, 10.0,
     "diminishing returns of direct hours: help's time factor is (1 - exp(-k x delivered/needed)) / (1 - exp(-k))", A),
    ("evidence_based_method_effect", 0.0, 0.0, 1.0,
     "relative gain in the protection help builds per direct hour from an evidence-based method used at full "
     "proficiency (reform R13; 0 without one)",
     "a gain of 0.2-0.5: SafeCare's hazard ratio 0.74-0.83 against usual services at similar contact time (Chaffin "
     "et al. 2012); none in UK trials of multisystemic therapy (Fonagy et al. 2018) and Signs of Safety (Baginsky "
     "et al. 2020); family preservation d = 0.49 on family functioning (Al et al. 2012)"),
    ("continuity_weeks_to_full", 12, 1, 104,
     "weeks a worker needs with a child before help reaches full quality", A),
    ("change_of_worker_quality_floor", 0.6, 0.0, 1.0,
     "help quality just after a change of worker, relative to full continuity", A),
    ("help_quality_unskilled", 0.3, 0.0, 1.0,
     "quality of help from a worker with no skill, relative to full skill", A),
    ("early_help_places_per_10k_children", 75.0, 0.0, 10000.0,
     "children the authority's early-help services can work with at once, per 10,000 children", A),
    ("early_help_weeks", 26, 1, 156, "length of an episode of early help", A),
    ("early_help_quality", 0.5, 0.0, 1.0, "quality of early help (0-1)", A),
    ("early_help_wait_limit_weeks", 8, 0, 104,
     "weeks a child offered early help waits for a place before the offer lapses", A),
    ("re_referral_window_weeks", 52, 1, 260, "a referral within this many weeks of the last one is a re-referral", "DfE Children in Need statistics (12 months)"),
    ("looked_after_return_home_rate_per_week", 0.008, 0.0, 0.2,
     "weekly chance that a looked-after child without a care order returns home", A),
    ("looked_after_permanence_rate_per_week", 0.004, 0.0, 0.2,
     "weekly chance that a child on a care order leaves care to adoption or a special guardian", A),
]
