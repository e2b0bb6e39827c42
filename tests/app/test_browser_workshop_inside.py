"""The Workshop and Inside-the-system views in a real browser (headless Debian chromium, Playwright).

The server offers the small test scenario (tests/app/conftest.py) and, in its `reforms`
folder, a two-family package built from it (conftest's `two_family_package`), so the
workshop runs 4 subsets x 2 seeds of 2 years (or of 1 year) in seconds. The
Workshop's tests: it steps through; a run survives a view change (neither cancelled nor its
settings reset), jumps to any step and shows the overview grid; the projector deck fits 1600x1000
without scrolling; a run can be cancelled. Inside the system: the baseline and a scenario
side by side on 2 seeds x 1 year, named by history, their journeys' boxes in one table, a
second history, the threshold recounting both sides beside each other. Every wait is on something visible, never a sleep;
screenshots go to results/screenshots/.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

NO_ANIMATION = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def test_the_workshop_steps_through(two_family_package, open_app):
    app = open_app()
    page = app.page
    page.add_style_tag(content=NO_ANIMATION)
    app.go("workshop")
    expect(page.get_by_text("2 families of reforms: 4 combinations x 2 seeds = 8 runs of 2 years.")).to_be_visible()
    warnings = page.locator(".cpsim-workshop .cpsim-run-warning")  # 2 seeds; early help's ramp is 3 years
    expect(warnings).to_have_count(2)
    expect(warnings.first).to_contain_text("With 2 seeds the intervals will be wide")
    expect(warnings.last).to_have_text("The reforms take up to 3 years to reach full strength; with 2 years the "
                                       "results show them part-way.")
    page.locator(".cpsim-workshop-run").click()
    step = page.locator(".cpsim-workshop-step")
    expect(step).to_have_text("Step 1 of 3: Less prescription (revised guidance) alone")
    expect(page.locator(".cpsim-workshop-cancel")).to_have_count(0)  # the run has finished
    expect(page.locator(".cpsim-workshop-steps img")).to_be_visible()
    expect(page.locator(".cpsim-workshop-back")).to_be_disabled()
    ready = page.locator(".cpsim-workshop [role=status]")
    expect(ready).to_have_text("Workshop ready: 3 steps, 2 seeds x 2 years")
    expect(ready).to_have_attribute("aria-live", "polite")
    expect(ready).to_be_in_viewport()
    app.assert_accessible()
    app.screenshot("workshop")
    page.locator(".cpsim-workshop-next").click()
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    page.locator(".cpsim-workshop-next").click()
    expect(step).to_have_text("Step 3 of 3: The whole package")
    expect(page.get_by_text("The whole package: ")).to_be_visible()
    expect(page.locator(".cpsim-workshop-next")).to_be_disabled()
    app.screenshot("workshop-whole-package")
    page.get_by_text("Projector (large type)").click()
    expect(page.locator(".cpsim-projector .cpsim-workshop-steps img")).to_be_visible()
    app.screenshot("workshop-projector")
    page.locator(".cpsim-workshop-back").click()
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    # the finished workshop, and the step on show, stay with the session while the facilitator looks elsewhere
    app.go("compare")
    app.go("workshop")
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    assert app.failed == []


def one_year(app) -> None:
    """Set the Workshop's years to 1 (the seeds stay at the package's 2): 8 runs of a year."""
    app.page.locator(".cpsim-workshop-years .v-slider__thumb-container").focus()
    app.page.keyboard.press("Home")
    expect(app.page.get_by_text("= 8 runs of 1 year.")).to_be_visible()


def test_a_workshop_run_survives_a_view_change_and_jumps_to_any_step(two_family_package, open_app):
    app = open_app()
    page = app.page
    page.add_style_tag(content=NO_ANIMATION)
    app.go("workshop")
    one_year(app)
    page.locator(".cpsim-workshop-run").click()
    expect(page.locator(".cpsim-workshop-cancel")).to_be_visible()  # under way
    expect(page.locator(".cpsim-workshop-progress")).to_have_text(
        re.compile(r"Starting the runs\.\.\.|\d of 8 runs done; (estimating the time left\.\.\.|.* left)"))
    app.go("compare")  # leaving the view while the workshop runs neither cancels it nor resets its settings
    expect(page.get_by_role("heading", name="Compare reforms")).to_be_visible()
    app.go("workshop")
    expect(page.get_by_text("= 8 runs of 1 year.")).to_be_visible()
    expect(page.locator(".cpsim-workshop [role=status]")).to_have_text("Workshop ready: 3 steps, 2 seeds x 1 year")
    expect(page.locator(".cpsim-workshop-message")).to_have_count(0)  # never "Workshop run cancelled."
    step = page.locator(".cpsim-workshop-step")
    expect(step).to_have_text("Step 1 of 3: Less prescription (revised guidance) alone")

    page.locator(".cpsim-workshop-jump .v-select").click()
    page.get_by_role("option", name="3. The whole package").click()
    expect(step).to_have_text("Step 3 of 3: The whole package")
    expect(page.locator(".cpsim-workshop-next")).to_be_disabled()

    page.get_by_role("button", name="Overview grid").click()
    grid = page.locator(".cpsim-workshop-overview table")
    expect(grid).to_be_visible()
    expect(grid.locator("tr")).to_have_count(4)  # the heads, then every combination but no reform
    expect(grid.locator("tr").first).to_contain_text("Children harmed")
    expect(grid.locator("tr").nth(2)).to_contain_text("early help alone")
    app.assert_accessible()
    app.screenshot("workshop-overview")
    page.set_viewport_size({"width": 800, "height": 900})  # the grid scrolls in its box, the page no wider
    app.assert_accessible()
    app.screenshot("workshop-overview-800x900")
    page.set_viewport_size({"width": 1400, "height": 1000})
    grid.locator("tr").nth(2).locator(".cpsim-overview-jump").click()
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    assert app.external == []
    assert app.failed == []


def assert_fits(app, screenshot: str) -> None:
    """The page scrolls neither down nor across in a 1600x1000 window; its screenshot saved as it shows."""
    size = app.page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight]")
    assert size[0] <= 1600 and size[1] <= 1000, size
    app.screenshot(screenshot, whole=False)


def test_the_projector_deck_fits_1600x1000_without_scrolling(two_family_package, open_app):
    app = open_app()
    page = app.page
    page.add_style_tag(content=NO_ANIMATION)
    page.set_viewport_size({"width": 1600, "height": 1000})
    app.go("workshop")
    one_year(app)
    page.locator(".cpsim-workshop-run").click()
    expect(page.locator(".cpsim-workshop-step")).to_be_visible()
    page.get_by_text("Projector (large type)").click()
    expect(page.locator(".cpsim-workshop-deck")).to_be_visible()
    chart = page.locator(".cpsim-workshop-deck .cpsim-workshop-chart img")
    expect(chart).to_be_visible()
    page.locator(".cpsim-workshop-next").click()
    expect(page.locator(".cpsim-workshop-step")).to_have_text("Step 2 of 3: Early help alone")
    assert_fits(app, "workshop-projector-step-1600x1000")
    box = chart.bounding_box()
    assert box["height"] >= 350 and box["y"] + box["height"] <= 1000  # the chart takes the height the words leave
    page.get_by_role("button", name="Overview grid").click()
    expect(page.locator(".cpsim-workshop-deck .cpsim-workshop-overview table")).to_be_visible()
    assert_fits(app, "workshop-projector-overview-1600x1000")
    page.locator(".cpsim-workshop-settings").click()  # the settings unfold on demand
    expect(page.locator(".cpsim-workshop-run")).to_be_visible()
    app.assert_accessible()
    assert app.failed == []


def test_a_workshop_run_can_be_cancelled(two_family_package, open_app):
    app = open_app()
    page = app.page
    app.go("workshop")
    page.locator(".cpsim-workshop-seeds .v-slider__thumb-container").focus()
    page.keyboard.press("End")  # 20 seeds: a run long enough to cancel for sure
    expect(page.get_by_text("= 80 runs of 2 years.")).to_be_visible()
    page.locator(".cpsim-workshop-run").click()
    page.locator(".cpsim-workshop-cancel").click()
    expect(page.locator(".cpsim-workshop-message")).to_have_text(
        "Workshop run cancelled. A grid shown, marked provisional, is that of the seeds that finished.")
    expect(page.locator(".cpsim-workshop-step")).to_have_count(0)
    expect(page.locator(".cpsim-workshop-run")).to_be_enabled()
    expect(page.locator(".cpsim-provisional")).to_have_count(0)  # cancelled before 2 seeds were in: no grid


def test_inside_the_system_shows_the_baseline_and_a_scenario_side_by_side(open_app):
    app = open_app()
    page = app.page
    page.add_style_tag(content=NO_ANIMATION)
    page.set_viewport_size({"width": 1600, "height": 1000})
    app.slide("years", "Home")  # 2 seeds x 1 year
    app.go("inside")
    expect(page.get_by_text("on the same 2 seeds (each seed one simulated history")).to_be_visible()
    expect(page.get_by_text("for 1 year: 4 runs.")).to_be_visible()
    page.locator(".cpsim-inside-run").click()
    title = page.locator(".cpsim-inside-title")
    expect(title).to_have_text("Baseline and Reformed, history 1 of 2, 1 year (2011/12)")
    expect(page.locator(".cpsim-inside-run")).to_be_enabled()  # the runs have finished
    journeys = page.locator(".cpsim-inside-panels img[alt*='journey']")
    expect(journeys).to_have_count(2)
    expect(journeys.first).to_have_attribute("alt", re.compile(r"in Baseline, history 1 of 2"))
    expect(journeys.nth(1)).to_have_attribute("alt", re.compile(r"in Reformed, history 1 of 2"))
    table = page.locator(".cpsim-inside-journey-table table")  # every box of both journeys, side by side
    expect(table.locator("th")).to_have_text(["History 1 of 2: children a year", "Baseline", "Reformed"])
    expect(table.locator("tr").nth(1).locator("td").first).to_have_text("Contacts")
    expect(table).to_contain_text("No further action (assessed, no plan)")
    assert not page.get_by_text(re.compile(r"seed \d{6,}")).count()  # no run named by its seed
    app.assert_accessible()
    app.screenshot("inside-side-by-side-1600x1000")
    page.set_viewport_size({"width": 800, "height": 900})  # the page no wider
    app.assert_accessible()
    app.screenshot("inside-side-by-side-800x900")
    page.set_viewport_size({"width": 1600, "height": 1000})

    page.locator(".cpsim-inside-history .v-select").click()
    page.get_by_role("option", name="History 2 of 2").click()
    expect(title).to_have_text("Baseline and Reformed, history 2 of 2, 1 year (2011/12)")

    page.get_by_role("tab", name="Threshold and errors").click()
    counts = page.locator(".cpsim-threshold-counts")
    expect(counts).to_have_count(2)
    expect(counts.first).to_contain_text("Baseline, history 2 of 2")
    before = counts.first.inner_text()
    page.locator(".cpsim-threshold-slider .v-slider__thumb-container").focus()
    page.keyboard.press("ArrowRight")  # a higher threshold: fewer interventions, more children missed
    expect(page.get_by_text("(shown: ")).to_be_visible()
    expect(counts.first).not_to_have_text(before)
    expect(page.get_by_text('land in "Assessed, not at risk"')).to_be_visible()
    app.screenshot("inside-threshold")
    page.get_by_role("button", name="review").click()
    expect(page.get_by_text('land in "Kept helping, not at risk"')).to_be_visible()
    scatters = page.locator(".cpsim-inside-panels img[alt*='at a review']")
    expect(scatters).to_have_count(2)
    boxes = [scatters.nth(k).bounding_box() for k in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side

    page.get_by_role("tab", name="Causal loops").click()
    expect(page.get_by_text("Each box: the last year's value")).to_be_visible()
    expect(page.locator(".cpsim-inside-panels img[alt*='Causal loop']")).to_have_count(2)
    app.screenshot("inside-loops")
    page.get_by_role("tab", name="Workforce and court").click()
    expect(page.locator(".cpsim-inside-panels img[alt*='Reformed']").last).to_be_visible()
    app.assert_accessible()
    app.screenshot("inside-workforce-court")
    assert app.external == []
    assert app.failed == []
