"""The drifted application schemas (``genonaut.sql``, ``retail.sql``) as test databases,
and a fingerprint of everything the application owns (to prove pgseed left it alone)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from tests.conftest import dsn_for

HERE = Path(__file__).parent


def create(server_dsn: str, db_name: str, app: str, *extra: str) -> str:
    """A database holding ``app``'s drifted schema (then ``extra`` statements); its DSN."""
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    dsn = dsn_for(server_dsn, db_name)
    with psycopg.connect(dsn) as c:
        c.execute((HERE / f"{app}.sql").read_bytes())
        for s in extra:
            c.execute(s.encode())
    return dsn


def fingerprint(dsn: str, tables: list[str] | None = None) -> list[tuple[object, ...]]:
    """Every relation, column, constraint and index of the public schema, and the row
    count of ``tables`` (default: none)."""
    with psycopg.connect(dsn) as c:
        shape = c.execute(
            "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod),"
            " a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
            "  AND NOT a.attisdropped"
            " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
            " WHERE n.nspname = 'public' ORDER BY 1, 3"
        ).fetchall()
        cons = c.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall()
        idx = c.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        counts = [
            (t, c.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone())
            for t in tables or []
        ]
    return [*shape, *cons, *idx, *counts]
