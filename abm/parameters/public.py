"""Public and media anxiety."""

A = "assumption"

PARAMETERS = [
    ("anxiety_initial", 0.0, -5.0, 5.0, "public anxiety at the start", A),
    ("anxiety_half_life_weeks", 52.0, 1.0, 1040.0, "half-life of public anxiety", A),
    ("anxiety_local_death_jump", 0.3, 0.0, 5.0, "rise in anxiety when a child known to the authority dies", A),
]
