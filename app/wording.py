"""Plain wording shared by the views: counts with their nouns pluralised, and the help text for seeds."""

from __future__ import annotations

SEEDS_HELP = "Each seed is one simulated history; more seeds, narrower intervals."


def plural(count: int, noun: str) -> str:
    """'1 year', '2 years': the count and its noun (a regular plural)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
