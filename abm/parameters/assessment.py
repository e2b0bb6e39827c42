"""Assessment: timescales, the time it needs, its accuracy and the decision thresholds."""

A = "assumption"
WT = "Working Together to Safeguard Children (2010): 10 and 35 working days"

PARAMETERS = [
    ("initial_assessment_timescale_weeks", 2, 1, 52, "timescale for an initial assessment", WT),
    ("core_assessment_timescale_weeks", 7, 1, 52, "timescale for a core assessment", WT),
    ("assessment_timescales_prescribed", True, 0, 1,
     "assessments are split into initial and core with fixed timescales", WT),
    ("initial_assessment_direct_hours", 6.0, 0.5, 100.0,
     "direct work the standard initial assessment needs to reach its full accuracy (allotted evenly over its timescale)", A),
    ("core_assessment_direct_hours", 20.0, 1.0, 200.0,
     "direct work the standard core assessment needs to reach its full accuracy (allotted evenly over its timescale)", A),
    ("single_assessment_direct_hours", 16.0, 1.0, 200.0,
     "direct work a single (unprescribed) assessment needs to reach its full accuracy", A),
    ("assessment_complexity_sd", 0.5, 0.0, 3.0,
     "spread (log standard deviation) of the direct hours assessments need around the standard allotment", A),
    ("assessment_overrun_limit_factor", 3.0, 1.0, 10.0,
     "an assessment not finished by this multiple of its timescale is finished as it stands", A),
    ("assessment_noise_sd", 1.4, 0.05, 5.0,
     "error (log-hazard units) of an assessment by an unskilled worker with no direct time", A),
    ("assessment_skill_noise_reduction", 0.55, 0.0, 1.0,
     "share of assessment error removed by full skill", A),
    ("assessment_time_noise_reduction", 0.45, 0.0, 1.0,
     "share of assessment error removed by the full direct time", "Munro 2011 s3: 'on time' with too little direct work"),
    ("assessment_supervision_noise_reduction", 0.3, 0.0, 1.0,
     "share of assessment error removed by fully reflective supervision", A),
    ("optimism_bias_log_hazard", 0.5, 0.0, 3.0,
     "under-estimate of risk by the 'rule of optimism' without reflective supervision", "Dingwall et al. (1983); Munro 2010 s3"),
    ("core_assessment_threshold_annual_risk", 0.045, 0.0005, 0.9,
     "assessed annual risk at which an initial assessment leads to a core assessment", A),
    ("cin_plan_threshold_annual_risk", 0.012, 0.0005, 0.9,
     "assessed annual risk at which a child gets a child-in-need plan", A),
    ("cp_plan_threshold_annual_risk", 0.07, 0.0005, 0.9,
     "assessed annual risk at which a child gets a child protection plan", A),
    ("care_threshold_annual_risk", 0.08, 0.001, 0.99,
     "assessed annual risk at which a child is taken into care", A),
]
