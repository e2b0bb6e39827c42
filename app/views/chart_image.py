"""A matplotlib figure shown on the page as a PNG <img> with alt text (what the chart shows, for
screen readers and when the image does not load)."""

from __future__ import annotations

import base64
import io

import solara


def _data_url(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@solara.component
def ChartImage(figure, alt: str, dependencies: list):
    """`figure` as an image described by `alt`; drawn again only when `dependencies` change."""
    source = solara.use_memo(lambda: _data_url(figure), dependencies)
    solara.v.Html(tag="img", attributes={"src": source, "alt": alt}, class_="cpsim-chart")
