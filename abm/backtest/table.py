"""The back-test's closing figures as text: each scenario's median (5th-95th percentile) beside what happened."""

from __future__ import annotations

from abm.posterior_draws import sentence
from abm.summary import PERCENT, _value


def _cell(b: dict, ratio: bool, percent: bool) -> str:
    if b["median"] is None:
        return "n/a"
    if ratio:
        return f"{b['median']:.2f} ({b['p05']:.2f}-{b['p95']:.2f})"
    return f"{_value(b['median'], percent)} ({_value(b['p05'], percent)}-{_value(b['p95'], percent)})"


def render_closing(result: dict) -> str:
    names, n = result["scenarios"], len(result["seeds"])
    rows = [["figure", *names, "observed"]]
    for r in result["closing"]:
        ratio, percent = r["base"] is not None, r["outcome"] in PERCENT
        seen = r.get("observed")
        shown = "-" if seen is None else (f"{seen['value']:.2f}" if ratio else _value(seen["value"], percent))
        rows.append([r["label"], *(_cell(r["scenarios"][name], ratio, percent) for name in names), shown])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"back-test 2011-2024: median (5th-95th percentile) over {n} seed{'s' * (n != 1)}", sentence(result), ""]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)
