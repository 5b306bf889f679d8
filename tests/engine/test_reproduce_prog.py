"""The reproduce line starts with a command a shell runs: a script entry point
(``scripts/seed_random.py``, spec 003's name) is ``python PATH``, as typed; it was the bare
file name, which no shell finds."""

from __future__ import annotations

import sys

import pytest

from pgseed.cli.shell import reproduce


@pytest.mark.parametrize(
    ("argv0", "prog"),
    [
        ("scripts/seed_random.py", "python scripts/seed_random.py"),
        ("./seed_random.py", "python ./seed_random.py"),
        ("/opt/app/my seeder.py", "python '/opt/app/my seeder.py'"),
        ("/work/.venv/bin/pgseed", "pgseed"),
    ],
)
def test_the_reproduce_line_starts_with_a_runnable_command(
    monkeypatch: pytest.MonkeyPatch, argv0: str, prog: str
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PGSEED_ALLOW_DATABASE", raising=False)
    monkeypatch.setattr(sys, "argv", [argv0, "--full-new", "--embedded"])
    assert reproduce(42) == f"{prog} --full-new --embedded --seed 42"
