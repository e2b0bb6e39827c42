"""Sweeps: many runs of a base scenario over a design of parameter values, saved run by run.

- `spec`: the sweep file format and its strict loader (`load_sweep`, `SweepError`);
- `design`: the design points (grid, Latin hypercube, Sobol, Morris, ensemble);
- `runner`: running every (point, replicate) on an engine, resumable (`run_sweep`);
- `store`: the results folder, written run by run and read back (`read_sweep`,
  `national_totals`).

`cpsim sweep SWEEP.toml` (abm/cli.py) puts them together.
"""
