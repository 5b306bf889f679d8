"""The social verbs as library calls: ``seed`` (profiles, activity and jobs in one
transaction, any of them) and what they share. Nothing here prints; the CLI does.

Each command is one transaction on the engine's connection (``run.transaction``): the
tables are locked, the phases write through the loader (COPY), a "SeedRun" row records
each phase, and the engine commits, or rolls everything back on any failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import psycopg

from ... import history
from ...binding import Binding, shadowed
from ...encode import encode_rows
from ...engine import maps_of
from ...errors import ConfigError, PgseedError, SchemaMismatchError
from ...load import CopyLoader, Sink
from ...pg import Conn, lock_tables
from ...pool import WorkerPool
from ...progress import Reporter
from ...run import transaction
from ...safety import production_guard
from . import profiles, world
from .activity import narrow
from .activity.emit import Emitter
from .activity.sim import Simulation
from .config import SocialConfig
from .db import value
from .keys import seed_key
from .ledger import Database, Ledger, Run, profile_runs, run_row
from .password import password_hash
from .people import GENDERS, people
from .tables import ACTIVITY_TABLES, COLUMNS, PROFILE_TABLES, SCHEMA


@dataclass(frozen=True)
class Phases:
    profiles: bool = True
    activity: tuple[dt.date, int] | None = None  # (first day, days)
    jobs: bool = False


@dataclass
class Outcome:
    written: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    users: tuple[int, int] | None = None  # the ids a profile phase made
    jobs: dict[str, int] = field(default_factory=dict)
    already: str = ""  # the window was simulated before: what was there (nothing written)
    notes: list[str] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)  # --replace: rows removed first


def seed(
    dsn: str,
    cfg: SocialConfig,
    phases: Phases,
    *,
    reporter: Reporter,
    reproduce: str = "",
    operation: str = "seed-all",
    replace: bool = False,
    confirm: bool = False,
) -> Outcome:
    """Run the phases in one transaction (ConfigError exit 2 before anything is written;
    GenerationError exit 1 after rolling back), recorded in ``pgseed.runs`` as
    ``operation`` (the verb). ``replace`` (``seed-all --replace``): the social tables are
    emptied first, in the same transaction (``cleanup.empty``), which needs ``confirm``
    when they hold rows (SafetyError, exit 3); a failure or a stop leaves them as they
    were."""
    assert cfg.run_seed is not None
    out = Outcome()

    def body(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        lock_tables(conn, list(COLUMNS), "SHARE ROW EXCLUSIVE", "the social tables")
        reporter.begin({})
        with shadowed(conn, binding_of(loader)), _columns_named():
            out.users, out.already = write_phases(Database(conn), loader, cfg, phases, out.notes)
        # After the views: pg_get_serial_sequence must see the tables, not the views that
        # shadow renamed ones (it would find no sequence there and leave it behind).
        sync_sequences(conn)

    def jobs(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        """The reference jobs, once the indexes are back (bulk mode drops them)."""
        from .jobs import JOBS, run_job

        conn.execute("ANALYZE")  # fresh statistics for the jobs' plans
        with shadowed(conn, binding_of(loader)):  # run_job names a missing column itself
            for name in JOBS:
                out.jobs[name] = run_job(conn, name, _window_end(cfg, phases))

    production_guard()
    if phases.activity is not None:
        _check_dates(*phases.activity)
        narrow.copy_format()  # a bad PGSEED_SOCIAL_COPY is exit 2 before anything runs
    in_transaction = phases.jobs and cfg.jobs_command is None

    def empty_first(conn: Conn, bound: bool) -> None:
        from .cleanup import empty

        out.replaced = empty(conn, "all", bound, what=f"{operation} --replace", confirm=confirm)

    loader = transaction(
        dsn,
        SCHEMA,
        reporter,
        body,
        reproduce=reproduce,
        bulk_mode=True,
        workers=1,
        seed=cfg.seed,
        maps=maps_of(cfg),
        then=jobs if in_transaction else None,
        prepare=empty_first if replace else None,
        record=history.record(
            "social", operation, cfg, reproduce=reproduce, extra={"replace": replace}
        ),
    )
    out.written, out.seconds = dict(loader.written), dict(loader.seconds)
    if phases.jobs and cfg.jobs_command is not None:  # the application's runner, after the commit
        from .jobs import JOBS
        from .jobs_runner import run_command

        try:
            for name in JOBS:
                run_command(cfg.jobs_command, name, _window_end(cfg, phases), dsn, seeded=True)
        except (KeyboardInterrupt, SystemExit):  # a signal while the runner ran
            reporter.warn(
                "the seeded data is committed; only the jobs did not all run (stopped while "
                "--jobs-command ran). Fix: pgseed social run-job NAME (or the application's "
                "runner) for each job left."
            )
            raise
    return out


@contextmanager
def _columns_named() -> Iterator[None]:
    """A column the pack reads that the database lacks (an application's schema that
    renamed or dropped it) is SchemaMismatchError (exit 4) naming it and ``--map``."""
    try:
        yield
    except psycopg.errors.UndefinedColumn as exc:
        raise SchemaMismatchError(
            f"the social pack reads a column this database does not have: "
            f"{exc.diag.message_primary}.\nFix: if the application renamed it, pass --map "
            "TABLE.OLD=NEW (e.g. --map Like.fromUserId=likerId) to every social verb; "
            "if it dropped it, what reads it (an append, the jobs) cannot run here."
        ) from None


def binding_of(loader: CopyLoader) -> Binding | None:
    """The binding of an application's own schema the run writes through, or None."""
    from ...staging import BoundLoader

    return loader.binding if isinstance(loader, BoundLoader) else None


def continuing_seed(dsn: str) -> str | None:
    """The run seed an append should continue: the database's last activity run's, else
    its last profile run's; None when it has neither (or does not exist yet)."""
    from ...run import open_checked

    target, state = open_checked(dsn, SCHEMA, write=False, dry_run=True)
    if target is None:
        return None
    try:
        if state not in ("ok", "bind"):
            return None
        seed = value(
            target.conn,
            'SELECT "runSeed" FROM "SeedRun" ORDER BY (kind = \'activity\') DESC, id DESC LIMIT 1',
        )
        return None if seed is None else str(seed)
    finally:
        target.conn.close()


def _check_dates(start: dt.date, days: int) -> None:
    last = start + dt.timedelta(days=days - 1)
    if not dt.date(1900, 1, 1) <= start or last > dt.date(2200, 12, 31):
        raise ConfigError(
            f"days {start}..{last}: activity is simulated between 1900-01-01 and 2200-12-31.\n"
            "Fix: pick a --startDate and --days inside that range."
        )


def _window_end(cfg: SocialConfig, phases: Phases) -> dt.datetime:
    """The jobs' "as of": the end of the simulated window (else the profile run's start)."""
    if phases.activity is not None:
        start, days = phases.activity
        return dt.datetime.combine(start + dt.timedelta(days=days), dt.time())
    return dt.datetime.combine(cfg.start_date, dt.time())


def write_phases(
    ledger: Ledger, loader: Sink, cfg: SocialConfig, phases: Phases, notes: list[str]
) -> tuple[tuple[int, int] | None, str]:
    """The profile and activity phases into ``loader``: the users made (None: no profile
    phase) and, for an activity window simulated before, what was there."""
    users = write_profiles(ledger, loader, cfg) if phases.profiles else None
    already = ""
    if phases.activity is not None:
        _check_dates(*phases.activity)
        already = write_activity(ledger, loader, cfg, *phases.activity, notes=notes)
    return users, already


def write_profiles(ledger: Ledger, loader: Sink, cfg: SocialConfig) -> tuple[int, int]:
    """Phase A for ``cfg.count`` new users after the highest user id; returns their ids."""
    assert cfg.run_seed is not None
    key = seed_key(cfg.run_seed)
    first = ledger.max_id("User") + 1
    ids = np.arange(first, first + cfg.count, dtype=np.int64)
    p = people(key, ids, cfg.ratios(), cfg.start_date)
    signup = dt.datetime.combine(cfg.start_date - dt.timedelta(days=cfg.signup_days), dt.time())
    refs = ledger.reference(loader, signup)
    bases = profiles.Bases(
        ledger.max_id("Media"), ledger.max_id("UserInterest"), ledger.max_id("QuizResult")
    )
    batch = profiles.build(
        key, password_hash(cfg.run_seed), p, cfg.start_date, cfg.signup_days, bases, refs
    )
    for table in PROFILE_TABLES:
        loader.copy(table, encode_rows(batch.columns[table]), batch.rows[table])
    ledger.mark_dirty(loader, batch.dirty)
    last = first + cfg.count - 1
    extra = {
        "first_user_id": first,
        "last_user_id": last,
        "media_base": bases.media,
        "user_interest_base": bases.user_interest,
        "quiz_result_base": bases.quiz_result,
    }
    ledger.record(loader, *run_row(cfg, "profiles", None, None, extra, 0))
    return first, last


def write_activity(
    ledger: Ledger,
    loader: Sink,
    cfg: SocialConfig,
    start: dt.date,
    days: int,
    *,
    notes: list[str],
) -> str:
    """Phase B for local days ``start .. start + days - 1`` over every seeded user,
    continuing from what the database holds (``activity.state``). Returns "" or, when
    every day of the window was simulated before, what was there (nothing is written)."""
    assert cfg.run_seed is not None
    already = _window(ledger.runs(), cfg, start, days, notes)
    if already:
        return already
    runs = profile_runs(ledger)
    if not runs:
        raise PgseedError(
            "no seeded profiles to simulate: the database has no profile run.\n"
            "Fix: run pgseed social seed-profiles (or seed-all) first."
        )
    w = world.build(runs)
    key = seed_key(cfg.run_seed)
    sim = Simulation(key, w.p, w.traits, spec_model=cfg.like_model == "spec", odds=cfg.odds())
    ids = ledger.prior(sim, start)
    id_bases = {f"{t}_base": ids.last.get(t, 0) for t in ACTIVITY_TABLES}
    emitter = Emitter(key, w.p, w.first_names, ids)
    post_ids = _counter(ids.last.get("Post", 0))
    buffer: dict[str, list[bytes]] = {t: [] for t in ACTIVITY_TABLES}
    counts = dict.fromkeys(ACTIVITY_TABLES, 0)
    binary = narrow.choose(loader)
    d0 = start.toordinal()
    for d in range(d0, d0 + days):
        day = sim.day(d, post_ids)
        for table, (cols, n) in emitter.day(day).items():
            if n:
                buffer[table].append(narrow.encode(cols, table in binary))
                counts[table] += n
        if sum(counts.values()) >= cfg.batch_size or d == d0 + days - 1:
            for table in ACTIVITY_TABLES:
                if counts[table]:
                    loader.copy(table, buffer[table], counts[table])
                buffer[table], counts[table] = [], 0
    ledger.record(loader, *run_row(cfg, "activity", start, days, id_bases, ledger.users()))
    return ""


def _window(runs: list[Run], cfg: SocialConfig, start: dt.date, days: int, notes: list[str]) -> str:
    """Judge a window against the activity already simulated (issue 11 "Append-safe").

    Activity continues one run seed and moves forward: "" for a window after the last
    simulated day; a message (nothing to do) when every day of it was simulated before
    with the same seed (the same append again); ConfigError (exit 2) for another run
    seed or like model (``like_model``, ``like_odds``: the market), or a window that
    overlaps or comes before simulated days."""
    run_seed = cfg.run_seed
    activity = [r for r in runs if r.kind == "activity"]
    rows = [(r.run_seed, r.start, r.days) for r in activity if r.start and r.days is not None]
    if not rows:
        return ""
    last_seed = str(rows[-1][0])
    before = world.config_of(activity[-1].config)
    if (before.like_model, before.odds()) != (cfg.like_model, cfg.odds()):
        raise ConfigError(
            f"the activity here was simulated with {_model(before)}; an append continues "
            f"it with the same like model (this run: {_model(cfg)}).\nFix: pass "
            f"--market {before.market} (and any like_model / like_odds --set) as the first "
            "window did, or reset --scope activity first."
        )
    done: set[int] = set()
    for _, first, n in rows:
        done.update(range(first.toordinal(), first.toordinal() + int(n)))
    first_day, last_day = dt.date.fromordinal(min(done)), dt.date.fromordinal(max(done))
    end = start + dt.timedelta(days=days - 1)
    if run_seed != last_seed:
        raise ConfigError(
            f"the activity here ({first_day}..{last_day}) was simulated with runSeed "
            f"{last_seed}; an append continues it with the same seed.\n"
            f"Fix: pass --runSeed {last_seed}, or reset --scope activity first to simulate "
            f"with {run_seed}."
        )
    window = set(range(start.toordinal(), end.toordinal() + 1))
    if window <= done:
        return (
            f"nothing to do: days {start}..{end} were already simulated with runSeed "
            f"{last_seed} (the same append again changes nothing)."
        )
    if start <= last_day:
        raise ConfigError(
            f"days {start}..{end} do not come after the days already simulated "
            f"({first_day}..{last_day}): activity is appended in order, never simulated twice "
            "or before what is there.\n"
            f"Fix: --startDate {last_day + dt.timedelta(days=1)}, or reset --scope activity first."
        )
    if start > last_day + dt.timedelta(days=1):
        notes.append(
            f"days {last_day + dt.timedelta(days=1)}..{start - dt.timedelta(days=1)} are left "
            "without activity (a gap between windows)"
        )
    return ""


def _model(cfg: SocialConfig) -> str:
    odds = " ".join(f"{g}={o:g}" for g, o in zip(GENDERS, cfg.odds(), strict=True))
    return f"--market {cfg.market} (like_model {cfg.like_model}, like_odds {odds})"


def _counter(last: int) -> Iterator[int]:
    n = last
    while True:
        n += 1
        yield n


def sync_sequences(conn: Conn) -> None:
    """Each identity after the highest id, so the application's next INSERT succeeds."""
    for table, cols in COLUMNS.items():
        if "id" not in cols:
            continue
        conn.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)',
            [f'"{table}"'],
        )


def quiet_transaction(
    dsn: str,
    body: Callable[[Conn, CopyLoader, WorkerPool], object],
    maps: Mapping[str, Mapping[str, str]] | None,
    record: history.Record | None,
) -> None:
    """One short transaction of the pack's own verbs (reset, one job): the engine's, with
    no progress and no bulk mode, recorded in ``pgseed.runs`` as ``record``."""
    transaction(
        dsn,
        SCHEMA,
        Reporter(progress=False),
        body,
        reproduce="",
        bulk_mode=False,
        maps=maps,
        record=record,
    )
