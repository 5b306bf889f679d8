"""Alembic migrations rendered to SQL and run on the run's own connection.

Rendering (Alembic's offline mode) instead of handing Alembic a connection keeps
the schema and the data in one transaction: a failed run leaves no tables behind.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pg import Conn

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import MetaData


def alembic_config(script_location: Path, buffer: io.StringIO | None = None) -> Config:
    # Alembic is imported here, not at the top: most runs find the schema in place.
    from alembic.config import Config

    cfg = Config(output_buffer=buffer) if buffer is not None else Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def upgrade_sql(script_location: Path) -> str:
    from alembic import command

    buf = io.StringIO()
    command.upgrade(alembic_config(script_location, buf), "head", sql=True)
    return buf.getvalue()


def upgrade(conn: Conn, script_location: Path) -> None:
    """Create the schema (and alembic_version) inside ``conn``'s open transaction."""
    conn.execute(upgrade_sql(script_location).encode())


def create_all(conn: Conn, metadata: MetaData) -> None:
    """Create ``metadata``'s tables, constraints and indexes in ``conn``'s open transaction,
    as PostgreSQL DDL compiled by SQLAlchemy (for a pack that has no migration)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    for table in metadata.sorted_tables:
        conn.execute(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in table.indexes:
            conn.execute(str(CreateIndex(index).compile(dialect=dialect)).encode())


def run_env(metadata: MetaData, version_table: str = "alembic_version") -> None:
    """The body of every pack's Alembic ``env.py``.

    Each pack keeps its revision in a table of its own (``version_table``), so two
    packs' schemas can share one database.

    Offline (how pgseed runs it): render SQL for the run's own transaction. Online: on
    ``config.attributes["connection"]`` when given, else on ``-x url=...`` or
    DATABASE_URL (``alembic upgrade head`` from a shell).
    """
    import os

    from alembic import context
    from sqlalchemy import create_engine, pool

    if context.is_offline_mode():
        context.configure(
            dialect_name="postgresql",
            target_metadata=metadata,
            version_table=version_table,
            literal_binds=True,
            transactional_ddl=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _refuse_foreign(connection, metadata, Path(context.script.dir))
        context.configure(
            connection=connection, target_metadata=metadata, version_table=version_table
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or pass -x url=postgresql://...) to run migrations")
    from .dsn import normalise

    # An application's SQLAlchemy URL (postgresql+asyncpg://...?ssl=require) as well:
    # read as libpq's, then handed to SQLAlchemy's psycopg 3 driver, the one installed.
    url = normalise(url)
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _refuse_foreign(conn, metadata, Path(context.script.dir))
        context.configure(connection=conn, target_metadata=metadata, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()


def _refuse_foreign(connection: Any, metadata: MetaData, script_location: Path) -> None:
    """From a shell too, a pack's migration runs only where every table is pgseed's own
    (a fresh database, or one whose own version table it upgrades): SystemExit naming
    an application's tables (``fresh.check_fresh``) before anything is run."""
    import psycopg

    from .errors import SchemaMismatchError
    from .fresh import check_fresh
    from .run import SchemaSpec

    raw = getattr(getattr(connection, "connection", None), "driver_connection", None)
    if not isinstance(raw, psycopg.Connection):
        return  # another driver's connection, handed in by a program: its owner's call
    row = raw.execute("SELECT current_database()").fetchone()
    try:
        check_fresh(raw, SchemaSpec(metadata, script_location, {}), str(row[0]) if row else "")
    except SchemaMismatchError as exc:
        raise SystemExit(f"error: {exc}") from None
