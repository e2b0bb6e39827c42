"""ABC-SMC: the calibration posterior by approximate Bayesian computation (`cpsim calibrate --method abc-smc`).

Approximate Bayesian computation keeps the parameter sets whose runs lie within a tolerance
epsilon of the targets; sequential Monte Carlo lowers epsilon step by step while moving a
population of particles towards the sets that pass. This is the replenishment ABC-SMC of
Drovandi and Pettitt (2011, Biometrics 67: 225-233) with the MCMC moves of Del Moral, Doucet
and Jasra (2012, Statistics and Computing 22: 1009-1020): every particle keeps an equal
weight, so the population does not collapse onto a few heavy particles, as the importance
weights of the Toni et al. (2009) scheme did over the 32 calibration dimensions (pyabc 0.13,
60 particles: effective sample size 1.1 after one generation, 2.5 after two; docs/calibration.md).

Prior. Each dimension of the calibration space (abm/calibration/parameters.toml) is a
coordinate u in [0, 1] with a uniform prior; its value is low + u (high - low), or
low (high / low)^u on a log range (a log-uniform prior), as the point fits read it.

Distance. A particle's runs (the historical scenario for `seeds` replicate seeds, fresh for
each run) scored by the point fits' loss (abm.calibration.loss): the sum over fitted targets
of the squared band-scaled misfit, each capped. The 2010/11 targets never enter it.

Each generation t >= 1:

    survivors  the KEEP share of the population with the smallest distances (ties in random order);
               epsilon_t = the largest of their distances
    replenish  every other particle by a copy of a survivor drawn uniformly
    move       each copy R_t times: u' = reflect(u + N(0, c_t S_t)), S_t the survivors' covariance and
               reflect the mirror at each face of [0, 1]^D (so the proposal stays symmetric and inside);
               accepted when its run's distance is <= epsilon_t (a Metropolis-Hastings step whose target
               is the prior restricted to distance <= epsilon_t)
    R_t        = ceil(log(STAY) / log(1 - a_{t-1})), within MOVES_LEAST..MOVES_MOST, a_{t-1} the previous
               generation's acceptance rate (R_1 = MOVES_LEAST): enough moves that a copy stays a copy
               with probability about STAY (Drovandi and Pettitt 2011, section 3.2)
    c_{t+1}    = c_t * 1.5 if the acceptance rate > 0.4, * 0.6 if < 0.15 (c_1 = 2.38^2 / D)

The survivors already follow the next target; the copies are moved so that they part from
the survivors they copy. The
first search (7 December 2026) moved every particle once instead, and its population
collapsed on a few ancestors; the second (the same day) still dropped steps that left the box,
most of them at 32 dimensions, until the mirror was added; the third moved each copy 4 times
whatever the acceptance, and as it fell to 20% a quarter of the copies stayed copies, so
R_t now follows the acceptance (docs/calibration.md).

Generation 0 draws the population from the prior. The search stops after `generations`
generations in all, at `max_minutes` (checked at the end of a generation), or when fewer
than MIN_ACCEPTANCE of the moves are accepted. The posterior is the last population, equal
copies merged into one member of their summed weight.

Every draw flows from the scenario's root seed: generation t's draws from
SeedSequence([root, STREAM, t]), each run's seeds from SeedSequence([root, STREAM, t, i]), i the
run's number in its generation (its moves numbered MOVES_STRIDE apart).
The state is saved after every generation (`DIR/abc_state.npz`, atomically), so a search
stopped and resumed gives the same population as one never stopped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from abm.calibration.loss import misfit
from abm.calibration.search import Setup, _code, _labels, saved_state
from abm.calibration.space import CalibrationError

STATE_FILE = "abc_state.npz"
STREAM = 0xABC  # the search's own random stream under the root seed
KEEP = 0.75  # the share of the population under each generation's epsilon
MOVES_LEAST, MOVES_MOST = 4, 20  # MCMC moves each replenished copy tries in a generation: at least, at most
STAY = 0.05  # the chance that a copy is never moved, which the number of moves aims at
MOVES_STRIDE = 1_000_000  # run numbers of a generation's successive moves start this far apart
MIN_ACCEPTANCE = 0.01
SCALE_UP, SCALE_DOWN, HIGH_ACCEPTANCE, LOW_ACCEPTANCE = 1.5, 0.6, 0.4, 0.15
RANGES = {"--population": (10, 10_000), "--generations": (1, 1_000), "--max-minutes": (1, 100_000)}


def reflect(u: np.ndarray) -> np.ndarray:
    """`u` folded back into [0, 1] at both edges, as often as it takes (a mirror at each face of the box)."""
    folded = np.abs(u) % 2.0
    return np.where(folded > 1.0, 2.0 - folded, folded)


def run_seeds(root_seed: int, t: int, i: int, n: int, stream: int = STREAM) -> list[int]:
    """The replicate seeds of run `i` of generation `t` (of a search with its own `stream`)."""
    children = np.random.SeedSequence([root_seed % 2**63, stream, t, i]).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def _generator(root_seed: int, t: int, stream: int = STREAM) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([root_seed % 2**63, stream, t]))


def simulate(item) -> dict[str, float]:
    """Every target's median over the runs of one particle: item = (scenario, seeds, targets)."""
    import pandas as pd

    from abm.run import run
    from abm.validation import evaluate

    scenario, seeds, targets = item
    results = evaluate(pd.concat([run(scenario, s) for s in seeds], ignore_index=True), targets, scenario.start_date)
    return {label: (float(r.median) if math.isfinite(r.median) else math.nan)
            for label, r in zip(_labels(results), results)}


class Distance:
    """The point fits' loss between a particle's medians and the targets (fitted targets only)."""

    def __init__(self, setup: Setup):
        self.fitted = [(f"{t.name} {t.when}", t.value, t.tolerance) for t in setup.targets if not t.held_out]
        self.cap = setup.cap

    def __call__(self, medians: dict) -> float:
        return float(sum(misfit(medians[label], value, tolerance, self.cap) ** 2
                         for label, value, tolerance in self.fitted))


@dataclass
class State:
    """The population after generation t, with the search's record so far."""

    t: int
    u: np.ndarray  # particles x dimensions, unit coordinates
    distance: np.ndarray
    scale: float
    epsilons: list[float] = field(default_factory=list)  # epsilon of generations 1..t (generation 0: none)
    acceptance: list[float] = field(default_factory=list)
    distinct: list[int] = field(default_factory=list)  # distinct particles after each generation
    moves: list[int] = field(default_factory=list)  # moves each copy tried in generations 1..t
    simulations: int = 0
    seconds: float = 0.0

    def save(self, path: Path, settings: dict) -> None:
        from abm.results import atomic_write_bytes

        record = {"settings": settings, "t": self.t, "scale": self.scale, "epsilons": self.epsilons,
                  "acceptance": self.acceptance, "distinct": self.distinct, "moves": self.moves,
                  "simulations": self.simulations,
                  "seconds": self.seconds, "code": _code()}
        buffer = io.BytesIO()
        np.savez(buffer, u=self.u, distance=self.distance, record=np.array(json.dumps(record)))
        atomic_write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path, settings: dict) -> State:
        def build(data, record) -> State:
            return cls(int(record["t"]), data["u"], data["distance"], float(record["scale"]), list(record["epsilons"]),
                       list(record["acceptance"]), list(record["distinct"]), list(record["moves"]),
                       int(record["simulations"]), float(record["seconds"]))

        state = saved_state(path, settings, build, "ABC search")
        if state.u.ndim != 2 or state.u.shape[0] != len(state.distance):
            raise CalibrationError(f"{path}: its population is damaged; start the search afresh with another --out")
        return state


class Search:
    """Runs the particles of one ABC-SMC search on an engine and keeps its state."""

    def __init__(self, setup: Setup, engine, seeds: int, population: int):
        self.setup, self.engine, self.seeds, self.population = setup, engine, seeds, population
        self.distance = Distance(setup)
        self.root = setup.scenario.root_seed

    def distances(self, u: np.ndarray, t: int, first: int = 0) -> np.ndarray:
        """The distance of a run of each row of `u` (row i is run first + i of generation t, on its own seeds)."""
        space = self.setup.space
        items = [(self.setup.scenario_with({d.name: d.value_at(x) for d, x in zip(space, row)}),
                  run_seeds(self.root, t, first + i, self.seeds), self.setup.targets) for i, row in enumerate(u)]
        out = np.empty(len(items))
        for i, medians in self.engine.map(simulate, items):
            out[i] = self.distance(medians)
        return out

    def first(self) -> State:
        u = _generator(self.root, 0).random((self.population, len(self.setup.space)))
        return State(0, u, self.distances(u, 0), 2.38 ** 2 / len(self.setup.space), simulations=len(u))

    def step(self, s: State) -> State:
        """Generation s.t + 1: lower epsilon, replenish the dropped particles, move each copy `moves(s)` times."""
        t = s.t + 1
        rng = _generator(self.root, t)
        u, distance = s.u.copy(), s.distance.copy()
        order = np.lexsort((rng.random(len(distance)), distance))  # by distance, ties (equal copies) at random
        kept = int(round(KEEP * len(distance)))
        survivors, copies = order[:kept], order[kept:]
        epsilon = float(distance[survivors].max())
        parents = survivors[rng.integers(len(survivors), size=len(copies))]
        cov = np.atleast_2d(np.cov(u[survivors], rowvar=False)) + 1e-12 * np.eye(u.shape[1])
        u[copies], distance[copies] = u[parents], distance[parents]
        tried = accepted = simulated = 0
        for move in range(moves(s)):
            step = rng.multivariate_normal(np.zeros(u.shape[1]), s.scale * cov, size=len(copies), method="cholesky")
            proposal = reflect(u[copies] + step)
            new = self.distances(proposal, t, MOVES_STRIDE * move)
            accept = new <= epsilon
            u[copies[accept]], distance[copies[accept]] = proposal[accept], new[accept]
            tried, accepted = tried + len(copies), accepted + int(accept.sum())
            simulated += len(copies)
        rate = accepted / max(tried, 1)
        scale = s.scale * (SCALE_UP if rate > HIGH_ACCEPTANCE else SCALE_DOWN if rate < LOW_ACCEPTANCE else 1.0)
        return State(t, u, distance, scale, [*s.epsilons, epsilon], [*s.acceptance, rate],
                     [*s.distinct, len(np.unique(u, axis=0))], [*s.moves, moves(s)], s.simulations + simulated,
                     s.seconds)


def moves(s: State) -> int:
    """R for the generation after `s`: enough moves that a copy stays a copy with probability about STAY at the
    acceptance rate of `s` (MOVES_LEAST after generation 0), within MOVES_LEAST..MOVES_MOST."""
    if not s.acceptance:
        return MOVES_LEAST
    rate = s.acceptance[-1]
    wanted = MOVES_MOST if rate <= 0 else math.ceil(math.log(STAY) / math.log1p(-min(rate, 1 - 1e-12)))
    return min(max(wanted, MOVES_LEAST), MOVES_MOST)


def members(setup: Setup, s: State) -> tuple[list[dict[str, float]], list[float]]:
    """The population as posterior members: equal copies merged, each weighted by its share of the particles."""
    rows, counts = np.unique(s.u, axis=0, return_counts=True)
    points = [{d.name: d.value_at(float(x)) for d, x in zip(setup.space, row)} for row in rows]
    return points, (counts / counts.sum()).tolist()


def _settings(setup: Setup, seeds: int, population: int) -> dict:
    return json.loads(json.dumps({"setup": setup.fingerprint(), "seeds_per_particle": seeds,
                                  "population": population, "keep": KEEP,
                                  "moves": {"least": MOVES_LEAST, "most": MOVES_MOST, "stay": STAY}}))


def run_abc(setup: Setup, out: Path, resume: bool, seeds: int, population: int, generations: int,
            max_minutes: float, engine, progress: bool = True) -> State:
    """Run (or continue with `resume`) the search in `out` until it holds `generations` generations in all."""
    from tqdm import tqdm

    from abm.calibration.search import STUDY_FILE, claim

    path = out / STATE_FILE
    settings = _settings(setup, seeds, population)
    other = " (it holds an optuna search: resume it with its own --method)" if (out / STUDY_FILE).exists() else ""
    claim(out, STATE_FILE, resume, "ABC search", "an", other)
    search = Search(setup, engine, seeds, population)
    start = time.perf_counter()
    state = State.load(path, settings) if resume else None
    with tqdm(total=generations, initial=0 if state is None else min(state.t + 1, generations), desc="abc-smc",
              unit="generation", disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar:
        while state is None or state.t + 1 < generations:
            began = time.perf_counter()
            state = search.first() if state is None else search.step(state)
            state.seconds += time.perf_counter() - began
            state.save(path, settings)
            bar.update()
            bar.set_postfix_str(f"epsilon {state.epsilons[-1]:.1f}, acceptance {state.acceptance[-1]:.0%}"
                                if state.epsilons else f"prior: median distance {np.median(state.distance):.0f}")
            if state.acceptance and state.acceptance[-1] < MIN_ACCEPTANCE:
                print(f"stopped: {state.acceptance[-1]:.1%} of the moves accepted", file=sys.stderr)
                break
            if time.perf_counter() - start > 60 * max_minutes:
                print(f"stopped after {max_minutes:g} minutes; continue with --resume", file=sys.stderr)
                break
    return state


def provenance(setup: Setup, s: State, seeds: int, population: int) -> dict:
    """How the posterior was drawn, for the [provenance] table of its file."""
    code = _code()
    return {"method": "ABC-SMC (replenishment with MCMC moves: Drovandi and Pettitt 2011; Del Moral et al. 2012)",
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "scenario": setup.paths["scenario"], "calibration_parameters": setup.paths["parameters"],
            "targets": setup.paths["targets"], "root_seed": setup.scenario.root_seed,
            "seeds_per_particle": seeds, "population": population, "keep": KEEP, "moves": s.moves,
            "generations": s.t + 1,
            "simulations": s.simulations, "seconds": round(s.seconds, 1),
            "epsilon": [round(e, 3) for e in s.epsilons], "acceptance_rate": [round(a, 4) for a in s.acceptance],
            "distinct_particles": s.distinct,
            "distance_median": round(float(np.median(s.distance)), 3),
            "distance": "the point fits' loss: the sum over fitted targets of the squared band-scaled misfit, "
                        f"each capped at {setup.cap:g}",
            "code_version": code["version"], "code_commit": code.get("commit") or "unknown",
            "code_describe": code.get("describe") or "unknown"}


def calibrate_abc(scenario_path, space_path, targets_path, out, seeds: int = 1, population: int = 100,
                  generations: int = 40, max_minutes: float = 60.0, resume: bool = False, workers: int = 2,
                  engine: str = "local", address: str | None = None, write: bool = False, progress: bool = True):
    """Run or continue the ABC-SMC search in `out`, save its posterior as `out/posterior.toml`, and with `write`
    also where the rest of the tool reads it (scenarios/posterior/). Returns (state, saved path, written path)."""
    from abm.calibration.posterior import POSTERIOR_FILE, posterior_text, save_posterior
    from abm.calibration.search import checked, engine as started

    setup, out = checked({"--population": population, "--generations": generations, "--max-minutes": max_minutes},
                         RANGES, workers, out, (lambda _: POSTERIOR_FILE.parent) if write else None, scenario_path,
                         space_path, targets_path, seeds, 1)
    with started(engine, workers, address) as pool:
        state = run_abc(setup, out, resume, seeds, population, generations, max_minutes, pool, progress)
    points, weights = members(setup, state)
    text = posterior_text(setup.space, points, weights, provenance(setup, state, seeds, population))
    saved, written = save_posterior(text, out, STATE_FILE, space_path, write)
    return state, saved, written
