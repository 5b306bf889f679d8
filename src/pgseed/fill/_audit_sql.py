"""Small pieces the audit's queries share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from ..pg import Conn


def schema_literal(schemas: Sequence[str]) -> sql.Composable:
    """The schema list as a literal array: the catalog queries use ``format('%I')``,
    which psycopg would take for a placeholder if the list were a parameter."""
    return sql.SQL("{}::text[]").format(sql.Literal(list(schemas)))


def relation(schema: object, table: object, kind: object) -> sql.Composable:
    """The rows a constraint on this relation covers.

    ``ONLY`` for an ordinary table: a parent in classic inheritance does not hold its
    children to its unique indexes or foreign keys, and each child is checked on its
    own. A partitioned table is read whole: its constraints span its partitions.
    """
    name = sql.Identifier(str(schema), str(table))
    return name if kind == "p" else sql.SQL("ONLY {}").format(name)


def count(conn: Conn, query: sql.Composed, what: str, out: list[str]) -> int | None:
    """The single integer ``query`` returns, run in a savepoint; on an error, a
    "could not re-check" line goes to ``out`` and the caller's transaction goes on."""
    try:
        with conn.transaction():
            row = conn.execute(query).fetchone()
    except psycopg.Error as exc:
        out.append(f"could not re-check {what}: {str(exc).strip().splitlines()[0]}")
        return None
    return int(str(row[0])) if row and row[0] is not None else 0


def rows(conn: Conn, query: str, schemas: Sequence[str]) -> list[tuple[Any, ...]]:
    """A catalog query's rows; ``{schemas}`` in it becomes the schema list."""
    return conn.execute(sql.SQL(query).format(schemas=schema_literal(schemas))).fetchall()


def joined(separator: str, parts: Iterable[sql.Composable]) -> sql.Composed:
    return sql.SQL(separator).join(list(parts))
