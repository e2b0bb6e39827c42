"""Posterior draws: which member of the calibration posterior each replicate seed runs with.

`cpsim run`, `compare`, `workshop`, `sweep` and the app run a scenario that names a parameter
file under the calibration posterior committed in scenarios/posterior/ (abm/calibration/posterior.py)
unless `--point` asks for the single fit (while none is committed, they run the single fit):
`with_posterior` marks the scenario (and the history it branches from). Then
the run with seed s uses member k, drawn by weight with a generator of its own,
`SeedSequence([s, POSTERIOR_STREAM])`: the seed's process streams (abm/seeds.py) are left
untouched, and the same seed draws the same member in every scenario, so paired
differences stay paired (parameter set and seed together). The member's parameter values
replace those the scenario took from its parameter file (`Scenario.fitted`) or left at
their defaults; the scenario's own constants and uncertainties still win. An interval over
such runs includes seed noise and parameter uncertainty; `uncertainty` and `sentence` say
which.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

POSTERIOR_STREAM = 0x706F7374  # "post": the member generator's second key, apart from every process stream
SEEDS, PARAMETERS = "seeds", "parameters"
OFFERED = "posterior_offered"  # a result's key: was a posterior there to choose? (absent: was one committed?)


@functools.lru_cache(maxsize=8)
def _cached(path: str, modified: int):
    from abm.calibration.posterior import load_posterior  # here: a point-fit run never loads the calibration

    return load_posterior(path)


def posterior_at(path: str | Path):
    """The Posterior in the file at `path`, read once per process (again if the file changed); PosteriorError
    if it cannot be used."""
    from abm.calibration.posterior import PosteriorError

    path = Path(path)
    try:
        modified = path.stat().st_mtime_ns
    except OSError as e:
        raise PosteriorError(f"{path}: cannot read the posterior ({e.strerror or e})") from None
    return _cached(str(path), modified)


def member(posterior, seed: int) -> int:
    """The index of the member seed `seed` runs with: a draw by weight from its own generator."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), POSTERIOR_STREAM]))
    return int(rng.choice(len(posterior.members), p=posterior.weights))


def member_constants(scenario, seed: int) -> dict:
    """The parameter values seed `seed` of `scenario` takes from its posterior member: every value of the member
    the scenario does not set itself (in its own constants or uncertainties; those from its parameter file it
    does not count as its own); {} on the point fit."""
    if scenario.posterior is None:
        return {}
    posterior = posterior_at(scenario.posterior)
    own = (set(scenario.constants) - set(scenario.fitted)) | set(scenario.uncertainties)
    return {name: value for name, value in posterior.constants(member(posterior, seed)).items() if name not in own}


def with_posterior(scenario, path: str | Path | None = None):
    """`scenario` (and the history it branches from) run under the posterior at `path` (default: the committed
    one); unchanged if it names no parameter file, or, by default, while no posterior is committed. PosteriorError,
    naming the file and suggesting --point, if the file cannot be used."""
    from abm.calibration import posterior as committed
    from abm.calibration.posterior import PosteriorError

    if not scenario.fitted:
        return scenario
    if path is None:
        if not committed.POSTERIOR_FILE.exists():  # none committed (yet): the single fit, and `sentence` says so
            return scenario
        path = committed.POSTERIOR_FILE
    try:
        posterior_at(path)
    except PosteriorError as e:
        raise PosteriorError(f"{e} (the runs draw their parameters from the calibration posterior; give --point "
                             "to run the single calibrated fit instead)") from None
    update = {"posterior": str(Path(path))}
    branch = scenario.branch_from
    if branch is not None:
        update["branch_from"] = branch.model_copy(update={"history": with_posterior(branch.history, path)})
    return scenario.model_copy(update=update)


def choose(scenarios: Sequence, point: bool, path: str | Path | None = None) -> list:
    """The scenarios as a command runs them: on the point fit with `point`, else under the posterior."""
    return list(scenarios) if point else [with_posterior(s, path) for s in scenarios]


def uncertainty(scenarios: Sequence) -> dict:
    """What an interval over these scenarios' runs includes, for a result's JSON: {"uncertainty": ["seeds"]}, or
    {"uncertainty": ["seeds", "parameters"], "posterior": {"file": ..., "members": N}} under the posterior."""
    paths = sorted({s.posterior for s in scenarios if getattr(s, "posterior", None) is not None})
    if not paths:
        return {"uncertainty": [SEEDS]}
    return {"uncertainty": [SEEDS, PARAMETERS],
            "posterior": {"file": paths[0], "members": len(posterior_at(paths[0]).members)}}


def sentence(result: dict) -> str:
    """The one line a text table prints about what its intervals include (from `uncertainty`'s keys); on the single
    fit, whether it was chosen over a posterior or there was none: `result[OFFERED]` when the result says (the app
    offers a posterior named by its environment too), else whether one is committed."""
    if PARAMETERS in result.get("uncertainty", ()):
        return (f"Intervals include seed noise and parameter uncertainty (posterior, "
                f"{result['posterior']['members']} members).")
    from abm.calibration.posterior import POSTERIOR_FILE

    if not result.get(OFFERED, POSTERIOR_FILE.exists()):
        return f"Intervals include seed noise only (the single calibrated fit: {absence()}, docs/calibration.md)."
    return "Intervals include seed noise only (the single calibrated fit, chosen instead of the calibration posterior)."


def absence() -> str:
    """Why runs that did not choose the single fit are on it: none is committed, or (one is) none is offered."""
    from abm.calibration.posterior import POSTERIOR_FILE

    return ("this app offers no calibration posterior" if POSTERIOR_FILE.exists() else
            "no calibration posterior is committed yet")
