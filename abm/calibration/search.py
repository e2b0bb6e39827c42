"""The search: fit the calibration parameters to the targets with optuna, then check the fit on held-aside seeds.

`prepare` loads the historical scenario (without its parameter file, whose values are what
is being fitted), the declared parameters and the targets, and derives the seeds: the
search seeds are the scenario's first replicate seeds (`replicate_seeds(root_seed, n)`),
the held-aside seeds are spawned from `root_seed + 1`, so they share none of the search
seeds' random streams. `search` runs trials until the study in `DIR/study.db` (an optuna
RDB storage) holds the number asked for: the first trial is the starting guess, the rest
come from a CMA-ES sampler started at the guess and seeded for each trial from (root seed, trial number), so a search
continued with `--resume` asks for the same points as one never stopped. Each trial runs
the scenario for the search seeds with its values as constants and scores the runs with
`abm.calibration.loss`. `compare` then runs the best trial and the guess on the held-aside
seeds; `proposal` is the parameter file of the fit with its provenance, and `write_proposal`
writes it atomically where the scenario's `[scenario] parameters` points.

All replicate runs of one calibration go to one pool of local workers kept open throughout
(the same engine and `abm.run.run` as `run_replicates`, without starting new worker
processes for every trial, which would cost about as long as the trial's runs).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

import abm
from abm.calibration.loss import CAP, loss, losses
from abm.calibration.space import SPACE_FILE, CalibrationError, Dimension, constants, guess, load_space
from abm.scenario import Scenario, ScenarioError, load_parameter_file, load_scenario
from abm.seeds import replicate_seeds
from abm.validation import TARGETS_FILE, TargetsError, check_periods, evaluate, load_targets

PROJECT_ROOT = Path(abm.__file__).resolve().parent.parent
SCENARIO_FILE = PROJECT_ROOT / "scenarios" / "england_2006_2011.toml"
STUDY_FILE = "study.db"
STUDY_NAME = "cpsim-calibrate"
REPORT_FILE = "calibration.json"
PROPOSAL_FILE = "calibrated.toml"
SIGMA0 = 0.03  # CMA-ES's first step, as a share of each parameter's range (log range where log = true)
METHODS = ("cma-es", "levenberg-marquardt")  # the samplers of the search (levenberg: abm/calibration/levenberg.py)
RANGES = {"--trials": (1, 10_000), "--seeds": (1, 1_000), "--holdout-seeds": (1, 1_000)}


@dataclass(frozen=True)
class Setup:
    """What one calibration fits, to what, and on which seeds."""

    scenario: Scenario  # the historical scenario without its parameter file
    space: tuple[Dimension, ...]
    targets: tuple
    search_seeds: list[int]
    holdout_seeds: list[int]
    holdout_root_seed: int
    paths: dict[str, str]
    inputs: tuple[Path, ...] = ()  # the files read: scenario, its parameter file, calibration parameters, targets
    cap: float = CAP

    def fingerprint(self) -> dict:
        """Everything a trial's loss depends on, as JSON: a resumed study must match it."""
        scenario = self.scenario.model_dump(mode="json", exclude={"source", "seeds", "name", "description"})
        if not scenario["changes"]:  # no dated changes: the same search as before scenarios could hold them
            del scenario["changes"]
        targets = [{"name": t.name, "outcome": t.outcome, "kind": t.kind, "period": t.period,
                    "base_period": t.base_period, "denominator": t.denominator, "value": t.value,
                    "tolerance": t.tolerance} for t in self.targets]
        return json.loads(json.dumps({"scenario": scenario, "parameters": [asdict(d) for d in self.space],
                                      "targets": targets, "search_seeds": self.search_seeds, "cap": self.cap}))

    def scenario_with(self, values: dict[str, float]) -> Scenario:
        """The scenario with the constants of one point of the search space."""
        merged = {**self.scenario.constants, **constants(self.space, values)}
        return Scenario.model_validate({**dict(self.scenario), "constants": merged})


def prepare(scenario_path: str | Path = SCENARIO_FILE, space_path: str | Path = SPACE_FILE,
            targets_path: str | Path = TARGETS_FILE, seeds: int = 4, holdout_seeds: int = 8) -> Setup:
    """Load and cross-check everything a calibration needs; a CalibrationError (or ScenarioError,
    TargetsError) says what is wrong before anything runs."""
    check_counts({"--seeds": seeds, "--holdout-seeds": holdout_seeds})
    scenario = load_scenario(scenario_path, parameter_file=False)
    space = load_space(space_path)
    targets = load_targets(targets_path)
    try:
        check_periods(targets, scenario)
    except TargetsError as e:
        raise CalibrationError(f"{targets_path}: {e}") from None
    for d in space:
        for p in d.targets():
            where = ("[constants]" if p in scenario.constants else
                     "[uncertainties]" if p in scenario.uncertainties else None)
            if where:
                raise CalibrationError(f"{scenario_path}: {where}: sets '{p}', which calibration fits ({space_path}: "
                                       f"{d.name}); remove one of them")
    holdout_root = (scenario.root_seed + 1) % 2**63
    named = [] if scenario.parameters is None else [Path(scenario_path).parent / scenario.parameters]
    return Setup(scenario, space, targets, replicate_seeds(scenario.root_seed, seeds),
                 replicate_seeds(holdout_root, holdout_seeds), holdout_root,
                 {"scenario": _shown(scenario_path), "parameters": _shown(space_path), "targets": _shown(targets_path)},
                 tuple(map(Path, (scenario_path, *named, space_path, targets_path))))


def checked(counts: dict[str, float], ranges: dict[str, tuple], workers: int, out, write_folder, scenario_path,
            space_path, targets_path, seeds: int, holdout_seeds: int) -> tuple[Setup, Path]:
    """A search's counts (within `ranges`), workers, inputs and output places checked before anything runs
    (CalibrationError, ScenarioError, TargetsError or abm.folders.OutputError, saying what is wrong): its setup and
    output folder. `write_folder(setup)` is the folder --write writes in (None: not asked to write)."""
    from abm.folders import check_output

    check_counts(counts, ranges)
    if workers < 1:
        raise CalibrationError(f"--workers must be at least 1, not {workers}")
    out = Path(out)
    setup = prepare(scenario_path, space_path, targets_path, seeds, holdout_seeds)
    check_output(out, "--out", None, setup.inputs)
    if write_folder is not None:
        check_output(write_folder(setup), "--write", None)
    return setup, out


def engine(name: str, workers: int, address: str | None = None):
    """The (unstarted) engine `name` with `workers`, on the cluster at `address` if one is given."""
    from abm.engines import ENGINES

    return ENGINES[name](workers, address) if address else ENGINES[name](workers)


def check_counts(counts: dict[str, float], ranges: dict[str, tuple] = RANGES) -> None:
    """CalibrationError for the first option outside its range in `ranges` (by default the point fit's --trials,
    --seeds, --holdout-seeds)."""
    for option, value in counts.items():
        low, high = ranges[option]
        if not low <= value <= high:
            raise CalibrationError(f"{option}: {value} is out of range: allowed {low:,} to {high:,}")


def _shown(path: str | Path) -> str:
    """A path as recorded in provenance: relative to the project when inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def parameter_file(setup: Setup) -> Path:
    """The parameter file the scenario names (`[scenario] parameters`), where --write writes."""
    if setup.scenario.parameters is None:
        raise CalibrationError(f"{setup.paths['scenario']}: names no parameter file to write the fit to; "
                               'add parameters = "calibrated.toml" to its [scenario] table')
    return Path(setup.scenario.source).parent / setup.scenario.parameters


class Runner:
    """A pool of local workers that runs a scenario for a list of seeds and scores the runs."""

    def __init__(self, setup: Setup, workers: int = 2):
        from abm.engines import ENGINES  # imported here: the engines load the model

        self.setup = setup
        self.engine = ENGINES["local"](workers)

    def __enter__(self) -> Runner:
        self.engine.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.engine.__exit__(*exc)

    def weekly(self, scenario: Scenario, seeds: list[int]) -> pd.DataFrame:
        """The weekly tables of `run(scenario, seed)`, stacked in the order of `seeds` (as run_replicates)."""
        from abm.run import run

        tables: list = [None] * len(seeds)
        for i, table in self.engine.map(partial(run, scenario), seeds):
            tables[i] = table
        return pd.concat(tables, ignore_index=True)

    def score(self, values: dict[str, float], seeds: list[int]) -> tuple[float, list]:
        """The loss of one point of the search space on `seeds`, and each target's evaluation."""
        scenario = self.setup.scenario_with(values)
        results = evaluate(self.weekly(scenario, seeds), self.setup.targets, scenario.start_date)
        return loss(results, self.setup.cap), results


def _labels(results) -> list[str]:
    return [f"{r.target.name} {r.target.when}" for r in results]


def _sampler(root_seed: int, number: int, start: dict[str, float]):
    """CMA-ES from the starting guess, seeded per trial number (its state lives in the study, so resuming works)."""
    import warnings

    import optuna

    seed = int(np.random.SeedSequence([root_seed, number]).generate_state(1)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.simplefilter("ignore", FutureWarning)  # x0 is deprecated in favour of a warm-start study
        return optuna.samplers.CmaEsSampler(x0=start, sigma0=SIGMA0, seed=seed, warn_independent_sampling=False)


def open_study(setup: Setup, out: Path, resume: bool, method: str = "cma-es"):
    """The study in `out/study.db`: new (refused if one is there), or continued with `resume` by the same `method`."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    db = out / STUDY_FILE
    claim(out, STUDY_FILE, resume, "search")
    storage = optuna.storages.RDBStorage(f"sqlite:///{db.resolve()}")
    study = optuna.create_study(storage=storage, study_name=STUDY_NAME, direction="minimize",
                                load_if_exists=resume, sampler=_sampler(setup.scenario.root_seed, 0, guess(setup.space)))
    fingerprint = setup.fingerprint()
    if not resume:
        study.set_user_attr("setup", fingerprint)
        study.set_user_attr("code", _code())
        study.set_user_attr("method", method)
        if method == "cma-es":
            study.enqueue_trial(guess(setup.space))
        return study
    before = study.user_attrs.get("setup", {})
    changed = [key for key in fingerprint if before.get(key) != fingerprint[key]]
    if changed:
        raise CalibrationError(f"{out}: its search was run with other {', '.join(changed)} (see {REPORT_FILE} "
                               "or the study); resume it with the same settings, or start afresh with another --out")
    begun = study.user_attrs.get("method", "cma-es")
    if begun != method:
        raise CalibrationError(f"{out}: its search was run with --method {begun}; resume it with --method {begun}, "
                               "or start afresh with another --out")
    code = _code()
    if study.user_attrs.get("code") != code:
        print(f"warning: {out}: the search began under code {study.user_attrs.get('code')}, now {code}; "
              "earlier trials may score differently now", file=sys.stderr)
    stale = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    for trial in stale:  # killed mid-trial: the sampler must not count them as pending
        storage.set_trial_state_values(trial._trial_id, state=optuna.trial.TrialState.FAIL)
    return study


def claim(out: Path, marker: str, resume: bool, name: str, article: str = "a", other: str = "") -> None:
    """Make `out` the folder of a search: never over a search it holds (`marker`) without `resume`, never resume where
    it holds none (`other` may say what it holds instead), never start in a folder holding other files."""
    if (out / marker).exists() and not resume:
        raise CalibrationError(f"{out}: already holds {article} {name} ({marker}); continue it with --resume, "
                               "or give another --out")
    if resume and not (out / marker).exists():
        raise CalibrationError(f"{out}: holds no {name} to resume (no {marker}){other}; run without --resume")
    if not resume and out.is_dir() and any(out.iterdir()):
        raise CalibrationError(f"--out: {out} is not empty and holds no search; a new search needs a new or empty "
                               "folder (its files would be overwritten)")
    out.mkdir(parents=True, exist_ok=True)


def saved_state(path: Path, settings: dict, build, name: str):
    """A search's state that this tool saved at `path`: `build(data, record)` makes it from the file's arrays and its
    JSON record. CalibrationError when the file is damaged or was saved with other settings; a warning when its
    last runs were under other code."""
    try:
        with np.load(path, allow_pickle=False) as data:
            record = json.loads(str(data["record"]))
            state = build(data, record)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CalibrationError(f"{path}: is not a state this tool saved, or is damaged ({e}); start the "
                               "search afresh with another --out") from None
    if record["settings"] != settings:
        changed = [k for k in settings if record["settings"].get(k) != settings[k]]
        raise CalibrationError(f"{path.parent}: its {name} was run with other {', '.join(changed)}; "
                               "resume it with the same settings, or start afresh with another --out")
    if record.get("code") != _code():
        print(f"warning: {path.parent}: the search last ran under code {record.get('code')}, now {_code()}; "
              "its runs may differ under the current model", file=sys.stderr)
    return state


def completed(study) -> list:
    import optuna

    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))


def search(setup: Setup, study, runner: Runner, trials: int, progress: bool = True) -> None:
    """Run CMA-ES trials until `study` holds `trials` completed ones."""
    from tqdm import tqdm

    done = completed(study)
    best = min((t.value for t in done), default=math.inf)
    with tqdm(total=trials, initial=min(len(done), trials), desc="calibrate", unit="trial",
              disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar:
        bar.set_postfix_str(f"best loss {best:.2f}" if done else "first trial: the starting guess")
        while len(done) < trials:
            study.sampler = _sampler(setup.scenario.root_seed, len(study.get_trials(deepcopy=False)), guess(setup.space))
            value, _, seconds = run_trial(setup, study, runner)
            best = min(best, value)
            done = completed(study)
            bar.update(min(len(done), trials) - bar.n)
            bar.set_postfix_str(f"best loss {best:.2f}, last {value:.2f} in {seconds:.1f}s")


def run_trial(setup: Setup, study, runner: Runner, point: dict[str, float] | None = None) -> tuple[float, list, float]:
    """Run one trial of `study` on the search seeds: at `point` if given, else where its sampler asks; returns
    its loss, each target's evaluation and its seconds. The medians are kept in the trial (`medians`)."""
    import optuna

    if point is not None:
        study.enqueue_trial(point)
    trial = study.ask()
    start = time.perf_counter()
    try:
        values = {d.name: (trial.suggest_int(d.name, int(d.low), int(d.high), log=d.log) if d.integer
                           else trial.suggest_float(d.name, d.low, d.high, log=d.log)) for d in setup.space}
        value, results = runner.score(values, setup.search_seeds)
    except BaseException:
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        raise
    seconds = time.perf_counter() - start
    trial.set_user_attr("seconds", round(seconds, 2))
    trial.set_user_attr("medians", {k: (r.median if math.isfinite(r.median) else None)
                                    for k, r in zip(_labels(results), results)})
    study.tell(trial, value)
    return value, results, seconds


@dataclass
class Comparison:
    """The best trial against the starting guess, on the search seeds and on the held-aside seeds."""

    trials: int
    best_trial: int
    best: dict[str, float]
    start: dict[str, float]
    best_search: float
    guess_search: float
    best_holdout: float
    guess_holdout: float
    best_results: list = field(repr=False)
    guess_results: list = field(repr=False)

    @property
    def beats_guess(self) -> bool:
        return self.best_holdout < self.guess_holdout


def compare(setup: Setup, study, runner: Runner) -> Comparison:
    """Run the best trial and the starting guess on the held-aside seeds."""
    done = completed(study)
    if not done:
        raise CalibrationError("the search has no completed trial to compare with the guess")
    best = min(done, key=lambda t: (t.value, t.number))
    start = guess(setup.space)
    guessed = [t for t in done if t.params == start]
    guess_search = guessed[0].value if guessed else runner.score(start, setup.search_seeds)[0]
    best_holdout, best_results = runner.score(best.params, setup.holdout_seeds)
    guess_holdout, guess_results = runner.score(start, setup.holdout_seeds)
    return Comparison(len(done), best.number, dict(best.params), start, best.value, guess_search,
                      best_holdout, guess_holdout, best_results, guess_results)


def _code() -> dict:
    from abm.results import _git

    return {"version": abm.__version__, **_git()}


def report(setup: Setup, c: Comparison) -> dict:
    """The comparison as JSON: losses, the fitted values beside the guess, and each target on the held-aside seeds."""
    per_best, per_guess = losses(c.best_results, setup.cap), losses(c.guess_results, setup.cap)
    return {
        "scenario": setup.paths["scenario"], "parameters": setup.paths["parameters"],
        "targets_file": setup.paths["targets"], "trials": c.trials, "best_trial": c.best_trial,
        "search_seeds": setup.search_seeds, "holdout_root_seed": setup.holdout_root_seed,
        "holdout_seeds": setup.holdout_seeds, "loss_cap_per_target": setup.cap,
        "loss": {"best": {"search": c.best_search, "holdout": c.best_holdout},
                 "guess": {"search": c.guess_search, "holdout": c.guess_holdout}},
        "beats_guess": c.beats_guess,
        "values": {d.name: {"guess": c.start[d.name], "best": c.best[d.name], "low": d.low, "high": d.high,
                            "log": d.log} for d in setup.space},
        "constants": constants(setup.space, c.best),
        "holdout_targets": [{"target": label, "value": rb.target.value, "tolerance": rb.target.tolerance,
                             "guess_median": _plain(rg.median), "best_median": _plain(rb.median),
                             "guess_loss": lg, "best_loss": lb, "best_ok": rb.ok}
                            for label, rb, rg, lb, lg in zip(_labels(c.best_results), c.best_results,
                                                             c.guess_results, per_best, per_guess)],
        "code": _code(),
    }


def _plain(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} to a parameter file")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to a parameter file")


def proposal(setup: Setup, c: Comparison, now: dt.datetime | None = None) -> str:
    """The text of the parameter file for the fit: [constants], [provenance] and the searched values."""
    now = now or dt.datetime.now(dt.timezone.utc)
    code = _code()
    provenance = {
        "status": "calibrated" if c.beats_guess else "NOT USED: did not beat the starting guess on held-aside seeds",
        "date": now.isoformat(timespec="seconds"),
        "scenario": setup.paths["scenario"], "calibration_parameters": setup.paths["parameters"],
        "targets": setup.paths["targets"], "trials": c.trials, "best_trial": c.best_trial,
        "root_seed": setup.scenario.root_seed, "search_seeds": setup.search_seeds,
        "holdout_root_seed": setup.holdout_root_seed, "holdout_seeds": setup.holdout_seeds,
        "loss_search": c.best_search, "loss_holdout": c.best_holdout,
        "guess_loss_search": c.guess_search, "guess_loss_holdout": c.guess_holdout,
        "loss_cap_per_target": setup.cap,
        "code_version": code["version"], "code_commit": code.get("commit") or "unknown",
        "code_describe": code.get("describe") or "unknown",
    }
    lines = ["# The calibrated parameters of the baseline, written by `cpsim calibrate --write` (see",
             "# docs/calibration.md). A parameter file, not a scenario: scenarios that name it",
             "# (`[scenario] parameters = \"calibrated.toml\"`) apply its [constants] first, under their own.",
             "", "[constants]"]
    lines += [f"{k} = {_toml(v)}" for k, v in constants(setup.space, c.best).items()]
    lines += ["", "[provenance]"] + [f"{k} = {_toml(v)}" for k, v in provenance.items()]
    lines += ["", "[provenance.searched]  # the fitted point of the search space (abm/calibration/parameters.toml)"]
    lines += [f"{d.name} = {_toml(c.best[d.name])}" for d in setup.space]
    return "\n".join(lines) + "\n"


def save(out: Path, setup: Setup, c: Comparison, text: str) -> Path:
    """Write `out/calibration.json` and the proposed parameter file `out/calibrated.toml`; check it loads.

    A write that fails is a CalibrationError saying that the search is kept in `out/study.db`.
    """
    from abm.results import atomic_write_bytes

    path = out / PROPOSAL_FILE
    try:
        atomic_write_bytes(out / REPORT_FILE, (json.dumps(report(setup, c), indent=1) + "\n").encode())
        atomic_write_bytes(path, text.encode())
    except OSError as e:
        raise CalibrationError(f"--out: cannot write {out}: {e.strerror or e}; the search is saved in "
                               f"{out / STUDY_FILE}: once it can be written, `cpsim calibrate --resume` with the "
                               "same options writes the report without running new trials") from None
    fitted, _ = load_parameter_file(path)
    if fitted != constants(setup.space, c.best):
        raise CalibrationError(f"{path}: does not read back as written")
    return path


def write_proposal(setup: Setup, c: Comparison, text: str) -> Path:
    """Write the fit to the scenario's parameter file, atomically, if it beats the guess on held-aside seeds."""
    from abm.results import atomic_write_bytes

    if not c.beats_guess:
        raise CalibrationError(f"the best trial does not beat the starting guess on the held-aside seeds "
                               f"(loss {c.best_holdout:.3f} against {c.guess_holdout:.3f}); nothing written")
    target = parameter_file(setup)
    try:
        atomic_write_bytes(target, text.encode())
    except OSError as e:
        raise CalibrationError(f"{target}: cannot write the fit: {e.strerror or e}; the proposed parameter file "
                               f"is saved as {PROPOSAL_FILE} in --out") from None
    try:
        load_scenario(setup.scenario.source)
    except ScenarioError as e:  # cannot happen for a text `save` has read back; say so plainly if it does
        raise CalibrationError(f"{target}: written, but the scenario no longer loads: {e}") from None
    return target


def summary(setup: Setup, c: Comparison) -> str:
    """The comparison as text: losses, fitted values beside the guess, targets on held-aside seeds."""
    lines = [f"{c.trials} trials; best is trial {c.best_trial}.",
             f"loss          search ({len(setup.search_seeds)} seeds)   held-aside ({len(setup.holdout_seeds)} seeds)",
             f"  best fit    {c.best_search:>18.3f}   {c.best_holdout:>22.3f}",
             f"  guess       {c.guess_search:>18.3f}   {c.guess_holdout:>22.3f}", ""]
    width = max(len(d.name) for d in setup.space)
    lines.append(f"{'parameter'.ljust(width)}  {'guess':>10}  {'fitted':>10}  bounds")
    for d in setup.space:
        lines.append(f"{d.name.ljust(width)}  {c.start[d.name]:>10.4g}  {c.best[d.name]:>10.4g}  "
                     f"{d.low:g} to {d.high:g}{' (log)' if d.log else ''}")
    per_best, per_guess = losses(c.best_results, setup.cap), losses(c.guess_results, setup.cap)
    labels = _labels(c.best_results)
    width = max(map(len, labels))
    lines += ["", f"held-aside seeds: {'target'.ljust(width)}  {'value':>9}  {'guess':>9}  {'fitted':>9}  "
                  f"loss guess -> fitted"]
    for label, rb, rg, lb, lg in zip(labels, c.best_results, c.guess_results, per_best, per_guess):
        lines.append(f"                  {label.ljust(width)}  {rb.target.value:>9.4g}  {rg.median:>9.4g}  "
                     f"{rb.median:>9.4g}  {lg:>6.2f} -> {lb:.2f}{'' if rb.ok else '  (outside band)'}")
    return "\n".join(lines)


@dataclass
class Calibration:
    """What `calibrate` did: the comparison, its text summary, the proposed file and, with write, the file written."""

    setup: Setup
    comparison: Comparison
    summary: str
    proposal: Path
    written: Path | None


def calibrate(scenario_path: str | Path = SCENARIO_FILE, space_path: str | Path = SPACE_FILE,
              targets_path: str | Path = TARGETS_FILE, out: str | Path = "results/calibration", trials: int = 60,
              seeds: int = 4, holdout_seeds: int = 8, resume: bool = False, workers: int = 2,
              write: bool = False, progress: bool = True, method: str = "cma-es") -> Calibration:
    """Search, compare with the guess on held-aside seeds, save the report and proposal in `out`, and
    with `write` (only if the fit beats the guess there) write the scenario's parameter file.

    Every count, file and output place is checked before the first trial (abm.folders.OutputError
    for an output place that cannot be written)."""
    if method not in METHODS:
        raise CalibrationError(f"--method: unknown method '{method}' (allowed: {', '.join((*METHODS, 'emulator', 'abc-smc'))})")
    setup, out = checked({"--trials": trials}, RANGES, workers, out,
                         (lambda s: parameter_file(s).resolve().parent) if write else None,
                         scenario_path, space_path, targets_path, seeds, holdout_seeds)
    study = open_study(setup, out, resume, method)
    pool = min(workers, max(len(setup.search_seeds), len(setup.holdout_seeds)))
    with Runner(setup, pool) as runner:
        if method == "cma-es":
            search(setup, study, runner, trials, progress)
        else:
            from abm.calibration import levenberg

            levenberg.search(setup, study, runner, trials, progress)
        if progress:
            print(f"comparing the best trial with the starting guess on {len(setup.holdout_seeds)} held-aside seeds",
                  file=sys.stderr)
        c = compare(setup, study, runner)
    text = proposal(setup, c)
    saved = save(out, setup, c, text)
    written = write_proposal(setup, c, text) if write and c.beats_guess else None
    return Calibration(setup, c, summary(setup, c), saved, written)
