"""Run history: one row per database operation in ``pgseed.runs`` of the target database.

Every operation of every pack that writes to a database (generate, append, delete,
fill, the social verbs, the rag-agent scenario) records what it was and how it ended:

    pgseed.runs(id, pack, operation, scenario, seed, config jsonb, version,
                started_at, ended_at, rows jsonb, outcome, error, reproduce)

- The row is written in transactions of its own, never in the run's: ``begin`` inserts
  it (outcome ``running``) and commits before the run's work starts, ``end`` sets the
  outcome after the run committed or rolled back. So a rolled-back run keeps its line,
  and a run killed outright (SIGKILL, a lost server) is left ``running``.
- ``outcome``: ``committed``; ``rolled back`` (stopped: Ctrl-C, SIGTERM, the dashboard's
  Cancel); ``failed`` (an error rolled it back; ``error`` holds its message, passwords
  masked).
- ``rows``: rows written per table, or removed, for a delete or a reset.
- History is best effort: a role that may not create the ``pgseed`` schema gets a
  warning and the run goes on unrecorded. ``--no-history`` (``disabled()``) skips it.

The ``pgseed`` schema is pgseed's own: ``pgseed fill`` never fills it and the packs never
count it as the application's (``anyschema.reflect.SYSTEM_SCHEMAS``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import psycopg

from .dsn import redact_urls
from .history_read import Run, _exists, get, runs
from .pg import Conn
from .progress import Reporter

__all__ = [
    "OUTCOMES",
    "Record",
    "Run",
    "begin",
    "disabled",
    "end",
    "get",
    "lock_ddl",
    "outcome_of",
    "record",
    "recorded",
    "runs",
]

OUTCOMES = ("running", "committed", "rolled back", "failed")

DDL = """
CREATE SCHEMA IF NOT EXISTS pgseed;
CREATE TABLE IF NOT EXISTS pgseed.runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pack        text NOT NULL,
    operation   text NOT NULL,
    scenario    text,
    seed        text,
    config      jsonb NOT NULL DEFAULT '{}',
    version     text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    rows        jsonb NOT NULL DEFAULT '{}',
    outcome     text NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'committed', 'rolled back', 'failed')),
    error       text,
    reproduce   text
);
COMMENT ON TABLE pgseed.runs IS 'pgseed run history: one row per seeding operation';
"""

# Two first runs racing to create the table: the second waits here instead of failing
# on the catalog's unique index (CREATE ... IF NOT EXISTS is not safe against a race).
_CREATE_LOCK = 0x7067_7365_6564_6869  # "pgseedhi"

_off: ContextVar[bool] = ContextVar("pgseed_history_off", default=False)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """No history rows inside this block (``--no-history``)."""
    token = _off.set(True)
    try:
        yield
    finally:
        _off.reset(token)


@dataclass
class Record:
    """One operation on its way into ``pgseed.runs``. ``rows``: set by an operation
    whose rows are not the loader's (a delete's removed rows); ``id`` once begun."""

    pack: str
    operation: str
    config: Mapping[str, Any]
    seed: str | None = None
    scenario: str | None = None
    reproduce: str = ""
    rows: dict[str, int] | None = None
    id: int | None = None
    notes: list[str] = field(default_factory=list)
    # What begin() was given: end() warns through it when the outcome cannot be written.
    reporter: Reporter | None = field(default=None, repr=False, compare=False)


def record(
    pack: str,
    operation: str,
    cfg: Any = None,
    *,
    reproduce: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Record | None:
    """The record of an operation about to run, or None when history is off.

    ``cfg``: the effective config (a pydantic model: dumped whole as JSON); its
    ``run_seed`` (social) or ``seed`` becomes the seed, its ``scenario`` the scenario.
    ``extra``: operation arguments that are not config keys (a delete's scope)."""
    if _off.get():
        return None
    config: dict[str, Any] = {}
    if cfg is not None:
        config = cfg.model_dump(mode="json") if hasattr(cfg, "model_dump") else dict(cfg)
    config.update(extra or {})
    config = _scrubbed(config)
    seed = getattr(cfg, "run_seed", None)
    if seed is None:
        seed = getattr(cfg, "seed", None)
    scenario = getattr(cfg, "scenario", None)
    return Record(
        pack,
        operation,
        config,
        None if seed is None else str(seed),
        None if scenario is None else str(scenario),
        redact_urls(reproduce),
    )


def _scrubbed(value: Any) -> Any:
    """``value`` with the password of every URL in its strings hidden: a config holds
    URLs besides the database's (``rag.embedding_url``, the rag-agent's ``api_url``),
    and a config file's were never registered for ``mask``."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, Mapping):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    return value


def _version() -> str:
    from . import __version__

    return __version__


def begin(conn: Conn, rec: Record | None, reporter: Reporter | None = None) -> None:
    """Insert ``rec``'s row (outcome ``running``) in a transaction of its own, creating the
    table on first use. ``conn`` must be idle (no transaction of the run yet). A role
    that may not create or write it: a warning, and the run goes on unrecorded."""
    if rec is None:
        return
    rec.reporter = reporter
    existed = False
    try:
        existed = _exists(conn)
        if not existed:
            lock_ddl(conn)
            conn.execute(DDL)
        elif not _may_write(conn):
            # A role that may insert its line but not end it would leave every run
            # `running`, the outcome of a run killed outright: no line is better.
            conn.rollback()
            if reporter is not None:
                reporter.warn(f"run history not recorded: {_role(conn)} may not {_PRIVS}.\n{_FIX}")
            return
        row = conn.execute(
            "INSERT INTO pgseed.runs (pack, operation, scenario, seed, config, version, "
            "reproduce) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                rec.pack,
                rec.operation,
                rec.scenario,
                rec.seed,
                json.dumps(rec.config),
                _version(),
                rec.reproduce or None,
            ],
        ).fetchone()
        conn.commit()
    except psycopg.Error as exc:
        conn.rollback()
        if reporter is not None:
            fix = (
                _FIX
                if existed
                else (
                    "Fix: let this role create the schema pgseed (GRANT CREATE ON DATABASE ...), "
                    "or pass --no-history."
                )
            )
            reporter.warn(f"run history not recorded: {_first_line(exc)}.\n{fix}")
        return
    rec.id = int(str(row[0])) if row else None


_PRIVS = "both use the schema pgseed and insert and update pgseed.runs"
_FIX = (
    "Fix: GRANT USAGE ON SCHEMA pgseed TO this role; GRANT SELECT, INSERT, UPDATE ON "
    "pgseed.runs TO it (as the owner of pgseed.runs), or pass --no-history."
)


def lock_ddl(conn: Conn) -> None:
    """Serialise pgseed's DDL in the ``pgseed`` schema (the history's, the rag-agent
    tables') until the caller's transaction ends: two first runs racing to create it
    would otherwise fail on the catalog's unique indexes (``IF NOT EXISTS`` is not
    safe against a race)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", [_CREATE_LOCK])


def _may_write(conn: Conn) -> bool:
    # has_table_privilege with several privileges is true when ANY is held: ask each.
    row = conn.execute(
        "SELECT has_schema_privilege('pgseed', 'USAGE') "
        "AND has_table_privilege('pgseed.runs', 'INSERT') "
        "AND has_table_privilege('pgseed.runs', 'UPDATE')"
    ).fetchone()
    return bool(row and row[0])


def _role(conn: Conn) -> str:
    row = conn.execute("SELECT current_user").fetchone()
    return f"role {row[0]}" if row else "this role"


def outcome_of(exc: BaseException | None) -> str:
    """``committed`` (no exception), ``rolled back`` (stopped by a signal or Ctrl-C) or
    ``failed`` (any other error)."""
    if exc is None:
        return "committed"
    return "rolled back" if isinstance(exc, KeyboardInterrupt) else "failed"


def _first_line(exc: BaseException) -> str:
    return redact_urls(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)


def _error_text(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    if isinstance(exc, KeyboardInterrupt):  # errors.Interrupted names its signal
        return f"interrupted ({getattr(exc, 'name', 'Ctrl-C')})"
    from .errors import PgseedError

    text = str(exc).strip() if isinstance(exc, PgseedError) else f"{type(exc).__name__}: {exc}"
    return redact_urls(text)[:4000]


def end(
    conn: Conn | None,
    rec: Record | None,
    rows: Mapping[str, int],
    exc: BaseException | None = None,
    dsn: str | None = None,
) -> None:
    """Set the outcome of ``rec``'s row, in a transaction of its own: on ``conn`` when it
    is still usable (after the run's commit or rollback), else on a new connection to
    ``dsn``. Never raises: the run's own outcome is what the caller reports."""
    if rec is None or rec.id is None:
        return
    values = [
        outcome_of(exc),
        _error_text(exc),
        json.dumps(dict(rec.rows if rec.rows is not None else rows)),
        rec.id,
    ]
    statement = (
        "UPDATE pgseed.runs SET outcome = %s, error = %s, rows = %s, ended_at = now() WHERE id = %s"
    )
    error: BaseException | None = None
    if conn is not None and not conn.closed:
        try:
            conn.rollback()
            conn.execute(statement, values)
            conn.commit()
            return
        except psycopg.Error as exc:
            error = exc
    if dsn is not None:
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as again:
                again.execute(statement, values)
            return
        except (psycopg.Error, OSError) as exc:
            error = exc
    if rec.reporter is not None:
        why = _first_line(error) if error is not None else "the connection is gone"
        with contextlib.suppress(OSError, ValueError):  # the terminal may be gone too
            rec.reporter.warn(
                f"run history: the outcome of run {rec.id} could not be written ({why}); "
                f"pgseed.runs keeps it as `running`. The outcome printed here is the run's."
            )


@contextlib.contextmanager
def recorded(
    conn: Conn, rec: Record | None, reporter: Reporter | None = None
) -> Iterator[Record | None]:
    """``begin`` before the block and ``end`` after it, for an operation that commits or
    rolls back ``conn`` itself (retail's delete). The block's exception passes through."""
    begin(conn, rec, reporter)
    try:
        yield rec
    except BaseException as exc:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        end(conn, rec, {}, exc)
        raise
    end(conn, rec, {})
