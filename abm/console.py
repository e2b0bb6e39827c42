"""The `cpsim` console script: the command line of abm.cli, with Ctrl-C while it loads answered by one line."""

from __future__ import annotations

import sys


def main() -> None:
    """Load and run the command line; Ctrl-C before it has loaded gives one line and exit status 130."""
    try:
        from abm.cli import app
    except KeyboardInterrupt:
        print("interrupted: nothing run", file=sys.stderr)
        sys.exit(130)
    app(prog_name="cpsim")
