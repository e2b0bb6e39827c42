"""The `cpsim` command line: run a scenario file, and list the parameters a scenario can set.

`cpsim run` loads a scenario strictly (any mistake in it: one line on stderr, exit status
2, nothing run or written), runs its replicate seeds, saves the weekly outcomes to a
results folder and prints each outcome's median and 90% interval over seeds per year,
as a table or, with --json, as JSON alone on stdout; progress goes to stderr.
`cpsim params` lists every parameter with its default, allowed range, meaning and source.
`cpsim sweep` runs a sweep file (abm/sweep/spec.py) on a chosen engine, saving each run as
it finishes (abm/sweep/store.py) so that --resume loses nothing that had finished.

Every command that runs the model checks its inputs, options and output places before the
first run (abm.folders.check_output): a refusal is one line on stderr, exit status 2. A
write that fails afterwards saves what finished elsewhere and says where (exit status 2);
Ctrl-C at any moment gives one line and exit status 130. `--workers` above the machine's
cores is capped at them, with a note.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Annotated, Callable, NoReturn

import typer

from abm.folders import OutputError, check_output, write_or_rescue
from abm.parameters import PARAMETERS
from abm.scenario import ScenarioError, load_scenario
from abm.states import StateError

app = typer.Typer(
    help="cpsim: an agent-based simulation of a local child protection system in England.",
    epilog="Examples: cpsim run scenarios/baseline.toml --seeds 4 --years 2;  cpsim params turnover",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _interruptible(said: str) -> Callable:
    """A command that answers Ctrl-C at any moment with one line, `interrupted: <said>`, and exit status 130
    (and a refused saved state, abm/states.py, with its one line and exit status 2)."""
    def wrap(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapped(*args, **kwargs):
            try:
                return command(*args, **kwargs)
            except StateError as e:
                _fail(str(e))
            except KeyboardInterrupt:
                typer.echo(f"interrupted: {said}", err=True)
                raise typer.Exit(130) from None
        return wrapped
    return wrap


def _workers(asked: int | None) -> int | None:
    """The --workers to use: None stays None (one per core), more than the cores is capped with a note."""
    if asked is None:
        return None
    from abm.engines.local import usable_workers

    try:
        workers, note = usable_workers(asked)
    except ValueError as e:
        _fail(str(e))
    if note:
        typer.echo(f"note: {note}", err=True)
    return workers


def _inputs(*scenarios) -> list[Path]:
    """The files the scenarios were read from: each scenario file and the parameter file it names."""
    found = []
    for s in scenarios:
        if s.source:
            found.append(Path(s.source))
            if s.parameters is not None:
                found.append(Path(s.source).parent / s.parameters)
    return found


POINT_HELP = ("Run on the single calibrated fit (seed noise only) instead of drawing each seed's parameters from "
              "the calibration posterior (scenarios/posterior/).")


def _drawn(scenarios: list, point: bool) -> list:
    """The scenarios as run: each seed on its posterior member (the default) or, with --point, on the single fit."""
    from abm.calibration.posterior import PosteriorError
    from abm.posterior_draws import choose

    try:
        return choose(scenarios, point)
    except PosteriorError as e:
        _fail(str(e))


def _check_output(path: Path, option: str, kind: str | None, inputs) -> None:
    try:
        check_output(path, option, kind, inputs)
    except OutputError as e:
        _fail(str(e))


@app.command(short_help="Run a scenario file, save the run, print a per-year summary.")
@_interruptible("nothing saved")
def run(
    scenario: Annotated[Path, typer.Argument(
        help="Scenario file (TOML), e.g. scenarios/baseline.toml.", show_default=False)],
    seeds: Annotated[int | None, typer.Option(
        help="Replicate runs, each with its own seed [default: the file's scenario.seeds].",
        show_default=False)] = None,
    years: Annotated[int | None, typer.Option(
        help="Years to simulate after the warm-up [default: the file's scenario.years].",
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder to save the run in (outcomes.parquet, manifest.json); an earlier run there "
             "is replaced, any other folder refused [default: results/<scenario name>].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the summary as JSON instead of a table.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core, at most one per seed].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Run a scenario and print each outcome's median (5th-95th percentile) over seeds, per year."""
    try:
        chosen = load_scenario(scenario).with_overrides(seeds=seeds, years=years)
    except ScenarioError as e:
        _fail(str(e))
    [chosen] = _drawn([chosen], point)
    out_dir = out or Path("results") / chosen.name
    _check_output(out_dir, "--out", "run", _inputs(chosen))
    workers = _workers(workers)
    # Imported only now, so that help, `params` and a mistaken scenario answer without loading the model.
    from abm.engines import run_replicates
    from abm.engines.local import cores
    from abm.results import write_results
    from abm.seeds import replicate_seeds
    from abm.summary import render_table, summarise

    seed_list = replicate_seeds(chosen.root_seed, chosen.seeds)
    pool = min(workers or cores(), len(seed_list))
    weekly = run_replicates(chosen, seed_list, engine="local", workers=pool, progress=True)
    try:
        write_or_rescue(lambda folder: write_results(folder, chosen, seed_list, weekly), out_dir, "--out", "the run")
    except OutputError as e:
        _fail(str(e))
    summary = summarise(weekly, chosen)
    typer.echo(json.dumps(summary) if as_json else render_table(summary))


@app.command(short_help="List every parameter: default, allowed range, meaning, source.")
def params(
    word: Annotated[str | None, typer.Argument(
        help="Show only parameters whose name, group or meaning contains this word.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the parameters as JSON.")] = False,
) -> None:
    """List the parameters a scenario's [constants] and [uncertainties] can set: default, range, meaning, source."""
    chosen = [p for p in PARAMETERS.values()
              if word is None or any(word.lower() in text.lower() for text in (p.name, p.group, p.meaning))]
    if as_json:
        typer.echo(json.dumps([{
            "name": p.name, "group": p.group, "default": p.default,
            "low": None if p.kind is bool else p.low, "high": None if p.kind is bool else p.high,
            "meaning": p.meaning, "source": p.source} for p in chosen], indent=1))
        return
    if not chosen:
        _fail(f"no parameter's name, group or meaning contains '{word}'")
    lines = [f"{len(chosen)} parameters; set them in a scenario's [constants], or give a range "
             "in [uncertainties] (e.g. name = { low = 0.1, high = 0.2 })."]
    group = None
    for p in chosen:
        if p.group != group:
            group = p.group
            lines += ["", f"[{group}]"]
        lines.append(f"  {p.name} = {str(p.default).lower()}  (allowed {p.allowed()})")
        lines.append(f"      {p.meaning}. Source: {p.source}")
    typer.echo("\n".join(lines))


@app.command(short_help="Analyse a sweep's results: sensitivity indices, failure regions, national totals.")
@_interruptible("nothing written")
def analyze(
    results_dir: Annotated[str, typer.Argument(
        help="A sweep's results folder (written by cpsim sweep).", show_default=False)],
    outcomes: Annotated[str | None, typer.Option(
        metavar="A,B", help="Comma-separated outcomes to analyse (names as in abm/outcomes.py) [default: every kept outcome].",
        show_default=False)] = None,
    method: Annotated[str, typer.Option(
        help="Sensitivity indices: auto (the design's own: sobol or morris), sobol or morris.")] = "auto",
    criterion: Annotated[list[str] | None, typer.Option(
        metavar="OUTCOME>VALUE", help="A failure criterion OUTCOME>VALUE (or >=, <, <=) for scenario discovery; repeat for several "
             "(a point fails when any holds).", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for the tables, plots and report.md; an earlier analysis there is replaced, any "
             "other folder refused [default: RESULTS_DIR/analysis].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the indices and PRIM boxes as JSON instead of the report.")] = False,
) -> None:
    """Analyse a sweep's results without re-running the model, and write tables, plots and report.md."""
    from abm.analysis import AnalysisError, summary, write_analysis
    from abm.analysis import analyze as run_analysis
    from abm.analysis.output import KIND, REPORT
    from abm.sweep.store import DESIGN, FAILURES, MANIFEST, RUNS

    if not results_dir.strip():
        _fail("RESULTS_DIR: an empty path was given; give a sweep's results folder (one written by cpsim sweep)")
    sweep_dir = Path(results_dir)
    out_dir = out or sweep_dir / "analysis"
    _check_output(out_dir, "--out", KIND, [sweep_dir / name for name in (MANIFEST, DESIGN, RUNS, FAILURES)])
    chosen = [name.strip() for name in outcomes.split(",") if name.strip()] if outcomes is not None else None
    try:
        found = run_analysis(sweep_dir, chosen, method, criterion)
        write_or_rescue(lambda folder: write_analysis(found, folder), out_dir, "--out", "the analysis")
    except (AnalysisError, OutputError) as e:
        _fail(str(e))
    for note in found.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(json.dumps(summary(found)) if as_json else
               (out_dir / REPORT).read_text() + f"\nwritten to {out_dir}")


_BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "england_2006_2011.toml"
_TARGETS = Path(__file__).resolve().parent / "validation" / "targets.toml"


@app.command(short_help="Check the historical baseline against its calibration targets; exit 1 if any fails.")
@_interruptible("no report written")
def validate(
    seeds: Annotated[int | None, typer.Option(
        help="Replicate runs, each with its own seed [default: the scenario's scenario.seeds].",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print {\"ok\", \"targets\": [...]} as JSON instead of a table.")] = False,
    report: Annotated[Path | None, typer.Option(
        help="Folder to write the HTML report in (validation.html; an earlier one is replaced).",
        show_default=False)] = None,
    stability: Annotated[bool, typer.Option(
        "--stability", help="Also show, for growing seed counts up to --seeds, which targets pass "
                            "(the median over the first n seeds), and the count from which all do.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core, at most one per seed].", show_default=False)] = None,
    scenario: Annotated[Path, typer.Option(
        help="Scenario file [default: scenarios/england_2006_2011.toml].", show_default=False)] = _BASELINE,
    targets: Annotated[Path, typer.Option(
        help="Targets file [default: abm/validation/targets.toml].", show_default=False)] = _TARGETS,
) -> None:
    """Run the historical baseline and print each calibration target beside the simulated median and
    5th-95th percentile over seeds, its band and PASS or FAIL, then the held-out checks of 2010/11
    (never fitted). Exit status 1 if any fitted target fails, 2 if the scenario or targets file is wrong."""
    from abm.validation import TargetsError, check_periods, load_targets

    try:
        chosen = load_scenario(scenario).with_overrides(seeds=seeds)
    except ScenarioError as e:
        _fail(str(e))
    try:
        target_list = load_targets(targets)
        check_periods(target_list, chosen)
    except TargetsError as e:
        _fail(str(e))
    if report is not None:
        _check_output(report, "--report", None, [*_inputs(chosen), targets])
    workers = _workers(workers)
    from abm.engines import run_replicates
    from abm.engines.local import cores
    from abm.seeds import replicate_seeds
    from abm.validation import as_json as results_json, evaluate, render

    seed_list = replicate_seeds(chosen.root_seed, chosen.seeds)
    pool = min(workers or cores(), len(seed_list))
    weekly = run_replicates(chosen, seed_list, engine="local", workers=pool, progress=True)
    try:
        results = evaluate(weekly, target_list, chosen.start_date)
    except ValueError as e:
        _fail(str(e))
    if report is not None:
        from abm.run import simulate
        from abm.validation.report import REPORT_FILE, write_report

        typer.echo(f"drawing the report, with the decisions of seed {seed_list[0]}", err=True)
        model = simulate(chosen, seed_list[0])
        try:
            write_or_rescue(lambda folder: write_report(folder, chosen, results, weekly, model, seed_list[0]),
                            report, "--report", "the report")
        except OutputError as e:
            _fail(str(e))
        typer.echo(f"report: {report / REPORT_FILE}", err=True)
    if as_json:
        out = results_json(results)
        if stability:
            from abm.validation.stability import passing, stable_count

            table = passing(results)
            out["stability"] = {"stable_from": stable_count(results), "counts": [int(n) for n in table.columns],
                                "passing": {label: [bool(v) for v in row] for label, row in table.iterrows()}}
        typer.echo(json.dumps(out))
    else:
        typer.echo(render(results, chosen.name, len(seed_list)))
        if stability:
            from abm.validation.stability import render_stability

            typer.echo("\n" + render_stability(results))
    if not all(r.ok for r in results if not r.target.held_out):
        raise typer.Exit(1)


@app.command(short_help="Fit the calibration parameters to the targets; --write saves the fit.")
@_interruptible("the completed trials (if any) are saved in --out; continue with --resume")
def calibrate(
    trials: Annotated[int, typer.Option(help="Completed trials the search should hold (with --resume: in all).")] = 60,
    seeds: Annotated[int, typer.Option(
        help="Search seeds each trial runs (the scenario's first replicate seeds).")] = 4,
    holdout_seeds: Annotated[int, typer.Option(
        help="Held-aside seeds (spawned from root_seed + 1) on which the fit must beat the starting guess.")] = 8,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the search saved in --out (e.g. after it was killed).")] = False,
    out: Annotated[Path, typer.Option(
        help="Folder for the search (study.db), its report (calibration.json) and the proposed calibrated.toml.")]
    = Path("results/calibration"),
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    method: Annotated[str, typer.Option(
        help="cma-es (optuna's CMA-ES sampler), levenberg-marquardt (damped Gauss-Newton steps on the "
             "targets' misfits, a Jacobian by finite differences), emulator (the calibration posterior from "
             "emulators of the targets about the point fit) or abc-smc (a posterior by approximate "
             "Bayesian computation from the prior); for emulator and abc-smc --seeds is the seeds of each "
             "draw: docs/calibration.md.")] = "cma-es",
    population: Annotated[int, typer.Option(help="abc-smc: particles in the population (the posterior's members).")]
    = 100,
    generations: Annotated[int, typer.Option(
        help="abc-smc: generations the search should hold (with --resume: in all).")] = 40,
    max_minutes: Annotated[float, typer.Option(
        help="abc-smc: stop at the end of the generation under way after this many minutes; emulator: after the "
             "chunk of runs under way.")] = 60.0,
    draws: Annotated[int, typer.Option(help="emulator: parameter sets drawn and run in each design.")] = 1000,
    rounds: Annotated[int, typer.Option(
        help="emulator: designs the search should hold (each drawn where the emulators of the ones before put "
             "the posterior; with --resume: in all).")] = 2,
    address: Annotated[str | None, typer.Option(
        help="abc-smc, emulator: a running Dask scheduler to run the runs on [default: local worker processes].",
        show_default=False)] = None,
    report: Annotated[Path | None, typer.Option(
        help="Search nothing: write the posterior's diagnostics (marginals, correlated pairs, posterior predictive "
             "checks of every target) to REPORT/posterior.html and posterior.json.", show_default=False)] = None,
    posterior_file: Annotated[Path | None, typer.Option(
        "--posterior", help="With --report: the posterior file [default: scenarios/posterior/england_2006_2011.toml].",
        show_default=False)] = None,
    write: Annotated[bool, typer.Option(
        "--write",
        help="Write the fit to the scenario's parameter file (scenarios/calibrated.toml), if it beats the guess.")]
    = False,
    scenario: Annotated[Path | None, typer.Option(
        help="Historical scenario to fit [default: scenarios/england_2006_2011.toml].", show_default=False)] = None,
    parameters: Annotated[Path | None, typer.Option(
        help="Calibration parameters [default: abm/calibration/parameters.toml].", show_default=False)] = None,
    targets: Annotated[Path | None, typer.Option(
        help="Targets [default: abm/validation/targets.toml].", show_default=False)] = None,
) -> None:
    """Search the declared calibration parameters (CMA-ES or Levenberg-Marquardt) against the targets, then compare the best
    trial with the starting guess on held-aside seeds; with --write save it with its provenance."""
    from abm.calibration import CalibrationError, calibrate as fit
    from abm.calibration.search import SCENARIO_FILE, SPACE_FILE
    from abm.validation import TARGETS_FILE, TargetsError

    workers = _workers(workers)
    if report is not None:
        _posterior_report(report, posterior_file, scenario, parameters, targets, workers)
        return
    if method == "emulator":
        _calibrate_emulator(scenario, parameters, targets, out, seeds, draws, rounds, max_minutes, resume, workers,
                            address, write)
        return
    if method == "abc-smc":
        _calibrate_abc(scenario, parameters, targets, out, seeds, population, generations, max_minutes, resume, workers,
                       address, write)
        return
    try:
        done = fit(scenario or SCENARIO_FILE, parameters or SPACE_FILE, targets or TARGETS_FILE, out, trials, seeds,
                   holdout_seeds, resume, workers, write, method=method)
    except (CalibrationError, ScenarioError, TargetsError, OutputError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: the completed trials are saved in {out}; continue with --resume", err=True)
        raise typer.Exit(130) from None
    c = done.comparison
    typer.echo(done.summary)
    typer.echo(f"\nreport: {out / 'calibration.json'}; proposed parameter file: {done.proposal}")
    if not c.beats_guess:
        typer.echo(f"the best trial does NOT beat the starting guess on the held-aside seeds (loss "
                   f"{c.best_holdout:.3f} against {c.guess_holdout:.3f}): "
                   f"{'nothing written' if write else 'do not use it'}", err=True)
        raise typer.Exit(1)
    if done.written:
        typer.echo(f"written: {done.written}")
    else:
        typer.echo("not written (pass --write to write it to the scenario's parameter file)")


def _calibrate_abc(scenario, parameters, targets, out, seeds, population, generations, max_minutes, resume, workers,
                   address, write) -> None:
    from abm.calibration import CalibrationError
    from abm.calibration.abc import calibrate_abc
    from abm.calibration.search import SCENARIO_FILE, SPACE_FILE
    from abm.validation import TARGETS_FILE, TargetsError

    try:
        state, saved, written = calibrate_abc(scenario or SCENARIO_FILE, parameters or SPACE_FILE,
                                              targets or TARGETS_FILE, out, seeds, population, generations,
                                              max_minutes, resume, workers, "dask" if address else "local", address,
                                              write)
    except (CalibrationError, ScenarioError, TargetsError, OutputError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: the finished generations are saved in {out}; continue with --resume", err=True)
        raise typer.Exit(130) from None
    from abm.calibration.posterior import load_posterior

    post = load_posterior(saved, parameters or SPACE_FILE)
    typer.echo(f"{state.t + 1} generations, {state.simulations:,} particles run in all; epsilon "
               + " -> ".join(f"{e:.1f}" for e in state.epsilons))
    median = float(sorted(state.distance)[len(state.distance) // 2])
    typer.echo(f"posterior: {len(post.members)} distinct members of {len(state.u)} particles, effective sample size "
               f"{post.effective_sample_size:.1f}, median distance {median:.1f}; saved as {saved}")
    typer.echo(f"written: {written}" if written else "not written (pass --write to write it to scenarios/posterior/)")


def _calibrate_emulator(scenario, parameters, targets, out, seeds, draws, rounds, max_minutes, resume, workers,
                        address, write) -> None:
    import numpy as np

    from abm.calibration import CalibrationError
    from abm.calibration.emulator import calibrate_emulator
    from abm.calibration.posterior import load_posterior
    from abm.calibration.search import SCENARIO_FILE, SPACE_FILE
    from abm.validation import TARGETS_FILE, TargetsError

    try:
        state, saved, written = calibrate_emulator(scenario or SCENARIO_FILE, parameters or SPACE_FILE,
                                                   targets or TARGETS_FILE, out, seeds, draws, rounds, max_minutes,
                                                   resume, workers, "dask" if address else "local", address, write)
    except (CalibrationError, ScenarioError, TargetsError, OutputError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: the finished runs are saved in {out}; continue with --resume", err=True)
        raise typer.Exit(130) from None
    p = load_posterior(saved, parameters or SPACE_FILE).provenance
    typer.echo(f"{len(state.sizes)} designs, {int(state.run.sum()):,} parameter sets run; the point fit's own "
               f"distance {np.median(state.fit['pilot']):.1f} (median of {len(state.fit['pilot'])} sets of seeds)")
    low, median, high = p["emulated_loss_of_members"]
    typer.echo(f"emulators of {p['targets_used']} targets (R^2 on held-out draws: median "
               f"{p['emulator_r2_held_out'][1]:.2f}); emulated loss {p['emulated_loss_at_point_fit']:.1f} at the point "
               f"fit, {median:.1f} ({low:.1f} to {high:.1f}) over the members; posterior saved as {saved}")
    typer.echo(f"written: {written}" if written else "not written (pass --write to write it to scenarios/posterior/)")


def _posterior_report(folder, posterior_file, scenario, parameters, targets, workers) -> None:
    from abm.calibration import CalibrationError
    from abm.calibration.posterior import POSTERIOR_FILE, load_posterior
    from abm.calibration.posterior_report import write_report
    from abm.calibration.search import SCENARIO_FILE, SPACE_FILE, prepare
    from abm.folders import check_output
    from abm.validation import TARGETS_FILE, TargetsError

    try:
        setup = prepare(scenario or SCENARIO_FILE, parameters or SPACE_FILE, targets or TARGETS_FILE, 1, 1)
        post = load_posterior(posterior_file or POSTERIOR_FILE, parameters or SPACE_FILE)
        check_output(folder, "--report", None, (*setup.inputs, post.path))
        result = write_report(folder, post, setup, workers)
    except (CalibrationError, ScenarioError, TargetsError, OutputError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing written", err=True)
        raise typer.Exit(130) from None
    typer.echo(f"posterior predictive: {result['fitted_pass']} of {result['fitted']} fitted targets pass, "
               f"{result['held_out_pass']} of {result['held_out']} held-out checks; "
               f"report: {folder / 'posterior.html'}, {folder / 'posterior.json'}")


@app.command(short_help="Summarise the calibration posterior: its members and each parameter's spread.")
def posterior(
    file: Annotated[Path | None, typer.Argument(
        help="Posterior file [default: scenarios/posterior/england_2006_2011.toml].", show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    parameters: Annotated[Path | None, typer.Option(
        help="Calibration parameters it was drawn over [default: abm/calibration/parameters.toml].",
        show_default=False)] = None,
) -> None:
    """Summarise the committed calibration posterior: method, members, effective sample size, and each
    calibration parameter's weighted 5th percentile, median and 95th percentile."""
    from abm.calibration.posterior import POSTERIOR_FILE, PosteriorError, load_posterior
    from abm.calibration.space import SPACE_FILE, CalibrationError

    try:
        post = load_posterior(file or POSTERIOR_FILE, parameters or SPACE_FILE)
    except (PosteriorError, CalibrationError) as e:
        _fail(str(e))
    summary = post.summary()
    if json_out:
        typer.echo(json.dumps(summary, indent=1))
        return
    typer.echo(f"{post.path}: {summary['method']}, {summary['members']} members, effective sample size "
               f"{summary['effective_sample_size']:.1f}")
    width = max(map(len, summary["parameters"]))
    typer.echo(f"{'parameter'.ljust(width)}  {'p05':>10}  {'median':>10}  {'p95':>10}  prior range")
    for d in post.space:
        q = summary["parameters"][d.name]
        typer.echo(f"{d.name.ljust(width)}  {q['p05']:>10.4g}  {q['median']:>10.4g}  {q['p95']:>10.4g}  "
                   f"{d.low:g} to {d.high:g}{' (log)' if d.log else ''}")


@app.command(short_help="Run a sweep file: many runs over a design, each saved as it finishes; resumable.")
@_interruptible("the finished runs (if any) are saved in --out; continue with --resume")
def sweep(
    sweep_file: Annotated[Path, typer.Argument(
        help="Sweep file (TOML), e.g. scenarios/sweeps/smoke.toml.", show_default=False)],
    engine: Annotated[str, typer.Option(
        help="Where the runs execute: local (a process pool), dask or ray.")] = "local",
    address: Annotated[str | None, typer.Option(
        help="A running Dask scheduler or Ray cluster to use [default: start one on 127.0.0.1].",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Results folder [default: results/sweeps/<sweep name>].", show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the sweep in --out, skipping its finished runs.")] = False,
    dashboard: Annotated[bool, typer.Option(
        "--dashboard", help="Start the Dask dashboard on 127.0.0.1 (engine dask; needs bokeh).")] = False,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Run every (design point, replicate) of a sweep file and save each run as it finishes.

    A run that raises is recorded in the folder's failures/ and the sweep goes on; the exit
    status is 0 unless every run failed (1). A mistake in the file or the options: one line,
    exit status 2, nothing run or written.
    """
    from abm.engines import EngineError
    from abm.sweep.design import make_design
    from abm.sweep.runner import check_engine, run_sweep
    from abm.sweep.spec import SweepError, load_sweep
    from abm.posterior_draws import sentence, uncertainty
    from abm.sweep.store import SweepStoreError

    try:
        chosen = load_sweep(sweep_file)
        design = make_design(chosen)
    except SweepError as e:
        _fail(str(e))
    [base] = _drawn([chosen.base], point)
    chosen = dataclasses.replace(chosen, base=base)
    try:
        check_engine(engine, workers, address, dashboard)
    except (ValueError, EngineError) as e:
        _fail(str(e))
    out_dir = out or Path("results") / "sweeps" / chosen.name
    _check_output(out_dir, "--out", None, [Path(sweep_file), *_inputs(chosen.base)])
    workers = _workers(workers)
    for note in (*chosen.notes, *design.notes):
        typer.echo(f"note: {note}", err=True)
    try:
        report = run_sweep(chosen, design, out_dir, engine=engine, workers=workers, address=address,
                           dashboard=dashboard, resume=resume)
    except (SweepStoreError, EngineError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: the finished runs are saved in {out_dir}; continue with --resume", err=True)
        raise typer.Exit(130) from None
    typer.echo(f"{chosen.name}: {report.done} of {report.total} runs finished ({report.earlier} earlier), "
               f"{report.failed} failed; results in {out_dir}" + (f". {sentence(uncertainty([base]))}" if report.done
                                                                   else ""))
    if report.failed:
        typer.echo(f"{report.failed} runs failed: see {out_dir / 'failures'} (each with its error and seed)", err=True)
    if report.failed and report.done == 0:
        raise typer.Exit(1)


@app.command("app", short_help="Start the reviewers' app (Solara) and print its address to open in a browser.")
def app_command(
    port: Annotated[int, typer.Option(help="Port to serve the app on.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 serves this machine only.")] = "127.0.0.1",
) -> None:
    """Serve the app (Compare, Workshop, Inside the system, Keep and share) until Ctrl-C."""
    import sys

    from abm.results import PROJECT_ROOT

    sys.path.insert(0, str(PROJECT_ROOT))  # the app lives in the project's app/ folder, not in the package
    from app.server import ServerError, serve

    try:
        serve(host, port)
    except ServerError as e:
        _fail(str(e))


def _load_all(paths: list[Path], years: int | None) -> list:
    try:
        return [load_scenario(path).with_overrides(years=years) for path in paths]
    except ScenarioError as e:
        _fail(str(e))


def _check_run_options(report: Path | None, inputs: list[Path], *checks) -> None:
    """The shared checks of `compare`, `workshop` and `detectable` (each of `checks` a call that may raise
    CompareError)."""
    from abm.compare.page import check_report_folder

    for check in checks:
        check()
    if report is not None:
        check_report_folder(report, inputs)


def _provisional_lines(names: list[str], seeds: int, shown: list[str] | None = None):
    """A `landed` callback printing provisional results on stderr, above the progress bar, as seeds complete."""
    import sys

    from tqdm import tqdm

    from abm.compare.landing import line_printer

    return line_printer(names, seeds, lambda line: tqdm.write(line, file=sys.stderr), shown)


def _run_and_report(what: str, total: int, job, report: Path | None, write_report, page: str = "index.html") -> dict:
    """`job(progress)` under one tqdm bar of `total` runs on stderr, then its report written to `report` if given."""
    import sys

    from tqdm import tqdm

    with tqdm(total=total, desc=what, unit="run", file=sys.stderr) as bar:
        result = job(lambda done, _total: bar.update(done - bar.n))
    if report is not None:
        try:
            write_or_rescue(lambda folder: write_report(folder, result), report, "--report", "the report")
        except OutputError as e:
            _fail(str(e))
        typer.echo(f"report: {report / page}", err=True)
    return result


@app.command(short_help="Run scenarios on the same seeds; print each outcome's medians and paired differences.")
@_interruptible("nothing written")
def compare(
    scenarios: Annotated[list[Path], typer.Argument(
        help="Scenario files (TOML); differences are from the first.", show_default=False)],
    seeds: Annotated[int | None, typer.Option(
        help="Seeds every scenario runs on [default: the first file's scenario.seeds].", show_default=False)] = None,
    years: Annotated[int | None, typer.Option(
        help="Years to simulate after the warm-up, for every scenario [default: the files' own, which must agree].",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the comparison as JSON instead of a table.")] = False,
    report: Annotated[Path | None, typer.Option(
        help="Folder to write the HTML report in (index.html and its charts; an earlier report is replaced).",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Run every scenario on the same seeds (common random numbers) and print, for each outcome, each scenario's
    median over seeds and the paired difference from the first scenario with its 90% interval. By default seed s
    runs on the same posterior member in every scenario, so the pairs stay paired."""
    chosen = _drawn(_load_all(scenarios, years), point)
    from abm.compare import CompareError, run_scenarios
    from abm.compare import compare as comparison
    from abm.compare.report import write_report
    from abm.compare.running import check_pairable, check_seeds
    from abm.compare.table import render_comparison
    from abm.posterior_draws import uncertainty

    n = seeds if seeds is not None else chosen[0].seeds
    try:
        _check_run_options(report, _inputs(*chosen), lambda: check_pairable(chosen), lambda: check_seeds(n))
    except (CompareError, OutputError) as e:
        _fail(str(e))
    workers = _workers(workers)
    total = len(chosen) * n
    typer.echo(f"compare: {len(chosen)} scenarios x {n} seeds = {total} runs", err=True)
    names = [s.name for s in chosen]
    result = _run_and_report("compare", total, lambda progress: comparison(
        run_scenarios(chosen, n, workers=workers, progress=progress, landed=_provisional_lines(names, n)), names,
        uncertainty=uncertainty(chosen)), report, write_report)
    typer.echo(json.dumps(result) if as_json else render_comparison(result))


@app.command(short_help="Which outcomes Munro's recommendations move detectably, each alone against the baseline.")
@_interruptible("nothing written")
def detectable(
    seeds: Annotated[int | None, typer.Option(
        help="Seeds every scenario runs on [default: the baseline's scenario.seeds].", show_default=False)] = None,
    years: Annotated[int | None, typer.Option(
        help="Years to simulate after the branch, for every scenario [default: the files' own, which must agree].",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the result as JSON instead of a table.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Run scenarios/baseline.toml and each of the fifteen recommendations alone (scenarios/reforms/r01-r15) on the
    same seeds and print, for every outcome, the recommendations that move it clearly (90% interval off zero and,
    under the posterior, not uncertain) and the largest clear effect; where none is clear, the largest effect of any
    and the smallest difference that recommendation would have to make for the seeds to show it clear 80% of the
    time (its minimal detectable difference): an outcome no recommendation moves is reported as such."""
    from abm.compare.reach import BASELINE_FILE, lever_files, reach

    chosen = _drawn(_load_all([BASELINE_FILE, *lever_files()], years), point)
    from abm.compare import CompareError, run_scenarios
    from abm.compare import compare as comparison
    from abm.compare.running import check_pairable, check_seeds
    from abm.compare.table import render_reach
    from abm.posterior_draws import uncertainty

    n = seeds if seeds is not None else chosen[0].seeds
    try:
        _check_run_options(None, [], lambda: check_pairable(chosen), lambda: check_seeds(n))
    except CompareError as e:
        _fail(str(e))
    if n < 2:
        _fail(f"--seeds: {n} is out of range for cpsim detectable: allowed 2 or more (an interval needs two pairs)")
    workers = _workers(workers)
    total = len(chosen) * n
    typer.echo(f"detectable: {len(chosen)} scenarios x {n} seeds = {total} runs", err=True)
    names = [s.name for s in chosen]
    labels = {s.name: "+".join(lever.reform for lever in s.levers) or s.name for s in chosen[1:]}
    if len(set(labels.values())) < len(labels):  # two files with the same levers: name them by their files
        labels = {name: name for name in labels}
    result = _run_and_report("detectable", total, lambda progress: reach(comparison(
        run_scenarios(chosen, n, workers=workers, progress=progress), names, per_year=False,
        uncertainty=uncertainty(chosen)), labels), None, None)
    typer.echo(json.dumps(result) if as_json else render_reach(result))


@app.command(short_help="The cherry-picking analysis: every subset of a package's reform families.")
@_interruptible("nothing written")
def workshop(
    package: Annotated[Path, typer.Argument(
        help="A package scenario file (TOML) whose [[levers]] switch reforms on, "
             "e.g. scenarios/reforms/munro_full.toml.", show_default=False)],
    seeds: Annotated[int | None, typer.Option(
        help="Seeds every combination runs on (runs: 2^families x seeds) [default: 5].", show_default=False)] = None,
    years: Annotated[int | None, typer.Option(
        help="Years to simulate after the warm-up [default: the file's scenario.years].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print families, subsets, effects, time profile and findings as JSON.")] = False,
    report: Annotated[Path | None, typer.Option(
        help="Folder to write the HTML report in (index.html and its charts; an earlier report is replaced).",
        show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Group the package's reforms into families (at most 6), run every subset of the families on the same seeds,
    and report each subset's outcomes, each family's main effect and two-way interactions, which partial
    packages go the other way from the full package, and the time profile: findings first."""
    [chosen] = _drawn(_load_all([package], years), point)
    from abm.compare import CompareError
    from abm.compare.running import check_seeds
    from abm.workshop import WorkshopError, plan, run_plan
    from abm.workshop.planning import subset_name
    from abm.workshop.report import write_report
    from abm.workshop.running import DEFAULT_SEEDS
    from abm.workshop.table import render_workshop

    seeds = DEFAULT_SEEDS if seeds is None else seeds
    try:
        ws = plan(chosen)
        _check_run_options(report, _inputs(chosen), lambda: check_seeds(seeds))
    except (WorkshopError, CompareError, OutputError) as e:
        _fail(str(e))
    workers = _workers(workers)
    total = len(ws.subsets) * seeds
    families = "; ".join(f"{f}: {', '.join(r)}" for f, r in ws.families.items())
    typer.echo(f"workshop: {len(ws.families)} families ({families}), {len(ws.subsets)} combinations x {seeds} "
               f"seeds = {total} runs", err=True)
    names = [subset_name(s.families) for s in ws.subsets]
    landed = _provisional_lines(names, seeds, shown=names[-1:])
    result = _run_and_report("workshop", total, lambda progress: run_plan(
        ws, seeds, workers=workers, progress=progress, landed=landed), report, write_report)
    typer.echo(json.dumps(result) if as_json else render_workshop(result))


@app.command(short_help="The back-test 2011-2024: what happened, beside Munro in full and no change.")
@_interruptible("nothing written")
def backtest(
    scenario: Annotated[Path | None, typer.Argument(
        help="The back-test scenario file [default: scenarios/england_2011_2024.toml].", show_default=False)] = None,
    seeds: Annotated[int | None, typer.Option(
        help="Seeds every scenario runs on [default: the file's scenario.seeds].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the result (yearly bands, observed figures, closing figures) as JSON.")] = False,
    report: Annotated[Path | None, typer.Option(
        help="Folder to write the report in (backtest.md and its charts; an earlier report is replaced), "
             "e.g. docs/backtest.", show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help=POINT_HELP)] = False,
) -> None:
    """Run the back-test scenario (the changes made after Munro, at their dates), the same decade with Munro's full
    package from April 2011, and the baseline with none of the changes, on the same seeds, with the history on
    those seeds for the base year 2010/11; print the closing figures beside the observed ones (docs/backtest/)."""
    from abm.backtest import BACKTEST_FILE, BacktestError, ObservedError, backtest_result, load_observed, plan, \
        render_closing, write_report
    from abm.compare import CompareError, run_scenarios
    from abm.compare.running import check_pairable, check_seeds
    from abm.posterior_draws import uncertainty

    try:
        chosen = plan(scenario or BACKTEST_FILE, seeds)
        observed = load_observed()
    except (ScenarioError, BacktestError, ObservedError) as e:
        _fail(str(e))
    scenarios, [history] = _drawn(list(chosen.scenarios), point), _drawn([chosen.history], point)
    chosen = dataclasses.replace(chosen, scenarios=tuple(scenarios), history=history)
    n = chosen.scenarios[0].seeds
    try:
        _check_run_options(report, _inputs(*chosen.scenarios), lambda: check_pairable(chosen.scenarios),
                           lambda: check_seeds(n))
    except (CompareError, OutputError) as e:
        _fail(str(e))
    workers = _workers(workers)
    total = (len(chosen.scenarios) + 1) * n
    typer.echo(f"backtest: {len(chosen.scenarios)} scenarios and the history x {n} seeds = {total} runs", err=True)

    def job(progress):
        weekly = run_scenarios(chosen.scenarios, n, workers=workers, progress=lambda done, _: progress(done, total))
        runs = len(chosen.scenarios) * n
        past = run_scenarios([chosen.history], n, workers=workers,
                             progress=lambda done, _: progress(runs + done, total))
        return backtest_result(weekly, past, chosen, observed, uncertainty(chosen.scenarios))

    result = _run_and_report("backtest", total, job, report,
                             lambda folder, result: write_report(folder, result, chosen), page="backtest.md")
    typer.echo(json.dumps(result) if as_json else render_closing(result))


@app.command(short_help="Build the saved history states a branched scenario starts from; --rebuild replaces them.")
@_interruptible("the states saved so far are kept")
def states(
    scenario: Annotated[Path, typer.Argument(
        help="A branched scenario file (TOML), one with [scenario] branch_from.", show_default=False)],
    seeds: Annotated[int | None, typer.Option(
        help="Seeds to build states for [default: the file's scenario.seeds].", show_default=False)] = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Build every one again, also a state file that was refused.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core, at most one per seed].", show_default=False)] = None,
    point: Annotated[bool, typer.Option("--point", help="Build the states of the single calibrated fit instead of "
                                                          "those of each seed's posterior member.")] = False,
) -> None:
    """Build, with a progress bar, the saved states of the history at the branch date that SCENARIO's seeds start
    from and that the cache lacks or holds stale (all of them with --rebuild); print where they are
    (docs/branching.md). By default they are the states `cpsim compare` uses: each seed's history on its
    posterior member; --point builds the single fit's."""
    try:
        chosen = load_scenario(scenario).with_overrides(seeds=seeds)
    except ScenarioError as e:
        _fail(str(e))
    if chosen.branch_from is None:
        _fail(f"{scenario}: scenario.branch_from: is missing; only a branched scenario starts from saved states")
    [chosen] = _drawn([chosen], point)
    workers = _workers(workers)
    from abm.branching import prepare
    from abm.engines import ENGINES
    from abm.engines.local import cores
    from abm.seeds import replicate_seeds
    from abm.states import state_file

    seed_list = replicate_seeds(chosen.root_seed, chosen.seeds)
    with ENGINES["local"](min(workers or cores(), len(seed_list))) as engine:
        built = prepare([chosen], seed_list, engine, progress=True, rebuild=rebuild)
    typer.echo(f"{chosen.branch_from}: {built} states built, {len(seed_list) - built} already saved, in "
               f"{state_file(chosen.branch_from, seed_list[0]).parent}")


cache_app = typer.Typer(help="The cache: finished runs (reused by run, compare, workshop, sweep, validate, backtest and the app) and "
                             "saved history states (docs/cache.md).", no_args_is_help=True)
app.add_typer(cache_app, name="cache", short_help="Show or clear the cache of finished runs and saved states.")


@cache_app.command("info")
@_interruptible("nothing changed")
def cache_info(as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False) -> None:
    """Print where the cache is, how many finished runs and saved states it holds, their size and the limit."""
    from abm import run_cache, states

    runs = run_cache.RunCache()
    sizes = runs.sizes()
    saved = states.saved_files()
    info = {"folder": str(states.cache_folder()), "run_cache": "on" if run_cache.enabled() else "off",
            "runs": len(sizes), "runs_mb": round(sum(sizes.values()) / 1e6, 1), "limit_mb": runs.limit / 1e6,
            "states": len(saved), "histories": len({p.parent for p in saved}),
            "states_mb": round(sum(p.stat().st_size for p in saved) / 1e6, 1)}
    if as_json:
        typer.echo(json.dumps(info))
        return
    typer.echo(f"cache folder {info['folder']} (CPSIM_CACHE)\n"
               f"  finished runs: {info['runs']:,}, {info['runs_mb']:,.1f} MB of at most {info['limit_mb']:,.0f} MB "
               f"(CPSIM_CACHE_LIMIT_MB; least recently used dropped first); run cache {info['run_cache']} "
               f"(CPSIM_RUN_CACHE)\n"
               f"  saved states: {info['states']:,} in {info['histories']} histories, {info['states_mb']:,.1f} MB")


@cache_app.command("clear")
@_interruptible("the cache may be partly cleared")
def cache_clear(
    with_states: Annotated[bool, typer.Option("--states", help="Also delete the saved history states (rebuilt on "
                                                               "the next run that needs them).")] = False,
) -> None:
    """Delete the finished runs of the cache (and with --states its saved states); only files cpsim wrote there."""
    from abm import run_cache, states

    runs = run_cache.RunCache().clear()
    cleared = f", {states.clear():,} saved states" if with_states else ""
    typer.echo(f"deleted {runs:,} finished runs{cleared} from {states.cache_folder()}")


LINK_SEEDS = 24  # the single fit's default
LINK_SEEDS_POSTERIOR = 48  # across the posterior: 24 seeds left two links' verdicts to noise (docs/validation.md)


@app.command(short_help="Measure every causal link and loop at the calibrated state (elasticities, 90% intervals).")
@_interruptible("nothing measured")
def links(
    seeds: Annotated[int | None, typer.Option(
        help=f"Replicate seeds (paired runs on common random numbers) [default: {LINK_SEEDS}, with --posterior "
             f"{LINK_SEEDS_POSTERIOR}].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of a table.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core, at most one per seed].", show_default=False)] = None,
    scenario: Annotated[Path, typer.Option(
        help="Historical scenario [default: scenarios/england_2006_2011.toml].", show_default=False)] = _BASELINE,
    posterior: Annotated[bool, typer.Option(
        "--posterior", help="Measure across the calibration posterior (scenarios/posterior/): each seed's runs on "
                            "its member, so the intervals include parameter uncertainty [default: the single "
                            "calibrated fit].")] = False,
    link: Annotated[list[str] | None, typer.Option(
        "--link", help="Measure only this link (its key, e.g. 'quality->errors'; repeat for more) and the loops "
                       "it closes with the others given: only their pushes run, so many seeds cost little "
                       "[default: every link].", show_default=False)] = None,
    also: Annotated[list[str] | None, typer.Option(
        "--also", help="Also give each push's relative change of this outcome (a name of `cpsim run`'s columns, "
                       "e.g. children_harmed_per_year; repeat for more), with its 90% interval: what else a push "
                       "moved, to read a link's mechanism.", show_default=False)] = None,
) -> None:
    """At the calibrated historical state (2009/10), move each cause of MODEL.md s4 by a small step on common
    random numbers and print each link's elasticity with its 90% interval and whether it is alive, and each
    loop's gain (B1, B2, R). Exit status 1 if any link measured is not alive."""
    from abm.scenario import RANGES

    high = RANGES["seeds"][1]
    if seeds is None:
        seeds = LINK_SEEDS_POSTERIOR if posterior else LINK_SEEDS
    from abm.links.measure import check_outcomes, chosen_links
    for option, check, value in (("--link", chosen_links, link), ("--also", check_outcomes, also or ())):
        try:
            check(value)
        except ValueError as e:
            _fail(f"{option}: {e}")
    if not 2 <= seeds <= high:
        _fail(f"--seeds: {seeds} is out of range: allowed 2 to {high} (an interval needs two seeds or more)")
    workers = _workers(workers)
    try:
        chosen = load_scenario(scenario)
    except ScenarioError as e:
        _fail(str(e))
    if chosen.start_date is None:
        _fail(f"{scenario}: scenario.start_date is missing; the links are measured in 2009/10")
    if chosen.branch_from is not None:
        _fail(f"{scenario}: scenario.branch_from: the links are measured in 2009/10 on a run of its own; give the "
              f"history ({chosen.branch_from.history.source}) instead")
    [chosen] = _drawn([chosen], point=not posterior)
    if posterior and getattr(chosen, "posterior", None) is None:
        _fail(f"{scenario}: --posterior: no calibration posterior applies to this scenario (none is committed in "
              "scenarios/posterior/, or the scenario names no parameter file); measure on the single fit without "
              "--posterior")
    import sys

    from tqdm import tqdm

    from abm.engines import ENGINES
    from abm.engines.local import cores
    from abm.links import measure
    from abm.links.report import render
    from abm.posterior_draws import uncertainty
    from abm.seeds import replicate_seeds

    seed_list = replicate_seeds(chosen.root_seed, seeds)
    pool = min(workers or cores(), len(seed_list))
    with ENGINES["local"](pool) as engine, tqdm(total=len(seed_list), desc="links", unit="seed",
                                                file=sys.stderr) as bar:
        try:
            result = {**measure(chosen, seed_list, engine, progress=lambda: bar.update(1), keys=link,
                                also=tuple(also or ())),
                      **uncertainty([chosen])}
        except ValueError as e:
            _fail(f"{scenario}: {e}")
    typer.echo(json.dumps(result) if as_json else render(result))
    if not all(link["alive"] for link in result["links"]):
        raise typer.Exit(1)


if __name__ == "__main__":
    app(prog_name="cpsim")
