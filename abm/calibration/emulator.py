"""Bayesian calibration with emulators about the point fit (`cpsim calibrate --method emulator`).

A point u of the calibration space is held in unit coordinates (abm/calibration/abc.py), with a
uniform prior on [0, 1]^D. Each fitted target i has a band-scaled misfit

    z_i(u) = (m_i(u) - value_i) / (tolerance_i value_i),   m_i(u) its median over a run's seeds,

and the statistical model reads each band as one standard deviation of the model's discrepancy
from the world (an assumption, docs/calibration.md): the likelihood is exp(-sum_i z_i(u)^2 / 2).
Targets the point fit's loss caps (an emulated |z_i(u*)| > sqrt(CAP) at the point fit u*: the fit
gave them no weight) and targets too few runs could read are left out, and named in the provenance.

    round 0   the point fit u* (the scenario's parameter file, `searched`; a dimension the fit did not
              search at the value the fit ran on): its distance (the point fits' loss) on PILOT sets of
              the search's seeds, and the Jacobian J of its misfits by forward differences (STEP of each
              range, on the calibration's JACOBIAN_SEEDS common seeds, as the Levenberg-Marquardt search
              measures it).
    design 1  n draws from N(u*, SPREAD (J'J + PRIOR_PRECISION I)^-1) restricted to the box (`truncated_normal`),
              each run on seeds of its own: the misfits of every fitted target.
    emulate   for each target, ridge least squares over every draw run so far (a regression emulator:
              Santner, Williams and Notz 2003, ch. 2) on the features f(u) = (1, x_k, x_j x_k), x = u - u*:
                  z_i(u) ~ c_i' f(u),   penalty PENALTY n |c_i|^2 (the intercept unshrunk);
              its R^2 is measured on every HOLD-th draw by a fit without them.
    posterior p(u) proportional to 1_box(u) exp(-L(u) / 2), L(u) = sum_i (c_i' f(u))^2 (the emulated loss), drawn as
              the last states of random-walk Metropolis chains from u* (`Emulator.draw`).
    design r  n draws from the tempered posterior exp(-L(u) / (2 SPREAD)): where the posterior lies, wider, so that
              the emulators are refitted over the region where they are used.

The posterior file holds MEMBERS draws from the last posterior, equally weighted. Its check is
the posterior predictive of `cpsim calibrate --report`: every member run, each target's median
and 5th-95th percentile against its band.

Why not ABC (abm/calibration/abc.py), nor ABC importance sampling from the first design: at two
seeds a run's distance has a standard deviation near 20 (the point fit's: 42 to 108, median 61,
over six pairs of seeds), so a tolerance must sit well above the point fit's distance, where the
ABC posterior's mass lies far out (in 32 dimensions the volume within a loss grows as its 16th
power) and importance weights collapse (docs/calibration.md). The emulators average the runs'
noise over every draw instead of judging each draw by its own. Linear emulators were tried first:
their least-squares optimum lay outside the box, and the posterior they gave sat on its faces.

Every draw flows from the scenario's root seed: design r's draws from SeedSequence([root, STREAM,
r]), each run's seeds from SeedSequence([root, STREAM, r, i]) (the point fit's pilot seeds: r = 0),
the members from SeedSequence([root, STREAM, rounds + 1]). The state is saved after every CHUNK
runs (`DIR/emulator_state.npz`, atomically): a search stopped and resumed redraws the same design
and runs only what is missing, so it gives the same posterior as one never stopped.
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

from abm.calibration import abc
from abm.calibration.abc import Distance, simulate
from abm.calibration.loss import misfit
from abm.calibration.search import Setup, _code, claim, saved_state
from abm.calibration.space import CalibrationError

STATE_FILE = "emulator_state.npz"
STREAM = 0xE3  # the search's own random stream under the root seed
PILOT = 6  # sets of seeds on which the point fit's own distance is measured
JACOBIAN_SEEDS = 8  # the calibration's search seeds the Jacobian is measured on (as the point fit was)
STEP = 0.15  # the forward-difference step, a share of each (log) range, as the Levenberg-Marquardt search's
SPREAD = 2.0  # a design's spread over the posterior's: design 1's covariance over the Jacobian's, the others' temperature
PRIOR_PRECISION = 4.0  # 1 / variance: no design spreads wider than a normal of sd 0.5 on the unit box
MEMBERS = 200  # members of the posterior file
CHUNK = 50  # runs between saves of the state
SWEEPS = 300  # Gibbs sweeps of each chain that draws a point of the first design
RIDGE = 1e-6  # added to a precision, so that a direction the Jacobian does not inform is flat yet proper
PENALTY = 1e-4  # the emulators' ridge penalty per draw (chosen by held-out R^2 on the search of 7 December 2026)
HOLD = 5  # every HOLD-th draw is held out once, to measure each emulator's R^2 on draws it was not fitted to
STEPS = 3000  # Metropolis steps of each chain that draws a member or a design point
ADAPT = 100  # steps between adaptations of the chains' step, in the first half
RANGES = {"--draws": (10, 100_000), "--rounds": (1, 100), "--max-minutes": (1, 100_000)}


def run_seeds(root_seed: int, r: int, i: int, n: int) -> list[int]:
    """The replicate seeds of run `i` of design `r` (r = 0: the point fit's pilot runs)."""
    return abc.run_seeds(root_seed, r, i, n, STREAM)


def _generator(root_seed: int, r: int) -> np.random.Generator:
    return abc._generator(root_seed, r, STREAM)


def in_box(x: np.ndarray) -> np.ndarray:
    return np.all((x >= 0.0) & (x <= 1.0), axis=1)


def truncated_normal(mean: np.ndarray, precision: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of N(mean, precision^-1) restricted to [0, 1]^D: n Gibbs chains of SWEEPS sweeps in whitened
    coordinates y (x = mean + M y, M M' = precision^-1), each y_k given the others a standard normal on the interval
    that keeps x in the box (Rodriguez-Yam, Davis and Scharf 2004), every chain from the box's point nearest the
    mean. Whitened, the chains mix whatever the correlations; a flat direction (a tiny eigenvalue) is uniform
    over the box's extent along it."""
    from scipy.stats import truncnorm

    dims = len(mean)
    m = np.linalg.inv(np.linalg.cholesky(precision + RIDGE * np.eye(dims))).T  # L^-T, with precision = L L'
    x = np.repeat(np.clip(mean, 0.0, 1.0)[None], n, axis=0)
    y = np.linalg.solve(m, (x - mean).T).T
    for _ in range(SWEEPS):
        for k in range(dims):
            column = m[:, k]
            moving = np.abs(column) > 1e-300
            with np.errstate(divide="ignore"):
                ends = (np.array([0.0, 1.0])[:, None, None] - x[None][:, :, moving]) / column[moving]
            low = np.max(np.minimum(ends[0], ends[1]), axis=1)  # how far y_k may move down and up, per chain
            high = np.min(np.maximum(ends[0], ends[1]), axis=1)
            new = truncnorm.ppf(rng.random(n), y[:, k] + low, y[:, k] + high)
            new = np.clip(np.nan_to_num(new, nan=y[:, k]), y[:, k] + low, y[:, k] + high)
            x = np.clip(x + np.outer(new - y[:, k], column), 0.0, 1.0)
            y[:, k] = new
    return x


def features(u: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """1, each x_k and each product x_j x_k (j <= k) of x = u - centre: the emulators' regressors."""
    x = u - centre
    j, k = np.triu_indices(u.shape[1])
    return np.column_stack([np.ones(len(u)), x, x[:, j] * x[:, k]])


@dataclass(frozen=True)
class Emulator:
    """Every used target's quadratic emulator about the point fit, and the posterior they give."""

    centre: np.ndarray  # u*
    used: np.ndarray  # indices of the fitted targets in the likelihood
    coef: np.ndarray  # targets used x features
    residual_sd: np.ndarray
    r2_held_out: np.ndarray  # each emulator's R^2 on every HOLD-th draw, fitted without them

    @classmethod
    def fit(cls, centre: np.ndarray, u: np.ndarray, z: np.ndarray, cap: float) -> Emulator:
        """Ridge least squares of every target's misfits z (draws x targets; nan where unread) on the features."""
        x = features(u, centre)
        held = np.arange(len(u)) % HOLD == HOLD - 1
        rows = []
        for i in range(z.shape[1]):
            read = np.isfinite(z[:, i])
            if read.sum() < x.shape[1] + 2 or (read & held).sum() < 2:
                continue
            coef = _ridge(x[read & ~held], z[read & ~held, i])
            test = z[read & held, i]
            r2 = 1 - np.mean((test - x[read & held] @ coef) ** 2) / np.var(test) if np.var(test) > 0 else 0.0
            coef = _ridge(x[read], z[read, i])
            residual = z[read, i] - x[read] @ coef
            if abs(coef[0]) <= math.sqrt(cap):
                rows.append((i, coef, float(np.sqrt(np.mean(residual ** 2))), float(r2)))
        if not rows:
            raise CalibrationError("no fitted target could be emulated: every misfit is unread or beyond the cap")
        return cls(centre, np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
                   np.array([r[2] for r in rows]), np.array([r[3] for r in rows]))

    def loss(self, u: np.ndarray) -> np.ndarray:
        """The emulated sum of squared misfits of the targets used, at each row of `u`."""
        return np.sum((features(u, self.centre) @ self.coef.T) ** 2, axis=1)

    def draw(self, n: int, rng: np.random.Generator, temperature: float = 1.0) -> np.ndarray:
        """n draws from the posterior (likelihood exp(-loss / (2 temperature)), uniform prior on the box): the last
        states of n random-walk Metropolis chains of STEPS steps from the point fit. In the first half the step's
        covariance follows the chains' spread, scaled to accept 15-35% of the steps (Roberts and Rosenthal 2001,
        scale 2.38^2 / D); in the second it stays fixed."""
        dims = len(self.centre)
        x = np.repeat(self.centre[None], n, axis=0)
        energy = self.loss(x) / (2 * temperature)
        cov, scale, accepted = 1e-4 * np.eye(dims), 2.38 ** 2 / dims, 0
        for step in range(STEPS):
            proposal = x + rng.multivariate_normal(np.zeros(dims), scale * cov, size=n, method="cholesky")
            inside = in_box(proposal)
            new = np.full(n, np.inf)
            new[inside] = self.loss(proposal[inside]) / (2 * temperature)
            accept = np.log(rng.random(n)) < energy - new
            x[accept], energy[accept] = proposal[accept], new[accept]
            accepted += int(accept.sum())
            if step < STEPS // 2 and (step + 1) % ADAPT == 0:
                rate = accepted / (ADAPT * n)
                scale *= 1.5 if rate > 0.35 else 0.6 if rate < 0.15 else 1.0
                cov, accepted = np.cov(x.T) + 1e-8 * np.eye(dims), 0
        return x


def _ridge(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    penalty = PENALTY * len(x) * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    return np.linalg.solve(x.T @ x + penalty, x.T @ y)


@dataclass
class State:
    """The search so far: the point fit's record, each design's normal, and every draw with its targets' misfits."""

    fit: dict  # the point fit: its unit point, its pilot distances, its Jacobian
    designs: list[dict] = field(default_factory=list)  # design 1's normal {"mean", "precision"}; then the temperature
    sizes: list[int] = field(default_factory=list)  # draws in each design
    u: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))  # draws so far, rows in design order
    z: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))  # their misfits (draws x fitted targets)
    run: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))  # whether each draw has run
    seconds: float = 0.0

    def save(self, path: Path, settings: dict) -> None:
        from abm.results import atomic_write_bytes

        record = {"settings": settings, "fit": self.fit, "designs": self.designs, "sizes": self.sizes,
                  "seconds": self.seconds, "code": _code()}
        buffer = io.BytesIO()
        np.savez(buffer, u=self.u, z=self.z, run=self.run, record=np.array(json.dumps(record)))
        atomic_write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path, settings: dict) -> State:
        def build(data, record) -> State:
            return cls(record["fit"], list(record["designs"]), list(record["sizes"]), data["u"], data["z"],
                       data["run"].astype(bool), float(record["seconds"]))

        state = saved_state(path, settings, build, "emulator search")
        n, u = sum(state.sizes), state.u
        if len(state.designs) != len(state.sizes) or len(state.run) != n or (n and (
                u.shape != (n, len(state.fit["u"])) or state.z.shape[0] != n)):
            raise CalibrationError(f"{path}: its draws are damaged; start the search afresh with another --out")
        return state

    def emulator(self, cap: float) -> Emulator:
        return Emulator.fit(np.array(self.fit["u"]), self.u[self.run], self.z[self.run], cap)


def fitted_point(setup: Setup) -> np.ndarray:
    """The point fit in unit coordinates: its `searched` point (the scenario's parameter file), and for a dimension
    the fit did not search, the value it ran on (the file's constant, else the parameter's default)."""
    from abm.parameters import PARAMETERS
    from abm.scenario import load_parameter_file

    if setup.scenario.parameters is None:
        raise CalibrationError(f"{setup.paths['scenario']}: names no parameter file, so there is no point fit to "
                               "start from; run a point fit first (docs/calibration.md)")
    path = Path(setup.scenario.source).parent / setup.scenario.parameters
    fixed, provenance = load_parameter_file(path)
    searched = provenance.get("searched") if isinstance(provenance, dict) else None
    if not isinstance(searched, dict):
        raise CalibrationError(f"{path}: has no [provenance] searched point, so it is not a point fit; refit with "
                               "`cpsim calibrate --write`")
    point = []
    for d in setup.space:
        if d.name in searched:
            value = float(searched[d.name])
        elif d.scales:
            raise CalibrationError(f"{path}: [provenance] searched: has no value for '{d.name}'; refit with "
                                   "`cpsim calibrate --write`")
        else:
            value = float(fixed.get(d.name, PARAMETERS[d.name].default))
        point.append(min(max(d.unit_of(value), 0.0), 1.0))
    return np.array(point)


class Search:
    """Runs the point fit's measurements and the designs' draws on an engine, and keeps the state."""

    def __init__(self, setup: Setup, engine, seeds: int):
        self.setup, self.engine, self.seeds = setup, engine, seeds
        self.distance = Distance(setup)
        self.root = setup.scenario.root_seed
        self.fitted = self.distance.fitted

    def _items(self, rows: np.ndarray, seeds_of) -> list:
        space = self.setup.space
        return [(self.setup.scenario_with({d.name: d.value_at(float(x)) for d, x in zip(space, row)}), seeds_of(i),
                 self.setup.targets) for i, row in enumerate(rows)]

    def _medians(self, items: list, bar=None) -> list[dict]:
        out: list = [None] * len(items)
        for i, medians in self.engine.map(simulate, items):
            out[i] = medians
            if bar is not None:
                bar.update()
        return out

    def misfits(self, medians: dict, cap: float = math.inf) -> np.ndarray:
        """Each fitted target's band-scaled misfit (nan where the run could not read it, when uncapped)."""
        if math.isinf(cap):
            return np.array([(medians[label] - value) / (tolerance * value) for label, value, tolerance in self.fitted])
        return np.array([misfit(medians[label], value, tolerance, cap) for label, value, tolerance in self.fitted])

    def point_fit(self, bar=None) -> dict:
        """Round 0: the point fit's pilot distances and its Jacobian."""
        u = fitted_point(self.setup)
        pilots = self._items(np.repeat(u[None], PILOT, axis=0), lambda i: run_seeds(self.root, 0, i, self.seeds))
        moved, steps = [u.copy()], []
        for k in range(len(u)):
            h = STEP if u[k] + STEP <= 1.0 else -STEP
            row = u.copy()
            row[k] += h
            moved.append(row)
            steps.append(h)
        seeds = self.setup.search_seeds
        results = self._medians(pilots + self._items(np.array(moved), lambda i: seeds), bar)
        z = np.array([self.misfits(m, self.setup.cap) for m in results[PILOT:]])
        return {"u": u.tolist(), "pilot": [self.distance(m) for m in results[:PILOT]],
                "loss_on_jacobian_seeds": float(z[0] @ z[0]), "jacobian": ((z[1:] - z[0]).T / np.array(steps)).tolist()}

    def next_design(self, s: State) -> dict:
        if s.designs:
            return {"kind": "emulated posterior", "temperature": SPREAD}
        u, jacobian = np.array(s.fit["u"]), np.array(s.fit["jacobian"])
        return {"mean": u.tolist(), "precision": ((jacobian.T @ jacobian + PRIOR_PRECISION * np.eye(len(u))) / SPREAD).tolist()}

    def run_design(self, s: State, r: int, draws: int, path: Path, settings: dict, deadline: float, bar=None) -> bool:
        """Draw design r (or finish it), running every draw not yet run; False when the deadline stopped it."""
        if len(s.designs) < r:
            design, rng = self.next_design(s), _generator(self.root, r)
            rows = (s.emulator(self.setup.cap).draw(draws, rng, SPREAD) if "temperature" in design else
                    truncated_normal(np.array(design["mean"]), np.array(design["precision"]), draws, rng))
            s.designs.append(design)
            s.sizes.append(draws)
            s.u = rows if s.u.size == 0 else np.vstack([s.u, rows])
            empty = np.full((draws, len(self.fitted)), np.nan)
            s.z = empty if s.z.size == 0 else np.vstack([s.z, empty])
            s.run = np.concatenate([s.run, np.zeros(draws, dtype=bool)])
            s.save(path, settings)
        first = sum(s.sizes[:r - 1])
        todo = [first + i for i in range(draws) if not s.run[first + i]]
        for start in range(0, len(todo), CHUNK):
            if time.perf_counter() > deadline:
                return False
            began = time.perf_counter()
            chunk = todo[start:start + CHUNK]
            items = self._items(s.u[chunk], lambda i: run_seeds(self.root, r, chunk[i] - first, self.seeds))
            for j, medians in zip(chunk, self._medians(items, bar)):
                s.z[j], s.run[j] = self.misfits(medians), True
            s.seconds += time.perf_counter() - began
            s.save(path, settings)
        return True


def _settings(setup: Setup, seeds: int, draws: int) -> dict:
    return json.loads(json.dumps({"setup": setup.fingerprint(), "seeds_per_draw": seeds, "draws_per_design": draws,
                                  "spread": SPREAD, "step": STEP, "pilot": PILOT, "prior_precision": PRIOR_PRECISION}))


def run_search(setup: Setup, out: Path, resume: bool, seeds: int, draws: int, rounds: int, max_minutes: float,
               engine, progress: bool = True) -> State:
    """Run (or continue with `resume`) the search in `out` until it holds `rounds` finished designs."""
    from tqdm import tqdm

    path = out / STATE_FILE
    settings = _settings(setup, seeds, draws)
    claim(out, STATE_FILE, resume, "emulator search", "an")
    search = Search(setup, engine, seeds)
    deadline = time.perf_counter() + 60 * max_minutes
    state = State.load(path, settings) if resume else None
    measured = PILOT + len(setup.space) + 1
    total = measured + rounds * draws
    done = 0 if state is None else measured + int(state.run.sum())
    with tqdm(total=total, initial=min(done, total), desc="calibrate (emulator)", unit="run", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if state is None:
            began = time.perf_counter()
            state = State(search.point_fit(bar))
            state.seconds = time.perf_counter() - began
            state.save(path, settings)
        for r in range(1, rounds + 1):
            if not search.run_design(state, r, draws, path, settings, deadline, bar):
                print(f"stopped after {max_minutes:g} minutes; continue with --resume", file=sys.stderr)
                break
    return state


def members(setup: Setup, s: State) -> tuple[list[dict[str, float]], dict]:
    """MEMBERS equally weighted draws from the posterior of every design run so far, and its provenance."""
    e = s.emulator(setup.cap)
    rows = e.draw(MEMBERS, _generator(setup.scenario.root_seed, len(s.sizes) + 1))
    points = [{d.name: d.value_at(float(x)) for d, x in zip(setup.space, row)} for row in rows]
    return points, provenance(setup, s, e, e.loss(rows))


def provenance(setup: Setup, s: State, e: Emulator, member_losses: np.ndarray) -> dict:
    """How the posterior was drawn, for the [provenance] table of its file."""
    code = _code()
    fitted = [f"{t.name} {t.when}" for t in setup.targets if not t.held_out]
    return {"method": "Bayesian calibration with quadratic emulators about the point fit (Kennedy and O'Hagan 2001; "
                      "each target's band one standard deviation of the model's discrepancy)",
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "scenario": setup.paths["scenario"], "calibration_parameters": setup.paths["parameters"],
            "targets": setup.paths["targets"], "root_seed": setup.scenario.root_seed,
            "designs": len(s.sizes), "draws": s.sizes,
            "simulations": int(s.run.sum()) + PILOT + len(s.fit["u"]) + 1,
            "targets_used": len(e.used), "targets_left_out": [fitted[i] for i in range(len(fitted)) if i not in e.used],
            "emulator_r2_held_out": [round(float(q), 3) for q in np.percentile(e.r2_held_out, [10, 50, 90])],
            "emulated_loss_at_point_fit": round(float(e.loss(e.centre[None])[0]), 2),
            "emulated_loss_of_members": [round(float(q), 2) for q in np.percentile(member_losses, [5, 50, 95])],
            "point_fit_distance": [round(x, 2) for x in s.fit["pilot"]],
            "seconds": round(s.seconds, 1),
            "code_version": code["version"], "code_commit": code.get("commit") or "unknown",
            "code_describe": code.get("describe") or "unknown"}


def calibrate_emulator(scenario_path, space_path, targets_path, out, seeds: int = 2, draws: int = 1000,
                       rounds: int = 2, max_minutes: float = 60.0, resume: bool = False, workers: int = 2,
                       engine: str = "local", address: str | None = None, write: bool = False,
                       progress: bool = True):
    """Run or continue the search in `out`, save its posterior as `out/posterior.toml`, and with `write` also where
    the rest of the tool reads it (scenarios/posterior/). Returns (state, saved path, written path)."""
    from abm.calibration.posterior import POSTERIOR_FILE, posterior_text, save_posterior
    from abm.calibration.search import checked, engine as started

    setup, out = checked({"--draws": draws, "--rounds": rounds, "--max-minutes": max_minutes}, RANGES, workers, out,
                         (lambda _: POSTERIOR_FILE.parent) if write else None, scenario_path, space_path,
                         targets_path, JACOBIAN_SEEDS, 1)
    fitted_point(setup)  # refuse a scenario with no point fit before anything runs
    with started(engine, workers, address) as pool:
        state = run_search(setup, out, resume, seeds, draws, rounds, max_minutes, pool, progress)
    if not state.run.any():
        raise CalibrationError(f"{out}: no draw has run yet, so there is no posterior to write; continue with --resume")
    points, record = members(setup, state)
    text = posterior_text(setup.space, points, [1.0] * len(points), {**record, "seeds_per_draw": seeds})
    saved, written = save_posterior(text, out, STATE_FILE, space_path, write)
    return state, saved, written
