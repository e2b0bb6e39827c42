"""State a reviewer keeps, without a browser: the setup and view in a link (round trip, hostile values),
what makes results out of date, and setups saved under a name."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from abm.scenario import load_scenario
from app.cpsim_app import VIEW_KEYS
from app.out_of_date import changes
from app.saved_setups import MAX_SAVED, saved_with
from app.setup_link import MAX_QUERY, link_query, read_link
from app.state import CompareSetup, SetupError
from app.workshop_run import WorkshopSetup


@pytest.fixture
def files(scenario_folder, tmp_path) -> dict:
    """The small scenario and another (3 years), in a folder of their own (the shared one stays as it is)."""
    small = (scenario_folder / "small.toml").read_text()
    shutil.copyfile(scenario_folder / "calibrated.toml", tmp_path / "calibrated.toml")
    (tmp_path / "small.toml").write_text(small)
    (tmp_path / "other.toml").write_text(small.replace('name = "small"', 'name = "other"').replace("years = 2", "years = 3"))
    return {"small": tmp_path / "small.toml", "other": tmp_path / "other.toml"}


@pytest.fixture
def setup(files) -> CompareSetup:
    return CompareSetup.from_scenario(load_scenario(files["small"]))


def chosen(setup: CompareSetup) -> CompareSetup:
    """A setup with every kind of choice made: settings, a renamed baseline, three scenarios with reforms."""
    setup = setup.with_settings(start_year=2013, years=1, seeds=3).renamed(0, "Now").renamed(1, "Early help")
    setup = setup.with_reform(1, "R10", True).with_reform(1, "R1", True)
    setup = setup.with_scenario_added("Guidance v2.1").with_reform(2, "R2", True).with_scenario_added("Nothing")
    return setup


def test_a_link_gives_back_the_setup_and_view(setup, files):
    wanted = chosen(setup)
    query = link_query(wanted, "share")
    assert "reforms1=R1,R10" in query and "name1=Early%20help" in query
    link = read_link(query, files, setup, VIEW_KEYS)
    assert link.setup == wanted
    assert link.view == "share"
    assert link.notes == ()
    assert read_link("?" + query, files, setup, VIEW_KEYS) == link


def test_a_link_to_another_baseline_takes_its_settings_then_the_links(setup, files):
    other = CompareSetup.from_scenario(load_scenario(files["other"])).with_reform(1, "R3", True)
    link = read_link(link_query(other, "compare"), files, setup, VIEW_KEYS)
    assert link.setup == other
    assert link.setup.years == 3


def test_no_link_or_only_a_view_leaves_the_setup_alone(setup, files):
    assert read_link("", files, setup, VIEW_KEYS).setup is None
    only_view = read_link("view=workshop", files, setup, VIEW_KEYS)
    assert (only_view.setup, only_view.view, only_view.notes) == (None, "workshop", ())


@pytest.mark.parametrize("query, key, allowed", [
    ("years=abc", "years:", "allowed whole numbers 1 to 30"),
    ("years=0", "years:", "allowed whole numbers 1 to 30"),
    ("seeds=999999999999", "seeds:", "allowed whole numbers 1 to 50"),
    ("seeds=-3", "seeds:", "allowed whole numbers 1 to 50"),
    ("seeds=%C2%B2", "seeds:", "allowed whole numbers 1 to 50"),  # a superscript two: a digit to str.isdigit
    ("start=1e3", "start:", "allowed whole numbers 1990 to 2050"),
    ("view=admin", "view:", "allowed: start, compare, workshop, inside, share, odd, validation"),
    ("baseline=../../etc/passwd", "baseline:", "allowed: small, other"),
    ("reforms1=R99", "reforms1:", "allowed: R1, R2"),
    ("name1=" + quote("<script>alert(1)</script>"), "name1:", "a scenario name is 1-64 letters"),
    ("name0=Baseline&name1=baseline", "name1:", "not another scenario's name"),
    ("colour=red", "'colour' is not a setting", "settings: view, baseline, start"),
    ("years=1&years=2", "years: given twice", "the first, '1', was used"),
])
def test_a_bad_value_is_ignored_with_a_note_naming_the_key_and_what_is_allowed(setup, files, query, key, allowed):
    link = read_link(query, files, setup, VIEW_KEYS)
    assert len(link.notes) == 1, link.notes
    assert key in link.notes[0] and allowed in link.notes[0]
    assert link.view in (None, "compare", "workshop")
    kept = link.setup or setup
    assert (kept.base.name, kept.start_year) == ("small", 2011)
    assert 1 <= kept.years <= 30 and 1 <= kept.seeds <= 50
    kept.scenarios()  # what the link leaves is a setup that runs


def test_the_good_values_of_a_link_are_used_beside_the_bad(setup, files):
    link = read_link("view=compare&years=1&seeds=lots&name1=Early%20help&reforms1=R10,R99,,R1", files, setup,
                     VIEW_KEYS)
    assert link.view == "compare"
    assert (link.setup.years, link.setup.seeds) == (1, 2)
    assert link.setup.drafts[1].name == "Early help" and link.setup.drafts[1].reforms == ("R1", "R10")
    assert [note.split(":")[0] for note in link.notes] == ["seeds", "reforms1"]


def test_a_hostile_link_is_refused_whole_and_its_value_never_echoed_at_length(setup, files):
    assert "is 5,000 characters long" in read_link("a" * 5000, files, setup, VIEW_KEYS).notes[0]
    many = "&".join(f"years={i}" for i in range(100))
    assert read_link(many, files, setup, VIEW_KEYS).notes == ("The link has more than 40 values: it was ignored.",)
    long_name = read_link("name1=" + "x" * 200, files, setup, VIEW_KEYS)
    assert len(long_name.notes[0]) < 300 and "xxx..." in long_name.notes[0]
    assert len(link_query(chosen(setup), "compare")) < MAX_QUERY


def test_extra_scenarios_in_a_link_stop_at_four_and_fill_the_gaps(setup, files):
    link = read_link("name3=Last&reforms2=R2", files, setup, VIEW_KEYS)
    assert [d.name for d in link.setup.drafts] == ["Baseline", "Scenario 2", "Last"]
    assert link.setup.drafts[1].reforms == ("R2",)


def test_out_of_date_says_every_change_and_nothing_when_the_setup_is_the_one_run(setup, files):
    ran = chosen(setup)
    assert changes(ran, ran) == []
    now = ran.with_settings(seeds=4, years=2).with_reform(1, "R10", False).with_reform(2, "R5", True)
    now = now.renamed(0, "Today").with_scenario_removed(3)
    assert changes(ran, now) == ["years 2 (was 1)", "seeds 4 (was 3)", "Now renamed Today", "R10 unticked in Early help",
                                 "R5 ticked in Guidance v2.1", "scenario Nothing removed"]
    other = ran.with_base(load_scenario(files["other"]))
    assert changes(ran, other)[0] == "the baseline scenario is now other (was small)"
    back = now.renamed(0, "Now").with_settings(seeds=3, years=1).with_reform(1, "R10", True)
    assert changes(ran, back.with_reform(2, "R5", False).with_scenario_added("Nothing")) == []
    assert changes(ran, ran, point_ran=False, point_now=True) == [
        "parameters: the single calibrated fit (was the calibration posterior)"]


def test_setups_are_saved_under_a_usable_name(setup):
    saved = saved_with({}, "  Option  A ", setup)
    assert list(saved) == ["Option A"]
    changed = setup.with_settings(seeds=5)
    assert saved_with(saved, "Option A", changed) == {"Option A": changed}
    with pytest.raises(SetupError, match="1 to 64 characters"):
        saved_with(saved, "   ", setup)
    full = {f"s{i}": setup for i in range(MAX_SAVED)}
    with pytest.raises(SetupError, match="at most 20 saved setups"):
        saved_with(full, "one more", setup)
    assert saved_with(full, "s0", changed)["s0"] == changed


def test_a_link_gives_back_the_workshop_settings_its_step_and_the_parameters(setup, files, two_family_package):
    packages = {"two_families": two_family_package}
    workshop = WorkshopSetup("two_families", seeds=5, years=1)
    query = link_query(setup, "workshop", workshop, step=3, point=True)
    assert query.endswith("&package=two_families&wseeds=5&wyears=1&step=3&params=point")
    link = read_link(query, files, setup, VIEW_KEYS, packages, posterior=True)
    assert (link.view, link.workshop, link.step, link.point, link.notes) == ("workshop", workshop, 3, True, ())
    assert link.setup == setup
    drawn = read_link("params=posterior", files, setup, VIEW_KEYS, packages, posterior=True)
    assert drawn.point is False and drawn.setup is None  # only the parameters: no Compare setup to note
    only = read_link("view=workshop&wseeds=4", files, setup, VIEW_KEYS, packages)
    assert only.workshop == WorkshopSetup("two_families", seeds=4, years=two_family_package.years)


@pytest.mark.parametrize("query, key, allowed", [
    ("package=munro", "package", "allowed: two_families"),
    ("wseeds=21", "wseeds", "allowed whole numbers 1 to 20"),
    ("wyears=3", "wyears", "allowed whole numbers 1 to 2"),  # longer than the package's own years
    ("step=0", "step", "allowed whole numbers 1 to 99"),
    ("params=both", "params", "allowed: posterior, point"),
    ("params=posterior", "params", "this app offers no calibration posterior"),  # one is committed
])
def test_a_workshop_or_parameters_value_that_cannot_be_used_is_ignored_with_a_note(setup, files, two_family_package,
                                                                                  query, key, allowed):
    link = read_link(query, files, setup, VIEW_KEYS, {"two_families": two_family_package}, posterior=False)
    [note] = link.notes
    assert note.startswith(f"{key}: ") and allowed in note
    assert link.step is None and link.point is None
    assert link.workshop in (None, WorkshopSetup.of(two_family_package))
