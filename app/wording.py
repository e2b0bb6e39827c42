"""Plain wording shared by the views: counts with their nouns pluralised, the help text for seeds, the
time a run has left, and what provisional results (the seeds landed so far) say of themselves."""

from __future__ import annotations

SEEDS_HELP = "Each seed is one simulated history; more seeds, narrower intervals."


def plural(count: int, noun: str) -> str:
    """'1 year', '2 years': the count and its noun (a regular plural)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def progress_line(done: int, total: int, seconds_left: float | None) -> str:
    """'3 of 8 runs done; about 20 seconds left' (the time at the rate so far; `RunJob.seconds_left`)."""
    if not total:
        return "Starting the runs..."
    return (f"{done} of {plural(total, 'run')} done; "
            + ("estimating the time left..." if seconds_left is None else time_left(seconds_left)))


def time_left(seconds: float) -> str:
    """'a few seconds left', 'about 40 seconds left', 'about 3 minutes left', 'about 1 hour 5 minutes left'."""
    if seconds < 10:
        return "a few seconds left"
    if seconds < 60:
        return f"about {plural(int(round(seconds / 10) * 10), 'second')} left"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"about {plural(minutes, 'minute')} left"
    hours, minutes = divmod(minutes, 60)
    return f"about {plural(hours, 'hour')}" + (f" {plural(minutes, 'minute')}" if minutes else "") + " left"


def provisional_note(landed: int, seeds: int, running: bool) -> str:
    """What results of the first `landed` of `seeds` seeds say of themselves, while the rest run or once stopped."""
    of = f"{landed} of {plural(seeds, 'seed')}"
    if running:
        return (f"Provisional: the results of the first {of}, shown as they land. The rest are running; the "
                "intervals narrow and the verdicts may change when they are in.")
    return f"Provisional: only {of} finished before the run stopped; run again for all of them."
