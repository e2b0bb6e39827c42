"""Results found and announced: a polite live region, visible on the page, that says what has just
finished and scrolls itself into view each time `token` changes (a new run's results), so the
reader sees them and a screen reader reads the message. Mounting it again (a return to the view)
does not scroll. Provisional results scroll and are announced once a run, not each time more
seeds land (`announcement_token`)."""

from __future__ import annotations

import solara


@solara.component_vue("announcement.vue")
def Announcement(message: str, token: str):
    pass


def announcement_token(shown, message: str) -> str:
    """What makes the announcement scroll into view and be read: each finished result, but provisional results
    only once a run (their message stays the same while more seeds land; the provisional note counts them)."""
    return str(id(shown)) if shown is None or shown.landed is None else message
