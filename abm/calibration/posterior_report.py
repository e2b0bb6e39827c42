"""`cpsim calibrate --report DIR`: the posterior's diagnostics, as DIR/posterior.html and DIR/posterior.json.

- the search: epsilon and acceptance rate by generation (from the file's provenance);
- marginals: each dimension's weighted histogram over its prior's range, the point fit
  (the searched point in scenarios/calibrated.toml's provenance) marked;
- the pairs of dimensions whose members are most correlated (weighted Pearson correlation
  of the unit coordinates), as scatter plots with each member's weight as its size;
- posterior predictive checks: every member runs the history once, on a seed of its own
  spawned from root_seed + 2 (none of the point fits' search or held-aside seeds), and each
  target's weighted 5th, 50th and 95th percentiles over the members stand beside its band,
  the fitted years and the 2010/11 year kept out of the fit. A target passes, as in
  `cpsim validate`, when the weighted median lies in its band.
"""

from __future__ import annotations

import html
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from abm.calibration.posterior import Posterior, weighted_quantiles
from abm.results import atomic_write_bytes
from abm.seeds import replicate_seeds
from abm.validation.evaluate import _fmt
from abm.validation.report import CSS, SIM, _img

PAIRS = 6  # correlated pairs shown


def unit(post: Posterior) -> np.ndarray:
    """Members x dimensions: each member's unit coordinate (0 at low, 1 at high; log scale where declared)."""
    return np.array([[d.unit_of(m[d.name]) for d in post.space] for m in post.members])


def correlated_pairs(post: Posterior, n: int = PAIRS) -> list[tuple[str, str, float]]:
    """The `n` pairs of dimensions with the largest weighted correlation (in size) across members."""
    x, w = unit(post), post.weights
    centred = x - w @ x
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    names = [d.name for d in post.space]
    pairs = [(names[i], names[j], float(cov[i, j] / (sd[i] * sd[j])))
             for i in range(len(names)) for j in range(i + 1, len(names)) if sd[i] > 0 and sd[j] > 0]
    return sorted(pairs, key=lambda p: -abs(p[2]))[:n]


def _run_member(item):
    from abm.run import run

    scenario, seed = item
    return run(scenario, seed)


def predictive(post: Posterior, setup, workers: int = 2, progress: bool = True) -> pd.DataFrame:
    """Each member's value of each target, from one run of its own seed: members x target labels."""
    from tqdm import tqdm

    from abm.calibration.search import _labels
    from abm.engines import ENGINES
    from abm.scenario import Scenario
    from abm.validation import evaluate

    seeds = replicate_seeds((setup.scenario.root_seed + 2) % 2**63, len(post.members))
    items = [(Scenario.model_validate({**dict(setup.scenario),
                                       "constants": {**setup.scenario.constants, **post.constants(k)}}), seed)
             for k, seed in enumerate(seeds)]
    rows: list = [None] * len(items)
    with ENGINES["local"](min(workers, len(items))) as engine, \
            tqdm(total=len(items), desc="posterior predictive", unit="run", disable=not progress, file=sys.stderr,
                 dynamic_ncols=True) as bar:
        for k, weekly in engine.map(_run_member, items):
            results = evaluate(weekly, setup.targets, setup.scenario.start_date)
            rows[k] = {label: r.median for label, r in zip(_labels(results), results)}
            bar.update()
    return pd.DataFrame(rows)


def checks(post: Posterior, setup, table: pd.DataFrame) -> list[dict]:
    """Each target's weighted percentiles over members beside its band."""
    out = []
    for t in setup.targets:
        p05, median, p95 = weighted_quantiles(table[f"{t.name} {t.when}"].to_numpy(dtype=float), post.weights)
        out.append({"name": t.name, "period": t.when, "held_out": t.held_out, "target": t.value, "low": t.low,
                    "high": t.high, "p05": p05, "median": median, "p95": p95,
                    "ok": bool(math.isfinite(median) and t.low <= median <= t.high), "_target": t})
    return out


def _log_axis(ax, axis: str) -> None:
    """A log scale labelled with plain numbers at its major ticks only (minor labels crowd small panels)."""
    getattr(ax, f"set_{axis}scale")("log")
    scale = getattr(ax, f"{axis}axis")
    scale.set_major_formatter(FormatStrFormatter("%g"))
    scale.set_minor_formatter(NullFormatter())


def marginals_figure(post: Posterior, fitted: dict[str, float]) -> Figure:
    n = len(post.space)
    cols = 4
    fig = Figure(figsize=(12, 2.1 * math.ceil(n / cols)))
    for i, d in enumerate(post.space):
        ax = fig.add_subplot(math.ceil(n / cols), cols, i + 1)
        values = np.array([m[d.name] for m in post.members])
        bins = np.geomspace(d.low, d.high, 16) if d.log else np.linspace(d.low, d.high, 16)
        ax.hist(values, bins=bins, weights=post.weights, color=SIM, alpha=0.75)
        if d.name in fitted:
            ax.axvline(fitted[d.name], color="#c92a2a", lw=1.5)
        if d.log:
            _log_axis(ax, "x")
        ax.set_xlim(d.low, d.high)
        ax.set_yticks([])
        ax.set_title(d.name, fontsize=7)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def pairs_figure(post: Posterior, pairs: list[tuple[str, str, float]]) -> Figure:
    fig = Figure(figsize=(12, 4 * math.ceil(len(pairs) / 3)))
    by_name = {d.name: d for d in post.space}
    size = 400 * post.weights / post.weights.max()
    for i, (a, b, r) in enumerate(pairs):
        ax = fig.add_subplot(math.ceil(len(pairs) / 3), 3, i + 1)
        ax.scatter([m[a] for m in post.members], [m[b] for m in post.members], s=size, color=SIM, alpha=0.5)
        for axis, d in (("x", by_name[a]), ("y", by_name[b])):
            getattr(ax, f"set_{axis}lim")(d.low, d.high)
            if d.log:
                _log_axis(ax, axis)
        ax.set_xlabel(a, fontsize=7)
        ax.set_ylabel(b, fontsize=7)
        ax.set_title(f"weighted correlation {r:+.2f}", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def checks_figure(rows: list[dict]) -> Figure:
    """Each target's 5th-95th percentile and median in units of its band's half-width (band: -1 to 1)."""
    fig = Figure(figsize=(9, 0.22 * len(rows) + 1))
    ax = fig.add_subplot()
    ax.axvspan(-1, 1, color="#d3f9d8", zorder=0)
    for i, row in enumerate(rows):
        half = row["target"] - row["low"]
        z = [(row[k] - row["target"]) / half if math.isfinite(row[k]) else math.nan for k in ("p05", "median", "p95")]
        colour = "#868e96" if row["held_out"] else SIM
        ax.plot([max(z[0], -6), min(z[2], 6)], [i, i], color=colour, lw=2)
        ax.plot([min(max(z[1], -6), 6)], [i], "o", color=colour if row["ok"] else "#c92a2a", ms=4)
    ax.set_yticks(range(len(rows)), [f"{r['name']} {r['period']}{' (held out)' if r['held_out'] else ''}"
                                     for r in rows], fontsize=6)
    ax.invert_yaxis()
    ax.set_xlim(-6, 6)
    ax.set_xlabel("(simulated - target) / half-width of the target's band; green: the band (clipped at +/-6)")
    fig.tight_layout()
    return fig


def search_figure(provenance: dict) -> Figure:
    fig = Figure(figsize=(9, 2.8))
    eps, rate = provenance.get("epsilon", []), provenance.get("acceptance_rate", [])
    ax = fig.add_subplot(1, 2, 1)
    ax.plot(range(len(eps)), eps, "o-", color=SIM)
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("epsilon (loss)")
    ax = fig.add_subplot(1, 2, 2)
    ax.plot(range(len(rate)), rate, "o-", color=SIM)
    ax.set_xlabel("generation")
    ax.set_ylabel("acceptance rate")
    fig.tight_layout()
    return fig


def _table(rows: list[dict]) -> str:
    head = ("Target", "Period", "Target value", "Posterior predictive median", "5th-95th percentile", "Band", "Result")
    body = []
    for row in rows:
        t, ok = row["_target"], "pass" if row["ok"] else "fail"
        cells = [html.escape(t.name), html.escape(row["period"]) + (" (held out)" if row["held_out"] else ""),
                 _fmt(t.value, t), _fmt(row["median"], t), f"{_fmt(row['p05'], t)} to {_fmt(row['p95'], t)}",
                 f"{_fmt(t.low, t)} to {_fmt(t.high, t)}", ok.upper()]
        body.append(f'<tr class="{ok}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<table class="summary"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "\n".join(body) + "</tbody></table>")


def write_report(folder: Path, post: Posterior, setup, workers: int = 2, progress: bool = True) -> dict:
    """Run the predictive checks and write DIR/posterior.html and DIR/posterior.json; return the JSON."""
    from abm.scenario import load_parameter_file

    table = predictive(post, setup, workers, progress)
    rows = checks(post, setup, table)
    pairs = correlated_pairs(post)
    _, provenance = load_parameter_file(Path(setup.scenario.source).parent / setup.scenario.parameters) \
        if setup.scenario.parameters else ({}, {})
    fitted = dict(provenance.get("searched", {}))  # the point fit, as a point of the calibration space
    summary = post.summary()
    fitted_rows = [r for r in rows if not r["held_out"]]
    held = [r for r in rows if r["held_out"]]
    result = {**summary, "posterior": str(post.path), "predictive_seeds": "one per member, from root_seed + 2",
              "fitted_pass": sum(r["ok"] for r in fitted_rows), "fitted": len(fitted_rows),
              "held_out_pass": sum(r["ok"] for r in held), "held_out": len(held),
              "correlated_pairs": [{"a": a, "b": b, "correlation": r} for a, b, r in pairs],
              "targets": [{k: (v if not isinstance(v, float) or math.isfinite(v) else None)
                           for k, v in r.items() if k != "_target"} for r in rows]}
    p = post.provenance
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cpsim calibration posterior</title><style>{CSS}</style></head>
<body><h1>The calibration posterior</h1>
<p class="note">{html.escape(str(post.path))}: {html.escape(summary["method"])}, {summary["members"]} members,
effective sample size {summary["effective_sample_size"]:.1f}; {p.get("generations", "?")} generations,
{p.get("simulations", "?")} particles run, {p.get("seeds_per_particle", "?")} seed(s) each; written by
{html.escape(str(p.get("code_describe", "?")))} on {html.escape(str(p.get("date", "?")))}. Distance:
{html.escape(str(p.get("distance", "")))}.</p>
<h2>The search</h2>{_img(search_figure(p), "search", "epsilon and acceptance rate by generation")}
<h2>Posterior predictive checks: {result["fitted_pass"]} of {result["fitted"]} fitted targets pass,
{result["held_out_pass"]} of {result["held_out"]} held-out checks</h2>
<p class="note">Each member runs the history once on a seed of its own; the median and percentiles are weighted
by the members' weights. Grey: the 2010/11 checks kept out of the fit.</p>
{_img(checks_figure(rows), "checks", "each target's predictive interval against its band")}
{_table(rows)}
<h2>Marginals</h2><p class="note">Weighted histograms over each prior's range; red: the point fit
(scenarios/calibrated.toml).</p>{_img(marginals_figure(post, fitted), "marginals", "marginal posteriors")}
<h2>The most correlated pairs</h2>{_img(pairs_figure(post, pairs), "pairs", "correlated pairs of parameters")}
</body></html>
"""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / "posterior.json", (json.dumps(result, indent=1) + "\n").encode())
    atomic_write_bytes(folder / "posterior.html", page.encode("utf-8"))
    return result
