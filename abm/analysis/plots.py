"""The analysis figures, drawn with matplotlib on the Agg backend and saved as PNG.

One figure per outcome for sensitivity indices (Sobol S1 and ST as bars with their 95%
intervals; Morris mu* as bars with its interval beside the mu*-sigma plane), one per
PRIM box (the peeling trajectory's coverage against density, and the box's limits on
each parameter's sampled range), and one per outcome for national totals over years
(median with the 5th-95th percentile band over replicates).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from abm.outcomes import BY_NAME  # noqa: E402

DPI = 120


def sobol_figure(table: pd.DataFrame, outcome: str, path: Path) -> None:
    """Bars of S1 and ST per parameter (largest ST on top) with 95% interval whiskers."""
    t = table.sort_values("ST")
    fig, ax = plt.subplots(figsize=(8, _height(t)))
    rows = range(len(t))
    ax.barh([r + 0.2 for r in rows], t["ST"], 0.4, xerr=t["ST_conf"], label="total (ST)", color="#4c72b0",
            capsize=3)
    ax.barh([r - 0.2 for r in rows], t["S1"], 0.4, xerr=t["S1_conf"], label="first order (S1)", color="#dd8452",
            capsize=3)
    ax.set_yticks(list(rows), t["parameter"])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("share of the outcome's variance (95% interval)")
    ax.set_title(f"Sobol indices: {BY_NAME[outcome].label}")
    ax.legend(loc="lower right")
    _save(fig, path)


def morris_figure(table: pd.DataFrame, outcome: str, path: Path) -> None:
    """mu* per parameter as bars with 95% interval whiskers, beside the mu*-sigma plane."""
    t = table.sort_values("mu_star")
    fig, (bars, plane) = plt.subplots(1, 2, figsize=(12, _height(t)))
    bars.barh(t["parameter"], t["mu_star"], xerr=t["mu_star_conf"], color="#4c72b0", capsize=3)
    bars.set_xlabel("mu* (mean absolute elementary effect, 95% interval)")
    plane.scatter(t["mu_star"], t["sigma"], color="#4c72b0")
    for _, row in t.iterrows():
        plane.annotate(row["parameter"], (row["mu_star"], row["sigma"]), fontsize=8,
                       xytext=(3, 3), textcoords="offset points")
    top = max(t["mu_star"].max(), t["sigma"].max(), 1e-12) * 1.1
    plane.plot([0, top], [0, top], ls=":", color="grey", lw=1, label="sigma = mu*")
    plane.legend(loc="upper left")
    plane.set_xlim(0, top)
    plane.set_ylim(0, top)
    plane.set_xlabel("mu*")
    plane.set_ylabel("sigma (interactions or non-linearity)")
    fig.suptitle(f"Morris screening: {BY_NAME[outcome].label}")
    _save(fig, path)


def box_figure(box, number: int, ranges: dict[str, tuple[float, float]], failing: str, path: Path) -> None:
    """A PRIM box: its peeling trajectory (coverage vs density, selected step ringed) and its limits."""
    fig, (ppt, lims) = plt.subplots(1, 2, figsize=(12, _height(box.limits)))
    t = box.trajectory
    most = int(t["res_dim"].max())
    dots = ppt.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap=plt.get_cmap("viridis", most + 1),
                       vmin=-0.5, vmax=most + 0.5, s=18)
    ppt.scatter([box.coverage], [box.density], s=140, facecolors="none", edgecolors="red", lw=1.5,
                label=f"selected step {box.step}")
    fig.colorbar(dots, ax=ppt, label="restricted parameters", ticks=range(most + 1))
    ppt.set_xlim(0, 1.03)
    ppt.set_ylim(0, 1.05)
    ppt.set_xlabel("coverage (share of all failing points inside)")
    ppt.set_ylabel("density (share of points inside that fail)")
    ppt.set_title("peeling trajectory")
    ppt.legend(loc="lower left")
    for row, (name, limit) in enumerate(box.limits.iloc[::-1].iterrows()):
        low, high = ranges[name]
        span = (high - low) or 1.0
        a, b = (limit["low"] - low) / span, (limit["high"] - low) / span
        lims.plot([0, 1], [row, row], color="lightgrey", lw=6, solid_capstyle="butt")
        lims.plot([a, b], [row, row], color="#c44e52" if limit["restricted"] else "#8c8c8c", lw=6,
                  solid_capstyle="butt")
        if limit["restricted"]:
            lims.annotate(f"{limit['low']:.3g} to {limit['high']:.3g}", ((a + b) / 2, row + 0.25), ha="center",
                          fontsize=8)
    lims.set_yticks(range(len(box.limits)), box.limits.index[::-1])
    lims.set_ylim(-0.7, len(box.limits) - 0.3)
    lims.set_xlim(0, 1)
    lims.set_xlabel("share of the sampled range (restricted limits in red)")
    lims.set_title(f"box {number}: coverage {box.coverage:.0%}, density {box.density:.0%}")
    fig.suptitle(f"Where {failing}")
    _save(fig, path)


def national_figure(totals: pd.DataFrame, outcome: str, path: Path) -> None:
    """Median national total per year with its 5th-95th percentile band over replicates."""
    t = totals[totals["outcome"] == outcome]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = range(len(t))
    if t["replicates"].max() > 1:
        ax.fill_between(x, t["p05"], t["p95"], color="#4c72b0", alpha=0.25, label="5th-95th percentile")
    ax.plot(x, t["median"], color="#4c72b0", marker="o", label=f"median over {t['replicates'].max()} replicates")
    ax.set_xticks(list(x), t["year_label"], rotation=45 if len(t) > 8 else 0)
    ax.set_title(f"National total: {BY_NAME[outcome].label}")
    ax.legend()
    _save(fig, path)


def _height(rows) -> float:
    return max(4.0, 1.5 + 0.45 * len(rows))


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
