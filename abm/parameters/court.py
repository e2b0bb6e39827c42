"""Family court and the children's guardian service."""

A = "assumption"
MINJ = "Ministry of Justice Judicial and Court Statistics 2008-2010 (MODEL.md s6)"
FJR = "Family Justice Review final report (Norgrove 2011)"

PARAMETERS = [
    ("care_application_share", 0.25, 0.0, 1.0,
     "share of children entering care for whom the authority applies for a care order, at zero public anxiety", A),
    ("care_application_anxiety_sensitivity", 0.0, 0.0, 5.0,
     "rise in the log-odds of applying for a care order per unit of public anxiety (the authority goes to court "
     "more readily)", "Cafcass care demand 2008-2010: applications rose about 30% while care starts rose 8% (MODEL.md s6)"),
    ("court_work_units_per_10k_children_week", 3.7, 0.01, 1000.0,
     "work the court can do on the authority's care cases in a week (case-weeks), per 10,000 children", A),
    ("court_case_work_units", 18.0, 1.0, 200.0,
     "court work a care case needs before any expert assessment", A),
    ("court_max_progress_per_case_week", 1.0, 0.05, 1.0,
     "most work one case can receive in a week, however idle the court", A),
    ("expert_assessments_per_case_mean", 2.5, 0.0, 20.0,
     "expert assessments commissioned in a case with evidence of average quality", FJR),
    ("expert_assessment_work_units", 3.0, 0.0, 50.0, "court work added by each expert assessment", FJR),
    ("expert_assessment_evidence_gain", 1.5, 0.0, 10.0,
     "relative rise in experts commissioned per unit of shortfall in the authority's evidence quality", "Munro 2011 s6: 'cycle of commissioning of multiple assessments'"),
    ("evidence_work_penalty", 0.5, 0.0, 5.0,
     "relative extra court work per unit of shortfall in evidence quality", A),
    ("expert_assessments_per_case_limit", 20, 0, 20,
     "most expert assessments allowed in one case (20 = no limit)", FJR),
    ("court_timetable_target_weeks", 0, 0, 260,
     "timetable target for a case; 0 means none (cases past it get priority)", FJR),
    ("court_timetable_priority", 2.0, 1.0, 10.0, "relative share of court time given to cases past the target", A),
    ("court_noise_sd", 0.5, 0.05, 5.0, "error (log-hazard units) in the court's judgment of risk", A),
    ("parallel_planning", False, 0, 1, "care plans plan for permanence in parallel with rehabilitation", FJR),
    ("parallel_planning_permanence_gain", 0.5, 0.0, 3.0,
     "relative rise in the weekly chance of permanence with parallel planning", A),
]
