"""Referrer agencies: who they see, how well, and when they make a contact."""

A = "assumption"
KINDS = ("police", "schools", "health", "other")

_SEEN = {"police": 0.2, "schools": 3.0, "health": 1.0, "other": 0.6}
_NOISE = {"police": 1.3, "schools": 1.0, "health": 0.9, "other": 1.3}
_THRESHOLD = {"police": 0.045, "schools": 0.033, "health": 0.033, "other": 0.033}

PARAMETERS = [
    *[(f"{k}_observations_per_child_year", _SEEN[k], 0.0, 60.0,
       f"how often {k} take a look at an eligible child that could raise a concern", A) for k in KINDS],
    *[(f"{k}_perception_noise_sd", _NOISE[k], 0.05, 5.0,
       f"error (log-hazard units) in what {k} perceive of a child's risk", A) for k in KINDS],
    *[(f"{k}_threshold_annual_risk", _THRESHOLD[k], 0.0005, 0.9,
       f"perceived annual risk of harm at which {k} make a contact", A) for k in KINDS],
    *[(f"{k}_consultation_access", 0.1, 0.0, 1.0,
       f"share of {k}' marginal concerns discussed with a social worker instead of referred", A) for k in KINDS],
    ("referrer_anxiety_sensitivity", 0.6, 0.0, 5.0,
     "fall in referrers' threshold (log-hazard units) per unit of their anxiety", "Munro 2010 s1.22: the referral flood"),
    ("referrer_anxiety_adaptation_per_week", 0.1, 0.0, 1.0,
     "weekly share of the gap to public anxiety that referrers' own anxiety closes", A),
    ("consultation_band_log_hazard", 0.7, 0.0, 5.0,
     "how far above threshold a concern can lie and still be settled by consultation", A),
    ("domestic_violence_incidents_per_household_year", 1.0, 0.0, 20.0,
     "police call-outs per year to a household with domestic violence", A),
    ("police_auto_refer_domestic_violence", True, 0, 1,
     "police refer every domestic-violence incident involving children, without priority", "Munro 2010 s1.24"),
    ("school_age_from_years", 4, 0, 10, "age from which schools see a child", "Education Act 1996"),
    ("harm_noticed_share", 0.4, 0.0, 1.0, "share of harm events to unknown children that health services notice and report", A),
    ("referral_age_limit_years", 18, 16, 21, "age from which a person is no longer a child for children's social care", "Children Act 1989"),
]
