"""State a reviewer keeps, in a real browser (headless Debian chromium, Playwright): the setup and view in
the page's address (restored after a reload and from a link, bad values ignored with a note), a refused
field showing again what will run, a setup saved under a name, results marked out of date when the
setup changes, and the comparison's HTML report downloaded as one file.

The server offers the small test scenario (tests/app/conftest.py); the runs are 2 scenarios x 2-3
seeds x 1 year. Every wait is on something visible, never a sleep.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_the_address_restores_a_comparison_setup_after_reload(open_app, app_url):
    app = open_app()
    page = app.page
    app.tick("R1")
    app.slide("years", "Home")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    name = page.locator(".cpsim-name-1 input")
    name.fill("Early help")
    name.press("Enter")
    expect(page.locator(".cpsim-reforms")).to_contain_text("Early help")
    expect(page).to_have_url(re.compile(r"view=compare&baseline=small&start=2011&years=1&seeds=2&name0=Baseline"
                                        r"&name1=Early%20help&reforms1=R1$"))
    link = page.url
    expect(page.locator(".cpsim-share-link-input")).to_have_value(link)

    page.reload()
    for shown in (app, open_app(None)):  # the same session reloaded; a new session opening the link
        if shown is not app:
            shown.page.goto(link)
        here = shown.page
        expect(here.locator(".cpsim-compare h1")).to_have_text("Compare reforms")  # the view, not the start page
        expect(here.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
        expect(here.locator(".cpsim-seeds")).to_contain_text("Seeds (runs of each scenario): 2")
        expect(here.locator(".cpsim-toggle-1-R1 input")).to_be_checked()
        expect(here.locator(".cpsim-toggle-1-R2 input")).not_to_be_checked()
        expect(here.locator(".cpsim-name-1 input")).to_have_value("Early help")
        expect(here.locator(".cpsim-link-restored")).to_contain_text("A link never starts a run")
        expect(here.get_by_text("No results yet")).to_be_visible()
        assert here.url == link
    app.assert_accessible()
    app.screenshot("compare-from-link", whole=False)

    # a refused start year is explained, and the field shows again the year that will run
    year = page.locator(".cpsim-start-year input")
    year.fill("2070")
    year.press("Enter")
    expect(page.locator(".cpsim-error")).to_contain_text("start year: 2070 is out of range")
    expect(page.locator(".cpsim-start-year input")).to_have_value("2011")

    # saved under a name, changed, loaded back
    page.locator(".cpsim-save-name input").fill("Option A")
    page.locator(".cpsim-save-setup").click()
    expect(page.locator(".cpsim-keep-message")).to_have_text("Saved as 'Option A' for this session.")
    app.slide("years", "End")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 30")
    expect(page).to_have_url(re.compile("years=30"))
    page.locator(".cpsim-load-setup").click()
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    expect(page).to_have_url(link)
    assert app.external == [] and app.failed == []


def test_a_bad_link_is_ignored_with_a_note_and_the_page_works(open_app, app_url):
    app = open_app(None)
    page = app.page
    page.goto(app_url + "?view=compare&years=abc&seeds=2&reforms1=R99,R10&name1=%3Cb%3Ex%3C/b%3E&view=admin&x=1")
    notes = page.locator(".cpsim-link-ignored")
    expect(notes).to_contain_text("years: 'abc' was ignored: allowed whole numbers 1 to 30.")
    expect(notes).to_contain_text("reforms1: 'R99' is not a reform: it was ignored (allowed: R1, R2")
    expect(notes).to_contain_text("name1: '<b>x</b>' was ignored")
    expect(notes).to_contain_text("view: given twice")
    expect(notes).to_contain_text("'x' is not a setting a link can give")
    expect(page.locator(".cpsim-compare b")).to_have_count(0)  # shown as text, never as markup
    expect(page.locator(".cpsim-toggle-1-R10 input")).to_be_checked()
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 2")  # the baseline's own
    expect(page).not_to_have_url(re.compile("abc|R99|admin"))  # the address now says what will run
    app.assert_accessible()
    app.screenshot("compare-bad-link", whole=False)
    page.set_viewport_size({"width": 800, "height": 900})
    app.assert_accessible()  # the notes and the link box fit an 800 px window
    page.locator(".cpsim-link-dismiss").click()
    expect(notes).to_have_count(0)


def test_results_are_marked_out_of_date_and_the_report_downloads(open_app, tmp_path):
    app = open_app()
    page = app.page
    app.tick("R1")
    app.slide("years", "Home")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    page.locator(".cpsim-run").click()
    expect(page.locator(".cpsim-compare-charts img").first).to_be_visible()
    stale, hint = page.locator(".cpsim-out-of-date"), page.locator(".cpsim-out-of-date-hint")
    expect(stale).to_have_count(0)

    app.tick("R2")  # the moment the setup changes
    expect(stale).to_contain_text("Out of date: these results are for the setup as it was at Run; since then "
                                  "R2 ticked in Reformed. Press Run")
    expect(hint).to_be_visible()
    expect(page.locator(".cpsim-results.cpsim-stale .cpsim-difference-table")).to_be_visible()  # still shown
    app.tick("R2")  # back to the setup that was run
    expect(stale).to_have_count(0)
    expect(hint).to_have_count(0)
    app.slide("seeds", "ArrowRight")
    expect(stale).to_contain_text("seeds 3 (was 2)")
    app.screenshot("compare-out-of-date")
    page.locator(".cpsim-run").click()
    expect(page.locator(".cpsim-compare-charts")).to_contain_text("(3 seeds)")
    expect(stale).to_have_count(0)  # a new run of this setup

    with page.expect_download() as download:
        page.locator(".cpsim-report-download").get_by_text("Report (HTML, one file)").click()
    assert download.value.suggested_filename == "Baseline-Reformed-report.html"
    path = tmp_path / "report.html"
    download.value.save_as(path)
    report = path.read_text(encoding="utf-8")
    assert "<title>cpsim comparison: Baseline vs Reformed</title>" in report
    assert '<table class="comparison">' in report and "Reformed - Baseline" in report
    assert "on the same 3 seeds" in report
    assert report.count('src="data:image/png;base64,') >= 5 and not re.search(r'src="[^"]*\.png"', report)

    app.go("share")  # the same report from Keep and share
    with page.expect_download() as again:
        page.locator(".cpsim-share .cpsim-report-download").get_by_text("Report (HTML, one file)").click()
    assert again.value.suggested_filename == "Baseline-Reformed-report.html"
    assert app.external == [] and app.failed == []
