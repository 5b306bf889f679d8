"""The local dashboard behind ``pgseed ui`` (docs/ui.md): per pack, the data summary, a
config form checked as the CLI checks it, runs in a background worker (the real CLI in
a child process) streamed live, the generation log, verify and the report pictures."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
