"""Results found and announced: a polite live region, visible on the page, that says what has just
finished and scrolls itself into view each time `token` changes (a new run's results), so the
reader sees them and a screen reader reads the message. Mounting it again (a return to the view)
does not scroll."""

from __future__ import annotations

import solara


@solara.component_vue("announcement.vue")
def Announcement(message: str, token: str):
    pass
