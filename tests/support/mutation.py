"""Corrupt a seeded database inside a transaction, run verify, roll back.

The schema's constraints are dropped first (inside the same transaction): verify
checks keys and constraints with queries of its own, and a corruption the schema
would refuse must still be one verify names.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from click.testing import CliRunner

from pgseed.cli import main
from tests.conftest import ADMIN, dsn_for

Conn = psycopg.Connection[tuple[Any, ...]]


def new_database(server_dsn: str, prefix: str) -> tuple[str, str]:
    name = f"pgseed_{prefix}_{uuid.uuid4().hex[:8]}_test"
    return name, dsn_for(server_dsn, name)


def run_cli(home: Path, *args: str) -> Any:
    env = {"DB_USER_ADMIN_UUID": ADMIN, "APP_ENV": "", "PGSEED_HOME": str(home)}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)


def drop_constraints_sql(conn: Conn) -> bytes:
    """One ALTER TABLE per table dropping its keys and check constraints (FKs first)."""
    rows = conn.execute(
        "SELECT conrelid::regclass::text, string_agg(format('DROP CONSTRAINT %I', conname),"
        " ', ' ORDER BY conname) FROM pg_constraint"
        " WHERE connamespace = 'public'::regnamespace AND contype IN ('f', 'p', 'u', 'c')"
        " GROUP BY 1, contype <> 'f' ORDER BY contype <> 'f', 1"
    ).fetchall()
    conn.rollback()
    return "; ".join(f"ALTER TABLE {table} {drops}" for table, drops in rows).encode()


class Mutator:
    """One connection to a seeded database (its caches stay warm across cases).

    Each case runs in a transaction of its own: drop the constraints, corrupt,
    verify, roll back; the database is never changed.
    """

    def __init__(self, dsn: str) -> None:
        self.conn: Conn = psycopg.connect(dsn)
        self._drops = drop_constraints_sql(self.conn)

    @contextmanager
    def mutated(self, statements: str) -> Iterator[Conn]:
        try:
            if self._drops:
                self.conn.execute(self._drops)
            self.conn.execute(statements.encode())  # several statements, no parameters
            yield self.conn
        finally:
            self.conn.rollback()

    def close(self) -> None:
        self.conn.close()


def failed_rules(checks: Sequence[Any]) -> list[str]:
    return [c.rule for c in checks if not c.passed]


def assert_names(expected: str, checks: Sequence[Any]) -> None:
    """verify failed, and one failing rule starts with ``expected``."""
    failed = failed_rules(checks)
    assert failed, f"verify passed; expected {expected!r} to fail"
    assert any(r.startswith(expected) for r in failed), f"{expected!r} not in {failed}"


def uncovered(rules: Sequence[str], prefixes: Sequence[str]) -> list[str]:
    """Rules no mutation case names (each rule needs one)."""
    return [r for r in rules if not any(r.startswith(p) for p in prefixes)]


Verify = Callable[[Conn], Sequence[Any]]


def seeded_with_copy(
    server_dsn: str, home: Path, prefix: str, generate: Sequence[str]
) -> Iterator[tuple[str, str]]:
    """Seed a database with ``pgseed *generate``; yield it and an untouched copy of it
    (for the CLI case, made before anyone connects); drop both afterwards."""
    from tests.conftest import drop_database

    name, dsn = new_database(server_dsn, f"{prefix}mut")
    copy, copy_dsn = new_database(server_dsn, f"{prefix}cli")
    res = run_cli(home, *generate[:2], "--database-url", dsn, *generate[2:])
    assert res.exit_code == 0, res.output
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {copy} TEMPLATE {name}")
    yield dsn, copy_dsn
    drop_database(server_dsn, name)
    drop_database(server_dsn, copy)


def mutator_on(seeded: tuple[str, str]) -> Iterator[Mutator]:
    m = Mutator(seeded[0])
    yield m
    m.close()
