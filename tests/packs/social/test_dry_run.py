"""``--dry-run`` of the social verbs: nothing is written (no database is created), the
counts are the real run's, the sample rows are rows the real run writes, the same
refusals come out, and ``reset --dry-run`` counts what each scope removes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.packs.social import ops
from pgseed.packs.social.config import SocialConfig
from pgseed.packs.social.preview import preview
from pgseed.packs.social.tables import COLUMNS
from pgseed.progress import Reporter
from tests.conftest import database_exists, scalar
from tests.packs.social.support import START, digests, seed

pytestmark = pytest.mark.db

ALL = tuple(COLUMNS)
DAY = dt.timedelta(days=1)


def _nothing(dsn: str) -> None:
    pass


def _seeded(run_seed: str, count: int, days: int) -> Callable[[str], None]:
    def setup(dsn: str) -> None:
        seed(dsn, count=count, days=days, run_seed=run_seed)

    return setup


# (what the database holds first, the command's config and phases)
CASES: dict[str, tuple[Callable[[str], None], dict[str, Any], ops.Phases]] = {
    "seed-all into a new database": (
        _nothing,
        {"run_seed": "dry-a", "count": 30},
        ops.Phases(profiles=True, activity=(START, 3)),
    ),
    "seed-profiles on a seeded database": (
        _seeded("dry-b0", 20, 2),
        {"run_seed": "dry-b", "count": 15},
        ops.Phases(profiles=True),
    ),
    "seed-activity appending days": (
        _seeded("dry-c", 30, 2),
        {"run_seed": "dry-c", "count": 30},
        ops.Phases(profiles=False, activity=(START + 2 * DAY, 3)),
    ),
    "seed-all adding users and days": (
        _seeded("dry-d", 25, 2),
        {"run_seed": "dry-d", "count": 10},
        ops.Phases(profiles=True, activity=(START + 2 * DAY, 2)),
    ),
}


def _held(conn: psycopg.Connection[Any], table: str, row: dict[str, str | None]) -> int:
    """How many rows of the database equal the sample row, every column compared as its
    own type (the text of a timestamp or a jsonb value may be spelled otherwise)."""
    q = sql.SQL("SELECT count(*) FROM {} WHERE {}").format(
        sql.Identifier(table),
        sql.SQL(" AND ").join(
            sql.SQL("{} IS NOT DISTINCT FROM {}").format(sql.Identifier(c), sql.Placeholder())
            for c in row
        ),
    )
    got = conn.execute(q, list(row.values())).fetchone()
    assert got is not None
    return int(got[0])


@pytest.mark.parametrize("case", list(CASES))
def test_a_dry_run_writes_nothing_and_counts_what_the_run_writes(
    case: str, server_dsn: str, db_name: str, db_dsn: str
) -> None:
    setup, config, phases = CASES[case]
    setup(db_dsn)
    existed = database_exists(server_dsn, db_name)
    before = digests(db_dsn, ALL) if existed else None
    cfg = SocialConfig(start_date=START, **config)

    p = preview(db_dsn, cfg, phases)

    assert database_exists(server_dsn, db_name) == existed
    if before is not None:
        assert digests(db_dsn, ALL) == before
    out = ops.seed(db_dsn, cfg, phases, reporter=Reporter(progress=False))
    assert p.rows == {t: n for t, n in out.written.items() if n}
    assert p.users == out.users
    assert p.samples and all(len(rows) <= 3 for rows in p.samples.values())
    with psycopg.connect(db_dsn) as conn:
        for table, rows in p.samples.items():
            for row in rows:
                assert _held(conn, table, row) == 1, (table, row)


def test_the_cli_dry_run_creates_no_database_and_prints_the_plan(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str
) -> None:
    tiny = ["--runSeed", "dry-cli", "--count", "30", "--activityDays", "3"]
    result = cli("social", "seed-all", "--database-url", db_dsn, *tiny, "--dry-run")
    assert result.exit_code == 0, result.output
    assert not database_exists(server_dsn, db_name)
    for says in (
        "does not exist yet",
        "users: 1..30 (30 new profiles)",
        "window: 2024-01-01..2024-01-03 (3 days), runSeed dry-cli",
        "nothing is written",
        "sample rows of Like:",
        "sample rows of User:",
        "then the jobs",
    ):
        assert says in result.output, (says, result.output)


@pytest.mark.parametrize(
    ("start", "says"),
    [
        ("2024-01-02", "do not come after the days already simulated"),
        ("2023-12-20", "--startDate 2024-01-03"),
        ("2024-01-01", "nothing to do"),
    ],
)
def test_a_dry_run_refuses_what_the_run_refuses(
    cli: Any, db_dsn: str, start: str, says: str
) -> None:
    seed(db_dsn, count=20, days=2, run_seed="dry-r")
    before = digests(db_dsn, ALL)
    args = ["--database-url", db_dsn, "--runSeed", "dry-r", "--startDate", start]
    days = ["--days", "1" if says == "nothing to do" else "3"]
    dry = cli("social", "seed-activity", *args, *days, "--dry-run")
    real = cli("social", "seed-activity", *args, *days)
    assert dry.exit_code == real.exit_code, (dry.output, real.output)
    assert says in dry.output and says in real.output, dry.output
    assert "Traceback" not in dry.output
    assert digests(db_dsn, ALL) == before


@pytest.mark.parametrize("scope", ["all", "activity", "derived"])
def test_reset_dry_run_counts_what_each_scope_removes(cli: Any, db_dsn: str, scope: str) -> None:
    tiny = ["--runSeed", "dry-z", "--count", "30", "--activityDays", "2"]
    ok = cli("social", "seed-all", "--database-url", db_dsn, *tiny)
    assert ok.exit_code == 0, ok.output
    from pgseed.packs.social import cleanup

    before = digests(db_dsn, ALL)
    dry = cli("social", "reset", "--scope", scope, "--dry-run", "--database-url", db_dsn)
    assert dry.exit_code == 0, dry.output
    would = cleanup.reset(db_dsn, scope, confirm=False, dry_run=True)
    assert digests(db_dsn, ALL) == before
    assert would
    removed = cleanup.reset(db_dsn, scope, confirm=True, dry_run=False)
    assert removed is not None
    assert would == {t: n for t, n in removed.items() if n}
    assert "each scope would remove: all " in dry.output, dry.output
    for t, n in would.items():
        assert f"{t:<26} {n:>12,}" in dry.output
    assert scalar(db_dsn, 'SELECT count(*) FROM "SeedRun"') == (
        0 if scope == "all" else 2 if scope == "derived" else 1
    )
