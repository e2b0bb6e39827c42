"""Start the app's Solara server, offline: front-end files from the local asset cache, no telemetry.

`server_command(host, port)` is the command line and environment that serve
`app/cpsim_app.py` (the tests and the benchmark start the server with it too, then
`wait_until_up`, and stop it with `stop_server`); `serve` becomes it (what `cpsim app` does).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NoReturn

from app.assets import DEFAULT_CACHE, cache_is_complete

APP_FILE = Path(__file__).resolve().parent / "cpsim_app.py"
PROJECT_ROOT = APP_FILE.parent.parent


class ServerError(RuntimeError):
    """The server cannot start; the message says why and what to do."""


def server_command(host: str, port: int, cache: Path = DEFAULT_CACHE) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of a Solara server for the app on host:port, using the asset cache `cache`."""
    if not 1 <= port <= 65535:
        raise ServerError(f"--port: {port} is out of range: allowed 1 to 65535")
    if not cache_is_complete(cache):
        raise ServerError(f"the app's front-end files are not in {cache}; run 'make install' (it fetches them once)")
    env = {
        **os.environ,
        "SOLARA_ASSETS_PROXY": "true",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "SOLARA_THEME_TITLE": "cpsim: compare reforms",
        "SOLARA_THEME_SHOW_BANNER": "false",  # the "runs on Solara" banner would cover the page's content
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    argv = [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]
    return argv, env


def serve(host: str, port: int) -> NoReturn:
    """Become the app's server (this process is replaced by it), in the foreground until Ctrl-C."""
    argv, env = server_command(host, port)
    print(f"cpsim app: open http://{host}:{port}/ in a browser (Ctrl-C stops it)", file=sys.stderr, flush=True)
    os.chdir(PROJECT_ROOT)
    os.execve(argv[0], argv, env)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now (for a server the tests or the benchmark start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    """Return once `url` answers 200; ServerError if `server` exits first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(f"the app server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise ServerError(f"the app server did not answer at {url} within {seconds:g} s")


def stop_server(server: subprocess.Popen, seconds: float = 20) -> None:
    """Stop a server started with `start_new_session=True`, and the worker processes of its runs."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=seconds)
            os.killpg(server.pid, signal.SIGKILL)  # workers still running a run after the server stopped
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        return
