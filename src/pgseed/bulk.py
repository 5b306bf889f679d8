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
    """What ``begin`` dropped, to rebuild. Names are raw catalog names (schema, name):
    every statement quotes them exactly once with ``sql.Identifier``."""

    tables: tuple[str, ...]
    indexes: list[tuple[str, str, str]] = field(default_factory=list)  # (schema, name, CREATE ...)
    # (schema, table, constraint name, definition)
    foreign_keys: list[tuple[str, str, str, str]] = field(default_factory=list)


def empty_tables(conn: Conn, tables: Sequence[str]) -> list[str]:
    out = []
    for t in tables:
        row = conn.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(t))
        ).fetchone()
        if row is not None and not row[0]:
            out.append(t)
    return out


def _oids(conn: Conn, tables: Sequence[str]) -> list[int]:
    """The tables' OIDs, resolved from raw names as the run's statements resolve them
    (``sql.Identifier`` through the search path), never by re-parsing a name."""
    out = []
    for t in tables:
        row = conn.execute(
            "SELECT %s::regclass::oid", [sql.Identifier(t).as_string(conn)]
        ).fetchone()
        assert row is not None
        out.append(int(str(row[0])))
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
    oids = _oids(conn, names)
    for schema, table, name, definition in conn.execute(
        """
        SELECT n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        JOIN pg_class r ON r.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE c.contype = 'f' AND c.conrelid = ANY(%s::oid[])
        ORDER BY 1, 2, 3
        """,
        [oids],
    ).fetchall():
        plan.foreign_keys.append((str(schema), str(table), str(name), str(definition)))
    for schema, name, definition in conn.execute(
        """
        SELECT n.nspname, c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indrelid = ANY(%s::oid[]) AND NOT i.indisprimary AND NOT i.indisunique
        ORDER BY 1, 2
        """,
        [oids],
    ).fetchall():
        plan.indexes.append((str(schema), str(name), str(definition)))
    for schema, table, name, _ in plan.foreign_keys:
        conn.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(schema, table), sql.Identifier(name)
            )
        )
    for schema, name, _ in plan.indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, name)))
    # Other tables' FKs pointing at these would make TRUNCATE refuse; only truncate
    # tables that no remaining FK references.
    referenced = {
        int(str(r[0]))
        for r in conn.execute(
            "SELECT confrelid FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY(%s::oid[])",
            [oids],
        ).fetchall()
    }
    free = [t for t, oid in zip(names, oids, strict=True) if oid not in referenced]
    if free:
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, free))))
    plan.tables = tuple(free)
    return plan


def finish(conn: Conn, plan: BulkPlan) -> None:
    """Rebuild what ``begin`` dropped (still inside the run's transaction)."""
    if not plan.indexes and not plan.foreign_keys:
        return
    conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, _, definition in plan.indexes:
        conn.execute(definition.encode())  # pg_get_indexdef: quoted and schema-qualified
    for schema, table, name, definition in plan.foreign_keys:
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(schema, table),
                sql.Identifier(name),
                sql.SQL(definition),
            )
        )
