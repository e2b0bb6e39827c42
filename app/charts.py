"""Chart helpers shared by the app's views: matplotlib figures (rendered server-side, so nothing is
fetched by the browser), projector-sized type, PNG bytes for download (captioned: a chart kept alone
loses the words beside it on the page), and the comparison charts.

`band_figure` draws one outcome of a `abm.compare.compare` result per year: each scenario's
median over seeds as a line and its 5th-95th percentile band shaded (`BAND_SENTENCE` says so
under the charts), the y axis titled with the unit and what a year's value counts
(app.measures), its ticks in one plain format (app.number_format: no offset, no power of
ten), and from zero when the outcome is an amount that cannot go below it.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure

from abm.outcomes import BY_NAME
from app.measures import measure
from app.number_format import AxisFormat, scale_of

# Colour-blind safe (Okabe-Ito); the baseline is always the first, in black.
COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7")
TYPE_SIZE = {False: 11, True: 20}
BAND_SENTENCE = "Shaded: 5th-95th percentile over seeds; line: median."
BAND_DPI = 140  # a comparison chart fills its column (about 800 px wide on a 1600 px screen) without blurring
X_TITLE = "Financial year (1 April to 31 March)"


def new_figure(projector: bool = False, width: float = 6.0, height: float = 3.6, dpi: int = 100) -> Figure:
    """An empty figure sized for the page, with large type when `projector` is on."""
    scale = 1.5 if projector else 1.0
    fig = Figure(figsize=(width * scale, height * scale), dpi=dpi, layout="constrained")
    fig.set_facecolor("white")
    return fig


def figure_png(fig: Figure, caption: str | None = None) -> bytes:
    """The figure as PNG bytes (for a download button), with `caption` under it (the figure itself unchanged)."""
    buffer = io.BytesIO()
    text = None if caption is None else fig.text(0, 0, textwrap.fill(caption, int(fig.get_figwidth() * 13)),
                                                 ha="left", va="top", fontsize=9)
    try:
        fig.savefig(buffer, format="png", dpi=150, bbox_inches=None if text is None else "tight")
    finally:
        if text is not None:
            text.remove()
    return buffer.getvalue()


def band_figure(result: dict, outcome: str, labels: list[str], projector: bool = False) -> Figure:
    """Each scenario's median (line) and 5th-95th percentile band (shaded) of `outcome` per year."""
    years = result["years"]
    x = list(range(len(years["labels"])))
    what = measure(outcome)
    series = [years["scenarios"][name][outcome] for name in result["scenarios"]]
    values = [v for s in series for k in ("median", "p05", "p95") for v in s[k] if v is not None]
    factor, scale = scale_of(values, what.share)
    fig = new_figure(projector, dpi=BAND_DPI)
    size = TYPE_SIZE[projector]
    ax = fig.add_subplot()
    for i, (s, label) in enumerate(zip(series, labels)):
        mid, low, high = ([v if v is not None else float("nan") for v in s[k]] for k in ("median", "p05", "p95"))
        colour = COLOURS[i % len(COLOURS)]
        ax.fill_between(x, low, high, color=colour, alpha=0.15, linewidth=0)
        ax.plot(x, mid, color=colour, marker="o", linewidth=2.5 if projector else 1.8, label=label)
    ax.set_title(BY_NAME[outcome].label, fontsize=size + 1, loc="left")
    ax.set_xticks(x, years["labels"], fontsize=size - 1, rotation=45 if len(x) > 6 else 0)
    ax.set_xlabel(X_TITLE, fontsize=size - 1)
    ax.set_ylabel(what.yearly(scale), fontsize=size - 1)
    ax.yaxis.set_major_formatter(AxisFormat(factor, what.share))
    ax.tick_params(axis="y", labelsize=size - 1)
    if what.from_zero and min(values, default=0.0) >= 0:
        ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=size - 2, frameon=False)
    return fig
