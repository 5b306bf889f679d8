"""Alembic environment for the retail schema.

pgseed runs it in-process on its own connection (``config.attributes["connection"]``)
so the schema and the data land in one transaction. From a shell, run
``alembic upgrade head`` at the repo root with DATABASE_URL set (or ``-x url=...``).
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool

from pgseed.packs.retail.models import metadata

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL (or pass -x url=postgresql://...) to run migrations")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def run() -> None:
    if context.is_offline_mode():
        # pgseed renders the migration as SQL and runs it inside its own transaction.
        context.configure(
            dialect_name="postgresql",
            target_metadata=metadata,
            literal_binds=True,
            transactional_ddl=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


run()
