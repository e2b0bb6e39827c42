"""The one h1 of a view: its title, the first thing a screen reader's heading list offers."""

from __future__ import annotations

import solara


@solara.component
def Heading(text: str):
    solara.v.Html(tag="h1", children=[text])
