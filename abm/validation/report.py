"""The validation report: one self-contained HTML page (PNG plots embedded as base64).

First a summary table of every target (pass or fail), then one plot per target series
(the targets sharing a name, e.g. referrals in 2008/09 and 2009/10, share a plot): the
simulated series, median and 5-95% band over seeds, against each target point and its
band, with every scenario event marked by a vertical line. Flows and averages are shown
as weekly values smoothed over 13 weeks (a centred moving average; ratio outcomes as a
ratio of 13-week sums), stocks week by week, ratio targets as yearly series. Last, the
Taylor-Russell panels of one seed: each decision at the front door and after assessment,
true risk against assessed risk relative to the threshold, in four quadrants.
Plots are drawn with matplotlib's Agg canvas; the page is written atomically.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.dates import DateFormatter, YearLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

import abm
from abm import calendar
from abm.outcomes import BY_NAME
from abm.results import _git, atomic_write_bytes
from abm.risk import annual_risk
from abm.validation import taylor_russell
from abm.validation.evaluate import Reader, Result, _fmt
from abm.validation.targets import period_span

REPORT_FILE = "validation.html"
SMOOTH_WEEKS = 13
MAX_POINTS = 15_000  # decisions drawn per Taylor-Russell panel (all are counted)
COLOURS = {"true_positive": "#2b8a3e", "false_positive": "#e8590c", "false_negative": "#c92a2a",
           "true_negative": "#868e96"}
QUADRANT_LABELS = {"true_positive": "true positive", "false_positive": "false positive",
                   "false_negative": "false negative", "true_negative": "true negative"}
SIM = "#1c7ed6"


def write_report(folder, scenario, results: list[Result], weekly: pd.DataFrame, model=None,
                 seed: int | None = None) -> Path:
    """Write `folder/validation.html` atomically and return its path; `model` (the finished run of `seed`)
    adds the Taylor-Russell panels."""
    folder = Path(folder)
    page = render_html(scenario, results, weekly, model, seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    atomic_write_bytes(path, page.encode("utf-8"))
    return path


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(fig: Figure, cls: str, alt: str) -> str:
    return f'<img class="{cls}" alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'


# --- series -------------------------------------------------------------------------------------------

def _pivot(weekly: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return weekly.pivot(index="week", columns="seed", values=outcome).sort_index()


def weekly_series(weekly: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per seed (columns) and week (rows): stocks as they are, flows and averages smoothed over 13 weeks."""
    o = BY_NAME[outcome]
    roll = {"window": SMOOTH_WEEKS, "center": True, "min_periods": SMOOTH_WEEKS}
    if o.aggregate == "end":
        return _pivot(weekly, outcome)
    if o.aggregate == "ratio":
        num = _pivot(weekly, o.numerator).rolling(**roll).sum()
        den = _pivot(weekly, o.denominator).rolling(**roll).sum()
        return num / den.where(den > 0)
    return _pivot(weekly, outcome).rolling(**roll).mean()


def _band(frame: pd.DataFrame) -> pd.DataFrame:
    """Median, p05 and p95 over the columns (seeds) of each row."""
    return pd.DataFrame({"median": frame.median(axis=1), "p05": frame.quantile(0.05, axis=1),
                         "p95": frame.quantile(0.95, axis=1)})


def _dates(scenario, weeks) -> list:
    if scenario.start_date is None:
        return list(np.asarray(weeks) / calendar.WEEKS_PER_YEAR)
    return [calendar.week_start(scenario.start_date, int(w)) for w in weeks]


def _where(period: str, stock: bool) -> dt.date:
    """Where a period's target is drawn: a stock at the period's end, anything else at its middle."""
    first, last = period_span(period)
    return last if stock else first + (last - first) / 2


def _events(ax, scenario) -> None:
    for i, event in enumerate(scenario.events):
        if event.date is not None:
            when = event.date
        elif scenario.start_date is not None:
            when = calendar.week_start(scenario.start_date, event.week)
        else:
            when = event.week / calendar.WEEKS_PER_YEAR
        ax.axvline(when, color="#a61e4d", linestyle="--", linewidth=1.2,
                   label=f"{event.kind.replace('_', ' ')} ({when})" if i < 3 else None)


# --- one plot per target series -----------------------------------------------------------------------

def target_figure(results: list[Result], weekly: pd.DataFrame, scenario, reader: Reader) -> Figure:
    """The simulated series of the targets in `results` (all sharing a name) against their points and bands."""
    t0 = results[0].target
    outcome = BY_NAME[t0.outcome]
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    if t0.kind == "ratio":
        _ratio_series(ax, results, reader)
        ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=":", label="no change")
        ylabel = f"{outcome.label}\nrelative to {t0.base_period}"
    else:
        if t0.kind == "share":
            series = weekly_series(weekly, t0.outcome) / weekly_series(weekly, t0.denominator)
            ylabel = f"{outcome.label}\nover {BY_NAME[t0.denominator].label}"
        else:
            series = weekly_series(weekly, t0.outcome)
            ylabel = outcome.label
        band = _band(series)
        x = _dates(scenario, band.index)
        how = "weekly" if outcome.aggregate == "end" else f"{SMOOTH_WEEKS}-week average"
        ax.fill_between(x, band["p05"], band["p95"], color=SIM, alpha=0.2, linewidth=0,
                        label="simulated 5-95% over seeds")
        ax.plot(x, band["median"], color=SIM, linewidth=1.4, label=f"simulated median ({how})")
        if t0.kind == "mean":
            for r in results:
                ax.axhspan(r.target.low, r.target.high, color="0.8", alpha=0.6, label="target band")
                ax.axhline(r.target.value, color="black", linewidth=1.2, label="target")
                ax.axhline(r.median, color="#2b8a3e" if r.ok else "#c92a2a", linewidth=1.6, linestyle="-.",
                           label=f"simulated mean over years (median): {'pass' if r.ok else 'fail'}")
        else:
            _points(ax, results, stock=outcome.aggregate == "end" and t0.kind == "level")
    _events(ax, scenario)
    if t0.percent or t0.kind == "share":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.4g}"))
    if scenario.start_date is not None:
        ax.xaxis.set_major_locator(YearLocator())
        ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    else:
        ax.set_xlabel("years after the warm-up")
    ax.set_ylabel("\n".join(textwrap.wrap(ylabel.replace("\n", " "), 45)), fontsize=8)
    ax.set_title(f"{t0.name}: {outcome.label} [{t0.outcome}], {t0.kind}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    return fig


def _points(ax, results: list[Result], stock: bool) -> None:
    """Each target with its band, and the simulated median over its period beside it (green pass, red fail)."""
    for i, r in enumerate(results):
        t = r.target
        x = _where(t.period, stock)
        ax.errorbar([x], [t.value], yerr=[[t.value - t.low], [t.high - t.value]], fmt="o", color="black",
                    capsize=5, markersize=5, label="target and band" if i == 0 else None, zorder=5)
        if math.isfinite(r.median):
            first, last = period_span(t.period)
            ax.hlines(r.median, first, last, color="#2b8a3e" if r.ok else "#c92a2a", linewidth=2.5, zorder=4,
                      label=f"simulated {'value at year end' if stock else 'value over the period'} (median)"
                      if i == 0 else None)


def _ratio_series(ax, results: list[Result], reader: Reader) -> None:
    t0 = results[0].target
    table = reader.table(t0.period)
    labels = list(pd.unique(table.index.get_level_values(0)))
    base = reader.value(t0.outcome, t0.base_period)
    per_year = pd.DataFrame({label: reader.value(t0.outcome, label) / base for label in labels}).T
    band = _band(per_year.replace([np.inf, -np.inf], np.nan))
    stock = BY_NAME[t0.outcome].aggregate == "end"
    x = [_where(label, stock) for label in labels]
    ax.fill_between(x, band["p05"], band["p95"], color=SIM, alpha=0.2, linewidth=0, label="simulated 5-95% over seeds")
    ax.plot(x, band["median"], "o-", color=SIM, linewidth=1.4, markersize=4, label="simulated median (yearly)")
    for i, r in enumerate(results):
        t = r.target
        ax.errorbar([_where(t.period, stock)], [t.value], yerr=[[t.value - t.low], [t.high - t.value]], fmt="o",
                    color="black", capsize=5, markersize=5, label="target and band" if i == 0 else None, zorder=5)
        ax.plot([_where(t.period, stock)], [r.median], "D", color="#2b8a3e" if r.ok else "#c92a2a", zorder=6,
                label=f"simulated median: {'pass' if r.ok else 'fail'}")


# --- Taylor-Russell ------------------------------------------------------------------------------------

def taylor_russell_figure(frame: pd.DataFrame, model) -> Figure:
    """One panel per stage: true log-hazard against assessed log-hazard minus the threshold, four quadrants."""
    p = model.p
    base = p.harm_hazard_base_per_week
    z_sig = model.population.z_significant
    stages = list(frame["stage"].cat.categories)
    fig = Figure(figsize=(6 * max(len(stages), 1), 5.2))
    axes = np.atleast_1d(fig.subplots(1, max(len(stages), 1), squeeze=False)[0])
    rng = np.random.default_rng(0)
    for ax, stage in zip(axes, stages):
        part = frame[frame["stage"] == stage]
        shown = part.iloc[np.sort(rng.choice(len(part), MAX_POINTS, replace=False))] if len(part) > MAX_POINTS else part
        margin = shown["estimate"] - shown["threshold"]
        ax.scatter(shown["true_log_hazard"], margin, s=2, alpha=0.35, rasterized=True,
                   c=[COLOURS[q] for q in shown["quadrant"]], linewidths=0)
        ax.axvline(z_sig, color="black", linewidth=1)
        ax.axhline(0.0, color="black", linewidth=1)
        n = taylor_russell.counts(part).iloc[0] if len(part) else None
        corners = {"false_positive": (0.02, 0.98, "left", "top"), "true_positive": (0.98, 0.98, "right", "top"),
                   "true_negative": (0.02, 0.02, "left", "bottom"), "false_negative": (0.98, 0.02, "right", "bottom")}
        for q, (x, y, ha, va) in corners.items():
            count = 0 if n is None else int(n[q])
            ax.text(x, y, f"{QUADRANT_LABELS[q]}\n{count:,}", transform=ax.transAxes, ha=ha, va=va, fontsize=9,
                    color=COLOURS[q], fontweight="bold", bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0})
        thresholds = annual_risk(part["threshold"].to_numpy(), base) if len(part) else np.array([np.nan])
        ax.set_title(f"{stage}: {len(part):,} decisions"
                     + (f" ({len(shown):,} drawn)" if len(shown) < len(part) else "")
                     + f"\nthreshold: annual risk {np.nanmin(thresholds):.1%} to {np.nanmax(thresholds):.1%}",
                     fontsize=9)
        ax.set_xlabel(f"true risk (log-hazard); truly at risk from {z_sig:.2f} "
                      f"(annual risk {p.significant_harm_annual_risk:.0%})", fontsize=8)
        ax.set_ylabel("assessed risk minus threshold (log-hazard)\nintervene above 0", fontsize=8)
        top = ax.secondary_xaxis("top", functions=(lambda z: annual_risk(z, base), lambda q: _log_hazard(q, base)))
        lo, hi = ax.get_xlim()
        ticks = [t for t in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.9) if lo <= _log_hazard(t, base) <= hi]
        top.set_ticks(ticks)
        top.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        top.set_xlabel("true risk as annual probability of significant harm", fontsize=8)
        ax.grid(alpha=0.3)
    return fig


def _log_hazard(q, base: float):
    q = np.clip(np.asarray(q, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(-np.log1p(-q) / 52.0 / base)


# --- the page -----------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1150px; color: #212529; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #dee2e6; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
td.pass { color: #2b8a3e; font-weight: bold; } td.fail { color: #c92a2a; font-weight: bold; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
.note { color: #495057; font-size: 0.88em; }
section { margin-bottom: 2.2em; }
"""


def _summary_table(results: list[Result]) -> str:
    head = ("Target", "Period", "Kind", "Target value", "Simulated median", "5th-95th percentile", "Band", "Result")
    rows = []
    for r in results:
        t = r.target
        ok = "pass" if r.ok else "fail"
        cells = [f'<td><a href="#{html.escape(t.name)}">{html.escape(t.name)}</a></td>',
                 f'<td class="text">{html.escape(t.when)}</td>', f'<td class="text">{t.kind}</td>',
                 f"<td>{_fmt(t.value, t)}</td>", f"<td>{_fmt(r.median, t)}</td>",
                 f"<td>{_fmt(r.p05, t)} to {_fmt(r.p95, t)}</td>",
                 f"<td>{_fmt(t.low, t)} to {_fmt(t.high, t)} (&plusmn;{t.tolerance:.0%})</td>",
                 f'<td class="{ok}">{ok.upper()}</td>']
        rows.append(f'<tr class="{ok}">{"".join(cells)}</tr>')
    return ("<table class=\"summary\"><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def _target_notes(results: list[Result]) -> str:
    items = []
    for r in results:
        t = r.target
        note = f" {html.escape(t.note)}." if t.note else ""
        items.append(f"<li><b>{html.escape(t.when)}</b>: {_fmt(t.value, t)} ({html.escape(t.source)}).{note} "
                     f"Band &plusmn;{t.tolerance:.0%} ({html.escape(t.band.name)}): {html.escape(t.band.reason)}. "
                     f"Simulated median {_fmt(r.median, t)} ({_fmt(r.p05, t)} to {_fmt(r.p95, t)}): "
                     f"<b>{'PASS' if r.ok else 'FAIL'}</b>.</li>")
    return '<ul class="note">' + "".join(items) + "</ul>"


def _taylor_russell_section(model, seed: int | None) -> str:
    frame = taylor_russell.decisions(model)
    fig = taylor_russell_figure(frame, model)
    table = taylor_russell.counts(frame)
    if len(frame):
        table.loc["all"] = taylor_russell.counts(frame, by=None).iloc[0]
    head = ("Stage", "True positives", "False positives", "False negatives", "True negatives",
            "False negative rate", "False positive rate")
    rows = []
    for stage, row in table.iterrows():
        rate = [f"{row[c]:.1%}" if math.isfinite(row[c]) else "n/a"
                for c in ("false_negative_rate", "false_positive_rate")]
        rows.append(f"<tr><td>{html.escape(str(stage))}</td>"
                    + "".join(f"<td>{int(row[q]):,}</td>" for q in taylor_russell.QUADRANTS)
                    + "".join(f"<td>{v}</td>" for v in rate) + "</tr>")
    years = (model.week - model.warmup_weeks) / calendar.WEEKS_PER_YEAR
    return f"""
<section id="taylor-russell">
<h2>Taylor-Russell: decisions against true risk</h2>
<p class="note">One run (seed {seed}), every decision after the warm-up ({years:.0f} years): at the
front door, whether to assess a contact; after an assessment, whether to intervene (a plan or care).
Horizontally the child's true risk (log-hazard; the top axis gives it as an annual probability of significant
harm); vertically the assessed risk minus the threshold in force that week (thresholds fall as public anxiety
rises), so the decision was to intervene above the horizontal line. The vertical line is the significant-harm
level: children to its right are truly at risk. Quadrants: true positives (top right), false positives
(top left), false negatives (bottom right), true negatives (bottom left). False negative rate = false negatives
/ children truly at risk; false positive rate = false positives / decisions to intervene.</p>
{_img(fig, "taylor-russell", "Taylor-Russell quadrants, one panel per stage")}
<table class="taylor-russell"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</section>"""


def render_html(scenario, results: list[Result], weekly: pd.DataFrame, model=None, seed: int | None = None) -> str:
    """The whole report page as text."""
    reader = Reader(weekly, scenario.start_date)
    seeds = [int(s) for s in pd.unique(weekly["seed"])]
    passed = sum(r.ok for r in results)
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.target.name, []).append(r)
    sections = []
    for name, group in groups.items():
        fig = target_figure(group, weekly, scenario, reader)
        verdict = "pass" if all(r.ok for r in group) else "fail"
        sections.append(f'<section id="{html.escape(name)}"><h3>{html.escape(name)} '
                        f'<span class="{verdict}">({verdict})</span></h3>'
                        f'{_img(fig, "target", f"{name}: simulated series against the target")}'
                        f"{_target_notes(group)}</section>")
    git = _git()
    made = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    events = "; ".join(f"{e.kind.replace('_', ' ')} on {e.date or f'week {e.week}'} "
                       f"(anxiety jump {e.anxiety_jump:g})" for e in scenario.events) or "none"
    title = f"cpsim validation: {scenario.name}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">{html.escape(scenario.description or "")}<br>
{len(seeds)} seeds (root seed {scenario.root_seed}), {scenario.years} years after {scenario.warmup_years} warm-up years
from {scenario.start_date}; events: {html.escape(events)}.<br>
cpsim {abm.__version__}, commit {html.escape(str(git.get("describe")))}; written {made}.</p>
<h2>Summary: {passed} of {len(results)} targets pass</h2>
<p class="note">Each target beside the simulated median over seeds and the 5th-95th percentile; a target passes
when the median lies in its band, the target value &plusmn; its tolerance. The bands and their reasons are in
abm/validation/targets.toml; see docs/validation.md.</p>
{_summary_table(results)}
<h2>Targets</h2>
{"".join(sections)}
{_taylor_russell_section(model, seed) if model is not None else ""}
</body></html>
"""
