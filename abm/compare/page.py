"""Writing a report folder: `index.html` beside its PNG charts, built whole and swapped in atomically.

The page takes the validation report's style sheet; charts are matplotlib `Figure`s (the
Agg canvas, no global pyplot state) saved as PNG files the page links to. The folder is
written by `abm.folders.atomic_folder` as a "report" folder: one that exists and is neither
empty nor an earlier report holding only what cpsim wrote is never replaced.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from matplotlib.figure import Figure

import abm
from abm.folders import atomic_folder, check_output
from abm.results import _git
from abm.validation.report import CSS

INDEX = "index.html"
DPI = 100
COLOURS = ("#1c7ed6", "#e8590c", "#2b8a3e", "#9c36b5", "#c92a2a", "#5c940d", "#1098ad", "#f08c00")
VERDICT_COLOURS = {"better": "#2b8a3e", "worse": "#c92a2a", "higher": "#1c7ed6", "lower": "#1c7ed6",
                   "uncertain": "#f08c00", "no clear difference": "#868e96", "no interval": "#868e96"}


KIND = "report"


def check_report_folder(folder: Path, inputs=()) -> None:
    """abm.folders.OutputError unless `folder` can take a report: free, empty or an earlier report, and
    neither being, holding nor inside any of `inputs`."""
    check_output(folder, "--report", KIND, inputs)


def write_page(folder: Path, title: str, body: str, figures: dict[str, Figure]) -> Path:
    """Write `index.html` (the page around `body`) and each figure as `<name>.png` into `folder`, atomically."""
    folder = Path(folder)
    made = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    stamp = f"cpsim {abm.__version__}, commit {_git().get('describe')}; written {made}."
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
            f'<p class="note">{html.escape(stamp)}</p>\n{body}\n</body></html>\n')
    with atomic_folder(folder, KIND, "--report") as tmp:
        for name, fig in figures.items():
            fig.savefig(tmp / f"{name}.png", dpi=DPI, bbox_inches="tight")
        (tmp / INDEX).write_text(page, encoding="utf-8")
    return folder / INDEX


def image(name: str, alt: str) -> str:
    """An <img> of the chart `name` written by `write_page`."""
    return f'<img alt="{html.escape(alt)}" src="{html.escape(name)}.png">'


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table; cells are HTML already."""
    return (f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</tbody></table>")
