"""Alembic migrations rendered to SQL and run on the run's own connection.

Rendering (Alembic's offline mode) instead of handing Alembic a connection keeps
the schema and the data in one transaction: a failed run leaves no tables behind.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

if TYPE_CHECKING:
    from alembic.config import Config


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


def upgrade(conn: psycopg.Connection[tuple[object, ...]], script_location: Path) -> None:
    """Create the schema (and alembic_version) inside ``conn``'s open transaction."""
    conn.execute(upgrade_sql(script_location).encode())
