"""The documents the start page points to (the model description and its validation), shown inside
the app from the project's docs/ folder, so that they open without any network."""

from __future__ import annotations

from pathlib import Path

import solara

DOCS = Path(__file__).resolve().parents[2] / "docs"
# view key -> (file in docs/, the button that opens it)
DOCUMENTS = {
    "odd": ("ODD.md", "The model description (ODD)"),
    "validation": ("validation.md", "The validation against England's figures"),
}


@solara.component
def DocumentView(key: str, go):
    """The document `key` of DOCUMENTS (its own title is the view's h1); `go(view)` changes the view."""
    filename, _ = DOCUMENTS[key]
    text = solara.use_memo(lambda: (DOCS / filename).read_text(encoding="utf-8"), [key])
    with solara.Column(classes=["cpsim-document", f"cpsim-document-{key}"], style={"max-width": "60em"}):
        solara.Button("Back to the start page", icon_name="mdi-arrow-left", text=True, classes=["cpsim-back-start"],
                      style={"align-self": "flex-start"}, on_click=lambda: go("start"))
        solara.Text(f"docs/{filename} in the cpsim folder", style={"opacity": 0.7})
        solara.Markdown(text)
