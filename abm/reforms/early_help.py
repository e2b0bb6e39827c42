"""Early help (R10)."""

from __future__ import annotations

from abm.parameters.referrers import KINDS
from abm.reforms.base import Reform, Scale, SetTo
from abm.reforms.guidance import FINAL_REPORT


class R10(Reform):
    """A duty to provide early help, with social-work advice available to all professionals.

    Mechanism: early-help capacity doubles (`early_help_places_per_10k_children` x 2), and
    every referrer agency can discuss a marginal concern with a social worker far more often
    (`*_consultation_access` -> 0.4): the concern is settled by an offer of early help
    instead of a contact.
    """

    name = "R10"
    label = "A duty to provide early help"
    what_it_does = ("early-help places double and professionals talk marginal concerns through with a social "
                    "worker four times as often")
    family = "early_help"
    source = (f"{FINAL_REPORT}, Recommendation 10: a duty on local authorities and partners to secure sufficient "
              "early help, including social-work expertise available to universal services")
    default_ramp_years = 3.0
    moves = (
        Scale("early_help_places_per_10k_children", 2.0),
        *(SetTo(f"{kind}_consultation_access", 0.4) for kind in KINDS),
    )
    expected = {"early_help_starts_per_year": "higher", "contacts_per_year": "lower",
                "unmet_risk_child_weeks_per_year": "lower"}
