"""Typed reads for the pack's own queries (``pg.Conn`` rows are ``tuple[object, ...]``)."""

from __future__ import annotations

from typing import Any, cast

from psycopg import sql

from ...pg import Conn

Query = str | sql.Composed


def fetch(conn: Conn, query: Query, params: Any = None) -> list[tuple[Any, ...]]:
    """Every row of ``query``."""
    return cast(list[tuple[Any, ...]], conn.execute(query, params).fetchall())


def value(conn: Conn, query: Query, params: Any = None) -> Any:
    """The first column of the first row (None when there is no row)."""
    row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]
