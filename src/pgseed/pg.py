"""Small PostgreSQL helpers every layer shares: the connection type, row counts,
table locks that wait a bounded time and say why, and TRUNCATE.

Every identifier is quoted once, by ``psycopg.sql.Identifier``.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

from .errors import GenerationError

Conn = psycopg.Connection[tuple[object, ...]]
"""A psycopg 3 connection with tuple rows: what the engine hands to packs."""

LOCK_WAIT = "10s"


def count_rows(conn: Conn, tables: Sequence[str]) -> dict[str, int]:
    """``{table: count(*)}``, in the caller's transaction."""
    out = {}
    for t in tables:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()
        out[t] = int(str(row[0])) if row else 0
    return out


def lock_tables(conn: Conn, tables: Sequence[str | tuple[str, str]], mode: str, what: str) -> None:
    """``LOCK TABLE ... IN mode MODE``, waiting at most ``LOCK_WAIT`` for other sessions.
    A table is a name (through the search path) or (schema, name).

    Raises GenerationError (exit 1) naming ``what`` ("the retail tables") and the fix
    when another session holds a conflicting lock that long.
    """
    conn.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    try:
        conn.execute(
            sql.SQL("LOCK TABLE {} IN " + mode + " MODE").format(
                sql.SQL(", ").join(
                    sql.Identifier(*t) if isinstance(t, tuple) else sql.Identifier(t)
                    for t in tables
                )
            )
        )
    except psycopg.errors.LockNotAvailable as exc:
        raise GenerationError(
            f"another session is using {what} (waited {LOCK_WAIT} for a lock).\n"
            "Fix: finish or stop that session (an open transaction in psql?), then run again."
        ) from exc
    conn.execute("SET LOCAL lock_timeout = 0")


def truncate(conn: Conn, tables: Sequence[str]) -> None:
    """Empty ``tables`` in one statement and restart their identity sequences."""
    conn.execute(
        sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
            sql.SQL(", ").join(map(sql.Identifier, tables))
        )
    )


def delete_rows(conn: Conn, tables: Sequence[str]) -> None:
    """``DELETE FROM`` each of ``tables`` in the order given (children first): what
    TRUNCATE does, for tables other tables reference."""
    for t in tables:
        conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(t)))
