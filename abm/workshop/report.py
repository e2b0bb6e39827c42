"""The workshop report: plain-language findings first, each group followed by the chart it rests on;
then what was run (families, subsets, seeds), how to read it, and the tables behind the charts."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from abm.compare.page import COLOURS, VERDICT_COLOURS, image, table, write_page
from abm.compare.table import difference_cell, uncertainty_line
from abm.summary import PERCENT, _number, _value
from abm.workshop.findings import amount, short, who


def _relative(d: dict, base: dict) -> tuple[float, float, float]:
    """A difference as a share of the baseline median (nan when that is 0 or undefined)."""
    b = base["median"]
    if not b or d["mean"] is None:
        return np.nan, np.nan, np.nan
    return (d["mean"] / b, *(np.nan if d[k] is None else d[k] / b for k in ("p05", "p95")))


def _axis_format(ax, outcome: str, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0) if outcome in PERCENT else FuncFormatter(lambda v, _: _number(v)))


def full_package_figure(result: dict) -> Figure:
    base, full, checked = result["subsets"][0], result["subsets"][-1], result["checked"]
    fig = Figure(figsize=(9, 0.6 * len(checked) + 1.5))
    ax = fig.subplots()
    for row, c in enumerate(reversed(checked)):
        d = full["difference"][c["name"]]
        mid, low, high = _relative(d, base["outcomes"][c["name"]])
        colour = VERDICT_COLOURS[d["verdict"]]
        ax.barh(row, mid, color=colour, alpha=0.8)
        if np.isfinite(low):
            ax.errorbar(mid, row, xerr=[[mid - low], [high - mid]], fmt="none", color="black", capsize=4)
        ax.text(1.01, row, d["verdict"], transform=ax.get_yaxis_transform(), va="center", fontsize=8, color=colour)
    ax.set_yticks(range(len(checked)), ["\n".join(textwrap.wrap(c["label"], 40)) for c in reversed(checked)],
                  fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("full package minus no reform, as a share of no reform's median (mean over seeds, 90% interval); "
                  "lower is better for all of these", fontsize=8)
    ax.set_title("The full package against no reform", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return fig


def subsets_figure(result: dict) -> Figure:
    base, checked, rows = result["subsets"][0], result["checked"], result["subsets"][1:]
    fig = Figure(figsize=(2 + 1.3 * len(checked), 1.2 + 0.32 * len(rows)))
    ax = fig.subplots()
    for i, s in enumerate(rows):
        for j, c in enumerate(checked):
            d = s["difference"][c["name"]]
            colour = {"better": "#b2f2bb", "worse": "#ffc9c9"}.get(d["verdict"], "#f1f3f5")
            ax.add_patch(_cell(j, i, colour))
            mid = _relative(d, base["outcomes"][c["name"]])[0]
            ax.text(j + 0.5, i + 0.5, "n/a" if not np.isfinite(mid) else f"{mid:+.1%}", ha="center", va="center",
                    fontsize=7, fontweight="bold" if d["verdict"] in ("better", "worse") else "normal")
    ax.set_xlim(0, len(checked))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks(np.arange(len(checked)) + 0.5, ["\n".join(textwrap.wrap(c["label"], 18)) for c in checked],
                  fontsize=7)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(len(rows)) + 0.5, [who(s["families"], result) for s in rows], fontsize=7)
    ax.set_title("Every combination of families against no reform: change as a share of no reform's median;\n"
                 "green: better, red: worse (90% interval on one side of zero), grey: no clear difference",
                 fontsize=9, pad=40)
    return fig


def _cell(x: int, y: int, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5)


def subset_outcome_figure(result: dict, outcome: dict) -> Figure:
    name, rows = outcome["name"], result["subsets"][1:]
    fig = Figure(figsize=(8, 1.2 + 0.3 * len(rows)))
    ax = fig.subplots()
    for i, s in enumerate(rows):
        d = s["difference"][name]
        if d["mean"] is None:
            continue
        colour = VERDICT_COLOURS[d["verdict"]]
        if d["p05"] is not None:
            ax.plot([d["p05"], d["p95"]], [i, i], color=colour, linewidth=2)
        full = len(s["families"]) == len(result["families"])
        ax.plot(d["mean"], i, "D" if full else "o", color=colour, markersize=7 if full else 5)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [who(s["families"], result) for s in rows], fontsize=7)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    _axis_format(ax, name, "x")
    ax.set_xlabel(f"difference from no reform, mean and 90% interval ({outcome['better']} is better)", fontsize=8)
    ax.set_title(textwrap.fill(f"{outcome['label']}: each combination against no reform", 80), fontsize=9)
    ax.grid(alpha=0.3, axis="x")
    return fig


def effects_figure(result: dict, outcome: dict) -> Figure:
    effects = [e for e in result["effects"] if e["outcome"] == outcome["name"]]
    fig = Figure(figsize=(8, 1.2 + 0.3 * len(effects)))
    ax = fig.subplots()
    for i, e in enumerate(effects):
        clear = e["p05"] is not None and (e["p05"] > 0 or e["p95"] < 0)
        colour = COLOURS[0] if len(e["term"]) == 1 else COLOURS[1]
        if e["p05"] is not None:
            ax.plot([e["p05"], e["p95"]], [i, i], color=colour, linewidth=2, alpha=1 if clear else 0.4)
        if e["estimate"] is not None:
            ax.plot(e["estimate"], i, "o", color=colour, alpha=1 if clear else 0.4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(effects)),
                  [short(e["term"][0]) if len(e["term"]) == 1 else " x ".join(map(short, e["term"])) for e in effects],
                  fontsize=7)
    ax.set_ylim(len(effects) - 0.5, -0.5)
    _axis_format(ax, outcome["name"], "x")
    ax.set_xlabel(f"effect, mean over seeds and 90% interval ({outcome['better']} is better); blue: a family's main "
                  "effect, orange: a two-way interaction; faint: interval includes 0", fontsize=8)
    ax.set_title(textwrap.fill(f"{outcome['label']}: main effects and interactions", 80), fontsize=9)
    ax.grid(alpha=0.3, axis="x")
    return fig


def time_figure(result: dict, outcome: dict) -> Figure:
    name, series, tp = outcome["name"], result["series"], result["time_profile"]
    labels = series["labels"]
    x = np.arange(len(labels))
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    for span, colour in ((tp["early_years"], "#fff3bf"), (tp["late_years"], "#d3f9d8")):
        idx = [labels.index(y) for y in span]
        ax.axvspan(min(idx) - 0.4, max(idx) + 0.4, color=colour, alpha=0.6, linewidth=0)
    shown = [s for s in result["subsets"][1:] if len(s["families"]) in (1, len(result["families"]))]
    for i, s in enumerate(shown):
        d = series["difference"][s["name"]][name]
        mean = np.array([np.nan if v is None else v for v in d["mean"]], dtype=float)
        full = len(s["families"]) == len(result["families"])
        colour = "black" if full else COLOURS[i % len(COLOURS)]
        if full:
            low = np.array([np.nan if v is None else v for v in d["p05"]], dtype=float)
            high = np.array([np.nan if v is None else v for v in d["p95"]], dtype=float)
            ax.fill_between(x, low, high, color="0.6", alpha=0.35, linewidth=0, label="full package: 90% interval")
        ax.plot(x, mean, "o-", color=colour, linewidth=2.2 if full else 1.2, markersize=3,
                label=who(s["families"], result))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, labels, rotation=45 if len(labels) > 6 else 0, fontsize=8)
    _axis_format(ax, name)
    ax.set_ylabel(f"difference from no reform\n({outcome['better']} is better)", fontsize=8)
    ax.set_title(textwrap.fill(f"{outcome['label']} year by year: yellow, the first {len(tp['early_years'])} years; "
                               f"green, the last {len(tp['late_years'])}", 90), fontsize=9)
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    return fig


def chart(result: dict, name: str) -> Figure:
    """The chart a finding names: full_package, subsets, or subsets-, effects- or time- and an outcome."""
    if name == "full_package":
        return full_package_figure(result)
    if name == "subsets":
        return subsets_figure(result)
    kind, outcome = name.split("-", 1)
    checked = next(c for c in result["checked"] if c["name"] == outcome)
    return {"subsets": subset_outcome_figure, "effects": effects_figure, "time": time_figure}[kind](result, checked)


def _findings_html(result: dict) -> str:
    groups: dict[str, list[str]] = {}
    for f in result["findings"]:
        groups.setdefault(f["chart"], []).append(f["text"])
    return "".join(f"<section><ul>{''.join(f'<li>{html.escape(t)}</li>' for t in texts)}</ul>"
                   f"{image(chart, chart)}</section>" for chart, texts in groups.items())


def _tables(result: dict) -> str:
    checked = result["checked"]
    head = ["Families switched on", "Reforms", *(html.escape(c["label"]) for c in checked)]
    rows = []
    for s in result["subsets"]:
        cells = []
        for c in checked:
            o, percent = c["name"], c["name"] in PERCENT
            b = s["outcomes"][o]
            cell = _value(b["median"], percent)
            if s["difference"]:
                cell += "<br>" + html.escape(difference_cell(s["difference"][o], percent))
            cells.append(cell)
        rows.append([html.escape(who(s["families"], result)), ", ".join(s["reforms"]) or "none", *cells])
    effect_rows = [[html.escape(" x ".join(map(short, e["term"]))), html.escape(c["label"]),
                    html.escape(amount(e["estimate"], c["name"])),
                    "no interval" if e["p05"] is None else
                    html.escape(f"{amount(e['p05'], c['name'])} to {amount(e['p95'], c['name'])}")]
                   for c in checked for e in result["effects"] if e["outcome"] == c["name"]]
    return ("<h2>Every combination</h2><p class='note'>Median over seeds; below it, the paired difference from no "
            "reform: mean [90% interval], with its verdict when the interval lies on one side of zero.</p>"
            + table(head, rows, "subsets")
            + "<h2>Main effects and interactions</h2>"
            + table(["Term", "Outcome", "Estimate", "90% interval"], effect_rows, "effects"))


def write_report(folder: Path, result: dict) -> Path:
    """Write the workshop report of a `run_workshop` result into `folder` atomically; return the page's path."""
    n, k = len(result["seeds"]), len(result["families"])
    families = table(["Family", "What it is", "Reforms in the package"],
                     [[html.escape(short(f)), html.escape(v["label"]), ", ".join(v["reforms"])]
                      for f, v in result["families"].items()])
    tp = result["time_profile"]
    body = f"""
<p>Can the package's reforms be cherry-picked? The package's reforms were grouped into {k} families and every
combination of families (2<sup>{k}</sup> = {len(result['subsets'])}, from no reform to the full package) was run
for {result['years']} years on the same {n} seed{'s' * (n != 1)} ({result['runs']} runs). Each combination is
compared with no reform, seed by seed: the same seed gives every combination the same families, referrals and
events, so a difference comes from the reforms alone.</p>
<h2>Findings</h2>
{_findings_html(result)}
<h2>How to read this</h2>
<p class="note">"Better" or "worse" means that the 90% confidence interval of the difference from no reform
(over {n} seed{'s' * (n != 1)}) lies entirely on that side of zero; otherwise the runs show no clear difference,
which is not the same as no difference: more seeds narrow the intervals. {html.escape(uncertainty_line(result))}
A run's value of an outcome is its value
over all {result['years']} years (a flow per year, a stock at the end, a ratio of totals). A family's main effect is
the mean outcome with the family switched on minus with it off, averaged over every setting of the other families;
the interaction of two families is half the difference between one family's effect with the other on and with it
off. The time profile compares the first years ({', '.join(tp['early_years'])}) with the last
({', '.join(tp['late_years'])}). The outcomes checked are those of the issue: children harmed, missed cases (share
of children truly at risk turned away), false positives (share of interventions on children not at risk), weeks to
help, turnover, court duration and cost.</p>
<h2>The families</h2>
{families}
{_tables(result)}
"""
    charts = {f["chart"]: None for f in result["findings"]}
    return write_page(Path(folder), f"cpsim workshop: {result['package']}", body,
                      {name: chart(result, name) for name in charts})
