"""Benchmark: seconds from pressing Run in the app to the first comparison chart on the page.

Starts the app's server (as `cpsim app` does) on a free port of 127.0.0.1 with the project's
scenarios, opens it in headless Debian chromium (Playwright), switches one reform on (R1) in
the second scenario, keeps the default baseline (scenarios/baseline.toml) with `--seeds`
seeds (default 10) and its own years, presses Run and waits for the first chart. Prints one
line, or JSON with --json: {"seconds_to_first_chart", "runs", "seeds", "years", "workers"}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.server import free_port, server_command, stop_server, wait_until_up  # noqa: E402
from app.state import SEEDS, WORKERS_VARIABLE  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def set_seeds(page, seeds: int) -> None:
    """Move the seeds slider to `seeds` with the keyboard (Home, then one step right per seed)."""
    thumb = page.locator(".cpsim-seeds .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(seeds - SEEDS[0]):
        page.keyboard.press("ArrowRight")
    page.locator(".cpsim-seeds").get_by_text(f"Seeds (runs of each scenario): {seeds}").wait_for()


def measure(seeds: int, workers: int, timeout_s: float) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    argv, env = server_command("127.0.0.1", port)
    env = {**env, WORKERS_VARIABLE: str(workers), "CPSIM_RUN_CACHE": "off"}  # time the runs, not the run cache
    server = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(timeout_s * 1000)
            page.goto(url)
            page.locator(".cpsim-toggle-1-R1 .v-input--selection-controls__ripple").click()
            set_seeds(page, seeds)
            years = int(page.locator(".cpsim-years").inner_text().split(":")[-1])
            start = time.perf_counter()
            page.locator(".cpsim-run").click()
            page.locator(".cpsim-compare-charts img").first.wait_for()
            elapsed = time.perf_counter() - start
            browser.close()
    finally:
        stop_server(server)
    return {"seconds_to_first_chart": round(elapsed, 2), "runs": 2 * seeds, "seeds": seeds, "years": years,
            "workers": workers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per scenario (default 10)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    if not SEEDS[0] <= args.seeds <= SEEDS[1]:
        parser.error(f"--seeds: {args.seeds} is out of range: allowed {SEEDS[0]} to {SEEDS[1]}")
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is not installed (apt-get install chromium)")
    result = measure(args.seeds, args.workers, args.timeout)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"Run -> first chart: {result['seconds_to_first_chart']} s ({result['runs']} runs of "
              f"{result['years']} years after warm-up, {result['workers']} workers)")


if __name__ == "__main__":
    main()
