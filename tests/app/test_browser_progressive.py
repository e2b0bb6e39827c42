"""Results as they land: a comparison shows its first complete seeds, marked provisional, then all of them."""

from __future__ import annotations

from playwright.sync_api import expect


def test_first_results_show_while_the_rest_run_then_the_whole_comparison(open_app):
    app = open_app()
    page = app.page
    app.tick("R1")
    for _ in range(4):  # 2 -> 6 seeds: the runs of 4 seeds land after the first 2 seeds' results show
        app.slide("seeds", "ArrowRight")
    expect(page.locator(".cpsim-seeds")).to_contain_text("Seeds (runs of each scenario): 6")
    page.locator(".cpsim-run").click()
    ready = page.locator(".cpsim-compare [role=status]")
    provisional = page.locator(".cpsim-provisional")
    expect(provisional).to_contain_text("Provisional: the results of the first")
    expect(provisional).to_contain_text("of 6 seeds, shown as they land")
    expect(ready).to_contain_text("First results: 2 scenarios x")
    expect(page.locator(".cpsim-compare-charts img").first).to_be_visible()
    app.screenshot("compare-provisional")
    expect(ready).to_have_text("Results ready: 2 scenarios x 6 seeds x 2 years")
    expect(provisional).to_have_count(0)
    expect(page.locator(".cpsim-compare-charts")).to_contain_text("(6 seeds)")
    assert app.failed == [] and app.external == []
