"""The one engine path every pack runs through: generate, dry-run, verify.

Each function takes a pack (``packs.contract.Pack``), its config and a target, does
the work and returns a result object; it prints nothing itself beyond the
reporter's progress (the CLI prints the results). Errors are ``PgseedError``
subclasses with their exit codes (``errors.py``).

A generate is one connection and one transaction (``run.transaction``): the run
lock, the schema, then the pack's tables locked and, for a pack that replaces its
data, the ``--confirm`` decision taken on counts read under that lock, then the
pack's plan and run. ``export`` (``--output``) runs the same pack code with no
database, into files (``sinks.FileSink``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from .errors import ConfigError, GenerationError, PgseedError
from .packs.contract import Pack, Plan, RunContext, Samples
from .pg import Conn, count_rows, delete_rows, lock_tables, truncate
from .progress import Reporter
from .refs import REFERENCED_FIX, check_unreferenced, refused
from .rng import draw_seed
from .safety import confirm_replace, env_flag, production_guard
from .verifying import VerifyResult, reading, verify  # the read side, re-exported

if TYPE_CHECKING:
    from .load import CopyLoader, Sink
    from .pool import WorkerPool

__all__ = [
    "DryRun",
    "RunResult",
    "VerifyResult",
    "database_url",
    "dry_run",
    "export",
    "export_files",
    "generate",
    "maps_of",
    "pack_code",
    "plan",
    "reading",
    "verify",
    "with_seed",
]


@dataclass(frozen=True)
class RunResult:
    """A committed run: rows written and seconds inside COPY, per table."""

    pack: str
    seed: int
    written: dict[str, int]
    seconds: dict[str, float]
    replaced: dict[str, int] = field(default_factory=dict)  # rows the run replaced


@dataclass(frozen=True)
class DryRun:
    """What a real run would do. ``dbname`` is None when the database does not exist
    yet; ``state`` is ``ok`` (schema in place), ``absent`` (a real run creates it) or
    ``missing-database``; ``held`` lists rows a replacing run would remove."""

    pack: str
    seed: int
    dbname: str | None
    state: str
    rows: Mapping[str, int]
    samples: Samples
    held: dict[str, int]
    warnings: tuple[str, ...] = ()  # a bound database's dropped and renamed columns


def database_url(url: str | None = None, source: str = "--database-url") -> str:
    """The target URL: ``url``, else ``$DATABASE_URL``, checked by ``dsn.parse`` (a URL
    libpq would misread is ConfigError, exit 2, with no password in the message).
    ConfigError when neither is given."""
    from .dsn import parse

    if url is None and os.environ.get("DATABASE_URL", "").strip():
        url, source = os.environ["DATABASE_URL"], "DATABASE_URL"
    if url is None:
        raise ConfigError(
            "--database-url is required (a database whose name ends in _demo or _test), "
            "or pass --embedded to use the embedded server, or set DATABASE_URL."
        )
    return parse(url, source)


SEED_MAX = 2**63 - 1


def with_seed(cfg: Any) -> tuple[Any, bool]:
    """The config with its ``seed`` set (drawn when absent), and whether it was drawn.
    ConfigError (exit 2) for a seed outside 0..2**63-1, whichever source gave it."""
    seed = getattr(cfg, "seed", None)
    if seed is None:
        return cfg.model_copy(update={"seed": draw_seed()}), True
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ConfigError(
            f"seed {seed!r}: expected a whole number from 0 to {SEED_MAX}.\n"
            "Fix: pass --seed N (or leave it out to draw one)."
        )
    return cfg, False


@contextmanager
def pack_code(pack: Pack, what: str) -> Iterator[None]:
    """Around a call into a pack: an exception that is not pgseed's (a bug in the pack,
    or a SystemExit it raises) becomes GenerationError (exit 1) naming the pack and the
    step; a run in progress is rolled back by its transaction first. Database errors pass
    through to ``run.transaction``, and OSErrors (a full disk under ``--output``) to the
    file set, which explain them; Ctrl-C passes through."""
    import psycopg

    try:
        yield
    except (PgseedError, KeyboardInterrupt, psycopg.Error, OSError):
        raise  # OSError: a file sink's write (a full disk), which FileSet explains
    except (Exception, SystemExit) as exc:
        raise GenerationError(
            f"the {pack.name} pack failed in {what}: {type(exc).__name__}: {exc}\n"
            "Nothing was written. Fix: this is a bug in the pack; report it to its authors "
            "(PGSEED_DEBUG=1 shows where)."
        ) from exc


def maps_of(cfg: Any) -> dict[str, dict[str, str]]:
    """The config's column renames (``map``: ``--map table.old=new``, repeatable)."""
    from .binding import parse_maps

    return parse_maps(getattr(cfg, "map", None) or ())


def plan(pack: Pack, cfg: Any, conn: Conn | None = None) -> Plan:
    """``pack.plan``, its errors pgseed's (``pack_code``); a malformed ``--map`` first."""
    maps_of(cfg)
    with pack_code(pack, "plan"):
        return pack.plan(cfg, conn)


def _lock_mode(pack: Pack) -> str:
    # A replacing run empties the tables: nobody may read or write them meanwhile. An
    # adding run counts what is there (admin rows, ids): nobody may write meanwhile.
    return "ACCESS EXCLUSIVE" if pack.replaces else "SHARE ROW EXCLUSIVE"


def generate(
    pack: Pack,
    cfg: Any,
    dsn: str | None = None,
    *,
    reporter: Reporter | None = None,
    workers: int | None = None,
    bulk: bool = True,
    confirm: bool = False,
    reproduce: str = "",
    operation: str = "generate",
) -> RunResult:
    """Fill ``dsn`` (None: ``$DATABASE_URL``) with ``pack``'s data for ``cfg``, in one
    transaction, recorded in ``pgseed.runs`` as ``operation`` (``history``; not inside
    ``history.disabled()``).

    Raises SafetyError (exit 3) for a production environment, a database name
    without ``_demo``/``_test``, or replacing rows without ``confirm``; ConfigError
    (exit 2) for a config the pack's plan refuses; GenerationError (exit 1) after
    rolling back everything when the run fails.
    """
    from . import history, run

    production_guard()
    env_flag("SEEDER_REQUIRE_CONFIRM", True)  # a bad value is exit 2 now, not mid-run
    dsn = dsn or database_url()
    cfg, _ = with_seed(cfg)
    seed = int(cfg.seed)
    reporter = reporter or Reporter()
    plan(pack, cfg)  # config errors surface before anything is created
    tables = list(pack.schema.columns)
    replaced: dict[str, int] = {}

    def prepare(conn: Conn, bound: bool) -> None:
        lock_tables(conn, tables, _lock_mode(pack), f"the {pack.name} tables")
        if pack.replaces:
            held = {t: n for t, n in count_rows(conn, tables).items() if n}
            confirm_replace(f"pgseed {pack.name} generate", held, confirm)
            what = f"pgseed {pack.name} generate (it replaces the {pack.name} tables)"
            # Another table's rows that reference the pack's are never deleted or
            # changed (not by TRUNCATE ... CASCADE, not by an ON DELETE CASCADE or SET
            # NULL of the application's): such a row stops the run, named (rolled back).
            refs = check_unreferenced(conn, tables, tables, what, REFERENCED_FIX)
            if bound or refs:
                # TRUNCATE refuses a referenced table even when no row references it:
                # delete, children first.
                try:
                    delete_rows(conn, tables[::-1])
                except psycopg.errors.ForeignKeyViolation as exc:
                    raise refused(exc, what) from exc
            else:
                truncate(conn, tables)  # also restarts the sequences: the same ids every run
            replaced.update(held)

    def body(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        p = plan(pack, cfg, conn)
        reporter.begin(dict(p.rows))
        with pack_code(pack, "run"):
            binding = getattr(loader, "binding", None)  # staging.BoundLoader's
            pack.run(RunContext(cfg, conn, loader, pool, reporter, seed, binding), p)

    loader = run.transaction(
        dsn,
        pack.schema,
        reporter,
        body,
        reproduce=reproduce,
        bulk_mode=bulk,
        workers=workers or os.cpu_count() or 1,
        warm=pack.workers,
        prepare=prepare,
        maps=maps_of(cfg),
        seed=seed,
        record=history.record(pack.name, operation, cfg, reproduce=reproduce),
    )
    return RunResult(pack.name, seed, dict(loader.written), dict(loader.seconds), replaced)


def export(
    pack: Pack,
    cfg: Any,
    sink: Sink,
    *,
    reporter: Reporter | None = None,
    workers: int | None = None,
    planned: Plan | None = None,
) -> RunResult:
    """Run ``pack`` with no database into ``sink`` (``sinks.FileSink`` for ``--output``):
    the rows an empty database created from the pack's schema would get, through the
    same worker pipeline and COPY encoding. The caller finishes or aborts the sink.
    ``planned``: the plan a pack's own verb made (the social pack's phases), instead of
    ``pack.plan(cfg)``."""
    from .pool import WorkerPool

    cfg, _ = with_seed(cfg)
    seed = int(cfg.seed)
    reporter = reporter or Reporter()
    p = planned if planned is not None else plan(pack, cfg)
    sink.binary.update(pack.schema.binary_widths())
    reporter.begin(dict(p.rows))
    with WorkerPool(workers or os.cpu_count() or 1, pack.workers) as pool, pack_code(pack, "run"):
        pack.run(RunContext(cfg, None, sink, pool, reporter, seed), p)
    reporter.end()
    return RunResult(pack.name, seed, dict(sink.written), dict(getattr(sink, "seconds", {})))


def export_files(
    pack: Pack,
    cfg: Any,
    directory: Path | str,
    fmt: str,
    *,
    reporter: Reporter | None = None,
    workers: int | None = None,
    reproduce: str = "",
    planned: Plan | None = None,
) -> RunResult:
    """``export`` into ``<table>.csv|json|parquet`` files in ``directory``
    (``sinks.FileSink``): all of them or none; they replace an earlier export there whole,
    which stays as it was when this one fails. ConfigError (exit 2) for an unknown format
    or a directory holding files pgseed did not write; FileWriteError (exit 1) when the
    files cannot be written (a full disk, no permission)."""
    from .failure import export_failed
    from .files import created_dirs, remove_created
    from .sinks import FORMATS, FileSink

    if fmt not in FORMATS:
        raise ConfigError(f"unknown file format {fmt!r}: use {', '.join(FORMATS)}.")
    directory = Path(directory)
    reporter = reporter or Reporter()
    # Checks the tables and the directory (its files must be pgseed's) before any work.
    sink = FileSink(directory, fmt, pack.schema.metadata.tables, pack.schema.columns, reporter)
    created = created_dirs(directory)
    writable(directory)
    try:
        with sink:
            return export(pack, cfg, sink, reporter=reporter, workers=workers, planned=planned)
    except BaseException as exc:
        remove_created(created)
        reporter.end()
        export_failed(reporter, exc, sink, reproduce)


def writable(directory: Path, *, create: bool = True) -> None:
    """A directory that cannot be written at all is a bad ``--output``: ConfigError (exit 2)
    with the reason, before any work. Creates it (and its parents) when missing, unless
    ``create`` is False (a dry run), which checks the nearest existing parent instead."""
    import tempfile

    from .files import describe

    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"--output {directory} exists and is not a directory.")
    if not create:
        parent = directory.absolute()
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise ConfigError(
                f"cannot write to --output {directory}: {parent} is not a writable directory."
            )
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):  # nameless where it can be: nothing left
            pass
    except OSError as exc:
        reason, fix = describe(exc, directory, "choose another --output")
        raise ConfigError(f"cannot write to --output {directory}: {reason}.\nFix: {fix}.") from exc


def dry_run(pack: Pack, cfg: Any, dsn: str | None = None) -> DryRun:
    """Check everything a real run would, plan it and draw sample rows; write nothing."""
    from .run import open_checked

    production_guard()
    env_flag("SEEDER_REQUIRE_CONFIRM", True)  # a bad value is exit 2 now, not mid-run
    dsn = dsn or database_url()
    cfg, _ = with_seed(cfg)
    target, state = open_checked(dsn, pack.schema, write=True, dry_run=True)
    held: dict[str, int] = {}
    warnings: tuple[str, ...] = ()
    maps = maps_of(cfg)
    try:
        if target is not None and state == "absent":  # the refusal a real run would give
            from .fresh import check_fresh

            check_fresh(target.conn, pack.schema, target.dbname)
        if target is not None and (state == "bind" or (state == "ok" and maps)):
            from .binding import bind  # the refusals and warnings a real run would give

            warnings = tuple(bind(target.conn, pack.schema, maps).warnings())
        conn = target.conn if target is not None and state in ("ok", "bind") else None
        p = plan(pack, cfg, conn)
        if conn is not None and pack.replaces:
            held = {t: n for t, n in count_rows(conn, list(pack.schema.columns)).items() if n}
    finally:
        if target is not None:
            target.conn.close()
    return DryRun(
        pack.name,
        int(cfg.seed),
        target.dbname if target is not None else None,
        state,
        dict(p.rows),
        _samples(pack, cfg, p),
        held,
        warnings,
    )


def _samples(pack: Pack, cfg: Any, p: Plan) -> Samples:
    with pack_code(pack, "samples"):
        return pack.samples(cfg, p, int(cfg.seed))
