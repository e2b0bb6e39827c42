"""Results as they land: a comparison, and a workshop's overview grid, show their first complete seeds, marked
provisional, then all of them."""

from __future__ import annotations

from playwright.sync_api import expect


def test_first_results_show_while_the_rest_run_then_the_whole_comparison(open_app):
    app = open_app()
    page = app.page
    app.tick("R1")
    # 2 -> 20 seeds of 12 years: 40 runs of about 0.5 s each on 2 workers, so the later seeds are still running
    # when the checks of the provisional results below are made (with 10 seeds of 2 years all were sometimes in)
    for _ in range(18):
        app.slide("seeds", "ArrowRight")
    for _ in range(10):
        app.slide("years", "ArrowRight")
    expect(page.locator(".cpsim-seeds")).to_contain_text("Seeds (runs of each scenario): 20")
    expect(page.locator(".cpsim-years")).to_contain_text("Years to simulate: 12")
    page.locator(".cpsim-run").click()
    ready = page.locator(".cpsim-compare [role=status]")
    provisional = page.locator(".cpsim-provisional")
    expect(provisional).to_contain_text("Provisional: the results of the first")
    expect(provisional).to_contain_text("of 20 seeds, shown as they land")
    expect(ready).to_contain_text("First results: 2 scenarios x")
    expect(page.locator(".cpsim-compare-charts img").first).to_be_visible()
    expect(page.locator(".cpsim-report-download")).to_have_count(0)
    app.screenshot("compare-provisional")
    app.go("share")  # nothing to download until every run is in
    expect(provisional).to_contain_text("The downloads come when every run is in.")
    expect(page.locator(".cpsim-downloads")).to_have_count(0)
    app.go("compare")
    expect(ready).to_have_text("Results ready: 2 scenarios x 20 seeds x 12 years")
    expect(provisional).to_have_count(0)
    expect(page.locator(".cpsim-compare-charts")).to_contain_text("(20 seeds)")
    app.go("share")
    expect(page.locator(".cpsim-downloads")).to_be_visible()
    assert app.failed == [] and app.external == []


def test_the_workshop_grid_shows_its_first_complete_seeds_while_the_rest_run(two_family_package, open_app):
    app = open_app("workshop")
    page = app.page
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.locator(".cpsim-workshop-years .v-slider__thumb-container").focus()
    page.keyboard.press("End")
    # 20 seeds of 2 years: 4 combinations x 20 seeds, the runs of 18 seeds still to land after the first 2 show
    # (with 8 seeds of 1 year the checks of the provisional grid below raced the last runs)
    app.slide("workshop-seeds", "End")
    expect(page.get_by_text("= 80 runs of 2 years.")).to_be_visible()
    page.locator(".cpsim-workshop-run").click()
    provisional = page.locator(".cpsim-workshop .cpsim-provisional")
    expect(provisional).to_contain_text("Provisional: the results of the first")
    expect(provisional).to_contain_text("of 20 seeds, shown as they land")
    grid = page.locator(".cpsim-workshop-provisional .cpsim-overview")
    expect(grid.locator("tr")).to_have_count(4)  # the heads, then 3 combinations against no reform
    expect(page.locator(".cpsim-workshop-provisional .cpsim-overview-jump")).to_have_count(0)  # no steps yet
    expect(page.locator(".cpsim-workshop").get_by_text("Download")).to_have_count(0)  # nothing to keep yet
    ready = page.locator(".cpsim-workshop [role=status]")
    expect(ready).to_have_text("First results: 4 combinations x 2 years, shown as their seeds finish")
    expect(page.locator(".cpsim-workshop-progress")).to_contain_text(" of 80 runs done; ")
    app.screenshot("workshop-provisional-1600x1000", whole=False)
    page.set_viewport_size({"width": 800, "height": 900})
    app.screenshot("workshop-provisional-800x900", whole=False)
    page.set_viewport_size({"width": 1600, "height": 1000})
    expect(ready).to_have_text("Workshop ready: 3 steps, 20 seeds x 2 years")
    expect(provisional).to_have_count(0)
    expect(page.locator(".cpsim-workshop-step")).to_contain_text("Step 1 of 3")
    assert app.failed == [] and app.external == []
