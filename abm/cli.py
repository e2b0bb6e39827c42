"""The `cpsim` command line: run a scenario file, and list the parameters a scenario can set.

`cpsim run` loads a scenario strictly (any mistake in it: one line on stderr, exit status
2, nothing run or written), runs its replicate seeds, saves the weekly outcomes to a
results folder and prints each outcome's median and 90% interval over seeds per year,
as a table or, with --json, as JSON alone on stdout; progress goes to stderr.
`cpsim params` lists every parameter with its default, allowed range, meaning and source.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from abm.parameters import PARAMETERS
from abm.scenario import ScenarioError, load_scenario

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


@app.command(short_help="Run a scenario file, save the run, print a per-year summary.")
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
             "is replaced [default: results/<scenario name>].", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the summary as JSON instead of a table.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core, at most one per seed].", show_default=False)] = None,
) -> None:
    """Run a scenario and print each outcome's median (5th-95th percentile) over seeds, per year."""
    try:
        chosen = load_scenario(scenario).with_overrides(seeds=seeds, years=years)
    except ScenarioError as e:
        _fail(str(e))
    if workers is not None and workers < 1:
        _fail(f"--workers: {workers} is out of range: allowed 1 or more")
    out_dir = out or Path("results") / chosen.name
    if out_dir.exists() and not out_dir.is_dir():
        _fail(f"--out: {out_dir} is a file, not a folder")
    # Imported only now, so that help, `params` and a mistaken scenario answer without loading the model.
    from abm.engines import run_replicates
    from abm.results import write_results
    from abm.seeds import replicate_seeds
    from abm.summary import render_table, summarise

    seed_list = replicate_seeds(chosen.root_seed, chosen.seeds)
    pool = min(workers or os.cpu_count() or 1, len(seed_list))
    try:
        weekly = run_replicates(chosen, seed_list, engine="local", workers=pool, progress=True)
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing saved", err=True)
        raise typer.Exit(130) from None
    try:
        write_results(out_dir, chosen, seed_list, weekly)
    except ValueError as e:
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


if __name__ == "__main__":
    app(prog_name="cpsim")
