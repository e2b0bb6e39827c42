"""Browser tests of moving around the app: Inside the system's runs survive a view change, and the browser's back
and forward buttons move between views and setups (the Workshop's settings in the address too)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

NO_ANIMATION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
TWO_SCENARIOS = "?view=inside&years=1&seeds=1&name0=Baseline&name1=Reformed&reforms1=R1&name2=Other&reforms2=R10"


def test_a_look_inside_survives_a_view_change_with_its_choice_kept(open_app, app_url):
    app = open_app(None)
    page = app.page
    page.goto(app_url + TWO_SCENARIOS)
    page.add_style_tag(content=NO_ANIMATION)
    page.locator(".cpsim-inside-run").wait_for()
    page.get_by_role("button", name=re.compile("Scenario beside the baseline")).click()
    page.get_by_role("option", name="Other").click()
    page.locator(".cpsim-inside-run").click()
    expect(page.locator(".cpsim-inside-cancel")).to_be_visible()  # under way
    app.go("compare")  # leaving the view while it runs neither cancels the runs nor resets the choice
    expect(page.get_by_role("heading", name="Compare reforms")).to_be_visible()
    app.go("inside")
    expect(page.locator(".cpsim-inside-title")).to_have_text("Baseline and Other, history 1 of 1, 1 year (2011/12)")
    expect(page.get_by_role("button", name=re.compile("Scenario beside the baseline"))).to_contain_text("Other")
    expect(page.locator(".cpsim-inside-message")).to_have_count(0)  # never "cancelled"
    assert app.external == []


def test_back_and_forward_move_between_views_and_setups_and_a_reload_keeps_the_workshop(two_family_package,
                                                                                          open_app):
    app = open_app()
    page = app.page
    page.add_style_tag(content=NO_ANIMATION)
    workshop_years = page.locator(".cpsim-workshop-years .v-slider__thumb-container")
    app.go("workshop")
    workshop_years.focus()
    page.keyboard.press("Home")
    expect(page.get_by_text("= 8 runs of 1 year.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=workshop&.*&package=two_families&wseeds=2&wyears=1$"))
    expect(page.locator(".cpsim-parameters")).to_have_text(  # no posterior here: no choice, none in the address
        "Parameters: the single calibrated fit (this app offers no calibration posterior, docs/calibration.md): "
        "intervals show seed noise only.")
    app.go("compare")
    expect(page.get_by_role("heading", name="Compare reforms")).to_be_visible()
    app.go("workshop")
    workshop_years.focus()
    page.keyboard.press("End")  # a change within a view replaces its entry
    expect(page.get_by_text("= 8 runs of 2 years.")).to_be_visible()

    page.go_back()  # Compare, as it was left: the Workshop's years then 1
    expect(page.get_by_role("heading", name="Compare reforms")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=compare&.*&wyears=1$"))
    page.go_back()  # the Workshop with its years at 1
    expect(page.get_by_text("= 8 runs of 1 year.")).to_be_visible()
    page.go_forward()
    page.go_forward()  # the Workshop with its years at 2
    expect(page.get_by_text("= 8 runs of 2 years.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=workshop&.*&wyears=2$"))
    page.reload()  # the same view and settings
    expect(page.get_by_role("heading", name=re.compile("Workshop"))).to_be_visible()
    expect(page.get_by_text("= 8 runs of 2 years.")).to_be_visible()
    assert app.external == []


def test_back_returns_to_the_workshop_step_shown_before(two_family_package, open_app, app_url):
    app = open_app(None)
    page = app.page
    page.goto(app_url + "?view=workshop&package=two_families&wseeds=1&wyears=1")  # the settings from the link
    page.add_style_tag(content=NO_ANIMATION)
    expect(page.get_by_text("= 4 runs of 1 year.")).to_be_visible()
    page.locator(".cpsim-workshop-run").click()
    step = page.locator(".cpsim-workshop-step")
    expect(step).to_have_text("Step 1 of 3: Less prescription (revised guidance) alone")
    expect(page).to_have_url(re.compile(r"wyears=1&step=1$"))
    page.locator(".cpsim-workshop-next").click()
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    expect(page).to_have_url(re.compile(r"step=2$"))
    page.go_back()
    expect(step).to_have_text("Step 1 of 3: Less prescription (revised guidance) alone")
    page.go_forward()
    expect(step).to_have_text("Step 2 of 3: Early help alone")
    assert app.external == []
