"""The audit's checks over groups and pairs of rows: unique keys, exclusion
constraints, and domain CHECKs (whose expressions speak of ``VALUE``)."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from ..pg import Conn
from ._audit_sql import count, joined, relation, rows

# Key expressions come from pg_get_indexdef(index, k, true): a column's quoted name
# or an expression's text, both valid in a query on the index's table.
_UNIQUE = """
SELECT n.nspname, c.relname, c.relkind, coalesce(co.conname, i.relname),
       CASE co.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE 'UNIQUE INDEX' END,
       {nnd}, pg_get_expr(x.indpred, x.indrelid),
       array(SELECT pg_get_indexdef(x.indexrelid, k, true)
             FROM generate_series(1, x.indnkeyatts) k ORDER BY k)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_constraint co ON co.conindid = x.indexrelid AND co.conrelid = x.indrelid
  AND co.contype IN ('p', 'u')
WHERE x.indisunique AND n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p')
  -- a partition's index attached to its parent's is checked through the parent
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)
ORDER BY 1, 2, 4
"""


def unique_violations(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Duplicate groups per primary key, unique constraint and unique index."""
    out: list[str] = []
    nnd = "x.indnullsnotdistinct" if conn.info.server_version >= 150000 else "false"
    query = _UNIQUE.replace("{nnd}", nnd)
    for schema, table, kind, name, what, nulls_equal, pred, keys in rows(conn, query, schemas):
        exprs = [sql.SQL("({})").format(sql.SQL(str(k))) for k in keys]
        where = [sql.SQL("({})").format(sql.SQL(str(pred)))] if pred else []
        if not nulls_equal:
            # NULLs are distinct: a key with any NULL part never collides. num_nulls,
            # not IS NOT NULL, so a composite value with a NULL field still counts.
            where.append(sql.SQL("num_nulls({}) = 0").format(joined(", ", exprs)))
        # GROUP BY puts NULLs together: exactly NULLS NOT DISTINCT when that is asked.
        q = sql.SQL(
            "SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} GROUP BY {} HAVING count(*) > 1) d"
        ).format(
            relation(schema, table, kind),
            joined(" AND ", where) if where else sql.SQL("true"),
            joined(", ", exprs),
        )
        label = f"{what} {name} on {schema}.{table} ({', '.join(map(str, keys))})"
        if pred:
            label += f" WHERE {pred}"
        n = count(conn, q, label, out)
        if n:
            out.append(f"{label}: {n} duplicate groups")
    return out


_EXCLUSIONS = """
SELECT n.nspname, c.relname, c.relkind, co.conname, pg_get_expr(x.indpred, x.indrelid),
       array(SELECT pg_get_indexdef(co.conindid, k, true)
             FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       array(SELECT 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')'
             FROM unnest(co.conexclop) WITH ORDINALITY k(op, i)
             JOIN pg_operator o ON o.oid = k.op JOIN pg_namespace opn ON opn.oid = o.oprnamespace
             ORDER BY k.i)
FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index x ON x.indexrelid = co.conindid
WHERE co.contype = 'x' AND n.nspname = ANY({schemas}) AND co.conparentid = 0
ORDER BY 1, 2, 4
"""


def exclusion_violations(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Pairs of distinct rows that an exclusion constraint forbids together."""
    out: list[str] = []
    for schema, table, kind, name, pred, keys, ops in rows(conn, _EXCLUSIONS, schemas):
        aliases = [sql.Identifier(f"k{i}") for i in range(len(keys))]
        # The keys are evaluated in a CTE so their unqualified column names stay
        # unambiguous; the pair is ordered by (tableoid, ctid), unique across
        # partitions, so each conflicting pair counts once and no row meets itself
        # (the operators of an exclusion constraint are commutative). NOT MATERIALIZED:
        # inlined, the join is judged through the constraint's own index (20,000 boxes:
        # about 3 s instead of 50 s comparing every pair, on the 2-core machine).
        q = sql.SQL(
            "WITH r AS NOT MATERIALIZED (SELECT tableoid AS t_, ctid AS c_, {cols} FROM {rel} WHERE {pred})"
            " SELECT count(*) FROM r a JOIN r b ON (a.t_, a.c_) < (b.t_, b.c_) AND {match}"
        ).format(
            cols=joined(
                ", ",
                [
                    sql.SQL("({}) AS {}").format(sql.SQL(k), a)
                    for k, a in zip(keys, aliases, strict=True)
                ],
            ),
            rel=relation(schema, table, kind),
            pred=sql.SQL(str(pred)) if pred else sql.SQL("true"),
            match=joined(
                " AND ",
                [
                    sql.SQL("a.{} {} b.{}").format(a, sql.SQL(str(op)), a)
                    for a, op in zip(aliases, ops, strict=True)
                ],
            ),
        )
        label = f"EXCLUDE {name} on {schema}.{table}"
        n = count(conn, q, label, out)
        if n:
            out.append(f"{label}: {n} pairs of rows conflict")
    return out


# Domains may live in any schema; the columns using them are the ones in `schemas`.
_DOMAINS = """
SELECT t.oid, format('%I.%I', n.nspname, t.typname), t.typbasetype,
       format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       coalesce(array_agg(co.conname ORDER BY co.conname) FILTER (WHERE co.oid IS NOT NULL), ARRAY[]::text[]),
       coalesce(array_agg(pg_get_expr(co.conbin, 0) ORDER BY co.conname)
                FILTER (WHERE co.oid IS NOT NULL), ARRAY[]::text[])
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_constraint co ON co.contypid = t.oid AND co.contype = 'c'
WHERE t.typtype = 'd'
GROUP BY t.oid, n.nspname, t.typname
"""

_DOMAIN_COLUMNS = """
SELECT n.nspname, c.relname, c.relkind, a.attname,
       CASE WHEN t.typtype = 'd' THEN t.oid ELSE e.oid END, t.typtype <> 'd'
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typsubscript = 'array_subscript_handler'::regproc
WHERE n.nspname = ANY({schemas}) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped AND (t.typtype = 'd' OR e.typtype = 'd')
ORDER BY 1, 2, a.attnum
"""


def domain_violations(conn: Conn, schemas: Sequence[str]) -> list[str]:
    """Values in columns of domain types (or arrays of them) that break a CHECK
    or NOT NULL of the domain or of any domain it is built on."""
    out: list[str] = []
    domains = {int(r[0]): r[1:] for r in rows(conn, _DOMAINS, schemas)}
    for schema, table, kind, column, dom, is_array in rows(conn, _DOMAIN_COLUMNS, schemas):
        col = sql.Identifier(str(column))
        value = sql.SQL("unnest({})").format(col) if is_array else col
        chain = [int(dom)]
        while int(domains[chain[-1]][1]) in domains:
            chain.append(int(domains[chain[-1]][1]))
        # Cast to the type under every domain: a cast to an inner domain would
        # enforce that domain's CHECKs and stop the count at the first bad value.
        root = str(domains[chain[-1]][2])
        # A domain CHECK reads its value as VALUE, an unreserved keyword the parser
        # takes for a column named "value": give it one, alone in scope.
        values = sql.SQL("(SELECT ({})::{} AS value FROM {}) v").format(
            value, sql.SQL(root), relation(schema, table, kind)
        )
        for oid in chain:
            name, _, _, not_null, checks, exprs = domains[oid]
            where = f"{schema}.{table}.{column}" + ("[]" if is_array else "")
            if not_null:
                q = sql.SQL("SELECT count(*) FROM {} WHERE value IS NULL").format(values)
                n = count(conn, q, f"DOMAIN {name} NOT NULL on {where}", out)
                if n:
                    what = "NULL elements" if is_array else "rows are NULL"
                    out.append(f"DOMAIN {name} NOT NULL on {where}: {n} {what}")
            for check, expr in zip(checks, exprs, strict=True):
                q = sql.SQL("SELECT count(*) FROM {} WHERE NOT ({})").format(values, sql.SQL(expr))
                label = f"DOMAIN CHECK {check} of {name} on {where}"
                n = count(conn, q, label, out)
                if n:
                    out.append(f"{label}: {n} values fail {expr}")
    return out
