"""Bulk mode: load tables that were empty at the start of the run the fast way.

Inside the run's transaction, for tables that hold no rows (and only then):

1. remember their secondary indexes and the foreign keys that point from them,
2. drop those, and TRUNCATE the tables (they are empty: nothing is lost), so that
3. COPY can use FREEZE (rows are written frozen; on a server with
   ``wal_level=minimal``, as the embedded one is, they skip the WAL too),
4. rebuild the indexes (bulk builds, parallel where PostgreSQL can) and the
   foreign keys (one validating join each) before the commit.

All of it is one transaction: a failure rolls back the drops with the data.
Primary keys and unique constraints stay during the load (unique conflicts must
still be caught, and FKs from other tables may need them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

Conn = psycopg.Connection[tuple[object, ...]]


@dataclass
class BulkPlan:
    tables: tuple[str, ...]
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, def)


def empty_tables(conn: Conn, tables: Sequence[str]) -> list[str]:
    out = []
    for t in tables:
        row = conn.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(t))
        ).fetchone()
        if row is not None and not row[0]:
            out.append(t)
    return out


def begin(conn: Conn, tables: Sequence[str]) -> BulkPlan:
    """Drop secondary indexes and outgoing FKs of ``tables`` (all empty) and truncate them."""
    plan = BulkPlan(tuple(tables))
    if not tables:
        return plan
    names = list(tables)
    conn.execute(
        sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
            sql.SQL(", ").join(map(sql.Identifier, names))
        )
    )
    for table, name, definition in conn.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
        ORDER BY 1, 2
        """,
        [names],
    ).fetchall():
        plan.foreign_keys.append((str(table), str(name), str(definition)))
    for name, definition in conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
        ORDER BY 1
        """,
        [names],
    ).fetchall():
        plan.indexes.append((str(name), str(definition)))
    for table, name, _ in plan.foreign_keys:
        conn.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
    for name, _ in plan.indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    # Other tables' FKs pointing at these would make TRUNCATE refuse; only truncate
    # tables that no remaining FK references.
    referenced = {
        str(r[0])
        for r in conn.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY(%s::regclass[])",
            [names],
        ).fetchall()
    }
    free = [t for t in names if t not in referenced]
    if free:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, free))))
    plan.tables = tuple(free)
    return plan


def finish(conn: Conn, plan: BulkPlan) -> None:
    """Rebuild what ``begin`` dropped (still inside the run's transaction)."""
    if not plan.indexes and not plan.foreign_keys:
        return
    conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in plan.indexes:
        conn.execute(definition.encode())
    for table, name, definition in plan.foreign_keys:
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(table),
                sql.Identifier(name),
                sql.SQL(definition),
            )
        )
