"""The social migration (spec 004, issue 11 "Schema") against a real PostgreSQL.

It creates exactly the models' tables, columns, types, nullability, defaults, indexes and
constraints (alembic's ``compare_metadata`` finds no difference, and finds one when the
database is changed), Prisma's names and rules hold, and downgrade leaves nothing behind.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg import sql
from sqlalchemy import Connection, create_engine, pool
from sqlalchemy.dialects.postgresql import ENUM, TIMESTAMP

from pgseed.migrate import alembic_config, upgrade
from pgseed.packs.social import models
from pgseed.packs.social.models import metadata
from tests.conftest import drop_database, dsn_for

MIGRATIONS = Path(models.__file__).parents[1] / "migrations"
VERSION_TABLE = "alembic_version_social"


def _create_database(server_dsn: str) -> str:
    name = f"pgseed_social_{uuid.uuid4().hex[:10]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


@pytest.fixture(scope="module")
def migrated(server_dsn: str) -> Iterator[str]:
    """A database holding the social migration at head (module-wide: tests that write
    roll back)."""
    name = _create_database(server_dsn)
    dsn = dsn_for(server_dsn, name)
    with psycopg.connect(dsn) as conn:
        upgrade(conn, MIGRATIONS)
    yield dsn
    drop_database(server_dsn, name)


@pytest.fixture
def sa_conn(migrated: str) -> Iterator[Connection]:
    """A SQLAlchemy connection in a transaction that is rolled back."""
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(migrated), poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        yield conn
        conn.rollback()
    engine.dispose()


@pytest.fixture
def pg(migrated: str) -> Iterator[psycopg.Connection[Any]]:
    """A psycopg connection whose work is rolled back."""
    with psycopg.connect(migrated) as conn:
        yield conn
        conn.rollback()


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(
        conn,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "version_table": VERSION_TABLE,
        },
    )
    return list(compare_metadata(ctx, metadata))


def test_the_migration_creates_exactly_the_models(sa_conn: Connection) -> None:
    assert _diff(sa_conn) == []


# Each change to the migrated database must show as a difference: the comparison above
# could fail, it is not blind to the kind of thing it vouches for.
CHANGES = {
    "a default on updatedAt": 'ALTER TABLE "Post" ALTER "updatedAt" SET DEFAULT CURRENT_TIMESTAMP',
    "no default on createdAt": 'ALTER TABLE "User" ALTER "createdAt" DROP DEFAULT',
    "nullable FK": 'ALTER TABLE "Profile" ALTER "userId" DROP NOT NULL',
    "wider coordinates": 'ALTER TABLE "Profile" ALTER "lat" TYPE numeric(10,6)',
    "timestamp(6)": 'ALTER TABLE "Message" ALTER "createdAt" TYPE timestamp(6)',
    "missing index": 'DROP INDEX "Post_userId_idx"',
    "missing unique": 'DROP INDEX "User_email_key"',
    "extra column": 'ALTER TABLE "Like" ADD COLUMN "note" text',
    "missing FK": 'ALTER TABLE "Match" DROP CONSTRAINT "Match_userBId_fkey"',
    "extra table": 'CREATE TABLE "Extra" (id bigint)',
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_comparison_sees_a_changed_database(sa_conn: Connection, change: str) -> None:
    sa_conn.exec_driver_sql(CHANGES[change])
    assert _diff(sa_conn) != [], change


def _scalar(pg: psycopg.Connection[Any], q: str, params: list[Any] | None = None) -> Any:
    row = pg.execute(q.encode(), params or []).fetchone()
    assert row is not None
    return row[0]


def _columns(kind: type, name: str | None = None) -> list[tuple[str, str]]:
    return [
        (t.name, c.name)
        for t in metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, kind) and (name is None or c.name == name)
    ]


COLUMN_SQL = (
    "SELECT {} FROM information_schema.columns WHERE table_schema = 'public'"
    " AND table_name = %s AND column_name = %s"
)


@pytest.mark.parametrize(("table", "column"), _columns(TIMESTAMP, "updatedAt"))
def test_updated_at_is_not_null_without_a_default(
    pg: psycopg.Connection[Any], table: str, column: str
) -> None:
    q = COLUMN_SQL.format("column_default IS NULL AND is_nullable = 'NO'")
    assert _scalar(pg, q, [table, column]) is True


@pytest.mark.parametrize(("table", "column"), _columns(TIMESTAMP))
def test_timestamps_are_milliseconds_without_time_zone(
    pg: psycopg.Connection[Any], table: str, column: str
) -> None:
    assert _scalar(
        pg, COLUMN_SQL.format("data_type || ':' || datetime_precision"), [table, column]
    ) == ("timestamp without time zone:3")


IDENTITY_TABLES = [t.name for t in metadata.sorted_tables if "id" in t.c]


@pytest.mark.parametrize("table", IDENTITY_TABLES)
def test_ids_are_bigint_identity_by_default(pg: psycopg.Connection[Any], table: str) -> None:
    q = COLUMN_SQL.format("data_type || ':' || is_identity || ':' || identity_generation")
    assert _scalar(pg, q, [table, "id"]) == "bigint:YES:BY DEFAULT"


def test_an_explicit_id_is_accepted(pg: psycopg.Connection[Any]) -> None:
    """The seeder COPYs its own ids (GENERATED ALWAYS would refuse them)."""
    pg.execute(
        """INSERT INTO "User" (id, email, "passwordHash", "updatedAt")
           VALUES (4242, 'a@example.com', 'x', '2024-01-01')"""
    )
    assert _scalar(pg, 'SELECT id FROM "User"') == 4242


@pytest.mark.parametrize("enum", models.ENUMS, ids=lambda e: e.name)
def test_enum_types_hold_the_models_values(pg: psycopg.Connection[Any], enum: ENUM) -> None:
    q = (
        "SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e"
        " JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = %s"
    )
    assert _scalar(pg, q, [enum.name]) == list(enum.enums)


PRISMA_NAMES = [
    "User_pkey",
    "User_email_key",
    "Profile_userId_key",
    "Profile_userId_fkey",
    "Profile_avatarMediaId_fkey",
    "Post_userId_idx",
    "Interest_subjectId_key_key",
    "Like_fromUserId_toUserId_key",
    "MatchScore_pkey",
    "InterestDirty_pkey",
    "Match_userAId_userBId_check",
]


@pytest.mark.parametrize("name", PRISMA_NAMES)
def test_constraints_and_indexes_have_prismas_names(pg: psycopg.Connection[Any], name: str) -> None:
    assert _scalar(pg, "SELECT count(*) FROM pg_class WHERE relname = %s UNION ALL"
                   " SELECT count(*) FROM pg_constraint WHERE conname = %s"
                   " ORDER BY 1 DESC LIMIT 1", [name, name]) == 1  # fmt: skip


ACTIONS = {"RESTRICT": "r", "CASCADE": "c", "SET NULL": "n"}
FKS = [
    (t.name, fk.name, fk.ondelete or "RESTRICT", fk.onupdate or "")
    for t in metadata.sorted_tables
    for fk in t.foreign_key_constraints
]


@pytest.mark.parametrize(("table", "name", "ondelete", "onupdate"), FKS)
def test_foreign_keys_delete_and_update_as_the_models_say(
    pg: psycopg.Connection[Any], table: str, name: str, ondelete: str, onupdate: str
) -> None:
    q = (
        "SELECT confdeltype::text || confupdtype::text FROM pg_constraint"
        " WHERE conname = %s AND conrelid = format('%%I', %s::text)::regclass"
    )
    assert onupdate == "CASCADE"
    assert _scalar(pg, q, [name, table]) == ACTIONS[ondelete] + "c"


# A tiny world for the behaviour checks: two users, one profile with both media.
WORLD = """
INSERT INTO "User" (id, email, "passwordHash", "updatedAt") VALUES
  (1, 'a@example.com', 'h', '2024-01-01'), (2, 'b@example.com', 'h', '2024-01-01');
INSERT INTO "Media" (id, "userId", "ownerUserId", type, url) VALUES
  (10, 1, 1, 'IMAGE', 'u'), (11, 1, 1, 'IMAGE', 'u');
INSERT INTO "Profile" (id, "userId", "avatarMediaId", "heroMediaId", "updatedAt")
  VALUES (1, 1, 10, 11, '2024-01-01');
"""


@pytest.mark.parametrize(("table", "ids"), [("Match", (2, 1)), ("Conversation", (2, 1)),
                                            ("Match", (1, 1)), ("Conversation", (2, 2))])  # fmt: skip
def test_a_pair_is_stored_smaller_id_first(
    pg: psycopg.Connection[Any], table: str, ids: tuple[int, int]
) -> None:
    pg.execute(WORLD.encode())
    with pytest.raises(psycopg.errors.CheckViolation):
        pg.execute(
            sql.SQL('INSERT INTO {} ("userAId", "userBId", "updatedAt") VALUES (%s, %s, now())')
            .format(sql.Identifier(table)),
            list(ids),
        )  # fmt: skip


@pytest.mark.parametrize("media", [10, 11])
def test_deleting_a_media_row_clears_the_profiles_reference(
    pg: psycopg.Connection[Any], media: int
) -> None:
    pg.execute(WORLD.encode())
    pg.execute('DELETE FROM "Media" WHERE id = %s', [media])
    row = pg.execute('SELECT "avatarMediaId", "heroMediaId" FROM "Profile"').fetchone()
    assert row == ((None, 11) if media == 10 else (10, None))


@pytest.mark.parametrize("table", ["Profile", "Media"])
def test_a_user_with_rows_cannot_be_deleted(pg: psycopg.Connection[Any], table: str) -> None:
    """ON DELETE RESTRICT: the user's remaining ``table`` rows keep it."""
    pg.execute(WORLD.encode())
    other = "Profile" if table == "Media" else "Media"
    pg.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(other)))
    with pytest.raises(psycopg.errors.RestrictViolation, match=f"{table}_userId_fkey"):
        pg.execute('DELETE FROM "User" WHERE id = 1')


def _relations(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as c:
        rows = c.execute(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' UNION ALL SELECT t.typname::text FROM pg_type t"
            " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'"
            " AND t.typtype = 'e' ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


def test_downgrade_drops_every_table_and_type(server_dsn: str) -> None:
    name = _create_database(server_dsn)
    dsn = dsn_for(server_dsn, name)
    try:
        with psycopg.connect(dsn) as conn:
            upgrade(conn, MIGRATIONS)
        created = _relations(dsn)
        assert set(metadata.tables) | {e.name for e in models.ENUMS} <= set(created)
        buf = io.StringIO()
        cfg = alembic_config(MIGRATIONS, buf)
        command.downgrade(cfg, "0001_social:base", sql=True)
        with psycopg.connect(dsn) as conn:
            conn.execute(buf.getvalue().encode())
        # Alembic keeps its (now empty) version table, online as offline.
        assert _relations(dsn) == [VERSION_TABLE, f"{VERSION_TABLE}_pkc"]
        with psycopg.connect(dsn) as conn:
            assert conn.execute(f"SELECT count(*) FROM {VERSION_TABLE}").fetchone() == (0,)
    finally:
        drop_database(server_dsn, name)
