"""The workforce and the court year by year, the baseline and a scenario on one history side by side.

Each panel is one outcome of `abm.outcomes` aggregated to the run's years the way the
model's tables aggregate them (`abm.outcomes.yearly`), one line per scenario; rates and
shares are shown as percentages.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from abm.outcomes import BY_NAME, yearly
from abm.summary import PERCENT

WORKFORCE = ("caseload_mean", "direct_work_share", "turnover_rate", "vacancy_rate", "agency_share",
             "experience_years_mean")
COURT = ("care_applications_per_year", "court_backlog_cases", "court_cases_without_guardian_share",
         "court_duration_weeks_mean")


def series(weekly: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """One row per year of the run (column `year_label`), one column per outcome in `names`,
    rates and shares as percentages."""
    years = yearly(weekly, ["year", "year_label"]).sort_values("year")
    table = years[["year_label", *names]].reset_index(drop=True)
    for name in names:
        if name in PERCENT:
            table[name] = 100 * table[name]
    return table


LINES = (("#1f4e79", "o", "-", "#1f4e79"), ("#ef6c00", "s", "--", "none"))  # the baseline's line, the scenario's
# (hollow markers, so that a scenario that matches the baseline shows both)


def series_figure(tables: dict[str, pd.DataFrame], title: str, columns: int = 3) -> Figure:
    """A panel per outcome column of the `tables` (scenario name -> `series`) against their years, a line per
    scenario, large type."""
    table = next(iter(tables.values()))
    names = [c for c in table.columns if c != "year_label"]
    rows = -(-len(names) // columns)
    fig = Figure(figsize=(6 * columns, 4.6 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    x = range(len(table))
    for ax, name in zip(axes, names):
        for (scenario, shown), (colour, marker, style, face) in zip(tables.items(), LINES):
            ax.plot(x, shown[name], marker=marker, markersize=11, linewidth=3, color=colour, linestyle=style,
                    markerfacecolor=face, markeredgewidth=2, label=scenario)
        unit = " (%)" if name in PERCENT else ""
        ax.set_title(BY_NAME[name].label + unit, fontsize=15, wrap=True)
        ax.set_xticks(list(x), table["year_label"], fontsize=12, rotation=45 if len(table) > 5 else 0)
        ax.tick_params(axis="y", labelsize=12)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    for ax in axes[len(names):]:
        ax.set_axis_off()
    axes[0].legend(fontsize=12)
    fig.suptitle(title, fontsize=18)
    return fig
