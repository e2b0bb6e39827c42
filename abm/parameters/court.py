"""Family court and the children's guardian service."""

A = "assumption"
FJR = "Family Justice Review final report (Norgrove 2011)"
MASSON = "Masson et al. (2008) Care profiling study; Masson (2010) on experts in care proceedings"

PARAMETERS = [
    ("care_application_share", 0.25, 0.0, 1.0,
     "share of children entering care for whom the authority applies for a care order, at zero public anxiety", A),
    ("care_application_anxiety_sensitivity", 0.0, 0.0, 5.0,
     "rise in the log-odds of applying for a care order per unit of public anxiety (the authority goes to court "
     "more readily)", "Cafcass care demand 2008-2010: applications rose about 30% while care starts rose 8% (MODEL.md s6)"),
    ("court_hearings_per_10k_children_week", 1.4, 0.01, 100.0,
     "hearings of public-law care cases the court can list in a week, per 10,000 children (judicial time)", A),
    ("court_hearings_per_case_base", 5.3, 1.0, 30.0,
     "hearings a care case needs with no expert assessment and evidence of full quality",
     FJR + ": 8.8 hearings per case on average, experts included"),
    ("court_hearings_per_expert", 1.0, 0.0, 5.0, "extra hearings each expert assessment brings (directions, reports)", A),
    ("evidence_hearings_penalty", 2.0, 0.0, 20.0,
     "extra hearings per unit of shortfall in the quality of the authority's evidence (chronology, care plan)",
     "Munro 2011 s6; " + FJR),
    ("court_hearing_interval_weeks", 6, 1, 26,
     "least weeks between two hearings of a case (filing of evidence, directions)",
     "MODEL.md s6: 8.8 hearings (Family Justice Review) over a mean of about 53 weeks, about 6 weeks apart"),
    ("expert_assessments_per_case_mean", 1.5, 0.0, 20.0,
     "expert assessments commissioned in a case with evidence of average quality",
     MASSON + ": expert evidence in over 90% of cases, often several"),
    ("expert_report_weeks", 10, 1, 52, "weeks an expert takes to report; reports are commissioned one after another", A),
    ("expert_assessment_evidence_gain", 1.0, 0.0, 10.0,
     "relative rise in experts commissioned per unit of shortfall in the authority's evidence quality",
     "Munro 2011 s6: 'cycle of commissioning of multiple assessments'"),
    ("expert_assessments_per_case_limit", 20, 0, 20,
     "most expert assessments allowed in one case (20 = no limit)", FJR),
    ("guardian_cases_per_10k_children", 9.0, 0.1, 1000.0,
     "care cases the children's guardian service can hold at once, per 10,000 children; a case waits for a "
     "guardian before its hearings can go on", "Cafcass: delays allocating guardians after November 2008 (Ofsted 2009); " + A),
    ("guardian_capacity_scale", 1.0, 0.1, 10.0,
     "the children's guardian service's places relative to guardian_cases_per_10k_children (its funding: the "
     "history's dated changes raise it from September 2009 to June 2010)",
     "care cases allocated to a children's guardian rose from 8,747 in July 2009 to 11,243 in June 2010, +28.5% "
     "(Cafcass, A. Douglas, CYP Now, July 2010); NAO (2010) Cafcass's response to increased demand for its services"),
    ("court_timetable_target_weeks", 0, 0, 260,
     "timetable target for a case; 0 means none (cases past it are heard first)", FJR),
    ("court_noise_sd", 0.5, 0.05, 5.0, "error (log-hazard units) in the court's judgment of risk", A),
    ("proceedings_delay_vulnerability_per_week", 0.005, 0.0, 0.1,
     "rise in a child's own log-hazard of harm per week in proceedings beyond 26 weeks (drift, unsettled placements)",
     "Barnardo's evidence to the Justice Committee (HC 518, 2010-12, FC 38): 'two months of delay ... equates to 1% "
     "of childhood'; " + A),
    ("parallel_planning", False, 0, 1, "care plans plan for permanence in parallel with rehabilitation", FJR),
    ("parallel_planning_permanence_gain", 0.5, 0.0, 3.0,
     "relative rise in the weekly chance of permanence with parallel planning", A),
]
