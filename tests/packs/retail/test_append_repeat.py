"""Issue 8, kind 13: repeating an append that has already been applied is a no-op
(exit 0, one line), whichever way the range was written; real mistakes stay errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.packs.retail.helpers import digest, gen, ok

pytestmark = pytest.mark.db

BASE = ("--stores", "2", "--products", "3", "--start-date", "2024-01-01",
        "--end-date", "2024-01-31")  # fmt: skip

# Appends, each run twice: the README's line (no --start-date), with the next day as
# start, with a start inside the data (overlap), and the same through --dry-run.
APPENDS = [
    ("--end-date", "2024-02-29"),
    ("--start-date", "2024-02-01", "--end-date", "2024-02-29"),
    ("--start-date", "2024-01-20", "--end-date", "2024-02-10"),
    ("--start-date", "2024-01-01", "--end-date", "2024-02-05"),
]


@pytest.fixture
def seeded(cli: Any, db_dsn: str) -> str:
    ok(gen(cli, db_dsn, "--full-new", *BASE, "--max-workers", "1"))
    return db_dsn


@pytest.mark.parametrize("append", APPENDS, ids=lambda a: " ".join(a))
def test_repeated_append_is_a_no_op(cli: Any, seeded: str, append: tuple[str, ...]) -> None:
    args = ("--append", "--stores", "2", "--products", "3", "--max-workers", "1", *append)
    ok(gen(cli, seeded, *args))
    after_first = digest(seeded)
    for extra in ((), ("--dry-run",)):
        r = ok(gen(cli, seeded, *args, *extra))
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert lines == [ln for ln in lines if "nothing to append" in ln], r.output
        assert len(lines) == 1 and "already applied" in lines[0]
    assert digest(seeded) == after_first


@pytest.mark.parametrize("first", ["2023-03-01", "2026-06-01"])
def test_readme_append_line_on_data_outside_the_default_range(
    cli: Any, db_dsn: str, first: str
) -> None:
    """The append range is the operation's, not the config's date_range (2024 by default)."""
    y, m, _ = first.split("-")
    ok(gen(cli, db_dsn, "--full-new", "--stores", "1", "--products", "2", "--start-date",
           first, "--end-date", f"{y}-{m}-20", "--max-workers", "1"))  # fmt: skip
    args = ("--append", "--stores", "1", "--products", "2", "--end-date", f"{y}-{m}-28")
    ok(gen(cli, db_dsn, *args, "--max-workers", "1"))
    before = digest(db_dsn)
    assert "already applied" in ok(gen(cli, db_dsn, *args)).output
    assert digest(db_dsn) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--end-date", "2023-12-31"), "before the data's first day"),
        (("--start-date", "2023-12-25", "--end-date", "2023-12-31"), "before the data's first"),
        (("--start-date", "2023-12-01", "--end-date", "2024-03-01"), "forward"),
        (("--start-date", "2024-02-10", "--end-date", "2024-02-01"), "before --start-date"),
        (("--start-date", "2024-03-01", "--end-date", "2024-03-05"), "leave a hole"),
    ],
)
def test_appends_that_are_mistakes_still_fail(
    cli: Any, seeded: str, args: tuple[str, ...], says: str
) -> None:
    before = digest(seeded)
    r = gen(cli, seeded, "--append", "--stores", "2", "--products", "3", *args)
    assert r.exit_code == 2 and says in r.output, r.output
    assert digest(seeded) == before
