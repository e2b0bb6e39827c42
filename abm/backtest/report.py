"""The back-test report: `backtest.md` beside its PNG charts, written whole into a folder and swapped in atomically
(abm.folders.atomic_folder, the same "report" folders `compare --report` writes).

Findings first (the closing figures beside what happened), then what changed and when, then every outcome
year by year: the enacted decade's median and 5-95% band over seeds, the two counterfactuals' medians, and
the observed figures (scaled to the average authority) as black points.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

import abm
from abm.compare.page import COLOURS, DPI
from abm.folders import atomic_folder
from abm.parameters import PARAMETERS
from abm.posterior_draws import sentence
from abm.reforms.registry import REFORMS
from abm.results import _git
from abm.summary import PERCENT, _number, _value

REPORT_FILE = "backtest.md"
ROOT = Path(abm.__file__).resolve().parent.parent
KIND = "report"
OVERVIEW = ("referrals_per_year", "section47_enquiries_per_year", "cp_plans_open", "looked_after_children",
            "care_applications_per_year", "court_duration_weeks_mean", "turnover_rate", "caseload_mean",
            "vacancy_rate", "agency_share", "unallocated_cases", "children_harmed_per_year")
STYLES = ({"colour": COLOURS[0], "line": "-"}, {"colour": COLOURS[2], "line": "--"}, {"colour": "#868e96", "line": ":"})


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _observed_points(result: dict, outcome: str) -> tuple[list[float], list[float]]:
    """x positions (financial-year index; a calendar year sits a quarter year before its April) and values."""
    labels = result["labels"]
    xs, ys = [], []
    for o in result["observed"]:
        if o["outcome"] != outcome:
            continue
        if "/" in o["period"]:
            x = labels.index(o["period"]) if o["period"] in labels else None
        else:
            label = f"{o['period']}/{(int(o['period']) + 1) % 100:02d}"
            x = labels.index(label) - 0.25 if label in labels else None
        if x is not None:
            xs.append(x)
            ys.append(o["value"])
    return xs, ys


def _draw(ax, result: dict, outcome: str, small: bool) -> None:
    labels, percent = result["labels"], outcome in PERCENT
    x = np.arange(len(labels))
    for i, name in enumerate(result["scenarios"]):
        s, style = result["years"][name][outcome], STYLES[i]
        if i == 0:
            ax.fill_between(x, _floats(s["p05"]), _floats(s["p95"]), color=style["colour"], alpha=0.18, linewidth=0)
        ax.plot(x, _floats(s["median"]), style["line"], color=style["colour"], linewidth=2 if i == 0 else 1.3,
                label=name if i else f"{name} (5-95% band)")
    xs, ys = _observed_points(result, outcome)
    if xs:
        ax.plot(xs, ys, "o", color="black", markersize=4 if small else 5, label="observed (England; counts / 152)",
                zorder=5)
    ax.set_title(textwrap.fill(result["outcomes"][outcome]["label"], 42 if small else 80), fontsize=8 if small else 10)
    step = 2 if small else 1
    ax.set_xticks(x[::step], labels[::step], rotation=45, fontsize=6 if small else 8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0) if percent else FuncFormatter(lambda v, _: _number(v)))
    ax.tick_params(axis="y", labelsize=6 if small else 8)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def overview_figure(result: dict) -> Figure:
    fig = Figure(figsize=(13, 9.5))
    axes = fig.subplots(3, 4).ravel()
    for ax, outcome in zip(axes, OVERVIEW):
        _draw(ax, result, outcome, small=True)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def outcome_figure(result: dict, outcome: str) -> Figure:
    fig = Figure(figsize=(9, 3.6))
    ax = fig.subplots()
    _draw(ax, result, outcome, small=False)
    ax.legend(fontsize=7, loc="best")
    return fig


def closing_figure(result: dict) -> Figure:
    """The five ratios: each scenario's median and 5-95% band over seeds, and what happened."""
    rows = [r for r in result["closing"] if r["base"] is not None]
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    for i, name in enumerate(result["scenarios"]):
        y = np.arange(len(rows)) + (i - 1) * 0.2
        b = [r["scenarios"][name] for r in rows]
        mid, low, high = (_floats([v[k] for v in b]) for k in ("median", "p05", "p95"))
        ax.errorbar(mid, y, xerr=[mid - low, high - mid], fmt="o", color=STYLES[i]["colour"], label=name, capsize=3)
    seen = [(k, r["observed"]["value"]) for k, r in enumerate(rows) if "observed" in r]
    if seen:
        ax.plot([v for _, v in seen], [k for k, _ in seen], "D", color="black", label="observed", markersize=7)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(rows)), [r["label"] for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("ratio (1 = no change)")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def _cell(b: dict, percent: bool) -> str:
    if b["median"] is None:
        return "n/a"
    return f"{_value(b['median'], percent)} ({_value(b['p05'], percent)}-{_value(b['p95'], percent)})"


def _closing_table(result: dict) -> list[str]:
    names = result["scenarios"]
    lines = ["| figure | " + " | ".join(names) + " | observed |", "|---" * (len(names) + 2) + "|"]
    for r in result["closing"]:
        percent = r["base"] is None and r["outcome"] in PERCENT
        seen = r.get("observed")
        shown = "not in the file" if seen is None else (_value(seen["value"], percent) if r["base"] is None
                                                        else f"{seen['value']:.2f}")
        cells = [_cell(r["scenarios"][n], percent) if r["base"] is None else
                 (f"{r['scenarios'][n]['median']:.2f} ({r['scenarios'][n]['p05']:.2f}-{r['scenarios'][n]['p95']:.2f})"
                  if r["scenarios"][n]["median"] is not None else "n/a") for n in names]
        lines.append(f"| {r['label']} | " + " | ".join(cells) + f" | {shown} |")
    return lines


def _changes(plan) -> list[str]:
    """The enacted scenario's dated levers, events and changes in date order, then the constants it sets apart from
    the baseline's (each a documented approximation, in force from the branch)."""
    enacted, baseline = plan.scenarios[0], plan.scenarios[2]
    dated = []
    for lever in enacted.levers:
        reform, args = REFORMS[lever.reform], lever.arguments
        ramp = args.get("ramp_years", reform.default_ramp_years)
        dated.append((args.get("start", enacted.start_date), f"{reform.name}: {reform.label}",
                      f"lever {reform.name}, strength {args.get('strength', 1.0):g}, ramp {ramp:g} years: "
                      f"{reform.what_it_does}"))
    for event in enacted.events:
        dated.append((event.date, event.kind.replace("_", " "), f"event: public anxiety +{event.anxiety_jump:g}"))
    for change in enacted.changes:
        dated.append((change.date, ", ".join(f"`{name}` = {value:g}" for name, value in change.constants.items()),
                      "dated change of parameters (the scenario file gives its source)"))
    lines = ["| when | what | enters as |", "|---|---|---|"]
    lines += [f"| {day} | {what} | {how} |" for day, what, how in sorted(dated, key=lambda row: row[0])]
    for name, value in enacted.constants.items():
        if baseline.constants.get(name, PARAMETERS[name].default) != value:
            lines.append(f"| from the branch ({enacted.start_date}) | `{name}` = {value:g} (baseline "
                         f"{baseline.constants.get(name, PARAMETERS[name].default):g}) | constant: an approximation "
                         "the scenario file documents |")
    return lines


def _shown(source: str | None) -> str:
    """A scenario's file relative to the project folder when it lies inside it."""
    path = Path(source or "")
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def render(result: dict, plan) -> str:
    names, n = result["scenarios"], len(result["seeds"])
    made = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    parts = [
        "# The decade after Munro, as it happened: a back-test, April 2011 to March 2024", "",
        f"*Written by `cpsim backtest` (cpsim {abm.__version__}, commit {_git().get('describe')}; {made}).*", "",
        f"The average English authority from 1 April 2011, branched from the history 2006-2011 "
        f"(`{_shown(plan.scenarios[0].source)}`), run on {n} seed{'s' * (n != 1)} with nothing fitted to any year "
        "after March 2011: every figure below is a prediction. " + sentence(result), "",
        *(f"- **{name}**: {result['descriptions'][name] or ''}" for name in names),
        "", "Observed figures (black) are England's published figures divided by 152, the way the calibration "
        "targets scale them (`abm/backtest/observed.toml`, never read by the calibration); durations, "
        "rates, shares and caseloads are not scaled. Calendar-year figures (court, workforce census) sit a quarter "
        "year before the financial year starting in that April. What in the model drives each closing figure, and "
        "where it is likely wrong and why: docs/backtest_findings.md (written for the committed run).", "",
        "## The closing figures", "", "![the ratios](closing.png)", "", *_closing_table(result), "",
        "Ratios are taken seed by seed (a base year of 2010/11 or 31 March 2011 is the same seed's history) and "
        "shown as median (5th-95th percentile). Court weeks, turnover and caseload are calendar-year values.", "",
        "## At a glance", "", "![overview](overview.png)", "",
        "## What changed, and when (the enacted scenario)", "", *_changes(plan), "",
        "## Year by year", ""]
    for outcome, o in result["outcomes"].items():
        percent = outcome in PERCENT
        parts += [f"### {o['label']} (`{outcome}`)", "", f"![{outcome}]({outcome}.png)", "",
                  "| year | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for k, label in enumerate(result["labels"]):
            parts.append(f"| {label} | " + " | ".join(
                _cell({q: result["years"][nm][outcome][q][k] for q in ("median", "p05", "p95")}, percent)
                for nm in names) + " |")
        parts.append("")
    parts += ["## Observed figures and their sources", "", "| outcome | period | average authority | source |",
              "|---|---|---|---|"]
    parts += [f"| `{o['outcome']}` | {o['period']} | {_value(o['value'], o['outcome'] in PERCENT)} | {o['source']} |"
              for o in result["observed"]]
    return "\n".join(parts) + "\n"


def write_report(folder: Path, result: dict, plan) -> Path:
    """Write `backtest.md` and its charts into `folder`, whole or not at all; return the page's path."""
    figures = {"closing": closing_figure(result), "overview": overview_figure(result),
               **{o: outcome_figure(result, o) for o in result["outcomes"]}}
    text = render(result, plan)
    with atomic_folder(Path(folder), KIND, "--report") as tmp:
        for name, fig in figures.items():
            fig.savefig(tmp / f"{name}.png", dpi=DPI, bbox_inches="tight")
        (tmp / REPORT_FILE).write_text(text, encoding="utf-8")
    return Path(folder) / REPORT_FILE
