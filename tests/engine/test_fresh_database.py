"""Issue 10 B: a pack creates its schema only in a database with no tables but pgseed's.
An application's database (its own ``alembic_version``, or any tables) is never
migrated, and no message tells its owner to run ``alembic upgrade head``; a fresh
database is still migrated, and two packs still share one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import dsn_for, scalar, write_config

pytestmark = pytest.mark.db

RETAIL = ("--stores", "2", "--products", "3", "--end-date", "2024-01-05", "--seed", "1")
TINY = {
    "images_dir": "data/images",
    "seed_data_generator": {"target_rows_users": 6, "target_rows_content_items": 60,
                            "target_rows_content_items_auto": 60, "admin_items_per_table": 5},
}  # fmt: skip
COMMANDS = {
    "genonaut": ("genonaut", "generate", "--seed", "1", "--max-workers", "1", "--config", "{cfg}"),
    "retail": ("retail", "generate", "--full-new", "--confirm", *RETAIL),
    "bookshop": ("bookshop", "generate", "--authors", "3", "--seed", "1"),
    "social": ("social", "seed-all", "--runSeed", "x", "--count", "30", "--activityDays", "3"),
}
VERIFY = {
    "genonaut": ("genonaut", "verify", "--config", "{cfg}", "--seed", "1"),
    "retail": ("retail", "verify", *RETAIL),
    "bookshop": ("bookshop", "verify", "--authors", "3"),
    "social": ("social", "verify"),
}
# What an application's database holds, as SQL. Each is somebody else's.
APPLICATIONS = {
    "alembic stamped only": [
        "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('3f2a9c1d7b4e')",
    ],
    "alembic and tables": [
        "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('e1f2a3b4c5d6')",
        "CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL)",
        "CREATE TABLE orders (id serial PRIMARY KEY, account_id int REFERENCES accounts)",
    ],
    "tables without alembic": [
        "CREATE TABLE django_migrations (id serial PRIMARY KEY, app text, name text)",
        "CREATE TABLE auth_user (id serial PRIMARY KEY, username text UNIQUE)",
    ],
    "a partitioned table": [
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at)",
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    ],
    "a view only": ["CREATE VIEW app_health AS SELECT 1 AS ok"],
    "a version table with another name": [
        "CREATE TABLE alembic_version_forecast (version_num varchar(32) PRIMARY KEY)",
        "INSERT INTO alembic_version_forecast VALUES ('0001_genonaut')",
        "INSERT INTO alembic_version_forecast VALUES ('9c8b7a')",
    ],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _bookshop(bookshop: None) -> None:
    """Every test here may run the example pack."""


def _create(server_dsn: str, db_name: str, statements: list[str]) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    with psycopg.connect(dsn_for(server_dsn, db_name)) as c:
        for s in statements:
            c.execute(s.encode())


def _relations(dsn: str) -> list[tuple[str, str]]:
    rows = scalar(
        dsn,
        "SELECT coalesce(array_agg(relname::text || ':' || relkind::text ORDER BY relname), '{}')"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public'",
    )
    return [tuple(r.split(":")) for r in rows]


def _args(args: tuple[str, ...], cfg: Path) -> list[str]:
    return [a.replace("{cfg}", str(cfg)) for a in args]


@pytest.mark.parametrize("app", list(APPLICATIONS))
@pytest.mark.parametrize("pack", list(COMMANDS))
def test_an_applications_database_is_never_migrated(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path, pack: str, app: str
) -> None:
    _create(server_dsn, db_name, APPLICATIONS[app])
    before = _relations(db_dsn)
    versions = scalar(db_dsn, "SELECT count(*) FROM pg_class WHERE relname LIKE 'alembic%%'")
    cfg = write_config(tmp_path, TINY)
    for extra in ((), ("--dry-run",)):
        r = cli(*_args(COMMANDS[pack], cfg), *extra, "--database-url", db_dsn)
        assert r.exit_code == 4, (extra, r.output)
        assert "holds tables pgseed did not create" in r.output
        assert "pgseed never migrates an application's database" in r.output
        assert "alembic upgrade" not in r.output and "Traceback" not in r.output
    assert _relations(db_dsn) == before
    assert (
        scalar(db_dsn, "SELECT count(*) FROM pg_class WHERE relname LIKE 'alembic%%'") == versions
    )


@pytest.mark.parametrize("pack", ["genonaut", "retail", "social"])
def test_another_applications_revision_is_named(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path, pack: str
) -> None:
    _create(server_dsn, db_name, APPLICATIONS["alembic and tables"])
    r = cli(*_args(COMMANDS[pack], write_config(tmp_path, TINY)), "--database-url", db_dsn)
    assert r.exit_code == 4, r.output
    assert "alembic_version (another application's Alembic revision e1f2a3b4c5d6)" in r.output
    assert "accounts" in r.output and "orders" in r.output


MOVED_ON = {  # issue 10's drift, a piece of each
    "genonaut": [
        "ALTER TABLE generation_jobs RENAME COLUMN parameters TO params",
        "ALTER TABLE generation_jobs RENAME COLUMN result_content_id TO content_id",
        "ALTER TABLE content_items DROP COLUMN tags",
    ],
    "retail": [
        "ALTER TABLE promotion ALTER COLUMN store_id DROP NOT NULL",
        "ALTER TABLE price_history ALTER COLUMN valid_to DROP NOT NULL",
        "ALTER TABLE inventory_snapshot_daily RENAME COLUMN ordered_qty TO on_order_qty",
    ],
    "social": [  # spec 004's site after the spec (tests/packs/social/test_evolved.py: all of it)
        'ALTER TABLE "Post" RENAME COLUMN "text" TO body',
        "ALTER TABLE \"User\" ADD COLUMN handle text NOT NULL DEFAULT ''",
        'ALTER TABLE "Media" DROP COLUMN "thumbUrl"',
    ],
}


@pytest.mark.parametrize("pack", list(MOVED_ON))
@pytest.mark.parametrize("step", [0, 1, 2])
def test_a_schema_that_moved_on_is_never_migrated(
    cli: Any, db_dsn: str, tmp_path: Path, pack: str, step: int
) -> None:
    """It is bound to as it is (tests/packs/drift/ for the whole drift), never migrated."""
    cfg = write_config(tmp_path, TINY)
    r = cli(*_args(COMMANDS[pack], cfg), "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    with psycopg.connect(db_dsn) as c:
        c.execute(MOVED_ON[pack][step].encode())
    before = _relations(db_dsn)
    r = cli(*_args(COMMANDS[pack], cfg), "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    assert "alembic upgrade" not in r.output and "creating the schema" not in r.output
    assert _relations(db_dsn) == before
    r = cli(*_args(VERIFY[pack], cfg), "--database-url", db_dsn)
    assert r.exit_code == 0, r.output


# Fresh databases: nothing, or only what extensions bring (their views are no application's).
FRESH = {
    "new database": None,
    "empty database": [],
    "extensions' views": ["CREATE EXTENSION pg_buffercache", "CREATE EXTENSION citext"],
}


@pytest.mark.parametrize("pack", list(COMMANDS))
@pytest.mark.parametrize("empty", list(FRESH))
def test_a_fresh_database_is_still_migrated(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path, pack: str, empty: str
) -> None:
    cfg = write_config(tmp_path, TINY)
    statements = FRESH[empty]
    if statements is not None:
        _create(server_dsn, db_name, statements)
    r = cli(*_args(COMMANDS[pack], cfg), "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    assert "creating the schema" in r.output
    r = cli(*_args(VERIFY[pack], cfg), "--database-url", db_dsn)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "order",
    [("genonaut", "retail", "bookshop", "social"), ("social", "bookshop", "retail", "genonaut")],
)
def test_packs_still_share_a_database(
    cli: Any, db_dsn: str, tmp_path: Path, order: tuple[str, ...]
) -> None:
    """Each pack after the first finds only pgseed's tables and versions: it migrates."""
    cfg = write_config(tmp_path, TINY)
    for pack in order:
        r = cli(*_args(COMMANDS[pack], cfg), "--database-url", db_dsn)
        assert r.exit_code == 0, (pack, r.output)
        assert "creating the schema" in r.output
    for pack in order:
        r = cli(*_args(VERIFY[pack], cfg), "--database-url", db_dsn)
        assert r.exit_code == 0, (pack, r.output)


REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = {
    "genonaut": "src/pgseed/packs/genonaut/migrations",
    "retail": "src/pgseed/packs/retail/migrations",
}


def _alembic(tmp_path: Path, pack: str, dsn: str) -> Any:
    """``alembic upgrade head`` from a shell, as a developer would run the pack's migration."""
    import os
    import subprocess
    import sys

    ini = tmp_path / "alembic.ini"
    ini.write_text(
        f"[alembic]\nscript_location = {REPO / MIGRATIONS[pack]}\nprepend_sys_path = {REPO / 'src'}\n"
    )
    env = {**os.environ, "DATABASE_URL": dsn}
    return subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def _url(server_dsn: str, db_name: str) -> str:
    from tests.engine.test_urls import sqlalchemy_url

    return sqlalchemy_url(server_dsn, "postgresql+asyncpg", db_name)


@pytest.mark.parametrize("app", ["alembic stamped only", "alembic and tables", "a view only"])
@pytest.mark.parametrize("pack", list(MIGRATIONS))
def test_the_packs_migration_from_a_shell_refuses_an_application(
    server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path, pack: str, app: str
) -> None:
    _create(server_dsn, db_name, APPLICATIONS[app])
    before = _relations(db_dsn)
    done = _alembic(tmp_path, pack, _url(server_dsn, db_name))
    assert done.returncode != 0, done.stdout
    assert "pgseed never migrates an application's database" in done.stderr
    assert "Traceback" not in done.stderr
    assert _relations(db_dsn) == before


@pytest.mark.parametrize("pack", list(MIGRATIONS))
def test_the_packs_migration_from_a_shell_runs_where_it_is_pgseeds(
    server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path, pack: str
) -> None:
    _create(server_dsn, db_name, [])
    for other in MIGRATIONS:  # the other pack first: its tables and version are pgseed's
        if other != pack:
            assert _alembic(tmp_path, other, _url(server_dsn, db_name)).returncode == 0
    done = _alembic(tmp_path, pack, _url(server_dsn, db_name))
    assert done.returncode == 0, done.stderr
    done = _alembic(tmp_path, pack, _url(server_dsn, db_name))  # at head: nothing to do
    assert done.returncode == 0, done.stderr
    # genonaut's 4 tables, retail's 7 and each pack's version table
    assert scalar(db_dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 4 + 7 + 2
