"""The model of one local authority's child protection system, one step a week.

`ChildProtectionModel.step` runs the weekly processes of docs/ODD.md in their order:

0. reforms        a scenario's reforms move their levers (only in weeks when a ramp moves)
1. community      parental problems, escalation, help's effect, births, harm
2. referrers      agencies look at children and make contacts
3. front door     contacts queue and are screened into referrals, early help, no further action
4. assessment     allocation of waiting cases, direct work, assessments finished
5. decision       section 47 enquiries, conferences, plans, care or no further action (queued)
6. help           quality of help, plan reviews, leaving care, early help ending (queued);
                  then the week's queued decisions are applied together
7. court          care proceedings progress and conclude
8. workforce      the week's hours split among their uses, satisfaction, burnout, skill,
                  leaving, recruitment
9. management     managers' enforcement and supervision, learning loops, local procedures,
                  prescription
10. public        anxiety decays (events and local deaths raise it)
11. collect       the week's outcomes; then the children whose status changed are settled
"""

from __future__ import annotations

import functools

import mesa
import numpy as np

from abm.assessment import Assessment
from abm.community import community_step
from abm.court import FamilyCourt
from abm.crn import ChildUniforms
from abm.decisions import DecisionLog
from abm.front_door import FrontDoor
from abm.help import Help
from abm.journey import Journey
from abm.ledger import Ledger
from abm.management import Governance, Management
from abm.needs import Needs
from abm.outcomes import NAMES
from abm.parameters import PARAMETERS
from abm.population import OPEN, Population
from abm.public import Public
from abm.referrers import Referrers
from abm.seeds import child_key, streams
from abm.workforce import Workforce


# Parameters read only when the model is built (the population and its risk, the authority's size and posts,
# starting states): a change during a run would do nothing, so `set_params` refuses it.
FIXED_DURING_RUN = frozenset(
    [name for name, spec in PARAMETERS.items() if spec.group == "community"]
    + ["social_worker_posts_per_10k_children", "team_size_workers", "prescription_initial",
       "perceived_effectiveness_initial", "initial_vacancy_rate", "initial_agency_share",
       "experience_years_mean_initial", "anxiety_initial"])


class ChildProtectionModel(mesa.Model):
    """One local authority, its children, agencies, workforce, managers, court and public.

    `reforms` (an abm.reforms.ReformSchedule, or None) gives new parameters at the start of
    the weeks in which a reform's ramp moves; `set_params` applies them. Outcomes are
    computed and collected from the end of the warm-up on: the datacollector's row k is
    week `warmup_weeks + k`.
    """

    def __init__(self, params, seed: int, warmup_weeks: int = 0, events=(), reforms=None):
        super().__init__(rng=np.random.default_rng(seed))
        self.p = params
        self.reforms = reforms
        self.warmup_weeks = warmup_weeks
        self.week = 0
        self.rngs = streams(seed)
        self.child_uniforms = ChildUniforms(child_key(seed))
        self.ledger = Ledger()
        self.decisions = DecisionLog(self)
        self.public = Public(params)
        self.governance = Governance(self)
        self.population = Population(params, self.rngs["population"])
        self.early_help_open = 0
        self.known = np.empty(0, dtype=np.int64)
        self.needs = Needs(self)
        self.journey = Journey(self)
        self.workforce = Workforce(self)
        self.management = Management(self)
        self.referrers = Referrers(self)
        self.front_door = FrontDoor(self)
        self.assessment = Assessment(self)
        self.help = Help(self)
        self.court = FamilyCourt(self)
        self.outcomes: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": _outcomes})
        self.schedule_public_events(events)

    def schedule_public_events(self, events) -> None:
        """Schedule `events` ((week after the warm-up, kind, anxiety jump)): each jump comes before its week's step."""
        self.public_events = [functools.partial(self.public.jump, jump) for _week, _kind, jump in events]
        self.scheduled_events = [self.schedule_event(event, at=self.warmup_weeks + week + 0.5)
                                 for (week, _kind, _jump), event in zip(events, self.public_events)]

    def branch(self, params, events=(), reforms=None) -> None:
        """Go on from this week as another scenario (abm/branching.py): its parameters, reforms and events
        (weeks counted from now), the events still pending cancelled, outcomes collected afresh from this week."""
        for event in self.scheduled_events:
            event.cancel()
        self.set_params(params)
        self.reforms = reforms
        self.warmup_weeks = self.week
        self.decisions.forget()
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": _outcomes})
        self.schedule_public_events(events)

    def set_params(self, params) -> None:
        """Use `params` from now on: rebind them and let every component that derives values from them reconfigure."""
        fixed = sorted(name for name in FIXED_DURING_RUN if getattr(params, name) != getattr(self.p, name))
        if fixed:
            raise ValueError(f"cannot change {', '.join(fixed)} during a run: read only when the model is built")
        self.p = params
        for component in (self.public, self.governance, self.needs, self.journey, self.workforce, self.management,
                          self.referrers, self.front_door, self.assessment, self.help, self.court):
            component.configure(params)

    def step(self) -> None:
        if self.reforms is not None:
            params = self.reforms.params_at(self.week - self.warmup_weeks)
            if params is not None:
                self.set_params(params)
        community_step(self)
        self.referrers.step()
        self.front_door.step()
        known = self.known = self.journey.helped()
        self.assessment.step(known[self.population.status[known] >= OPEN])
        self.assessment.decide()
        self.help.step(known)
        self.journey.apply_queued()
        self.court.step()
        self.workforce.step(known[self.population.status[known] >= OPEN])
        self.management.step()
        self.public.step()
        self.collect()
        self.journey.settle()
        self.week += 1

    def collect(self) -> None:
        if self.week >= self.warmup_weeks:
            self.outcomes = self.ledger.outcomes(self)
            self.datacollector.collect(self)
        self.ledger.reset()
        self.workforce.leavers = 0


def _outcomes(model) -> np.ndarray:
    return np.array([model.outcomes[name] for name in NAMES])
