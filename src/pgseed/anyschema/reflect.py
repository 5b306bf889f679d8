"""The live catalog -> ``model.Schema``: what ``pgseed fill`` knows about a database.

Read from ``pg_catalog`` directly. SQLAlchemy's reflection covers tables, columns,
keys and plain indexes, but not what a generator needs beside them: domains with
their CHECKs and base types, typmods (varchar length, numeric precision, vector
dimensions), identity and generated columns, exclusion constraints, partition
bounds, NULLS NOT DISTINCT, or expression and partial unique indexes with their
text. One pass over ``pg_catalog`` gives all of it with the names PostgreSQL uses.

Skipped on purpose: system schemas, tables an extension owns (``pg_depend``
deptype ``e``, e.g. PostGIS's ``spatial_ref_sys``), leaf partitions (rows go in
through their partitioned parent, which routes them) and migration-history tables
(``alembic_version``, ``django_migrations``...), whose rows a run must never invent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql

from ..catalog import feeding_sequences
from ..errors import ConfigError
from ..pg import Conn
from .model import (
    Check,
    Column,
    Exclusion,
    ForeignKey,
    Partitioning,
    Schema,
    Table,
    UniqueKey,
)
from .pgtypes import Types, fetch, strip_check

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "pgseed")

MIGRATION_TABLES = frozenset(
    {
        "alembic_version",
        "django_migrations",
        "schema_migrations",
        "flyway_schema_history",
        "knex_migrations",
        "knex_migrations_lock",
        "_prisma_migrations",
        "goose_db_version",
        "ar_internal_metadata",
        "__efmigrationshistory",
        "migrate_version",
    }
)
"""Tables that record which migrations ran: a row pgseed invented there would make
the application's migration tool believe a migration ran that did not."""


def _schemas(conn: Conn, schemas: Sequence[str] | None) -> list[str]:
    """The schemas to read: the given ones (checked), or every user schema."""
    rows = fetch(
        conn,
        "SELECT nspname FROM pg_namespace WHERE nspname <> ALL(%s) "
        "AND nspname NOT LIKE 'pg\\_%%' ORDER BY nspname",
        [list(SYSTEM_SCHEMAS)],
    )
    present: list[str] = [str(r[0]) for r in rows]
    if schemas is None:
        return present
    missing = [s for s in schemas if s not in present]
    if missing:
        from difflib import get_close_matches

        hints = [
            f"{m!r} (did you mean {close[0]!r}?)"
            if (close := get_close_matches(m, present, 1))
            else repr(m)
            for m in missing
        ]
        raise ConfigError(
            f"no schema {', '.join(hints)} in this database.\n"
            f"Fix: --schema takes one or more of: {', '.join(present) or '(none)'}"
        )
    return list(schemas)


_TABLES = """
SELECT c.oid, n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%s)
  AND c.relpersistence <> 't'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS = """
SELECT k.conrelid, k.conname, k.contype, k.conkey, k.confrelid, k.confkey, k.condeferrable,
       k.confdeltype, pg_get_constraintdef(k.oid),
       ARRAY(SELECT o.oprname::text FROM unnest(k.conexclop) WITH ORDINALITY AS x(op, i)
             JOIN pg_operator o ON o.oid = x.op ORDER BY x.i),
       k.conindid,
       ARRAY(SELECT pg_get_indexdef(k.conindid, i, true)
             FROM generate_series(1, cardinality(k.conexclop)) AS i),
       ARRAY(SELECT 'OPERATOR(' || quote_ident(ns.nspname) || '.' || o.oprname || ')'
             FROM unnest(k.conexclop) WITH ORDINALITY AS x(op, i)
             JOIN pg_operator o ON o.oid = x.op JOIN pg_namespace ns ON ns.oid = o.oprnamespace
             ORDER BY x.i),
       (SELECT pg_get_expr(x.indpred, x.indrelid) FROM pg_index x WHERE x.indexrelid = k.conindid)
FROM pg_constraint k
WHERE k.conrelid = ANY(%s) AND k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0
ORDER BY k.conrelid, k.conname
"""

_INDEXES = """
SELECT i.indrelid, ci.relname, i.indexrelid, i.indkey::int2[], i.indnatts, i.indnkeyatts,
       pg_get_expr(i.indpred, i.indrelid), i.indnullsnotdistinct,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnkeyatts) AS k)
FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
WHERE i.indrelid = ANY(%s) AND i.indisunique
ORDER BY i.indrelid, ci.relname
"""

_PARTITIONS = """
SELECT p.partrelid, p.partstrat, p.partattrs::int2[],
       ARRAY(SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits h
             JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = p.partrelid
             ORDER BY c.relname),
       ARRAY(SELECT coalesce(pg_get_partition_constraintdef(t.relid), 'true')
             FROM pg_partition_tree(p.partrelid) t WHERE t.isleaf ORDER BY t.relid)
FROM pg_partitioned_table p WHERE p.partrelid = ANY(%s)
"""


def _names(attnames: dict[int, str], nums: Sequence[int] | None) -> tuple[str, ...]:
    return tuple(attnames[n] for n in (nums or ()) if n in attnames)


def _attnames(conn: Conn, oids: Sequence[int]) -> dict[int, dict[int, str]]:
    """Column names by table and attnum (dropped columns left out)."""
    out: dict[int, dict[int, str]] = {o: {} for o in oids}
    for rel, num, name in fetch(
        conn,
        "SELECT attrelid, attnum, attname FROM pg_attribute WHERE attrelid = ANY(%s) "
        "AND attnum > 0 AND NOT attisdropped",
        [list(oids)],
    ):
        out[int(rel)][int(num)] = str(name)
    return out


def reflect(conn: Conn, schemas: Sequence[str] | None = None) -> Schema:
    """Every table of ``schemas`` (default: every user schema) with what it constrains.

    Raises ``ConfigError`` (exit 2) for a schema that does not exist, with the ones
    that do. Row counts are exact (``count(*)``), since existing rows become FK
    targets and unique values must avoid them.
    """
    names = _schemas(conn, schemas)
    found = fetch(conn, _TABLES, [names])
    found = [r for r in found if r[2].lower() not in MIGRATION_TABLES]
    oids = [r[0] for r in found]
    keys = {r[0]: f"{r[1]}.{r[2]}" for r in found}
    idents = {r[0]: (str(r[1]), str(r[2])) for r in found}

    columns: dict[int, list[tuple[Any, ...]]] = {o: [] for o in oids}
    for row in fetch(conn, _COLUMNS, [oids]):
        columns[row[0]].append(row)
    attnames = _attnames(conn, oids)
    sequences = feeding_sequences(conn, oids)

    types = Types(conn)
    types.load({row[2] for rows in columns.values() for row in rows})

    constraints: dict[int, list[tuple[Any, ...]]] = {o: [] for o in oids}
    for row in fetch(conn, _CONSTRAINTS, [oids]):
        constraints[row[0]].append(row)
    indexes: dict[int, list[tuple[Any, ...]]] = {o: [] for o in oids}
    for row in fetch(conn, _INDEXES, [oids]):
        indexes[row[0]].append(row)
    partitions = {row[0]: row for row in fetch(conn, _PARTITIONS, [oids])}
    # Referenced tables outside the selection still need their key: read their names.
    ref_oids = {row[4] for rows in constraints.values() for row in rows if row[2] == "f"}
    outside = ref_oids - set(oids)
    if outside:
        for o, nsp, rel in fetch(
            conn,
            "SELECT c.oid, n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY(%s)",
            [list(outside)],
        ):
            keys[o] = f"{nsp}.{rel}"
            idents[o] = (str(nsp), str(rel))
        attnames.update(_attnames(conn, list(outside)))

    tables: dict[str, Table] = {}
    for oid, nsp, rel, _kind in found:
        cols = tuple(
            Column(
                name=row[1],
                type=types.resolve(row[2], row[3], row[8]),
                not_null=bool(row[4]),
                default=row[5],
                identity=row[6] or "",
                generated=bool(row[7]),
                sequence=sequences.get((oid, row[1])),
            )
            for row in columns[oid]
        )
        cols = tuple(
            c if not c.type.domain_not_null else Column(**{**c.__dict__, "not_null": True})
            for c in cols
        )
        names_of = attnames[oid]
        pk: UniqueKey | None = None
        uniques: list[UniqueKey] = []
        fks: list[ForeignKey] = []
        checks: list[Check] = []
        exclusions: list[Exclusion] = []
        backing: set[int] = set()
        for row in constraints[oid]:
            (
                _,
                conname,
                contype,
                conkey,
                confrelid,
                confkey,
                deferrable,
                deltype,
                condef,
                ops,
                ind,
                xkeys,
                xops,
                xpred,
            ) = row
            cols_of = _names(names_of, conkey)
            if contype in ("p", "u"):
                backing.add(ind)
                nnd = "NULLS NOT DISTINCT" in condef
                key = UniqueKey(conname, cols_of, primary=contype == "p", nulls_not_distinct=nnd)
                if contype == "p":
                    pk = key
                else:
                    uniques.append(key)
            elif contype == "f":
                fks.append(
                    ForeignKey(
                        name=conname,
                        columns=cols_of,
                        ref_table=keys[confrelid],
                        ref_columns=_names(attnames[confrelid], confkey),
                        ref_ident=idents[confrelid],
                        deferrable=bool(deferrable),
                        on_delete=deltype,
                    )
                )
            elif contype == "c":
                checks.append(Check(conname, strip_check(condef), cols_of))
            elif contype == "x":
                backing.add(ind)
                exclusions.append(
                    Exclusion(
                        conname,
                        condef,
                        cols_of,
                        tuple(ops),
                        tuple(map(str, xkeys or ())),
                        tuple(map(str, xops or ())),
                        None if xpred is None else str(xpred),
                    )
                )
        for row in indexes[oid]:
            _, idxname, idxoid, indkey, _natts, nkeyatts, predicate, nnd, exprs = row
            if idxoid in backing:
                continue
            plain = tuple(names_of[n] for n in indkey[:nkeyatts] if n != 0)
            expressions = tuple(e for n, e in zip(indkey[:nkeyatts], exprs, strict=True) if n == 0)
            uniques.append(
                UniqueKey(
                    idxname,
                    plain,
                    expressions=expressions,
                    predicate=predicate,
                    nulls_not_distinct=bool(nnd),
                )
            )
        partitioning = None
        if oid in partitions:
            _, strat, partattrs, bounds, leaves = partitions[oid]
            partitioning = Partitioning(
                strategy=strat,
                columns=tuple(names_of[n] for n in partattrs if n != 0),
                bounds=tuple(b for b in bounds if b),
                routes=None
                if any(leaf == "true" for leaf in leaves)
                else "(" + " OR ".join(f"({leaf})" for leaf in leaves) + ")"
                if leaves
                else "false",
            )
        count: Any = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(nsp, rel))
        ).fetchone()
        tables[f"{nsp}.{rel}"] = Table(
            schema=nsp,
            name=rel,
            oid=oid,
            columns=cols,
            primary_key=pk,
            uniques=tuple(uniques),
            foreign_keys=tuple(fks),
            checks=tuple(checks),
            exclusions=tuple(exclusions),
            partitioning=partitioning,
            rows=int(count[0]) if count else 0,
        )
    return Schema(tables=tables)
