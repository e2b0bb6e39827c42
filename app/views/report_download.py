"""The button that downloads the comparison's HTML report (app.report_export), made only when pressed."""

from __future__ import annotations

import functools

import solara

from app.report_export import report_filename, report_html
from app.state import Comparison


@solara.component
def ReportDownload(comparison: Comparison):
    make = solara.use_memo(lambda: functools.partial(report_html, comparison), [id(comparison)])
    with solara.Div(classes=["cpsim-report-download"]):
        solara.FileDownload(make, filename=report_filename(comparison), label="Report (HTML, one file)",
                            mime_type="text/html")
