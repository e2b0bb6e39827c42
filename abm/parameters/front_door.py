"""Front door: screening contacts into referrals, early help or no further action."""

A = "assumption"

PARAMETERS = [
    ("front_door_contacts_per_10k_children_week", 40.0, 0.1, 10000.0,
     "contacts the front door can screen properly in a week, per 10,000 children", A),
    ("front_door_noise_sd", 0.8, 0.05, 5.0,
     "error (log-hazard units) in the front door's estimate of risk at normal load", A),
    ("front_door_overload_noise_gain", 0.5, 0.0, 10.0,
     "relative rise in screening error per unit of queue above capacity (at most one unit counts)", A),
    ("referral_threshold_annual_risk", 0.022, 0.0005, 0.9,
     "estimated annual risk at which a contact becomes a referral", A),
    ("early_help_threshold_annual_risk", 0.012, 0.0001, 0.9,
     "estimated annual risk at which a contact is signposted to early help", A),
    ("initial_assessment_threshold_annual_risk", 0.035, 0.0005, 0.9,
     "estimated annual risk at which a referral gets an initial assessment", A),
    ("intervention_anxiety_sensitivity", 0.4, 0.0, 5.0,
     "fall in the authority's decision thresholds (log-hazard units) per unit of public anxiety", "Munro 2010 s1.22"),
]
