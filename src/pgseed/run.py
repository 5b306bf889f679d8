"""One run, one transaction: connect safely, ensure the schema, run a pack, commit.

On any error, Ctrl-C, SIGTERM or SIGHUP the transaction is rolled back (schema
included, when this run created it), and the reporter says what had been written
before the failure, how long the run took and the command that reproduces it. A
signal that arrives during the commit waits for it (``signals.deferred``), so the
report never says "rolled back" about a run that committed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import MetaData

from . import bulk, fresh, history, locks, migrate, signals
from .failure import report as failed
from .failure import rolled_back
from .load import CopyLoader
from .pg import Conn
from .pool import WorkerPool
from .progress import Reporter
from .safety import Target, open_target
from .schema import schema_state

Body = Callable[[Conn, CopyLoader, WorkerPool], object]
Prepare = Callable[[Conn, bool], object]  # (conn, bound: the application's own schema)


@dataclass(frozen=True)
class SchemaSpec:
    """What the engine needs to know of a pack's schema.

    ``metadata``: the SQLAlchemy models; ``migrations``: an Alembic script directory, or
    None to create the tables from the models; ``columns``: each table's COPY columns, in
    the order its data gives them, tables in load (FK) order; ``binary``: the tables whose
    COPY data is binary tuples (``binary.py``), their types derived from the models.
    """

    metadata: MetaData
    migrations: Path | None
    columns: Mapping[str, Sequence[str]]
    binary: frozenset[str] = frozenset()

    def binary_widths(self) -> dict[str, int]:
        """Bytes per binary tuple of each binary table (what a sink needs to cut them)."""
        from .binary import width
        from .schema import binary_types

        return {
            t: width(binary_types(self.metadata.tables[t], self.columns[t])) for t in self.binary
        }


def open_checked(
    dsn: str, spec: SchemaSpec, *, write: bool, dry_run: bool
) -> tuple[Target | None, str]:
    """Connect (creating the database on a real run) and classify its schema.

    Returns (target, state): state is 'ok', 'bind' (the application's own, evolved
    tables: the pack binds to them, ``binding.py``), 'absent' (will be created), or
    'missing-database' (dry run only: the database does not exist yet).
    """
    from .errors import DatabaseMissing

    try:
        target = open_target(dsn, write=write, create=write and not dry_run)
    except DatabaseMissing:
        if dry_run and write:
            return None, "missing-database"
        raise
    try:
        state = schema_state(target.conn, spec.metadata)
    except BaseException:
        target.conn.close()
        raise
    target.conn.rollback()
    return target, state


def transaction(
    dsn: str,
    spec: SchemaSpec,
    reporter: Reporter,
    body: Body,
    *,
    reproduce: str,
    bulk_mode: bool = True,
    workers: int = 1,
    warm: Sequence[str] = (),
    prepare: Prepare | None = None,
    maps: Mapping[str, Mapping[str, str]] | None = None,
    seed: int = 0,
    then: Body | None = None,
    record: history.Record | None = None,
) -> CopyLoader:
    """Run ``body`` in one transaction; return the loader (rows and COPY time per table).

    The worker pool starts first, so its start-up overlaps connecting and the
    schema; ``warm`` names the modules its processes import up front. ``prepare``
    runs in the transaction before bulk mode looks for empty tables (a pack that
    replaces its data truncates there, so the load still takes the bulk path), told
    whether the database is an application's own schema the pack is bound to. ``maps``
    (``--map``) renames model columns; ``seed`` keys the values of the columns the
    models do not know. ``then`` runs in the same transaction after bulk mode has rebuilt
    the indexes and foreign keys (work that queries what ``body`` loaded, e.g. jobs).
    ``record``: the run's line in ``pgseed.runs`` (``history``), written in transactions
    of its own before and after this one; None records nothing.
    """
    with WorkerPool(workers, warm) as pool:
        return _seed(
            dsn,
            spec,
            reporter,
            body,
            pool,
            reproduce=reproduce,
            bulk_mode=bulk_mode,
            prepare=prepare,
            maps=maps or {},
            seed=seed,
            then=then,
            record=record,
        )


def _loader(
    conn: Conn,
    spec: SchemaSpec,
    reporter: Reporter,
    state: str,
    maps: Mapping[str, Mapping[str, str]],
    seed: int,
) -> CopyLoader:
    """The direct loader for the pack's own schema; a ``staging.BoundLoader`` for an
    application's evolved one (or when ``--map`` renames a column)."""
    if state != "bind" and not maps:
        return CopyLoader(conn, spec.columns, reporter)
    from .binding import bind
    from .staging import BoundLoader

    binding = bind(conn, spec, maps)
    for warning in binding.warnings():
        reporter.warn(warning)
    return BoundLoader(conn, spec.columns, reporter, binding, seed)


def _unknown_unique(exc: psycopg.Error) -> str:
    """What a unique conflict the pack did not judge means, and the fix."""
    if not isinstance(exc, psycopg.errors.UniqueViolation):
        return ""
    diag = exc.diag
    return (
        f"\nA generated row of {diag.table_name} conflicts with its unique index "
        f"{diag.constraint_name}; pgseed redraws conflicting rows only where the pack judges "
        "them (Genonaut: its users), and this index is one it does not know.\nFix: drop or "
        "relax that index on this demo/test database, or seed a fresh one."
    )


def _seed(
    dsn: str,
    spec: SchemaSpec,
    reporter: Reporter,
    body: Body,
    pool: WorkerPool,
    *,
    reproduce: str,
    bulk_mode: bool,
    prepare: Prepare | None = None,
    maps: Mapping[str, Mapping[str, str]],
    seed: int,
    then: Body | None = None,
    record: history.Record | None = None,
) -> CopyLoader:
    target, state = open_checked(dsn, spec, write=True, dry_run=False)
    assert target is not None
    conn = target.conn
    if target.created:
        reporter.info(f'created database "{target.dbname}"')
    loader = CopyLoader(conn, spec.columns, reporter)
    committed = False
    history.begin(conn, record, reporter)  # its own transaction: a rollback keeps the line
    try:
        # Another run may be creating the schema or loading this database: wait for it,
        # then judge the schema as it stands after that run (it may now exist).
        locks.hold_run(conn, target.dbname, reporter)
        # Temporary tables of the run (the owner ranking, conflict candidates) stay in
        # memory up to this size instead of spilling to disk (the default is 8MB; the
        # ranking of 1M users takes about 100MB). Must precede the first temp table.
        conn.execute("SET temp_buffers = '256MB'")
        state = schema_state(conn, spec.metadata)
        if state == "absent":
            fresh.check_fresh(conn, spec, target.dbname)  # never an application's database
            reporter.info(f'creating the schema in "{target.dbname}"')
            if spec.migrations is None:
                migrate.create_all(conn, spec.metadata)
            else:
                migrate.upgrade(conn, spec.migrations)
        loader = _loader(conn, spec, reporter, state, maps, seed)
        loader.binary.update(spec.binary_widths())
        bound = state == "bind"
        if prepare is not None:
            prepare(conn, bound)
        # An application's own tables keep their indexes and FKs in place (bulk mode
        # would drop and rebuild them, and a partition's attached indexes cannot be).
        use_bulk = bulk_mode and not bound
        plan = bulk.begin(conn, bulk.empty_tables(conn, list(spec.columns))) if use_bulk else None
        if plan is not None:
            emptied = [t for t in plan.tables if isinstance(t, str)]
            loader.freeze = set(emptied) - bulk.partitioned(conn, emptied)
        body(conn, loader, pool)
        if plan is not None and (plan.indexes or plan.foreign_keys):
            reporter.end()
            started = time.perf_counter()
            bulk.finish(conn, plan)
            reporter.info(
                f"rebuilt {len(plan.indexes)} indexes and {len(plan.foreign_keys)} foreign keys "
                f"in {time.perf_counter() - started:.2f} s"
            )
        if then is not None:
            then(conn, loader, pool)
        with signals.deferred():  # a signal during the commit waits for its outcome
            conn.commit()
            committed = True
            reporter.committed()
    except BaseException as exc:
        if committed:  # only a signal that waited for the commit gets here
            history.end(conn, record, loader.written, None, dsn)
            conn.close()
            reporter.fail("interrupted after the commit: the run's rows are in the database.")
            raise
        with contextlib.suppress(psycopg.Error):  # the connection may already be gone
            conn.rollback()
        history.end(conn, record, loader.written, exc, dsn)
        conn.close()
        failed(
            reporter,
            exc,
            run="run",
            written=loader.written,
            outcome=rolled_back(
                target.dbname if target.created else None,
                recorded=record is not None and record.id is not None,
            ),
            reproduce=reproduce,
            explain=_unknown_unique,
        )
    history.end(conn, record, loader.written, None, dsn)
    conn.close()
    reporter.end()
    return loader
