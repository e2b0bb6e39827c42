"""The comparison's HTML report as one file to download: the page `cpsim compare --report DIR` writes
(`abm.compare.report.write_report`: the table of every outcome, a chart per headline outcome), written
to a temporary folder and its PNG charts put inside the page as data URIs, so that the single file
opens anywhere, offline, without its folder."""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

from abm.compare.report import write_report
from app.state import Comparison

IMAGE = re.compile(r'<img alt="([^"]*)" src="([A-Za-z0-9_.-]+\.png)">')


def report_html(comparison: Comparison) -> bytes:
    """The CLI's report of `comparison` as one self-contained HTML file (UTF-8)."""
    with tempfile.TemporaryDirectory(prefix="cpsim-report-") as scratch:
        folder = Path(scratch) / "report"
        page = write_report(folder, comparison.statistics)

        def inline(match: re.Match) -> str:
            png = base64.b64encode((folder / match.group(2)).read_bytes()).decode("ascii")
            return f'<img alt="{match.group(1)}" src="data:image/png;base64,{png}">'

        return IMAGE.sub(inline, page.read_text(encoding="utf-8")).encode("utf-8")


def report_filename(comparison: Comparison) -> str:
    """The downloaded report's name: the scenarios' names, then '-report.html'."""
    return f"{'-'.join(comparison.names)}-report.html"
