"""Writing an analysis: tables (CSV and Parquet), plots (PNG), `report.md` and `summary.json`, atomically.

The whole folder is built as a hidden sibling of its destination and swapped in only
when complete, as `abm.results` does for a run, so an interrupted or failed analysis
leaves the previous one (or nothing) in place. A folder that exists and is neither empty
nor an earlier analysis holding only what cpsim wrote is never replaced (abm.folders). `summary` is the JSON that `--json` prints and that
`summary.json` holds: the indices and the PRIM boxes (and an ensemble's national totals).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from abm.analysis import plots
from abm.analysis.report import report_markdown
from abm.folders import atomic_folder, check_output

REPORT = "report.md"
SUMMARY = "summary.json"
KIND = "analysis"


def check_out(out: Path, inputs=()) -> None:
    """abm.folders.OutputError unless `out` can take an analysis: free, empty or an earlier analysis, and
    neither being, holding nor inside any of `inputs`."""
    check_output(out, "--out", KIND, inputs)


def write_analysis(analysis, out) -> Path:
    """Write every table, plot, the report and the summary of `analysis` into `out`, atomically."""
    out = Path(out)
    with atomic_folder(out, KIND) as tmp:
        files = _tables(analysis, tmp) | _plots(analysis, tmp)
        files[SUMMARY] = "the indices, PRIM boxes and national totals as JSON (what `--json` prints)"
        files[REPORT] = "this report"
        (tmp / SUMMARY).write_text(json.dumps(summary(analysis), indent=1) + "\n")
        (tmp / REPORT).write_text(report_markdown(analysis, files))
    return out


def summary(analysis) -> dict:
    """The indices and boxes (and national totals) as plain JSON-ready data; undefined numbers are None."""
    a = analysis
    indices = a.indices
    return _plain({
        "results": str(a.results_dir),
        "design": a.design,
        "points": len(a.means),
        "runs": a.runs,
        "outcomes": a.outcomes,
        "method": indices.method if indices else None,
        "indices": indices.table.to_dict("records") if indices else [],
        "second_order": indices.second.to_dict("records") if indices and indices.second is not None else [],
        "skipped": indices.skipped if indices else {},
        "criteria": [str(c) for c in a.criteria],
        "failing_points": a.failing_points,
        "boxes": [{"rule": b.rule(), "coverage": b.coverage, "density": b.density, "mass": b.mass, "n": b.n,
                   "dense_enough": b.dense_enough,
                   "limits": b.limits[["low", "high", "restricted", "qp_low", "qp_high"]].to_dict("index")}
                  for b in a.boxes],
        "national": a.national.to_dict("records") if a.national is not None else [],
        "notes": a.notes,
    })


def _tables(a, tmp: Path) -> dict[str, str]:
    tables = {
        "run_scalars": (a.scalars, "one row per run: point, replicate, each outcome reduced to one number"),
        "point_means": (a.means, "one row per design point: the varied parameters and the replicate means"
                                 + (" and whether the point fails the criteria" if a.criteria else "")),
    }
    if a.indices is not None:
        tables[f"{a.indices.method}_indices"] = (a.indices.table, "the sensitivity indices per outcome and "
                                                 "parameter (`_conf`: half-width of the 95% interval)")
        if a.indices.second is not None:
            tables["sobol_second_order"] = (a.indices.second, "second-order Sobol indices per pair of parameters")
    if a.boxes:
        tables["prim_boxes"] = (pd.DataFrame([{"box": i, "rule": b.rule(), "coverage": b.coverage,
                                               "density": b.density, "mass": b.mass, "n": b.n, "step": b.step,
                                               "dense_enough": b.dense_enough} for i, b in enumerate(a.boxes, 1)]),
                                "one row per PRIM box: its rule, coverage, density, mass and selected step")
        tables["prim_limits"] = (pd.concat([b.limits.reset_index().assign(box=i) for i, b in enumerate(a.boxes, 1)],
                                           ignore_index=True),
                                 "each box's limits per parameter, whether restricted, and quasi-p-values")
        tables["prim_trajectory"] = (pd.concat([b.trajectory.rename_axis("step").reset_index().assign(box=i)
                                                for i, b in enumerate(a.boxes, 1)], ignore_index=True),
                                     "each box's peeling and pasting trajectory")
    if a.national is not None:
        tables["national_totals"] = (a.national, "national totals per outcome and year: median, p05, p95 "
                                                 "over replicates")
    files = {}
    for name, (table, what) in tables.items():
        table.to_csv(tmp / f"{name}.csv", index=False)
        table.to_parquet(tmp / f"{name}.parquet", index=False)
        files[f"{name}.{{csv,parquet}}"] = what
    return files


def _plots(a, tmp: Path) -> dict[str, str]:
    folder = tmp / "plots"
    folder.mkdir()
    files = {}
    if a.indices is not None:
        draw = plots.sobol_figure if a.indices.method == "sobol" else plots.morris_figure
        for outcome, t in a.indices.table.groupby("outcome", sort=False):
            draw(t, outcome, folder / f"{a.indices.method}_{outcome}.png")
        files[f"plots/{a.indices.method}_OUTCOME.png"] = (
            "S1 and ST per parameter with 95% intervals" if a.indices.method == "sobol"
            else "mu* per parameter with 95% intervals, and the mu*-sigma plane")
    failing = " or ".join(str(c) for c in a.criteria)
    for i, box in enumerate(a.boxes, 1):
        plots.box_figure(box, i, a.parameters, failing, folder / f"prim_box{i}.png")
    if a.boxes:
        files["plots/prim_boxN.png"] = "each PRIM box: its peeling trajectory and its limits on each parameter"
    if a.national is not None:
        for outcome in a.national["outcome"].unique():
            plots.national_figure(a.national, outcome, folder / f"national_{outcome}.png")
        files["plots/national_OUTCOME.png"] = "national total per year: median and 5th-95th percentile band"
    if not files:
        folder.rmdir()
    return files


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
