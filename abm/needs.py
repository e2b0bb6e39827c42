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

import numpy as np

from abm import crn
from abm.calendar import WEEKS_PER_YEAR
from abm.parameters.help import NEEDS

NEGLECT, DOMESTIC_VIOLENCE, MENTAL_HEALTH, SUBSTANCE_MISUSE, DISABILITY, SEXUAL_ABUSE, ADOLESCENT = range(len(NEEDS))
PROBLEM_NEEDS = ((2, SUBSTANCE_MISUSE), (1, DOMESTIC_VIOLENCE), (0, MENTAL_HEALTH))  # (problem bit, need), in order


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
        p, pop = self.p, self.model.population
        bits = pop.problems[pop.household[idx]]
        need = np.full(len(idx), NEGLECT, dtype=np.int8)
        need[pop.disabled[idx]] = DISABILITY
        draws = self.model.child_uniforms(idx, self.model.week, crn.ADOLESCENT, count=2)  # ADOLESCENT, SEXUAL_ABUSE
        old = pop.age_weeks(idx, self.model.week) >= p.adolescent_age_years * WEEKS_PER_YEAR
        need[(need == NEGLECT) & old & (draws[0] < p.adolescent_own_risk_share)] = ADOLESCENT
        for bit, kind in reversed(PROBLEM_NEEDS):
            need[(bits >> bit) & 1 == 1] = kind
        need[draws[1] < p.sexual_abuse_exploitation_share] = SEXUAL_ABUSE
        pop.need_type[idx] = need
        pop.variety[idx] = self.variety[need]
