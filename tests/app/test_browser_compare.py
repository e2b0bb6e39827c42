"""The Compare and Keep-and-share views in a real browser (headless Debian chromium, Playwright).

The server offers the small test scenario (tests/app/conftest.py): a comparison of two
scenarios on two seeds takes seconds. Every wait is on something visible (a chart, a
message, a button state), never a sleep.
"""

from __future__ import annotations

import re

import pandas as pd
from playwright.sync_api import expect

from abm.outcomes import NAMES
from abm.scenario import load_scenario
from app.difference_table import VERDICT_STYLE


def test_page_loads_with_no_failed_request(open_app):
    app = open_app()
    expect(app.page.get_by_text("Scenarios and reforms")).to_be_visible()
    expect(app.page.locator(".cpsim-toggle-1-R1")).to_be_visible()
    app.page.wait_for_load_state("networkidle")
    app.screenshot("compare")
    for view in ("share", "compare"):
        app.go(view)
    app.page.get_by_text("Projector (large type)").click()
    expect(app.page.locator(".cpsim-compare.cpsim-big")).to_be_visible()
    app.page.wait_for_load_state("networkidle")
    app.screenshot("compare-projector")
    assert app.external == []
    assert app.failed == []


def test_a_reform_and_run_show_the_comparison(open_app, tmp_path):
    app = open_app()
    app.tick("R1")
    app.page.locator(".cpsim-run").click()
    expect(app.page.locator(".cpsim-progress-text")).to_be_visible()
    expect(app.page.locator(".cpsim-compare-charts img").first).to_be_visible()
    charts = app.page.locator(".cpsim-compare-charts img")
    assert charts.count() >= 5  # one per headline outcome
    table = app.page.locator(".cpsim-difference-table")
    expect(table).to_contain_text("Reformed - Baseline")
    expect(table).to_contain_text("Referrals")
    expect(app.page.locator(".cpsim-run")).to_be_enabled()
    app.assert_accessible()  # the charts included: each has its alt text
    app.screenshot("compare-results")

    # Keep and share: the downloads are the run just made
    app.go("share")
    with app.page.expect_download() as csv_download:
        app.page.get_by_text("Results (CSV)").click()
    csv_path = tmp_path / "results.csv"
    csv_download.value.save_as(csv_path)
    weekly = pd.read_csv(csv_path)
    assert sorted(weekly["scenario"].unique()) == ["Baseline", "Reformed"]
    assert weekly["seed"].nunique() == 2
    with app.page.expect_download() as toml_download:
        app.page.get_by_text("Reformed.toml").click()
    toml_path = tmp_path / "Reformed.toml"
    toml_download.value.save_as(toml_path)
    scenario = load_scenario(toml_path)
    assert [lever.reform for lever in scenario.levers] == ["R1"]
    assert scenario.constants["children_0_19"] == 10000
    app.screenshot("keep-and-share")
    assert app.failed == []


def r1_for_one_year(app):
    """The app with R1 ticked and the years set to 1."""
    app.tick("R1")
    app.slide("years", "Home")
    expect(app.page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    return app


def test_results_are_scrolled_into_view_and_announced(open_app):
    app = r1_for_one_year(open_app())
    page = app.page
    expect(page.locator(".cpsim-seeds-help")).to_have_text("Each seed is one simulated history; "
                                                           "more seeds, narrower intervals.")
    ready = page.locator(".cpsim-compare [role=status]")
    expect(ready).to_have_attribute("aria-live", "polite")
    expect(ready).to_have_text("")
    expect(ready).not_to_be_in_viewport()  # the results go below the reform table
    page.locator(".cpsim-run").click()
    expect(ready).to_have_text("Results ready: 2 scenarios x 2 seeds x 1 year")
    expect(ready).to_be_visible()
    expect(ready).to_be_in_viewport()
    expect(page.locator(".cpsim-compare-charts img").first).to_be_visible()
    expect(page.locator(".cpsim-compare-charts")).to_contain_text("(2 seeds)")
    # back from another view: the results are there, and the page is not moved again
    app.go("share")
    app.go("compare")
    expect(ready).to_have_text("Results ready: 2 scenarios x 2 seeds x 1 year")
    assert page.evaluate("window.scrollY") == 0
    assert app.failed == []


def test_cancel_stops_a_run(open_app):
    app = open_app()
    app.tick("R2")
    app.slide("seeds", "End")
    expect(app.page.locator(".cpsim-seeds")).to_contain_text("Seeds (runs of each scenario): 50")
    app.page.locator(".cpsim-run").click()
    expect(app.page.locator(".cpsim-progress-text")).to_contain_text("of 100 runs done")
    app.page.locator(".cpsim-cancel").click()
    expect(app.page.locator(".cpsim-run-message")).to_contain_text("Run cancelled")
    expect(app.page.locator(".cpsim-run")).to_be_enabled()
    expect(app.page.locator(".cpsim-cancel")).to_have_count(0)
    # seeds whose runs all landed before the cancel stay shown, said to be provisional (app/wording.py); no others
    if app.page.locator(".cpsim-compare-charts").count():
        expect(app.page.locator(".cpsim-provisional")).to_contain_text("finished before the run stopped")
    expect(app.page.locator(".cpsim-compare [role=status]")).not_to_contain_text("Results ready")
    app.screenshot("compare-cancelled")


def test_a_bad_uploaded_scenario_shows_its_error(open_app, tmp_path):
    app = open_app()
    app.go("share")
    bad = tmp_path / "too_long.toml"
    bad.write_text("[scenario]\nyears = 500\nwarmup_years = 1\nseeds = 2\nroot_seed = 1\n")
    app.page.locator(".cpsim-upload-input").set_input_files(str(bad))
    error = app.page.locator(".cpsim-upload-error")
    expect(error).to_contain_text("too_long.toml: scenario.years: 500 is out of range: allowed 1 to 100")
    app.screenshot("upload-error")

    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 10_000)
    app.page.locator(".cpsim-upload-input").set_input_files(str(huge))
    expect(error).to_contain_text("huge.toml: the file is 100,000 bytes; a scenario file may be at most 65,536 bytes")

    good = tmp_path / "my_authority.toml"
    good.write_text("[scenario]\ndescription = \"Our area with early help\"\nyears = 1\nwarmup_years = 1\n"
                    "seeds = 2\nroot_seed = 1\n[constants]\nchildren_0_19 = 10000\n[[levers]]\nreform = \"R10\"\n")
    app.page.locator(".cpsim-upload-input").set_input_files(str(good))
    expect(app.page.locator(".cpsim-upload-ok")).to_contain_text("'my_authority' is now the baseline")
    expect(error).to_have_count(0)
    app.go("compare")
    expect(app.page.locator(".cpsim-compare")).to_contain_text("my_authority")
    expect(app.page.locator(".cpsim-compare")).to_contain_text("Our area with early help")
    expect(app.page.locator(".cpsim-base-reforms")).to_contain_text("switches on R10")
    for scenario in (0, 1):
        box = app.page.locator(f".cpsim-toggle-{scenario}-R10 input")
        expect(box).to_be_checked()
        expect(box).to_be_disabled()
    expect(app.page.locator(".cpsim-toggle-1-R1 input")).to_be_enabled()
    app.screenshot("upload-with-reforms")


def test_two_sessions_stay_separate(open_app):
    first, second = open_app(), open_app()
    name = first.page.locator(".cpsim-name-1 input")
    name.fill("Alpha")
    name.press("Enter")
    expect(first.page.locator(".cpsim-reforms")).to_contain_text("Alpha")
    first.tick("R10")
    first.slide("years", "Home")
    expect(first.page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    first.page.locator(".cpsim-run").click()
    expect(first.page.locator(".cpsim-compare-charts img").first).to_be_visible()
    expect(first.page.locator(".cpsim-difference-table")).to_contain_text("Alpha - Baseline")

    second.page.reload()  # the app opens on the start page again
    second.go("compare")
    expect(second.page.locator(".cpsim-reforms")).to_contain_text("Reformed")
    expect(second.page.locator(".cpsim-reforms")).not_to_contain_text("Alpha")
    expect(second.page.locator(".cpsim-toggle-1-R10 input")).not_to_be_checked()
    expect(second.page.get_by_text("No results yet")).to_be_visible()
    second.go("share")
    expect(second.page.get_by_text("Run a comparison on")).to_be_visible()
    expect(second.page.locator(".cpsim-scenario-downloads")).to_contain_text("Reformed.toml")
    expect(second.page.locator(".cpsim-scenario-downloads")).not_to_contain_text("Alpha")


def test_settings_too_small_for_the_question_are_warned_of(two_family_package, open_app):
    app = open_app()
    page = app.page
    warnings = page.locator(".cpsim-compare .cpsim-run-warning")
    expect(warnings).to_have_count(1)  # the small scenario's 2 seeds; no reform yet
    page.locator(".cpsim-package-1").click()
    page.get_by_role("option", name="two_families").click()  # R1 and R10: ramps of 2 and 3 years
    expect(page.locator(".cpsim-toggle-1-R10 input")).to_be_checked()
    app.slide("years", "Home")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 1")
    expect(warnings).to_have_count(2)
    expect(warnings.first).to_contain_text("With 2 seeds the intervals will be wide: differences smaller than "
                                           "about 5.4 times their spread between seeds")
    expect(warnings.last).to_have_text("The reforms take up to 3 years to reach full strength; with 1 year the "
                                       "results show them part-way.")
    expect(page.locator(".cpsim-run")).to_be_enabled()  # warned, not stopped
    app.assert_accessible()
    app.screenshot("compare-warnings", whole=False)
    for _ in range(3):
        app.slide("seeds", "ArrowRight")
    expect(page.locator(".cpsim-seeds")).to_contain_text("Seeds (runs of each scenario): 5")
    expect(warnings).to_have_count(1)
    for _ in range(2):
        app.slide("years", "ArrowRight")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 3")
    expect(warnings).to_have_count(0)


def test_the_results_read_plainly(open_app):
    app = r1_for_one_year(open_app())
    page = app.page
    page.locator(".cpsim-run").click()
    expect(page.locator(".cpsim-compare-charts img").first).to_be_visible()
    expect(page.locator(".cpsim-band-sentence")).to_have_text("Shaded: 5th-95th percentile over seeds; line: median.")
    widths = page.locator(".cpsim-compare-charts img").evaluate_all(
        "images => images.map(i => { const c = i.parentElement, s = getComputedStyle(c); return [i.getBoundingClientRect()"
        ".width, c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]; })")
    assert widths and all(abs(image - column) < 2 for image, column in widths), widths  # each fills its column
    headline = page.locator(".cpsim-headline-table")
    first = headline.locator("tr").nth(1)
    expect(first.locator(".cpsim-row-label")).to_have_text("Referrals")
    expect(first.locator(".cpsim-row-measure")).to_have_text("number per year, mean of the years")
    expect(headline.locator(".cpsim-row-looked_after_children .cpsim-row-measure")).to_have_text(
        "number on 31 March, end of the last year")
    expect(headline.locator(".cpsim-row-direct_work_share .cpsim-row-measure")).to_contain_text(
        "differences in percentage points")
    expect(page.locator(".cpsim-interval-sentence")).to_contain_text(
        "90% interval of the paired difference over seeds: the same simulated histories with and without the reform")
    others = page.locator(".cpsim-other-table")
    expect(others).not_to_be_visible()  # folded away
    page.locator(".cpsim-other-outcomes").get_by_text("outcomes").click()
    expect(others).to_be_visible()
    expect(others.locator(".cpsim-row-contacts_per_year")).to_contain_text("Contacts to children's social care")
    text = page.locator(".cpsim-difference-table").inner_text()
    assert "e-1" not in text and "e+" not in text and "%]" not in text
    cells = page.locator(".cpsim-difference-table .cpsim-verdict").evaluate_all(
        "cells => cells.map(c => [c.textContent.trim(), getComputedStyle(c).backgroundColor])")
    assert len(cells) == len(NAMES)
    for verdict, background in cells:
        expected = VERDICT_STYLE[verdict][1]
        assert background == "rgb({}, {}, {})".format(*(int(expected[i:i + 2], 16) for i in (1, 3, 5)))
    assert {verdict for verdict, _ in cells} - {"no clear difference"}  # some verdict in colour, not all grey
    sizes = page.locator(".cpsim-difference-table .cpsim-detectable").evaluate_all(  # with the row's verdict
        "sizes => sizes.map(s => [s.textContent.trim(), s.closest('td').nextElementSibling.textContent.trim()])")
    assert sizes and all(re.fullmatch(r"detectable from [0-9.,]+", size) for size, _ in sizes)
    assert {verdict for _, verdict in sizes} == {"no clear difference"}  # only under differences that are not clear
    app.assert_accessible()
    page.locator(".cpsim-difference-table").scroll_into_view_if_needed()
    app.screenshot("compare-results-table", whole=False)
    page.set_viewport_size({"width": 800, "height": 900})
    app.assert_accessible()  # the table scrolls inside its box; the page is no wider than the window
    page.locator(".cpsim-headline-table").scroll_into_view_if_needed()
    app.screenshot("compare-results-table-800x900", whole=False)
    assert app.external == []
