"""The page's address as a link to the setup (app.setup_link): `AddressQuery` keeps the address bar's query
string in step with the setup and view (a new history entry when the view or the workshop step changes,
else replacing it, so the browser's history does not fill with every tick) and, on Back or Forward,
hands the address gone back to to `event_restore`; `ShareLink` shows that link to copy, and `LinkNotes`
says what the link the page was opened with set up and which of its values were ignored, and why."""

from __future__ import annotations

from typing import Callable

import solara

from app.setup_link import LinkState

NOTE_STYLE = ("border-left: 5px solid #e8590c; background: #fff4e6; color: #4a2300; padding: 8px 12px; "
              "border-radius: 4px; margin: 6px 0")
RESTORED_STYLE = ("border-left: 5px solid #1d70b8; background: #eaf2fa; color: #0b2e4f; padding: 8px 12px; "
                  "border-radius: 4px; margin: 6px 0")
RESTORED = ("This link set up a comparison on Compare: its baseline, years, seeds, scenarios and reforms. "
            "A link never starts a run: press Run on Compare to see its results.")


@solara.component_vue("address.vue")
def AddressQuery(address: dict, event_restore: Callable[[str], None]):
    """`address`: {"query": the query string to show, "restored": how many Back/Forward moves the page has restored
    (the address is not written while the page catches up with the browser's)}."""


@solara.component_vue("share_link.vue")
def ShareLink(query: str, label: str):
    pass


@solara.component
def LinkNotes(link: LinkState, dismissed: solara.Reactive[bool]):
    """What the opening link did (if it set a comparison up) and every value of it that was ignored."""
    if dismissed.value or (link.setup is None and not link.notes):
        return
    with solara.Div(classes=["cpsim-link-notes"], style={"max-width": "60em"}):
        if link.setup is not None:
            solara.v.Html(tag="div", children=[RESTORED], class_="cpsim-link-restored", style_=RESTORED_STYLE,
                          attributes={"role": "note"})
        if link.notes:
            items = [solara.v.Html(tag="li", children=[note]) for note in link.notes]
            solara.v.Html(tag="div", class_="cpsim-link-ignored", style_=NOTE_STYLE, attributes={"role": "note"},
                          children=[solara.v.Html(tag="div", children=["Some values in this link could not be used "
                                                                       "and were ignored:"]),
                                    solara.v.Html(tag="ul", children=items, style_="margin: 4px 0 0 0")])
        solara.Button("Dismiss", text=True, classes=["cpsim-link-dismiss"], on_click=lambda: dismissed.set(True))
