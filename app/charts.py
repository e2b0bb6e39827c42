"""Chart helpers shared by the app's views: matplotlib figures (rendered server-side, so nothing is
fetched by the browser), projector-sized type, PNG bytes for download, and the comparison charts.

`band_figure` draws one outcome of a `abm.compare.compare` result per year: each scenario's
median over seeds as a line and its 5th-95th percentile band shaded. `difference_rows` is the
paired-difference table: per outcome (headline outcomes first) each scenario's median and each
later scenario's mean difference from the baseline with its 90% interval and verdict.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from abm.compare.comparison import ordered_outcomes
from abm.compare.table import difference_cell
from abm.outcomes import BY_NAME
from abm.summary import PERCENT, _value

# Colour-blind safe (Okabe-Ito); the baseline is always the first, in black.
COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7")
TYPE_SIZE = {False: 11, True: 20}


def new_figure(projector: bool = False, width: float = 6.0, height: float = 3.6) -> Figure:
    """An empty figure sized for the page, with large type when `projector` is on."""
    scale = 1.5 if projector else 1.0
    fig = Figure(figsize=(width * scale, height * scale), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (for a download button)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def band_figure(result: dict, outcome: str, labels: list[str], projector: bool = False) -> Figure:
    """Each scenario's median (line) and 5th-95th percentile band (shaded) of `outcome` per year."""
    years = result["years"]
    x = list(range(len(years["labels"])))
    percent = outcome in PERCENT
    fig = new_figure(projector)
    size = TYPE_SIZE[projector]
    ax = fig.add_subplot()
    for i, (name, label) in enumerate(zip(result["scenarios"], labels)):
        series = years["scenarios"][name][outcome]
        scale = 100.0 if percent else 1.0
        mid, low, high = ([scale * v if v is not None else float("nan") for v in series[k]]
                          for k in ("median", "p05", "p95"))
        colour = COLOURS[i % len(COLOURS)]
        ax.fill_between(x, low, high, color=colour, alpha=0.15, linewidth=0)
        ax.plot(x, mid, color=colour, marker="o", linewidth=2.5 if projector else 1.8, label=label)
    ax.set_title(BY_NAME[outcome].label, fontsize=size + 1, loc="left")
    ax.set_xticks(x, years["labels"], fontsize=size - 1, rotation=45 if len(x) > 6 else 0)
    ax.tick_params(axis="y", labelsize=size - 1)
    if percent:
        ax.set_ylabel("%", fontsize=size)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=size - 2, frameon=False)
    return fig


def difference_rows(result: dict, labels: list[str]) -> list[dict[str, str]]:
    """One row per outcome: its label, each scenario's median and each difference from the baseline."""
    names = result["scenarios"]
    rows = []
    for outcome in ordered_outcomes(result["outcomes"]):
        entry = result["outcomes"][outcome]
        percent = outcome in PERCENT
        row = {"Outcome": entry["label"] + (" *" if entry["headline"] else "")}
        for name, label in zip(names, labels):
            row[label] = _value(entry["scenarios"][name]["median"], percent)
        for name, label in zip(names[1:], labels[1:]):
            row[f"{label} - {labels[0]}"] = difference_cell(entry["difference"][name], percent)
        rows.append(row)
    return rows
