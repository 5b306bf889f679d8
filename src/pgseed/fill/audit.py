"""Re-check a database from its data: what ``pgseed fill`` promises, measured.

Nothing here trusts that PostgreSQL enforced a constraint: a ``NOT VALID``
constraint, a foreign key whose triggers were off (``session_replication_role =
replica``) or a bug in a loader can all leave rows that break one. Each check
reads the constraint from ``pg_catalog`` and counts the rows that break it:

    violations(conn, schemas)        NOT NULL, CHECK, FOREIGN KEY (MATCH SIMPLE/FULL),
                                     PRIMARY KEY / UNIQUE / unique indexes (expression,
                                     partial, NULLS NOT DISTINCT), EXCLUDE, domain CHECKs
    sequences_behind(conn, schemas)  sequences whose next value an INSERT would collide with
    empty_tables(conn, schemas)      tables (and leaf partitions) with no rows
    snapshot(conn, schemas)          the definitions a run must leave as they were

Each check runs in its own savepoint, so one that PostgreSQL cannot evaluate is
reported ("could not re-check ...") and the caller's transaction goes on.
Constraints PostgreSQL 18 marks ``NOT ENFORCED`` are skipped: the server does not
hold new rows to them, so neither does the audit. Partitioned tables are checked
through their parent; a partition's own copy of a parent's constraint is not
checked twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from ..pg import Conn
from ._audit_keys import domain_violations, exclusion_violations, unique_violations
from ._audit_sql import count, joined, relation, rows
from .snapshot import Snapshot, snapshot

__all__ = [
    "Snapshot",
    "empty_tables",
    "sequences_behind",
    "snapshot",
    "violations",
]


def violations(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Every constraint in ``schemas`` that the data breaks, one message each,
    naming the constraint and how many rows (or groups, or pairs) break it."""
    return [
        *_not_null(conn, schemas),
        *_checks(conn, schemas),
        *_foreign_keys(conn, schemas),
        *unique_violations(conn, schemas),
        *exclusion_violations(conn, schemas),
        *domain_violations(conn, schemas),
    ]


_NOT_NULL = """
SELECT n.nspname, c.relname, c.relkind, array_agg(a.attname ORDER BY a.attnum)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
  -- a partition's NOT NULL copied from its parent is checked through the parent
  AND NOT (c.relispartition AND EXISTS (
    SELECT 1 FROM pg_inherits h JOIN pg_attribute pa ON pa.attrelid = h.inhparent
    WHERE h.inhrelid = c.oid AND pa.attname = a.attname AND pa.attnotnull))
GROUP BY n.nspname, c.relname, c.relkind
ORDER BY 1, 2
"""


def _not_null(conn: Conn, schemas: Sequence[str]) -> list[str]:
    out: list[str] = []
    for schema, table, kind, columns in rows(conn, _NOT_NULL, schemas):
        cols = [str(c) for c in columns]
        query = sql.SQL("SELECT {} FROM {}").format(
            joined(
                ", ",
                [
                    sql.SQL("count(*) FILTER (WHERE {} IS NULL)").format(sql.Identifier(c))
                    for c in cols
                ],
            ),
            relation(schema, table, kind),
        )
        what = f"NOT NULL on {schema}.{table}"
        counts = _one_row(conn, query, what, out)
        for col, n in zip(cols, counts or (), strict=False):
            if int(str(n)):
                out.append(f"NOT NULL {schema}.{table}.{col}: {n} rows are NULL")
    return out


def _enforced(conn: Conn) -> str:
    """The SQL condition for "PostgreSQL enforces this constraint" on this server."""
    return "co.conenforced" if conn.info.server_version >= 180000 else "true"


_CHECKS = """
SELECT n.nspname, c.relname, c.relkind, co.conname, pg_get_expr(co.conbin, co.conrelid)
FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p') AND co.contype = 'c'
  AND {enforced} AND NOT (c.relispartition AND NOT co.conislocal)
ORDER BY 1, 2, 4
"""


def _checks(conn: Conn, schemas: Sequence[str]) -> list[str]:
    out: list[str] = []
    query = _CHECKS.replace("{enforced}", _enforced(conn))
    for schema, table, kind, name, expr in rows(conn, query, schemas):
        # NOT (expr) is NULL, not true, when expr is NULL: such rows pass, as in PostgreSQL.
        q = sql.SQL("SELECT count(*) FROM {} WHERE NOT ({})").format(
            relation(schema, table, kind), sql.SQL(str(expr))
        )
        n = count(conn, q, f"CHECK {name} on {schema}.{table}", out)
        if n:
            out.append(f"CHECK {name} on {schema}.{table}: {n} rows fail {expr}")
    return out


_FOREIGN_KEYS = """
SELECT n.nspname, c.relname, c.relkind, co.conname, co.confmatchtype,
       pn.nspname, pc.relname, pc.relkind,
       array(SELECT a.attname FROM unnest(co.conkey) WITH ORDINALITY k(att, i)
             JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.att ORDER BY k.i),
       array(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY k(att, i)
             JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.att ORDER BY k.i),
       array(SELECT 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')'
             FROM unnest(co.conpfeqop) WITH ORDINALITY k(op, i)
             JOIN pg_operator o ON o.oid = k.op JOIN pg_namespace opn ON opn.oid = o.oprnamespace
             ORDER BY k.i)
FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class pc ON pc.oid = co.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
WHERE n.nspname = ANY({schemas}) AND co.contype = 'f' AND {enforced}
  -- the copies PostgreSQL makes for partitions (conparentid) are covered by the original
  AND co.conparentid = 0 AND {plain}
ORDER BY 1, 2, 4
"""


def _foreign_keys(conn: Conn, schemas: Sequence[str]) -> list[str]:
    out: list[str] = []
    # Temporal foreign keys (PostgreSQL 18 PERIOD) need range coverage, not equality.
    plain = "NOT co.conperiod" if conn.info.server_version >= 180000 else "true"
    query = _FOREIGN_KEYS.replace("{enforced}", _enforced(conn)).replace("{plain}", plain)
    for row in rows(conn, query, schemas):
        schema, table, kind, name, match, pschema, ptable, pkind, cols, pcols, ops = row
        fk = [str(x) for x in cols]
        pk = [str(x) for x in pcols]
        child = [sql.SQL("c.{}").format(sql.Identifier(x)) for x in fk]
        matched = joined(
            " AND ",
            [
                sql.SQL("p.{} {} {}").format(sql.Identifier(p), sql.SQL(str(op)), c)
                for p, op, c in zip(pk, ops, child, strict=True)
            ],
        )
        all_set = joined(" AND ", [sql.SQL("{} IS NOT NULL").format(c) for c in child])
        orphan = sql.SQL("({}) AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})").format(
            all_set, relation(pschema, ptable, pkind), matched
        )
        if match == "f":
            # MATCH FULL: all NULL or none; a partly NULL key is a violation too.
            some_null = joined(" OR ", [sql.SQL("{} IS NULL").format(c) for c in child])
            orphan = sql.SQL("({}) OR (({}) AND NOT ({}))").format(
                orphan, some_null, joined(" AND ", [sql.SQL("{} IS NULL").format(c) for c in child])
            )
        # MATCH SIMPLE (the default): a key with any NULL column is not checked.
        q = sql.SQL("SELECT count(*) FROM {} c WHERE {}").format(
            relation(schema, table, kind), orphan
        )
        target = f"{schema}.{table} ({', '.join(fk)}) -> {pschema}.{ptable} ({', '.join(pk)})"
        n = count(conn, q, f"FOREIGN KEY {name} on {target}", out)
        if n:
            out.append(f"FOREIGN KEY {name} on {target}: {n} rows have no parent")
    return out


_SEQUENCE_USERS = """
SELECT format('%I.%I', sn.nspname, s.relname), s.oid, n.nspname, c.relname, c.relkind, a.attname
FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid
JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
JOIN pg_class c ON c.oid = ad.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
WHERE s.relkind = 'S' AND n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p')
UNION
SELECT format('%I.%I', sn.nspname, s.relname), s.oid, n.nspname, c.relname, c.relkind, a.attname
FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'i'
JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p')
ORDER BY 1, 3, 4, 6
"""


def sequences_behind(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Sequences feeding a column in ``schemas`` (identity, serial, or any
    ``nextval(...)`` default, a sequence shared by several tables included)
    whose next value is not past every value already in those columns: the
    application's next INSERT would take a value that exists."""
    users: dict[str, list[tuple[str, str, str, str]]] = {}
    oids: dict[str, int] = {}
    for seq, oid, schema, table, kind, column in rows(conn, _SEQUENCE_USERS, schemas):
        users.setdefault(str(seq), []).append((str(schema), str(table), str(kind), str(column)))
        oids[str(seq)] = int(str(oid))
    out: list[str] = []
    for seq, cols in users.items():
        state = _sequence_state(conn, seq, oids[seq], out)
        if state is None:
            continue
        next_value, increment = state
        agg = "max" if increment > 0 else "min"
        used = joined(
            " UNION ALL ",
            [
                sql.SQL("SELECT {agg}({c}::numeric) AS v FROM {t}").format(
                    agg=sql.SQL(agg), c=sql.Identifier(col), t=relation(schema, table, kind)
                )
                for schema, table, kind, col in cols
            ],
        )
        q = sql.SQL("SELECT {}(v) FROM ({}) u").format(sql.SQL(agg), used)
        names = ", ".join(f"{s}.{t}.{c}" for s, t, _, c in cols)
        row = _one_row(conn, q, f"sequence {seq}", out)
        if not row or row[0] is None:
            continue
        extreme = int(str(row[0]).split(".")[0])
        behind = next_value <= extreme if increment > 0 else next_value >= extreme
        if behind:
            out.append(
                f"sequence {seq}: next value {next_value} but {agg}({names}) is {extreme}"
                " (the next INSERT that uses the default collides)"
            )
    return out


def _sequence_state(conn: Conn, seq: str, oid: int, out: list[str]) -> tuple[int, int] | None:
    """(the value nextval would return, the increment)."""
    q = sql.SQL(
        "SELECT s.last_value, s.is_called, p.seqincrement FROM {} s, pg_sequence p"
        " WHERE p.seqrelid = {}"
    ).format(sql.SQL(seq), sql.Literal(oid))
    row = _one_row(conn, q, f"sequence {seq}", out)
    if not row:
        return None
    last, called, increment = int(str(row[0])), bool(row[1]), int(str(row[2]))
    return (last + increment if called else last), increment


_EMPTY = """
SELECT n.nspname, c.relname, c.relkind,
       (SELECT format('%I.%I', pn.nspname, pc.relname) FROM pg_inherits h
        JOIN pg_class pc ON pc.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE h.inhrelid = c.oid AND c.relispartition)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p')
ORDER BY c.relispartition, 1, 2
"""


def empty_tables(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Tables in ``schemas`` with no rows: ``schema.table`` for ordinary tables and
    partitioned parents (which count the rows of all their partitions), then
    ``schema.leaf (partition of schema.parent)`` for each empty partition."""
    out: list[str] = []
    for schema, table, kind, parent in rows(conn, _EMPTY, schemas):
        q = sql.SQL("SELECT count(*) FROM (SELECT FROM {} LIMIT 1) x").format(
            relation(schema, table, kind)
        )
        if count(conn, q, f"table {schema}.{table}", out) == 0:
            name = f"{schema}.{table}"
            out.append(f"{name} (partition of {parent})" if parent else name)
    return out


def _one_row(conn: Conn, query: sql.Composed, what: str, out: list[str]) -> tuple[Any, ...] | None:
    try:
        with conn.transaction():
            return conn.execute(query).fetchone()
    except psycopg.Error as exc:
        out.append(f"could not re-check {what}: {str(exc).strip().splitlines()[0]}")
        return None
