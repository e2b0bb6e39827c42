"""The Keep and share page: download the last comparison (weekly outcomes as CSV or Parquet, the charts
as PNG captioned, its HTML report; marked when out of date; nothing while it is provisional) and each
scenario as a TOML file `cpsim run` accepts; upload a scenario file to use as the baseline. An upload
is only parsed, checked exactly like `cpsim run` checks a file, and limited in size; what is wrong
with it is shown on the page."""

from __future__ import annotations

import io
import zipfile
from typing import Callable

import solara

from abm.scenario import ScenarioError, scenario_toml
from abm.compare.table import uncertainty_line
from app.charts import BAND_SENTENCE, band_figure, figure_png
from app.session import use_session
from app.state import MAX_UPLOAD_BYTES, SetupError, load_upload, results_csv, results_parquet
from app.views.heading import Heading
from app.views.out_of_date import OutOfDate
from app.views.report_download import ReportDownload
from app.wording import plural, provisional_note


@solara.component_vue("upload.vue")
def ScenarioUpload(label: str, limit: int, event_upload: Callable[[dict], None]):
    pass


def charts_zip(comparison, projector: bool) -> bytes:
    """Every headline chart of `comparison` as a PNG captioned with what its band is over, in one ZIP file."""
    result = comparison.statistics
    caption = chart_caption(comparison)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for outcome, entry in result["outcomes"].items():
            if entry["headline"]:
                figure = band_figure(result, outcome, list(comparison.labels), projector)
                archive.writestr(f"{outcome}.png", figure_png(figure, caption))
    return buffer.getvalue()


def chart_caption(comparison) -> str:
    """What an exported comparison chart says under it: the band, the scenarios and seeds, what intervals include."""
    result = comparison.statistics
    return (f"{', '.join(comparison.labels)}: {plural(len(result['seeds']), 'seed')}. {BAND_SENTENCE} "
            f"{uncertainty_line(result)}")


@solara.component
def ResultDownloads():
    session = use_session()
    comparison = session.comparison.value
    solara.Markdown("## Download the results")
    if comparison is None:
        solara.Markdown("Run a comparison on **Compare** first; its results can then be downloaded here.")
        return
    if comparison.landed is not None:  # provisional: the seeds landed so far
        solara.Warning(f"{provisional_note(comparison.landed, comparison.setup.seeds, session.job.value is not None)}"
                       " The downloads come when every run is in.", classes=["cpsim-provisional"])
        return
    stem = "-".join(comparison.names)
    weekly = comparison.weekly
    OutOfDate(comparison, session.setup.value)
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["cpsim-downloads"]):
        solara.FileDownload(lambda: results_csv(weekly), filename=f"{stem}.csv", label="Results (CSV)")
        solara.FileDownload(lambda: results_parquet(weekly), filename=f"{stem}.parquet", label="Results (Parquet)")
        solara.FileDownload(lambda: charts_zip(comparison, session.projector.value), filename=f"{stem}-charts.zip",
                            label="Charts (PNG, zipped)")
        ReportDownload(comparison)


@solara.component
def ScenarioDownloads():
    """The scenarios as chosen now on Compare (run or not), each as a file `cpsim run` accepts."""
    session = use_session()
    solara.Markdown("## Download the scenarios")
    try:
        scenarios = session.setup.value.scenarios()
    except SetupError as e:
        solara.Error(str(e))
        return
    solara.Markdown("The scenarios as chosen on **Compare**. Each file runs with `cpsim run FILE`, "
                    "or can be uploaded here again.")
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["cpsim-scenario-downloads"]):
        for scenario in scenarios:
            solara.FileDownload(scenario_toml(scenario).encode(), filename=f"{scenario.name}.toml",
                                label=f"{scenario.name}.toml")


@solara.component
def Upload():
    session = use_session()
    problem = solara.use_reactive(None)
    loaded = solara.use_reactive(None)

    def upload(file: dict) -> None:
        loaded.set(None)
        if file.get("text") is None:
            problem.set(f"{file.get('name')}: the file is {file.get('size', 0):,} bytes; a scenario file may be "
                        f"at most {MAX_UPLOAD_BYTES:,} bytes")
            return
        try:
            scenario = load_upload(file["text"].encode(), file.get("name", "upload.toml"))
            session.setup.set(session.setup.value.with_base(scenario))
        except (ScenarioError, SetupError) as e:
            problem.set(str(e))
            return
        problem.set(None)
        loaded.set(f"{file.get('name')}: scenario '{scenario.name}' is now the baseline on Compare.")

    solara.Markdown("## Use a scenario file")
    solara.Markdown(f"A scenario file (`.toml`, at most {MAX_UPLOAD_BYTES // 1024} KB) becomes the baseline "
                    "on Compare. It is checked like `cpsim run` checks it.")
    ScenarioUpload(label="Choose a scenario file:", limit=MAX_UPLOAD_BYTES, event_upload=upload)
    if problem.value:
        solara.Error(problem.value, classes=["cpsim-upload-error"])
    if loaded.value:
        solara.Success(loaded.value, classes=["cpsim-upload-ok"])


@solara.component
def ShareView():
    """The Keep and share page of one session."""
    big = use_session().projector.value
    with solara.Column(classes=["cpsim-share"] + (["cpsim-big"] if big else [])):
        Heading("Keep and share")
        ResultDownloads()
        ScenarioDownloads()
        Upload()
