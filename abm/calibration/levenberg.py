"""The Levenberg-Marquardt search: damped Gauss-Newton steps on the band-scaled misfits of the targets.

A point is held as u in [0, 1]^d: each dimension's place between its low and high (on its log
range where log = true), the scale CMA-ES steps on too. Its misfits are the fitted targets'

    z_i = (median_i - value_i) / (tolerance_i * value_i),  clipped to [-sqrt(CAP), sqrt(CAP)]

(a target no run can read counts +sqrt(CAP); `abm.calibration.loss.misfit`), so that
sum z_i^2 is exactly the loss of `abm.calibration.loss`. Each iteration measures the Jacobian J of z by forward differences,
one dimension at a time moved by STEP (backwards where that would leave [0, 1]), on the
search seeds (common random numbers: the trials differ by their parameters only), and then
steps

    (J'J + lambda diag(J'J)) delta = -J'z,   u <- clip(u + delta, 0, 1)

keeping the step when the loss falls (then lambda /= 3) and otherwise retrying with lambda * 4,
at most TRIES times; an iteration that finds no lower loss ends the search. It also ends when
the study holds the `--trials` asked for.

Every point run is one trial of the same optuna study as the CMA-ES search (`DIR/study.db`),
with its medians: the steps depend only on what the trials measured, so `--resume` replays
the iterations from the trials the study holds, runs only what is missing, and asks for the
same points as a search never stopped. The comparison on held-aside seeds, the report and
`--write` are those of the CMA-ES search (abm/calibration/search.py).
"""

from __future__ import annotations

import sys

import numpy as np

from abm.calibration.loss import misfit
from abm.calibration.search import Runner, Setup, completed, run_trial
from abm.calibration.space import guess

STEP = 0.15      # the finite-difference step, as a share of each dimension's (log) range: large enough to stand out of the runs' noise
LAMBDA = 1.0     # the first damping
TRIES = 4        # damped steps tried per iteration before the search stops


class _Budget(Exception):
    """The study holds the trials asked for."""


class Levenberg:
    """One Levenberg-Marquardt search over a study: points as trials, replayed from the study when it holds them."""

    def __init__(self, setup: Setup, study, runner: Runner, trials: int, bar=None):
        self.setup, self.study, self.runner, self.trials, self.bar = setup, study, runner, trials, bar
        self.fitted = [i for i, t in enumerate(setup.targets) if not t.held_out]

    def point(self, u: np.ndarray) -> dict[str, float]:
        """The search-space point at unit coordinates `u` (inside each dimension's bounds)."""
        out = {}
        for d, x in zip(self.setup.space, np.clip(u, 0.0, 1.0)):
            value = min(max(d.value_at(float(x)), d.low), d.high)
            out[d.name] = int(round(value)) if d.integer else value
        return out

    def unit(self, values: dict[str, float]) -> np.ndarray:
        return np.array([d.unit_of(values[d.name]) for d in self.setup.space])

    def misfits(self, u: np.ndarray, values: dict[str, float] | None = None) -> np.ndarray:
        """z at `u` (or at the point `values`, exactly): from the study's trial there if it holds one, else from a
        new trial."""
        values = values or self.point(u)
        done = completed(self.study)
        for trial in done:
            if trial.params == values and "medians" in trial.user_attrs:
                return self._z(list(trial.user_attrs["medians"].values()))
        if len(done) >= self.trials:
            raise _Budget
        value, results, seconds = run_trial(self.setup, self.study, self.runner, values)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(f"last loss {value:.2f} in {seconds:.1f}s")
        return self._z([r.median for r in results])

    def _z(self, medians: list) -> np.ndarray:
        targets = self.setup.targets
        return np.array([misfit(medians[i], targets[i].value, targets[i].tolerance, self.setup.cap)
                         for i in self.fitted])

    def run(self) -> list[float]:
        """Iterate until no damped step lowers the loss or the trials run out; returns the loss after each
        iteration (the first: the guess's)."""
        start = guess(self.setup.space)
        u = self.unit(start)
        history: list[float] = []
        damping = LAMBDA
        try:
            values = start
            z = self.misfits(u, values)
            history.append(float(z @ z))
            while True:
                jacobian = self.jacobian(u, values, z)
                gram, gradient = jacobian.T @ jacobian, jacobian.T @ z
                for _ in range(TRIES):
                    system = gram + damping * np.diag(np.diag(gram)) + 1e-9 * np.eye(len(u))
                    step = np.clip(u + np.linalg.solve(system, -gradient), 0.0, 1.0)
                    z_step = self.misfits(step)
                    if z_step @ z_step < z @ z:
                        u, values, z, damping = step, self.point(step), z_step, damping / 3
                        break
                    damping *= 4
                else:
                    return history
                history.append(float(z @ z))
                self._say(f"iteration {len(history) - 1}: loss {history[-1]:.2f}")
        except _Budget:
            return history

    def jacobian(self, u: np.ndarray, values: dict[str, float], z: np.ndarray) -> np.ndarray:
        """dz/du at `u` (the point `values`), each dimension moved alone, the others exactly as they are."""
        columns = []
        for k, d in enumerate(self.setup.space):
            h = STEP if u[k] + STEP <= 1.0 else -STEP
            moved = u.copy()
            moved[k] += h
            columns.append((self.misfits(moved, {**values, d.name: self.point(moved)[d.name]}) - z) / h)
        return np.column_stack(columns)

    def _say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)


def search(setup: Setup, study, runner: Runner, trials: int, progress: bool = True) -> list[float]:
    """Run the Levenberg-Marquardt search in `study` (replaying the trials it holds) up to `trials` trials."""
    from tqdm import tqdm

    with tqdm(total=trials, initial=min(len(completed(study)), trials), desc="calibrate (Levenberg-Marquardt)",
              unit="trial", disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar:
        return Levenberg(setup, study, runner, trials, bar).run()
