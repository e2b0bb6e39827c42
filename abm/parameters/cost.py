"""Costs."""

PSSRU = "PSSRU Unit Costs of Health and Social Care 2010"
A = "assumption"

PARAMETERS = [
    ("social_worker_cost_per_year", 48000.0, 0.0, 1e6, "salary and on-costs of a permanent social worker", PSSRU),
    ("agency_cost_multiplier", 1.6, 1.0, 5.0, "cost of an agency worker relative to a permanent one", A),
    ("looked_after_cost_per_child_week", 750.0, 0.0, 1e5, "placement cost of a looked-after child per week", PSSRU),
    ("early_help_cost_per_child_week", 40.0, 0.0, 1e4, "cost of early help per child per week", A),
    ("court_cost_per_case_week", 300.0, 0.0, 1e5, "legal and court cost per week of care proceedings", A),
    ("manager_cost_per_year", 60000.0, 0.0, 1e6, "salary and on-costs of a team manager", PSSRU),
]
