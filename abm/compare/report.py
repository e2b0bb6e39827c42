"""The comparison report: `index.html` with the table and, for each headline outcome, a chart of the
scenarios' yearly series with their bands beside the yearly paired differences from the first scenario."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from abm.compare.comparison import ordered_outcomes
from abm.compare.page import COLOURS, image, table, write_page
from abm.compare.table import compared_cell, uncertainty_line
from abm.summary import PERCENT, _number, _value


def _axis(ax, labels: list[str], percent: bool) -> None:
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0, fontsize=8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0) if percent else FuncFormatter(lambda v, _: _number(v)))
    ax.grid(alpha=0.3)


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def series_figure(result: dict, outcome: str) -> Figure:
    """Left: each scenario's yearly median and 5-95% band over seeds. Right: each later scenario's yearly paired
    difference from the first, mean and 90% interval."""
    years, o = result["years"], result["outcomes"][outcome]
    names, labels, percent = result["scenarios"], years["labels"], outcome in PERCENT
    x = np.arange(len(labels))
    fig = Figure(figsize=(12, 3.8))
    left, right = fig.subplots(1, 2)
    for i, name in enumerate(names):
        s = years["scenarios"][name][outcome]
        colour = COLOURS[i % len(COLOURS)]
        left.fill_between(x, _floats(s["p05"]), _floats(s["p95"]), color=colour, alpha=0.15, linewidth=0)
        left.plot(x, _floats(s["median"]), "o-", color=colour, markersize=3, label=name)
    left.set_title(textwrap.fill(f"{o['label']}: median and 5-95% over seeds", 60), fontsize=9)
    left.legend(fontsize=7)
    _axis(left, labels, percent)
    for i, name in enumerate(names[1:], start=1):
        d = years["difference"][name][outcome]
        colour = COLOURS[i % len(COLOURS)]
        right.fill_between(x, _floats(d["p05"]), _floats(d["p95"]), color=colour, alpha=0.2, linewidth=0)
        right.plot(x, _floats(d["mean"]), "o-", color=colour, markersize=3, label=f"{name} - {names[0]}")
    right.axhline(0, color="black", linewidth=0.8)
    better = {"lower": " (below 0 is better)", "higher": " (above 0 is better)"}.get(o["better"], "")
    right.set_title(textwrap.fill(f"paired difference from {names[0]}: mean and 90% interval{better}", 60),
                    fontsize=9)
    right.legend(fontsize=7)
    _axis(right, labels, percent)
    return fig


def write_report(folder: Path, result: dict) -> Path:
    """Write the comparison report of a `compare` result into `folder` atomically; return the page's path."""
    names = result["scenarios"]
    n = len(result["seeds"])
    head = ["Outcome", *(f"{html.escape(name)}<br>median (5-95%)" for name in names),
            *(f"{html.escape(name)} - {html.escape(names[0])}<br>mean [90% interval]" for name in names[1:])]
    rows, figures, charts = [], {}, []
    for outcome in ordered_outcomes(result["outcomes"]):
        o, percent = result["outcomes"][outcome], outcome in PERCENT
        label = f'<a href="#{outcome}">{html.escape(o["label"])}</a>' if o["headline"] else html.escape(o["label"])
        rows.append([label + ("" if o["headline"] else f" <span class='note'>{outcome}</span>"),
                     *(_band_cell(o["scenarios"][name], percent) for name in names),
                     *(html.escape(compared_cell(o["difference"][name], percent)) for name in names[1:])])
        if o["headline"]:
            figures[outcome] = series_figure(result, outcome)
            charts.append(f'<section id="{outcome}"><h3>{html.escape(o["label"])}</h3>'
                          f"{image(outcome, o['label'])}</section>")
    body = (f"<p>{len(names)} scenarios on the same {n} seed{'s' * (n != 1)} (common random numbers: a scenario "
            "differs from another only by what it changes). A run's value of an outcome is its value over the whole "
            "period: a flow per year, a stock at the end, a ratio of totals. A difference is the scenario's value "
            f"minus {html.escape(names[0])}'s on the same seed, averaged over seeds, with a 90% confidence interval; "
            "it is called better or worse only when that interval lies entirely on one side of zero. "
            f"{html.escape(uncertainty_line(result))}</p>"
            f"<h2>Table</h2>{table(head, rows, 'comparison')}<h2>Headline outcomes year by year</h2>{''.join(charts)}")
    return write_page(Path(folder), f"cpsim comparison: {' vs '.join(names)}", body, figures)


def _band_cell(b: dict, percent: bool) -> str:
    if b["median"] is None:
        return "n/a"
    return f"{_value(b['median'], percent)} ({_value(b['p05'], percent)} to {_value(b['p95'], percent)})"
