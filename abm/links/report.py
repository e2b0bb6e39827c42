"""The `cpsim links` table: every link's elasticity with its 90% interval, then every loop's gain."""

from __future__ import annotations


def _num(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def render(result: dict) -> str:
    """The links and loops of `abm.links.measure` as text tables, with a count of the links alive."""
    head = ("row", "from", "to", "pol", "push", "cause moved", "elasticity (5th-95th)", "alive")
    rows = [(str(link["row"]), link["from"], link["to"], link["polarity"], link["push"],
             f"{100 * link['cause_change']:+.1f}%" if link["cause_change"] is not None else "n/a",
             f"{_num(link['elasticity'])} ({_num(link['p05'])} to {_num(link['p95'])})",
             "yes" if link["alive"] else "NO") for link in result["links"]]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]

    def line(row) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    alive = sum(link["alive"] for link in result["links"])
    loop_rows = [("-", link["from"], link["to"], link["polarity"], link["push"],
                  f"{100 * link['cause_change']:+.1f}%" if link["cause_change"] is not None else "n/a",
                  f"{_num(link['elasticity'])} ({_num(link['p05'])} to {_num(link['p95'])})",
                  "yes" if link["alive"] else "NO") for link in result.get("loop_links", [])]
    weak = [f"  row {link['row']}, {link['from']} -> {link['to']}: {link['weak'] or 'not documented'}"
            for link in result["links"] if not link["alive"]]
    drawn = result.get("posterior")
    over = f", each seed on its member of the posterior ({drawn['members']} members)" if drawn else ""
    lines = [f"Causal links at the calibrated historical state ({result['state']}; window {result['window']}), "
             f"{result['seeds']} seeds, common random numbers{over}", "", line(head), *map(line, rows), "",
             f"{alive} of {len(rows)} links alive (the 90% interval excludes zero on the stated side).",
             *(["Not alive, and why (abm/links/table.py WEAK):", *weak] if weak else []), "",
             *(["Links the loops also need:", *map(line, loop_rows), ""] if loop_rows else []),
             "Loop gains (product of the loop's elasticities; negative: balancing, positive: reinforcing)", ""]
    if not result["loops"]:
        lines.append("  none: no loop has all its links among those measured (--link)")
    for loop in result["loops"]:
        lines.append(f"  {loop['name']:<22} {loop['gain']:+.3g} ({loop['p05']:+.3g} to {loop['p95']:+.3g})"
                     if loop["gain"] is not None else f"  {loop['name']:<22} n/a")
        if loop.get("weak"):
            lines.append(f"    not clear of zero, and why (abm/links/table.py WEAK_LOOPS): {loop['weak']}")
    if result.get("also"):
        lines += ["", "What each push also moved (relative change of the outcome's mean over seeds, 5th-95th; --also)",
                  ""]
        for row in result["also"]:
            change = ("n/a" if row["change"] is None else
                      f"{100 * row['change']:+.2f}% ({_pct(row['p05'])} to {_pct(row['p95'])})")
            lines.append(f"  {row['push']}: {row['outcome']} {change}")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:+.2f}%"
