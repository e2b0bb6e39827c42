"""The start page and the accessibility of every view, in a real browser (headless Debian chromium).

The app opens on the start page; its buttons lead to Compare, the Workshop, Inside the system and
the two documents. Every view is checked by tests/app/accessibility_check.js (`lang`, one h1, a
label for every control, alt text for every image, nothing wider than the window) at 1600x1000
and 800x900, and saved as results/screenshots/VIEW-WIDTHxHEIGHT.png. The checks of views with
charts are in the tests that make the charts (test_browser_compare.py, test_browser_workshop_inside.py).
"""

from __future__ import annotations

from playwright.sync_api import expect

H1 = {
    "start": "cpsim: a model of a child protection system",
    "compare": "Compare reforms",
    "workshop": "Workshop: do the reforms work together, or cherry-picked?",
    "inside": "Inside the system",
    "share": "Keep and share",
    "odd": "cpsim: model description (ODD protocol)",
    "validation": "Validation: the historical baseline against its targets",
}
SIZES = ((1600, 1000), (800, 900))
DOCUMENTS = ("odd", "validation")


def open_view(app, view: str) -> None:
    """Go to `view`: a document from the start page's buttons, any other view from the navigation bar."""
    if view in DOCUMENTS:
        app.go("start")
        app.page.locator(f".cpsim-start-doc-{view}").click()
    else:
        app.go(view)
    expect(app.page.locator("h1")).to_have_text(H1[view])


def test_the_start_page_comes_first_and_leads_to_each_view(open_app):
    app = open_app(view=None)
    page = app.page
    expect(page.locator("h1")).to_have_text(H1["start"])
    expect(page.locator(".cpsim-start")).to_contain_text("not a forecast for a named council")
    expect(page.locator(".cpsim-start")).to_contain_text("parameter uncertainty only under a calibration posterior")
    expect(page.get_by_text("This website runs on")).to_have_count(0)  # Solara's banner covered content
    for view in ("compare", "workshop", "inside", *DOCUMENTS):
        page.locator(f".cpsim-start-{'doc-' if view in DOCUMENTS else ''}{view}").click()
        expect(page.locator("h1")).to_have_text(H1[view])
        if view in DOCUMENTS:
            page.locator(".cpsim-back-start").click()
        else:
            app.go("start")
        expect(page.locator("h1")).to_have_text(H1["start"])
    page.wait_for_load_state("networkidle")
    assert app.external == []
    assert app.failed == []


def test_every_view_passes_the_accessibility_check(two_family_package, open_app):
    app = open_app(view=None)
    page = app.page
    page.keyboard.press("Tab")  # the first control of the page: its focus outline must show
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", page.evaluate("document.activeElement.outerHTML")
    for view in H1:
        open_view(app, view)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            app.assert_accessible()
            app.screenshot(f"{view}-{width}x{height}", whole=view not in DOCUMENTS)
        page.set_viewport_size({"width": 1400, "height": 1000})
    assert app.external == []
    assert app.failed == []
