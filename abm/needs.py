"""Children's primary need types, read when a case opens.

A case's primary need is read from the child's circumstances in a fixed order (MODEL.md
s3.1): sexual abuse or exploitation for a share `sexual_abuse_exploitation_share` of
cases whatever else holds; else the household's parental problems, substance misuse
first, then domestic violence, then mental ill-health; else the child's disability; else,
for a share `adolescent_own_risk_share` of children aged `adolescent_age_years` or more,
the adolescent's own risks; else neglect, the standard family a prescribed menu of
responses was written for. Each type carries a variety (0-1, how far it departs from that
standard, `<type>_variety`) and a multiplier of the direct work a plan needs
(`<type>_direct_hours_multiplier`): requisite variety is about need types, not noise.
"""

from __future__ import annotations

import numba
import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.parameters.help import NEEDS
from abm.population import PROBLEMS

NEGLECT, DOMESTIC_VIOLENCE, MENTAL_HEALTH, SUBSTANCE_MISUSE, DISABILITY, SEXUAL_ABUSE, ADOLESCENT = range(len(NEEDS))
# The bits of a household's parental problems (abm.population.PROBLEMS).
MENTAL_HEALTH_BIT, DV_BIT, SUBSTANCE_BIT = map(PROBLEMS.index,
                                                 ("mental_health", "domestic_violence", "substance_misuse"))


class Needs:
    """The need-type tables of the parameters, and the reading of a case's primary need."""

    def __init__(self, model):
        self.model = model
        self.configure(model.p)

    def configure(self, p) -> None:
        """Take the parameters `p` and the per-type variety and direct-hours tables they give."""
        self.p = p
        self.variety = np.array([getattr(p, f"{need}_variety") for need in NEEDS])
        self.hours = np.array([getattr(p, f"{need}_direct_hours_multiplier") for need in NEEDS])

    def read(self, idx: np.ndarray) -> None:
        """Read the primary need of children `idx`, whose cases open now, and set their variety."""
        p, pop, week = self.p, self.model.population, self.model.week
        draws = self.model.child_uniforms(idx, week, crn.ADOLESCENT, count=2)  # ADOLESCENT, SEXUAL_ABUSE
        need = _read(np.asarray(idx), draws, week, pop.problems, pop.household, pop.disabled, pop.birth_week,
                     p.adolescent_age_years * WEEKS_PER_YEAR, p.adolescent_own_risk_share,
                     p.sexual_abuse_exploitation_share)
        pop.need_type[idx] = need
        pop.variety[idx] = self.variety[need]


@numba.njit(cache=True, nogil=True)
def _read(idx, draws, week, problems, household, disabled, birth_week, adolescent_weeks, adolescent_share,
          sexual_abuse_share):
    """Needs.read's need type per child, in the module's order, from the child's draws (rows ADOLESCENT,
    SEXUAL_ABUSE)."""
    need = np.empty(len(idx), dtype=np.int8)
    for i in range(len(idx)):
        child = idx[i]
        bits = problems[household[child]]
        if draws[1, i] < sexual_abuse_share:
            need[i] = SEXUAL_ABUSE
        elif (bits >> SUBSTANCE_BIT) & 1:
            need[i] = SUBSTANCE_MISUSE
        elif (bits >> DV_BIT) & 1:
            need[i] = DOMESTIC_VIOLENCE
        elif (bits >> MENTAL_HEALTH_BIT) & 1:
            need[i] = MENTAL_HEALTH
        elif disabled[child]:
            need[i] = DISABILITY
        elif week - birth_week[child] >= adolescent_weeks and draws[0, i] < adolescent_share:
            need[i] = ADOLESCENT
        else:
            need[i] = NEGLECT
    return need
