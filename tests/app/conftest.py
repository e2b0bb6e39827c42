"""Fixtures for the app's tests: a small scenario folder, the app's server, and a real browser.

`scenario_folder` holds `small.toml` (10,000 children, 1 warm-up year, 2 years, 2 seeds) and
the calibrated parameter file it names, so a comparison of two scenarios takes seconds;
`two_family_package` adds reforms/two_families.toml (R1 and R10 on the small scenario), the
Workshop's package; `branched_folder` is another folder, with a branched scenario and package as well
(a small history branched a week in).
`app_url` starts the app's server (`running_app`: `app.server.server_command`, as `cpsim app` does)
on a free port of 127.0.0.1 with that folder as its baselines and stops it after the module's tests.
`browser` is Debian's chromium (/usr/bin/chromium) driven by Playwright; browser tests skip,
saying why, only when it is not installed. `open_app()` opens the app in a fresh browser
context (a separate session: its own cookies) at a view (Compare unless told otherwise; `None`
stays on the start page the app opens with) and returns an `AppPage` that records every
failed request (not those the browser cancelled on a reload) and every request that leaves 127.0.0.1, and can go to a view, tick a reform,
move a slider, check the page's accessibility (accessibility_check.js) and save a screenshot
under results/screenshots/.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from abm.scenario import load_scenario, scenario_toml
from app.assets import DEFAULT_CACHE, build_cache
from app.state import NO_POSTERIOR, POSTERIOR_VARIABLE
from app.server import ServerError, free_port, server_command, stop_server, wait_until_up
from app.state import SCENARIO_DIR_VARIABLE, WORKERS_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
ACCESSIBILITY_CHECK = (Path(__file__).parent / "accessibility_check.js").read_text()
LOCAL_SCHEMES = {"data", "blob", "about"}  # requests that never touch a network
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_SECONDS = 90
WAIT_MS = 120_000  # the longest any browser wait may take (a run of the small scenario takes seconds)
expect.set_options(timeout=WAIT_MS)
SMALL_SCENARIO = """\
[scenario]
name = "small"
description = "A small authority for the app's tests"
start_date = 2011-04-01
years = 2
warmup_years = 1
seeds = 2
root_seed = 20110510
parameters = "calibrated.toml"

[constants]
children_0_19 = 10000
"""


@pytest.fixture(scope="session")
def scenario_folder(tmp_path_factory) -> Path:
    """A folder with the small test scenario and the parameter file it names."""
    folder = tmp_path_factory.mktemp("app-scenarios")
    (folder / "small.toml").write_text(SMALL_SCENARIO)
    shutil.copyfile(ROOT / "scenarios" / "calibrated.toml", folder / "calibrated.toml")
    return folder


BRANCHED_HISTORY = """\
[scenario]
name = "small_history"
description = "The small authority's history, a year from April 2011"
start_date = 2011-04-01
years = 1
warmup_years = 1
seeds = 2
root_seed = 20110510
parameters = "calibrated.toml"

[constants]
children_0_19 = 10000
"""
BRANCHED = """\
[scenario]
name = "small_branched"
description = "The small authority as its history leaves it on 8 April 2011"
branch_from = "small_history@2011-04-08"
years = 1
seeds = 2
parameters = "calibrated.toml"

[constants]
children_0_19 = 10000
"""


@pytest.fixture(scope="session")
def branched_folder(tmp_path_factory) -> Path:
    """A folder with the small scenario, a small history (a year from April 2011), `small_branched` (branched from
    it a week in, on 8 April 2011) and the package reforms/branched_pair.toml (R1 and R10 on the branched one)."""
    folder = tmp_path_factory.mktemp("app-branched")
    (folder / "small.toml").write_text(SMALL_SCENARIO)
    shutil.copyfile(ROOT / "scenarios" / "calibrated.toml", folder / "calibrated.toml")
    (folder / "small_history.toml").write_text(BRANCHED_HISTORY)
    (folder / "small_branched.toml").write_text(BRANCHED)
    package = load_scenario(folder / "small_branched.toml").with_levers([("R1", {}), ("R10", {})], name="branched_pair")
    (folder / "reforms").mkdir()
    (folder / "reforms" / "branched_pair.toml").write_text(scenario_toml(package))
    return folder


@pytest.fixture(scope="session")
def two_family_package(scenario_folder):
    """reforms/two_families.toml beside the small scenario: guidance (R1) and early help (R10)."""
    small = load_scenario(scenario_folder / "small.toml")
    package = small.with_levers([("R1", {}), ("R10", {})], name="two_families")
    folder = scenario_folder / "reforms"
    folder.mkdir(exist_ok=True)
    (folder / "two_families.toml").write_text(scenario_toml(package))
    return package


@contextlib.contextmanager
def running_app(folder: Path, log_folder: Path, **env: str):
    """The address of an app server (127.0.0.1, a free port) offering the scenarios in `folder`, with `env` added to
    its environment; stopped (with its workers) on leaving."""
    build_cache(DEFAULT_CACHE)  # a no-op when make install built it
    port = free_port()
    argv, server_env = server_command("127.0.0.1", port)
    server_env = {**server_env, SCENARIO_DIR_VARIABLE: str(folder), WORKERS_VARIABLE: "2", **env}
    log = log_folder / "server.log"
    with open(log, "wb") as out:
        # its own process group, so that stopping it also stops the worker processes of its runs
        server = subprocess.Popen(argv, env=server_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            wait_until_up(url, server, SERVER_START_SECONDS)
        except ServerError as e:
            raise RuntimeError(f"{e}:\n{log.read_text()[-3000:]}") from None
        yield url
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def app_url(scenario_folder, tmp_path_factory):
    """The address of a running app server offering the small scenario on the single calibrated fit (the posterior's
    own browser tests start their own server: test_browser_preparing_parameters.py)."""
    with running_app(scenario_folder, tmp_path_factory.mktemp("app-server"), **{POSTERIOR_VARIABLE: NO_POSTERIOR}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by Playwright (skips the test if chromium is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AppPage:
    """One browser session of the app: its page, the requests that failed, and helpers."""

    def __init__(self, context, url: str, view: str | None = "compare"):
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.failed: list[str] = []
        self.external: list[str] = []  # requests to anywhere but 127.0.0.1
        self.page.on("request", self._record)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.goto(url)
        self.page.locator(".cpsim-start").wait_for()
        if view is not None:
            self.go(view)

    def _failed(self, request) -> None:
        # A request the browser itself cancelled because the page navigated or reloaded (net::ERR_ABORTED, e.g. the
        # favicon still loading when a test reloads) never reached a verdict from the server: not a failure of it.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} ({request.failure})")

    def _record(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname != "127.0.0.1":
            self.external.append(request.url)

    def go(self, view: str) -> None:
        """Open a view by its key: start, compare, workshop, inside, share."""
        self.page.locator(f".cpsim-nav-{view}").click()

    def accessibility(self) -> dict:
        """What accessibility_check.js finds on the page as it is now (lang, h1s, unlabelled controls, ...)."""
        return self.page.evaluate(ACCESSIBILITY_CHECK)

    def assert_accessible(self) -> None:
        """`lang` set, exactly one h1, every control labelled, every image described, nothing wider than the window,
        no text over other text."""
        found = self.accessibility()
        assert found["lang"] == "en", found
        assert len(found["h1"]) == 1, found
        assert found["unlabelled"] == [], found
        assert found["images_without_alt"] == [], found
        assert not found["overflow"], found
        assert found["overlapping"] == [], found["overlapping"]

    def tick(self, reform: str, scenario: int = 1) -> None:
        """Switch `reform` on (or off) in scenario `scenario` of the Compare page's reform table."""
        box = self.page.locator(f".cpsim-toggle-{scenario}-{reform}")
        was = box.locator("input").is_checked()
        box.locator(".v-input--selection-controls__ripple").click()
        expect(box.locator("input")).to_be_checked(checked=not was)

    def slide(self, slider: str, key: str) -> None:
        """Press `key` (Home, End, ArrowRight, ...) on the Compare page's `years` or `seeds` slider."""
        self.page.locator(f".cpsim-{slider} .v-slider__thumb-container").focus()
        self.page.keyboard.press(key)

    def screenshot(self, name: str, whole: bool = True) -> Path:
        """Save a screenshot of the whole app (however long; or only the window) as results/screenshots/NAME.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if not whole:
            self.page.screenshot(path=str(path))
            return path
        viewport = self.page.viewport_size
        height = self.page.locator(".cpsim-root").bounding_box()["height"]
        self.page.set_viewport_size({"width": viewport["width"], "height": int(max(height + 40, viewport["height"]))})
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(viewport)
        return path


@pytest.fixture
def open_app(browser, app_url):
    """A function opening the app in a new browser session; every session is closed after the test."""
    contexts = []

    def open_session(view: str | None = "compare") -> AppPage:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        return AppPage(context, app_url, view)

    yield open_session
    for context in contexts:
        context.close()
