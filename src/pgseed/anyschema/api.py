"""``pgseed.fill(url, rows=..., config=...)``: the Python API behind ``pgseed fill``.

One connection, one transaction: the safety checks of every pack (``APP_ENV``,
``_demo``/``_test`` names), the per-database run lock, the tables locked, then the
plan and the load (``run.py``). Anything that fails rolls all of it back.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg
from psycopg import sql
from pydantic import ValidationError

from .. import history, locks, signals
from ..config import invalid
from ..errors import ConfigError
from ..failure import ROLLED_BACK, export_failed
from ..failure import report as failed
from ..pg import Conn, lock_tables
from ..pool import WorkerPool
from ..progress import Reporter
from ..rng import draw_seed
from ..safety import open_target, production_guard
from . import config as fill_config
from .ahead import WARM
from .model import ColumnPlan, Schema
from .plan import Plan, build
from .reflect import reflect
from .run import Filler, FillResult

POOL_MIN_ROWS = 50_000
"""Below this many rows in a run, values are drawn in the main process: starting
worker processes (a second or so of CPU each) would cost more than they save."""


def worker_count(workers: int | None, plan: Plan) -> int:
    """Processes drawing values ahead: ``workers`` (default: CPU cores), 1 for small runs."""
    if sum(tp.rows for tp in plan.tables.values()) < POOL_MIN_ROWS:
        return 1
    return workers or os.cpu_count() or 1


@dataclass
class Outcome:
    """A committed fill: rows per table, sequences moved, notes on what was capped."""

    seed: int
    written: dict[str, int]
    seconds: dict[str, float]
    sequences: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def settings(
    config: Path | fill_config.FillConfig | None = None,
    *,
    rows: int | None = None,
    table_rows: Mapping[str, int] | None = None,
    seed: int | None = None,
    schemas: Sequence[str] | None = None,
) -> fill_config.FillConfig:
    """The config file (or object) with the flags on top."""
    tables = {name: {"rows": n} for name, n in (table_rows or {}).items()}
    overrides: dict[str, object] = {
        "rows": rows,
        "seed": seed,
        "schemas": list(schemas) if schemas else None,
    }
    if tables:
        overrides["tables"] = tables
    if isinstance(config, fill_config.FillConfig):
        base = config.model_dump(exclude_none=True)
        for k, v in overrides.items():
            if k == "tables" and isinstance(v, dict):
                merged = dict(base.get("tables", {}))
                for name, rule in v.items():
                    merged[name] = {**merged.get(name, {}), **rule}
                base["tables"] = merged
            elif v is not None:
                base[k] = v
        return fill_config.FillConfig.model_validate(base)
    return fill_config.load(config, overrides)


def server_accepts(conn: Conn) -> Callable[[ColumnPlan, str], bool]:
    """``plan.Accepts`` for ``conn``'s server: casts one sample value per type, once."""
    seen: dict[str, bool] = {}

    def accepts(cp: ColumnPlan, sample: str) -> bool:
        if cp.type.name not in seen:
            try:
                with conn.transaction():
                    conn.execute(sql.SQL("SELECT %s::{}").format(sql.SQL(cp.type.name)), [sample])
                seen[cp.type.name] = True
            except psycopg.Error:
                seen[cp.type.name] = False
        return seen[cp.type.name]

    return accepts


def restore_sequences(conn: Conn, reserved: Sequence[tuple[str, int, bool, int]]) -> None:
    """After a rollback: put back each sequence the run moved (``setval`` outlives a
    rollback), unless another session has used it since (it no longer stands where the
    run left it)."""
    for seq, last, called, moved_to in reversed(reserved):
        conn.execute(
            sql.SQL("SELECT setval(%s::regclass, %s, %s) FROM {} WHERE last_value = %s").format(
                sql.SQL(seq)
            ),
            [seq, last, called, moved_to],
        )
    conn.commit()


@dataclass
class Preview:
    """A dry run: the plan, sample rows per table, the database's name."""

    plan: Plan
    samples: dict[str, list[dict[str, str | None]]]
    dbname: str


def preview(dsn: str, cfg: fill_config.FillConfig, samples: int = 3) -> Preview:
    """Read the catalog, plan and draw ``samples`` rows per table, writing nothing
    (``--dry-run``): the transaction is read only and rolled back."""
    target = open_target(dsn, write=False, create=False)
    conn = target.conn
    try:
        conn.execute("SET TRANSACTION READ ONLY")
        seed = cfg.seed if cfg.seed is not None else draw_seed()
        plan = build(reflect(conn, cfg.schemas), cfg, seed, server_accepts(conn))
        rows = Filler(conn, plan, Reporter(progress=False)).samples(samples)
        return Preview(plan, rows, target.dbname)
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()


def fill(
    dsn: str,
    cfg: fill_config.FillConfig | None = None,
    *,
    reporter: Reporter | None = None,
    reproduce: str = "",
    bulk: bool = True,
    workers: int | None = None,
) -> Outcome:
    """Fill every table of ``dsn``'s schemas per ``cfg``, in one transaction.

    ``workers``: processes drawing values ahead of the load (default: CPU cores;
    ``worker_count``); the rows are the same whatever their number.

    Raises SafetyError (exit 3) for APP_ENV=production or a database name without
    ``_demo``/``_test``; ConfigError (exit 2) for a config naming what the schema
    lacks, or constraints that admit no row; GenerationError (exit 1) after rolling
    everything back.
    """
    production_guard()
    cfg = cfg or fill_config.FillConfig.model_validate({})
    seed = cfg.seed if cfg.seed is not None else draw_seed()
    reporter = reporter or Reporter()
    target = open_target(dsn, write=True, create=False)
    conn = target.conn
    result: FillResult | None = None
    filler: Filler | None = None
    rec = history.record("fill", "fill", cfg, reproduce=reproduce)
    if rec is not None:
        rec.seed = str(seed)  # drawn when the config has none
    history.begin(conn, rec, reporter)  # its own transaction: a rollback keeps the line
    try:
        locks.hold_run(conn, target.dbname, reporter)
        conn.execute("SET temp_buffers = '256MB'")
        plan = build(reflect(conn, cfg.schemas), cfg, seed, server_accepts(conn))
        if plan.tables:
            lock_tables(
                conn,
                [(tp.table.schema, tp.table.name) for tp in plan.tables.values()],
                "SHARE ROW EXCLUSIVE",
                "tables of this database",
            )
        with WorkerPool(worker_count(workers, plan), WARM) as pool:
            filler = Filler(conn, plan, reporter, bulk=bulk, pool=pool)
            result = filler.run()
        with signals.deferred():
            conn.commit()
    except BaseException as exc:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
            if filler is not None:
                restore_sequences(conn, filler.reserved)
        history.end(conn, rec, filler.result.written if filler else {}, exc, dsn)
        conn.close()
        if isinstance(exc, ConfigError):  # found while planning: nothing was started
            raise
        failed(
            reporter,
            exc,
            run="fill",
            written=filler.result.written if filler else {},
            outcome=ROLLED_BACK,
            reproduce=reproduce,
        )
    history.end(conn, rec, result.written if result else {}, None, dsn)
    conn.close()
    return Outcome(
        seed, result.written, result.seconds, result.sequences, result.notes, plan.skipped
    )


def fill_database(
    url: str,
    *,
    rows: int | Mapping[str, int] | None = None,
    config: str | Path | Mapping[str, object] | fill_config.FillConfig | None = None,
    seed: int | None = None,
    schemas: Sequence[str] | None = None,
    reporter: Reporter | None = None,
    workers: int | None = None,
) -> Outcome:
    """``pgseed.fill``: fill every table of ``url``'s database (any schema) in one transaction.

    ``rows``: rows per table (an int) or per table name (``{"app.users": 500}``);
    ``config``: a YAML file, a mapping or a ``FillConfig`` (``anyschema/config.py``);
    ``seed``: the run seed (drawn when None; ``Outcome.seed`` says which).
    ``workers``: processes drawing values (default: CPU cores; the rows do not depend on it).
    SQLAlchemy-style URLs are accepted as by the CLI. Errors as ``fill``.
    """
    from ..dsn import parse

    if isinstance(config, Mapping):
        try:
            base = fill_config.FillConfig.model_validate(dict(config))
        except ValidationError as exc:
            raise invalid(exc, {}, title="invalid fill config") from exc
    elif isinstance(config, str):
        base = fill_config.load(Path(config))
    else:
        base = config  # type: ignore[assignment]
    per_table = dict(rows) if isinstance(rows, Mapping) else None
    cfg = settings(
        base,
        rows=rows if isinstance(rows, int) else None,
        table_rows=per_table,
        seed=seed,
        schemas=schemas,
    )
    return fill(
        parse(url, "url"), cfg, reporter=reporter or Reporter(progress=False), workers=workers
    )


def export(
    dsn: str,
    cfg: fill_config.FillConfig,
    directory: Path,
    fmt: str,
    *,
    reporter: Reporter | None = None,
    workers: int | None = None,
    reproduce: str = "",
) -> Outcome:
    """``pgseed fill --output DIR --format F``: the rows a fill of ``dsn``'s schema would
    write into empty tables, as one file per table (``schema.table.csv|json|parquet``).

    The database is only read (its catalog, and CHECKs tested in temporary tables, all
    rolled back); nothing in it changes, so any database name is accepted. The files
    appear all together or not at all, and replace an earlier export there whole
    (``sinks.FileSink``); a directory holding files pgseed did not write is refused
    (ConfigError, exit 2) before any row is drawn.
    """
    import sqlalchemy as sa

    from ..sinks import FileSink, check_output

    check_output(directory)  # before the database is read: a bad --output is exit 2 at once
    seed = cfg.seed if cfg.seed is not None else draw_seed()
    reporter = reporter or Reporter()
    target = open_target(dsn, write=False, create=False)
    conn = target.conn
    sink: FileSink | None = None
    try:
        schema = reflect(conn, cfg.schemas)
        empty = Schema({k: replace(t, rows=0) for k, t in schema.tables.items()})
        plan = build(empty, cfg, seed, server_accepts(conn))
        engine = sa.create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(dsn))
        metadata = sa.MetaData()
        with engine.connect() as sa_conn:
            for name in sorted({tp.table.schema for tp in plan.tables.values()}):
                metadata.reflect(
                    sa_conn,
                    schema=name,
                    only=[tp.table.name for tp in plan.tables.values() if tp.table.schema == name],
                )
        engine.dispose()
        tables = {k: metadata.tables[k] for k in plan.tables}
        columns = {k: list(tp.columns) for k, tp in plan.tables.items()}
        sink = FileSink(directory, fmt, tables, columns, reporter)
        with sink, WorkerPool(worker_count(workers, plan), WARM) as pool:
            result = Filler(conn, plan, reporter, sink=sink, pool=pool).run()
    except BaseException as exc:
        if sink is None:  # planning or a bad flag: no file was started
            raise
        export_failed(reporter, exc, sink, reproduce)
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()
    return Outcome(seed, dict(sink.written), dict(sink.seconds), {}, result.notes, plan.skipped)
