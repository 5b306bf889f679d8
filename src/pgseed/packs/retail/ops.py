"""Retail's own verbs as library calls: append (preview, then run) and delete.

Each opens the database through the engine (``run.open_checked``,
``run.transaction``), takes its decisions under the table locks of the transaction
that acts on them, and returns a result object; nothing here prints. A full-new is
the engine's ``generate`` (``RetailPack.replaces``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ... import history, signals
from ...binding import Binding, bind
from ...engine import maps_of
from ...errors import ConfigError, PgseedError
from ...load import CopyLoader
from ...pg import Conn
from ...pool import WorkerPool
from ...progress import Reporter
from ...run import open_checked, transaction
from ...safety import production_guard, require_confirm
from ..contract import RunContext, Samples
from .append import append_range, check_append_dates, plan_append, run_append
from .config import RetailConfig
from .live import APPEND_NEEDS, APPEND_WHY, Columns
from .plan import samples
from .spec import SCHEMA
from .tables import SCOPES, check_blockers, check_delete, counts, lock_all
from .tables import delete as empty_scope


@dataclass(frozen=True)
class AppendPreview:
    """What an append would add: days ``start..end`` to ``pairs`` series. ``applied_through``
    is set (and nothing planned) when the data already runs to ``end``."""

    start: dt.date
    end: dt.date
    pairs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    samples: Samples = field(default_factory=dict)
    applied_through: dt.date | None = None
    derived: tuple[str, ...] = ()  # on an application's schema: state it derives (live.py)


@dataclass(frozen=True)
class AppendResult:
    written: dict[str, int]
    seconds: dict[str, float]
    applied_meanwhile: dt.date | None = None  # another run appended these days first


def preview_append(
    dsn: str, cfg: RetailConfig, start: dt.date | None, end: dt.date | None
) -> AppendPreview:
    """Plan an append of ``start``..``end`` (``start`` None: the day after the last
    calendar day) on a read-only look at the database.

    Raises ConfigError (exit 2) without ``end``; PgseedError (exit 1) when the database
    holds no retail data to append to.
    """
    production_guard()
    check_append_dates(start, end)
    assert end is not None
    # dry_run=True: never create a database just to find nothing to append to.
    target, state = open_checked(dsn, SCHEMA, write=True, dry_run=True)
    if target is None or state not in ("ok", "bind"):
        if target is not None:
            target.conn.close()
        raise PgseedError(
            "nothing to append to: the database has no retail data yet.\nFix: run --full-new first."
        )
    try:
        cols = _columns(target.conn, cfg, state == "bind")
        lo, hi = append_range(target.conn, start, end, cols)
        if hi < lo:
            return AppendPreview(lo, hi, applied_through=lo - dt.timedelta(days=1))
        p = plan_append(target.conn, cfg, lo, hi, cols)
    finally:
        target.conn.close()
    return AppendPreview(lo, hi, p.pairs, dict(p.rows), samples(p), derived=tuple(cols.derived()))


def _columns(conn: Conn, cfg: RetailConfig, bound: bool, binding: Binding | None = None) -> Columns:
    """The live names of the columns an append reads: the models' own on the pack's
    schema; else bound (``binding.bind``, ``--map``), and SchemaMismatchError (exit 4)
    naming each column an append cannot do without (``live.APPEND_NEEDS``)."""
    maps = maps_of(cfg)
    if binding is None and (bound or maps):
        binding = bind(conn, SCHEMA, maps)
        conn.rollback()  # bind's cast probes: nothing to keep
    cols = Columns.of(binding)
    cols.require("--append", APPEND_NEEDS, APPEND_WHY)
    return cols


def append(
    dsn: str,
    cfg: RetailConfig,
    start: dt.date | None,
    end: dt.date,
    *,
    reporter: Reporter,
    workers: int,
    reproduce: str = "",
) -> AppendResult:
    """Append the days in one transaction; the range is judged again under the table
    lock, so an append another run applied meanwhile is a no-op, not a duplicate."""
    applied: list[dt.date] = []

    def body(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        lock_all(conn)
        binding = getattr(loader, "binding", None)  # staging.BoundLoader's
        cols = _columns(conn, cfg, binding is not None, binding)
        now_start, now_end = append_range(conn, start, end, cols)
        if now_end < now_start:
            applied.append(now_start - dt.timedelta(days=1))
            return
        fresh = plan_append(conn, cfg, now_start, now_end, cols)
        reporter.begin(dict(fresh.rows))
        run_append(RunContext(cfg, conn, loader, pool, reporter, cfg.seed, binding), fresh, cols)

    loader = transaction(
        dsn,
        SCHEMA,
        reporter,
        body,
        reproduce=reproduce,
        bulk_mode=False,
        workers=workers,
        warm=("pgseed.packs.retail.work",),
        maps=maps_of(cfg),
        seed=int(cfg.seed),
        record=history.record(
            "retail",
            "append",
            cfg,
            reproduce=reproduce,
            extra={"append": {"start": start and start.isoformat(), "end": end.isoformat()}},
        ),
    )
    return AppendResult(dict(loader.written), dict(loader.seconds), applied[0] if applied else None)


@dataclass(frozen=True)
class DeleteResult:
    scope: str
    rows: dict[str, int]  # removed, or that a dry run would remove
    dry_run: bool
    no_schema: bool = False


def delete(
    dsn: str,
    scope: str,
    *,
    confirm: bool,
    dry_run: bool,
    reporter: Reporter | None = None,
    reproduce: str = "",
) -> DeleteResult:
    """Empty the scope's tables in one transaction (spec 003's ``--delete --scope``).

    Needs ``confirm`` (SafetyError, exit 3) unless a dry run or
    ``SEEDER_REQUIRE_CONFIRM=false``; refuses the dimensions while facts reference them,
    and any scope whose rows another table's rows still reference (GenerationError,
    exit 1, naming its table and constraint: ``tables.delete``), a dry run too. On an
    application's own, evolved schema it deletes (``tables.delete``). The counts are read
    under the lock that the delete holds. A real delete is recorded in ``pgseed.runs``.
    """
    if scope not in SCOPES:
        raise ConfigError(f"unknown scope {scope!r}: expected one of {', '.join(SCOPES)}.")
    production_guard()
    if not dry_run:
        require_confirm(f"--delete --scope {scope}", confirm)
    target, state = open_checked(dsn, SCHEMA, write=not dry_run, dry_run=True)
    if target is None or state not in ("ok", "bind"):
        if target is not None:
            target.conn.close()
        return DeleteResult(scope, {}, dry_run, no_schema=True)
    conn = target.conn
    try:
        if dry_run:  # the refusals a real run would give
            check_delete(scope, counts(conn))
            check_blockers(conn, scope, lock=False)
            return DeleteResult(scope, counts(conn, SCOPES[scope]), dry_run=True)
        rec = history.record("retail", "delete", extra={"scope": scope}, reproduce=reproduce)
        with history.recorded(conn, rec, reporter) as line:
            removed = empty_scope(conn, scope, bound=state == "bind")
            if line is not None:
                line.rows = removed
            with signals.deferred():  # a signal during the commit waits for its outcome
                conn.commit()
                if reporter is not None:
                    reporter.committed()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()
    return DeleteResult(scope, removed, dry_run=False)
