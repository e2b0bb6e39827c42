"""In a real browser, on a server offering a branched scenario and package (a small history, branched a week in)
and a calibration posterior (the three-member test posterior): Compare, the Workshop and Inside the system show the
saved starting states being built before their runs, and the parameters the runs use can be chosen, the address carrying the choice.

The server's cache of saved states starts empty (CPSIM_CACHE in a folder of the test's own), so the first run of
each seed builds its state. Runs are 1 year of the small authority, 1-2 seeds.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.state import POSTERIOR_VARIABLE
from tests.app.conftest import running_app
from tests.posterior_members import write_test_posterior

NO_ANIMATION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
PREPARING = re.compile(r"Preparing the saved starting states of 8 April 2011 \(the history run up to that date, "
                       r"built once for each seed and then reused\): [01] of 1 built")
POSTERIOR = "Calibration posterior (3 members)"


@pytest.fixture(scope="module")
def app_url(branched_folder, tmp_path_factory):
    """An app server offering the branched scenario and package beside the small scenario, under the test posterior,
    with an empty cache of saved states."""
    posterior = write_test_posterior(tmp_path_factory.mktemp("posterior") / "posterior.toml")
    cache = tmp_path_factory.mktemp("cache")
    with running_app(branched_folder, tmp_path_factory.mktemp("app-server"), CPSIM_CACHE=str(cache),
                     **{POSTERIOR_VARIABLE: str(posterior)}) as url:
        yield url


def opened(open_app, app_url, query: str):
    app = open_app(None)
    app.page.goto(app_url + query)
    app.page.add_style_tag(content=NO_ANIMATION)
    return app


def test_the_workshop_shows_the_saved_states_being_prepared(open_app, app_url):
    app = opened(open_app, app_url, "?view=workshop&package=branched_pair&wseeds=1&wyears=1")
    page = app.page
    expect(page.get_by_text("= 4 runs of 1 year.")).to_be_visible()
    page.locator(".cpsim-workshop-run").click()
    expect(page.locator(".cpsim-workshop-preparing")).to_have_text(PREPARING)
    expect(page.locator(".cpsim-workshop [role=status]")).to_have_text("Workshop ready: 3 steps, 1 seed x 1 year")
    expect(page.locator(".cpsim-workshop-preparing")).to_have_count(0)
    expect(page.locator(".cpsim-workshop-message")).to_have_count(0)
    assert app.external == []


def test_compare_shows_the_saved_states_being_prepared_then_the_runs(open_app, app_url):
    app = opened(open_app, app_url, "?view=compare&baseline=small_branched&years=1&seeds=2&name1=Reformed&reforms1=R1")
    page = app.page
    page.locator(".cpsim-run").click()  # seed 1's state is built (by the Workshop's test, or now), seed 2's now
    expect(page.locator(".cpsim-compare-preparing")).to_have_text(
        re.compile(r"Preparing the saved starting states of 8 April 2011 .*: [012] of [12] built"))
    expect(page.locator(".cpsim-progress-text")).to_have_text(re.compile(r"of 4 runs done"))
    expect(page.locator(".cpsim-compare-preparing")).to_have_count(0)  # the states were ready before the runs
    expect(page.locator(".cpsim-compare [role=status]")).to_contain_text("Results ready")
    expect(page.locator(".cpsim-uncertainty-sentence")).to_contain_text(  # the posterior, the default when offered
        "seed noise and parameter uncertainty (posterior, 3 members)")
    assert app.external == []


def test_inside_the_system_shows_the_saved_states_being_prepared_then_the_runs(open_app, app_url):
    app = opened(open_app, app_url, "?view=inside&baseline=small_branched&years=1&seeds=3&name1=Reformed&reforms1=R1")
    page = app.page
    page.locator(".cpsim-inside-run").click()  # seed 3's state is new here (seeds 1 and 2 may be built already)
    expect(page.locator(".cpsim-inside-preparing")).to_have_text(
        re.compile(r"Preparing the saved starting states of 8 April 2011 .*: [0-3] of [1-3] built"))
    expect(page.locator(".cpsim-inside-progress")).to_have_text(re.compile(r"of 6 runs done"))
    expect(page.locator(".cpsim-inside-preparing")).to_have_count(0)  # the states were ready before the runs
    expect(page.locator(".cpsim-inside-title")).to_contain_text("history 1 of 3")
    assert app.external == []


def test_the_parameters_the_runs_use_can_be_chosen_and_the_address_keeps_the_choice(open_app, app_url):
    app = opened(open_app, app_url, "?view=compare&years=1&seeds=1")
    page = app.page
    choice = page.get_by_role("button", name=re.compile("Parameters the runs use"))
    expect(choice).to_contain_text(POSTERIOR)  # the posterior when there is one
    expect(page.locator(".cpsim-parameters")).to_contain_text("intervals show seed noise and parameter uncertainty")
    expect(page).to_have_url(re.compile(r"&params=posterior$"))
    app.assert_accessible()
    page.set_viewport_size({"width": 800, "height": 900})
    app.assert_accessible()
    app.screenshot("compare-parameters-800x900")
    page.set_viewport_size({"width": 1400, "height": 1000})
    choice.click()
    page.get_by_role("option", name="Single calibrated fit").click()
    expect(page.locator(".cpsim-parameters")).to_contain_text("Intervals show seed noise only.")
    expect(page).to_have_url(re.compile(r"&params=point$"))
    page.reload()  # the address keeps the choice
    expect(choice).to_contain_text("Single calibrated fit")
    page.locator(".cpsim-run").click()
    sentence = page.locator(".cpsim-uncertainty-sentence")
    expect(sentence).to_contain_text("seed noise only")
    expect(sentence).not_to_contain_text("parameter uncertainty")
    choice.click()
    page.get_by_role("option", name=POSTERIOR).click()
    expect(page.locator(".cpsim-out-of-date")).to_contain_text(
        "parameters: the calibration posterior (was the single calibrated fit)")  # the results ran on the fit
    app.go("workshop")  # the same choice for the Workshop (and Inside the system)
    expect(choice).to_contain_text(POSTERIOR)
    assert app.external == []
