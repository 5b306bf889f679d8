"""Bulk mode: load tables that were empty at the start of the run the fast way.

Inside the run's transaction, for tables that hold no rows (and only then):

1. remember their secondary indexes and the foreign keys that point from them,
2. drop those, and TRUNCATE the tables (they are empty: nothing is lost), so that
3. COPY can use FREEZE (rows are written frozen; on a server with
   ``wal_level=minimal``, as the embedded one is, they skip the WAL too),
4. rebuild the indexes (bulk builds, parallel where PostgreSQL can) and the
   foreign keys (one validating join each) before the commit.

All of it is one transaction: a failure rolls back the drops with the data.
Primary keys, unique and exclusion constraints stay during the load (conflicts must
still be caught, FKs from other tables may need them, and an index that backs a
constraint cannot be dropped alone). What a rebuilt index or key would lose is put
back too: its comment, the statistics targets of its columns, its tablespace and
the table's CLUSTER mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from psycopg import sql

from .pg import Conn


@dataclass(frozen=True)
class DroppedIndex:
    """A secondary index ``begin`` dropped, with what its definition does not carry."""

    schema: str
    name: str
    table: str
    definition: str  # pg_get_indexdef: quoted and schema-qualified
    comment: str | None
    tablespace: str | None
    clustered: bool
    statistics: tuple[tuple[int, int], ...]  # (column number, statistics target)


@dataclass(frozen=True)
class DroppedKey:
    """A foreign key ``begin`` dropped (``definition``: pg_get_constraintdef)."""

    schema: str
    table: str
    name: str
    definition: str
    comment: str | None


@dataclass
class BulkPlan:
    """What ``begin`` dropped, to rebuild. Names are raw catalog names: every statement
    quotes them exactly once with ``sql.Identifier``."""

    tables: tuple[Name, ...]
    indexes: list[DroppedIndex] = field(default_factory=list)
    foreign_keys: list[DroppedKey] = field(default_factory=list)


Name = str | tuple[str, str]
"""A table: its name (found through the search path, as the packs name theirs) or
(schema, name)."""


def _ident(table: Name) -> sql.Identifier:
    return sql.Identifier(*table) if isinstance(table, tuple) else sql.Identifier(table)


def empty_tables(conn: Conn, tables: Sequence[Name]) -> list[Name]:
    out = []
    for t in tables:
        row = conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(_ident(t))).fetchone()
        if row is not None and not row[0]:
            out.append(t)
    return out


def partitioned(conn: Conn, tables: Sequence[Name]) -> set[Name]:
    """Those of ``tables`` that are partitioned (COPY FREEZE cannot write them)."""
    oids = _oids(conn, tables)
    rows = conn.execute(
        "SELECT oid FROM pg_class WHERE oid = ANY(%s) AND relkind = 'p'", [oids]
    ).fetchall()
    hit = {int(str(r[0])) for r in rows}
    return {t for t, oid in zip(tables, oids, strict=True) if oid in hit}


def _oids(conn: Conn, tables: Sequence[Name]) -> list[int]:
    """The tables' OIDs, resolved from raw names as the run's statements resolve them
    (``sql.Identifier`` through the search path), never by re-parsing a name."""
    out = []
    for t in tables:
        row = conn.execute("SELECT %s::regclass::oid", [_ident(t).as_string(conn)]).fetchone()
        assert row is not None
        out.append(int(str(row[0])))
    return out


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


_INDEXES = """
SELECT n.nspname, c.relname, t.relname, pg_get_indexdef(i.indexrelid),
       obj_description(i.indexrelid, 'pg_class'),
       (SELECT spcname FROM pg_tablespace s WHERE s.oid = c.reltablespace),
       i.indisclustered,
       (SELECT coalesce(array_agg(array[a.attnum::int, a.attstattarget::int] ORDER BY a.attnum),
                        '{}')
        FROM pg_attribute a
        WHERE a.attrelid = i.indexrelid AND coalesce(a.attstattarget, -1) >= 0)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = ANY(%s::oid[]) AND NOT i.indisprimary AND NOT i.indisunique
  AND NOT i.indisexclusion
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY 1, 2
"""

_KEYS = """
SELECT n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid),
       obj_description(c.oid, 'pg_constraint')
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE c.contype = 'f' AND c.conrelid = ANY(%s::oid[]) AND c.conparentid = 0
ORDER BY 1, 2, 3
"""


def begin(conn: Conn, tables: Sequence[Name]) -> BulkPlan:
    """Drop secondary indexes and outgoing FKs of ``tables`` (all empty) and truncate them."""
    plan = BulkPlan(tuple(tables))
    if not tables:
        return plan
    names = list(tables)
    conn.execute(
        sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
            sql.SQL(", ").join(map(_ident, names))
        )
    )
    oids = _oids(conn, names)
    for schema, table, name, definition, comment in conn.execute(_KEYS, [oids]).fetchall():
        plan.foreign_keys.append(
            DroppedKey(str(schema), str(table), str(name), str(definition), _opt(comment))
        )
    for row in conn.execute(_INDEXES, [oids]).fetchall():
        schema, name, table, definition, comment, space, clustered, stats = row
        assert isinstance(stats, list)
        plan.indexes.append(
            DroppedIndex(
                str(schema), str(name), str(table), str(definition), _opt(comment),
                _opt(space), bool(clustered), tuple((int(a), int(b)) for a, b in stats),
            )
        )  # fmt: skip
    for key in plan.foreign_keys:
        conn.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(key.schema, key.table), sql.Identifier(key.name)
            )
        )
    for index in plan.indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index.schema, index.name)))
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
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(_ident, free))))
    plan.tables = tuple(free)
    return plan


def rebuild_index(conn: Conn, index: DroppedIndex) -> None:
    """CREATE the index again, with its comment, tablespace, statistics and CLUSTER mark."""
    conn.execute(index.definition.encode())
    ident = sql.Identifier(index.schema, index.name)
    if index.tablespace is not None:
        conn.execute(
            sql.SQL("ALTER INDEX {} SET TABLESPACE {}").format(
                ident, sql.Identifier(index.tablespace)
            )
        )
    for column, target in index.statistics:
        conn.execute(
            sql.SQL("ALTER INDEX {} ALTER COLUMN {} SET STATISTICS {}").format(
                ident, sql.Literal(column), sql.Literal(target)
            )
        )
    if index.comment is not None:
        conn.execute(sql.SQL("COMMENT ON INDEX {} IS {}").format(ident, sql.Literal(index.comment)))
    if index.clustered:
        conn.execute(
            sql.SQL("ALTER TABLE {} CLUSTER ON {}").format(
                sql.Identifier(index.schema, index.table), sql.Identifier(index.name)
            )
        )


def finish(conn: Conn, plan: BulkPlan) -> None:
    """Rebuild what ``begin`` dropped (still inside the run's transaction)."""
    if not plan.indexes and not plan.foreign_keys:
        return
    conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for index in plan.indexes:
        rebuild_index(conn, index)
    for key in plan.foreign_keys:
        table = sql.Identifier(key.schema, key.table)
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                table, sql.Identifier(key.name), sql.SQL(key.definition)
            )
        )
        if key.comment is not None:
            conn.execute(
                sql.SQL("COMMENT ON CONSTRAINT {} ON {} IS {}").format(
                    sql.Identifier(key.name), table, sql.Literal(key.comment)
                )
            )
