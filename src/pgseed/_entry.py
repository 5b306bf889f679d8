"""Entry points (the ``pgseed`` script, ``python -m pgseed``, spec 000's module).

They import the CLI here, where a Ctrl-C during the imports (half a second on a
cold start) gives ``interrupted`` and exit 130 instead of a traceback; once the CLI
runs, its own handlers take over (``cli._handled``, ``signals.handled``).
"""

from __future__ import annotations

import sys
from typing import Any

INTERRUPTED_EXIT_CODE = 130  # errors.INTERRUPTED_EXIT_CODE, without importing anything


def _cli(name: str) -> Any:
    try:
        from . import cli

        return getattr(cli, name)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(INTERRUPTED_EXIT_CODE) from None


def main() -> None:
    """``pgseed``."""
    _cli("main")()


def genonaut() -> None:
    """``python -m genonaut.db.demo.seed_data_gen``: ``pgseed genonaut`` under spec 000's name."""
    _cli("genonaut")(prog_name="python -m genonaut.db.demo.seed_data_gen")
