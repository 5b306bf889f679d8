"""Reading the run history (``pgseed.runs``, written by ``history``): ``runs`` and
``get`` return ``Run`` rows, read only; ``history`` re-exports them."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import class_row

from .dsn import redact_urls
from .pg import Conn


def own_table(conn: Conn, name: str) -> bool:
    """Whether pgseed's schema holds table ``name`` (``runs``, ``rag_source``...)."""
    # The catalog, not to_regclass: that raises for a role without USAGE on the schema.
    row = conn.execute(
        "SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'pgseed' AND c.relname = %s)",
        [name],
    ).fetchone()
    return bool(row and row[0])


def _exists(conn: Conn) -> bool:
    return own_table(conn, "runs")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return redact_urls(text.splitlines()[0] if text else type(exc).__name__)


@dataclass(frozen=True)
class Run:
    """One row of ``pgseed.runs``."""

    id: int
    pack: str
    operation: str
    scenario: str | None
    seed: str | None
    config: dict[str, Any]
    version: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    rows: dict[str, int]
    outcome: str
    error: str | None
    reproduce: str | None

    @property
    def seconds(self) -> float | None:
        """Wall time of the run, None while it runs (or when it was killed)."""
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def total(self) -> int:
        return sum(int(n) for n in self.rows.values())


_COLUMNS = (
    "id, pack, operation, scenario, seed, config, version, started_at, ended_at, rows, "
    "outcome, error, reproduce"
)


def runs(conn: Conn, *, pack: str | None = None, limit: int | None = None) -> list[Run]:
    """The recorded runs, newest first (of ``pack`` only, when given); [] when the
    database has no history yet. Read only."""
    if not _exists(conn):
        return []
    query = f"SELECT {_COLUMNS} FROM pgseed.runs"
    params: list[Any] = []
    if pack is not None:
        query += " WHERE pack = %s"
        params.append(pack)
    query += " ORDER BY id DESC"
    if limit is not None:
        query += " LIMIT %s"
        params.append(limit)
    with _readable(conn), conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(query, params).fetchall()


def get(conn: Conn, run_id: int) -> Run | None:
    """The run with this id, or None (also when the database has no history)."""
    if not _exists(conn):
        return None
    if run_id > _MAX_ID:  # no bigint: no such run (PostgreSQL would compare it as numeric)
        return None
    with _readable(conn), conn.cursor(row_factory=class_row(Run)) as cur:
        return cur.execute(f"SELECT {_COLUMNS} FROM pgseed.runs WHERE id = %s", [run_id]).fetchone()


_MAX_ID = 2**63 - 1


@contextlib.contextmanager
def _readable(conn: Conn) -> Iterator[None]:
    """PgseedError (exit 1) naming the fix when ``pgseed.runs`` cannot be read: a role
    without the grants, or a table of that name that is not pgseed's history."""
    from .errors import PgseedError

    try:
        yield
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedColumn) as exc:
        conn.rollback()
        denied = isinstance(exc, psycopg.errors.InsufficientPrivilege)
        raise PgseedError(
            f"cannot read the run history pgseed.runs: {_first_line(exc)}.\n"
            + (
                "Fix: GRANT USAGE ON SCHEMA pgseed TO this role; GRANT SELECT ON pgseed.runs "
                "TO it (as the owner of pgseed.runs), or read it as a role that may."
                if denied
                else "Fix: pgseed.runs here is not the table pgseed writes (another tool's, "
                "or an older pgseed's): rename it, and pgseed makes its own on the next run."
            )
        ) from None
