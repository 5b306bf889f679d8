"""Small reads of the live catalog, with identifiers quoted exactly once.

pgseed keeps raw names (``"User"`` is the string ``User``) and quotes them only
when a statement is built, with ``psycopg.sql.Identifier``. Functions of
PostgreSQL that take a name as *text* and parse it (``pg_get_serial_sequence``,
``::regclass``) get the quoted form, so ``User`` is not folded to ``user``; names
read back from the catalog (``pg_class.relname``, ``pg_constraint.conname``) are
raw again, never the quoted ``::regclass::text`` form.
"""

from __future__ import annotations

from psycopg import sql

from .pg import Conn


def quoted(conn: Conn, *names: str) -> str:
    """``names`` (schema, table, ...) as SQL text, each part quoted once when needed."""
    return sql.Identifier(*names).as_string(conn)


def serial_sequence(conn: Conn, table: str, column: str) -> str | None:
    """The sequence that feeds ``table.column`` (serial or identity), as SQL text."""
    row = conn.execute(
        "SELECT pg_get_serial_sequence(%s, %s)", [quoted(conn, table), column]
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])
