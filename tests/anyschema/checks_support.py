"""The CHECK tests' database (one per module, rolled-back tables) and a minimal catalog
read: enough of a ``Table`` for the parser (the real reader is fill/reflect.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.anyschema.model import Check, Column, PgType, Table, UniqueKey
from tests.conftest import drop_database, dsn_for


@pytest.fixture(scope="module")
def conn(server_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    name = f"pgseed_checks_{uuid.uuid4().hex[:8]}_test"
    drop_database(server_dsn, name)
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(dsn_for(server_dsn, name), autocommit=True) as c:
            c.execute("SET TimeZone = 'UTC'")
            c.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic')")
            yield c
    finally:
        drop_database(server_dsn, name)


def reflect(c: psycopg.Connection[Any], table: str) -> Table:
    """A minimal catalog read (the real one is fill/reflect.py): enough for the parser."""
    oid = c.execute("SELECT %s::regclass::oid", [table]).fetchone()[0]  # type: ignore[index]
    cols = []
    for name, base, kind, cat, typmod, labels, notnull, generated in c.execute(
        """SELECT a.attname, COALESCE(bt.typname, t.typname), COALESCE(bt.typtype, t.typtype),
                  COALESCE(bt.typcategory, t.typcategory), a.atttypmod,
                  ARRAY(SELECT enumlabel::text FROM pg_enum e
                        WHERE e.enumtypid = COALESCE(bt.oid, t.oid) ORDER BY enumsortorder),
                  a.attnotnull, a.attgenerated <> ''
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           LEFT JOIN pg_type bt ON bt.oid = NULLIF(t.typbasetype, 0)
           WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
        [oid],
    ):
        length = typmod - 4 if base in ("varchar", "bpchar") and typmod > 0 else None
        ptype = PgType(base, base, kind, cat, length=length, labels=tuple(labels))
        cols.append(Column(name, ptype, notnull, generated=generated))
    checks = tuple(
        Check(name, definition.removeprefix("CHECK "), tuple(columns))
        for name, definition, columns in c.execute(
            """SELECT conname, pg_get_constraintdef(k.oid),
                      ARRAY(SELECT attname::text FROM pg_attribute
                            WHERE attrelid = k.conrelid AND attnum = ANY (k.conkey))
               FROM pg_constraint k WHERE conrelid = %s AND contype = 'c' ORDER BY conname""",
            [oid],
        )
    )
    pk = c.execute(
        """SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_constraint k
           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
           WHERE k.conrelid = %s AND k.contype = 'p'""",
        [oid],
    ).fetchone()[0]  # type: ignore[index]
    key = UniqueKey("pk", tuple(pk), primary=True) if pk else None
    return Table("public", table, oid, tuple(cols), primary_key=key, checks=checks)
