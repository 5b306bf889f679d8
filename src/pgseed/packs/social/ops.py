"""The social verbs as library calls: ``seed`` (profiles, activity and jobs in one
transaction, any of them) and what they share. Nothing here prints; the CLI does.

Each command is one transaction on the engine's connection (``run.transaction``): the
tables are locked, the phases write through the loader (COPY), a "SeedRun" row records
each phase, and the engine commits, or rolls everything back on any failure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from ... import __version__
from ...encode import encode_rows
from ...errors import ConfigError, PgseedError
from ...load import CopyLoader
from ...pg import Conn, lock_tables
from ...pool import WorkerPool
from ...progress import Reporter
from ...run import transaction
from ...safety import production_guard
from . import profiles, reference, world
from .activity import state as prior
from .activity.emit import Emitter
from .activity.sim import Simulation
from .config import SocialConfig
from .db import fetch, value
from .keys import seed_key
from .password import password_hash
from .people import people
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


def seed(
    dsn: str,
    cfg: SocialConfig,
    phases: Phases,
    *,
    reporter: Reporter,
    reproduce: str = "",
) -> Outcome:
    """Run the phases in one transaction (ConfigError exit 2 before anything is written;
    GenerationError exit 1 after rolling back)."""
    assert cfg.run_seed is not None
    out = Outcome()

    def body(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        lock_tables(conn, list(COLUMNS), "SHARE ROW EXCLUSIVE", "the social tables")
        reporter.begin({})
        if phases.profiles:
            out.users = write_profiles(conn, loader, cfg)
        if phases.activity is not None:
            write_activity(conn, loader, cfg, *phases.activity, reporter=reporter)
        sync_sequences(conn)

    def jobs(conn: Conn, loader: CopyLoader, pool: WorkerPool) -> None:
        """The reference jobs, once the indexes are back (bulk mode drops them)."""
        from .jobs import JOBS, run_job

        conn.execute("ANALYZE")  # fresh statistics for the jobs' plans
        for name in JOBS:
            out.jobs[name] = run_job(conn, name, _window_end(cfg, phases))

    production_guard()
    in_transaction = phases.jobs and cfg.jobs_command is None
    loader = transaction(
        dsn,
        SCHEMA,
        reporter,
        body,
        reproduce=reproduce,
        bulk_mode=True,
        workers=1,
        seed=cfg.seed,
        then=jobs if in_transaction else None,
    )
    out.written, out.seconds = dict(loader.written), dict(loader.seconds)
    if phases.jobs and cfg.jobs_command is not None:  # the application's runner, after the commit
        from .jobs import JOBS
        from .jobs_runner import run_command

        for name in JOBS:
            run_command(cfg.jobs_command, name, _window_end(cfg, phases))
            out.jobs[name] = 0
    return out


def _window_end(cfg: SocialConfig, phases: Phases) -> dt.datetime:
    """The jobs' "as of": the end of the simulated window (else the profile run's start)."""
    if phases.activity is not None:
        start, days = phases.activity
        return dt.datetime.combine(start + dt.timedelta(days=days), dt.time())
    return dt.datetime.combine(cfg.start_date, dt.time())


def _max_id(conn: Conn, table: str) -> int:
    return int(value(conn, f'SELECT coalesce(max(id), 0) FROM "{table}"'))


def write_profiles(conn: Conn, loader: CopyLoader, cfg: SocialConfig) -> tuple[int, int]:
    """Phase A for ``cfg.count`` new users after the highest user id; returns their ids."""
    assert cfg.run_seed is not None
    key = seed_key(cfg.run_seed)
    first = _max_id(conn, "User") + 1
    ids = np.arange(first, first + cfg.count, dtype=np.int64)
    p = people(key, ids, cfg.ratios(), cfg.start_date)
    signup = dt.datetime.combine(cfg.start_date - dt.timedelta(days=cfg.signup_days), dt.time())
    refs = reference.ensure(conn, signup)
    bases = profiles.Bases(
        _max_id(conn, "Media"), _max_id(conn, "UserInterest"), _max_id(conn, "QuizResult")
    )
    batch = profiles.build(
        key, password_hash(cfg.run_seed), p, cfg.start_date, cfg.signup_days, bases, refs
    )
    for table in PROFILE_TABLES:
        loader.copy(table, encode_rows(batch.columns[table]), batch.rows[table])
    _mark_dirty(conn, batch.dirty)
    last = first + cfg.count - 1
    bases_cfg = {
        "media_base": bases.media,
        "user_interest_base": bases.user_interest,
        "quiz_result_base": bases.quiz_result,
    }
    record(
        conn,
        cfg,
        "profiles",
        None,
        None,
        {"first_user_id": first, "last_user_id": last, **bases_cfg},
    )
    return first, last


def _mark_dirty(conn: Conn, dirty: dict[int, int]) -> None:
    """ "InterestDirty": every interest a user touched, at its latest touch (spec 5.1)."""
    if not dirty:
        return
    ids = list(dirty)
    at = [dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=dirty[i]) for i in ids]
    conn.execute(
        'UPDATE "InterestDirty" d SET "touchedAt" = greatest(d."touchedAt", v.at) '
        'FROM unnest(%s::bigint[], %s::timestamp[]) AS v(id, at) WHERE d."interestId" = v.id',
        [ids, at],
    )
    conn.execute(
        'INSERT INTO "InterestDirty" ("interestId", "touchedAt") '
        "SELECT v.id, v.at FROM unnest(%s::bigint[], %s::timestamp[]) AS v(id, at) "
        'WHERE NOT EXISTS (SELECT 1 FROM "InterestDirty" d WHERE d."interestId" = v.id)',
        [ids, at],
    )


def record(
    conn: Conn,
    cfg: SocialConfig,
    kind: str,
    start: dt.date | None,
    days: int | None,
    extra: Mapping[str, object],
) -> None:
    """One "SeedRun" row: the run seed, the phase, its window and its whole config."""
    config = {**cfg.model_dump(mode="json", exclude={"seed"}), **extra}
    count = cfg.count if kind == "profiles" else int(value(conn, 'SELECT count(*) FROM "User"'))
    created = dt.datetime.combine(start or cfg.start_date, dt.time())
    conn.execute(
        'INSERT INTO "SeedRun" ("runSeed", kind, "startDate", days, "profileCount", '
        '"pgseedVersion", config, "createdAt") VALUES (%s, %s, %s, %s, %s, %s, %s, %s)',
        [cfg.run_seed, kind, start, days, count, __version__, json.dumps(config), created],
    )


def write_activity(
    conn: Conn,
    loader: CopyLoader,
    cfg: SocialConfig,
    start: dt.date,
    days: int,
    *,
    reporter: Reporter,
) -> None:
    """Phase B for local days ``start .. start + days - 1`` over every seeded user,
    continuing from what the database holds (``activity.state``)."""
    assert cfg.run_seed is not None
    if _already_simulated(conn, start, days):
        return
    runs = world.profile_runs(conn)
    if not runs:
        raise PgseedError(
            "no seeded profiles to simulate: the database has no profile run.\n"
            "Fix: run pgseed social seed-profiles (or seed-all) first."
        )
    w = world.build(runs)
    key = seed_key(cfg.run_seed)
    sim = Simulation(key, w.p, w.traits, spec_model=cfg.like_model == "spec")
    ids = prior.load(conn, sim, start)
    id_bases = {f"{t}_base": ids.last.get(t, 0) for t in ACTIVITY_TABLES}
    emitter = Emitter(key, w.p, w.first_names, ids)
    post_ids = _counter(ids.last.get("Post", 0))
    buffer: dict[str, list[bytes]] = {t: [] for t in ACTIVITY_TABLES}
    counts = dict.fromkeys(ACTIVITY_TABLES, 0)
    d0 = start.toordinal()
    for d in range(d0, d0 + days):
        day = sim.day(d, post_ids)
        for table, (cols, n) in emitter.day(day).items():
            if n:
                buffer[table].append(encode_rows(cols))
                counts[table] += n
        if sum(counts.values()) >= cfg.batch_size or d == d0 + days - 1:
            for table in ACTIVITY_TABLES:
                if counts[table]:
                    loader.copy(table, buffer[table], counts[table])
                buffer[table], counts[table] = [], 0
    record(conn, cfg, "activity", start, days, id_bases)


def _already_simulated(conn: Conn, start: dt.date, days: int) -> bool:
    """True when every day of the window was simulated before (the same append again:
    nothing to do); ConfigError (exit 2) when only some were, naming the next free day."""
    rows = fetch(
        conn,
        'SELECT "startDate", days FROM "SeedRun" WHERE kind = \'activity\' ORDER BY "startDate"',
    )
    done: set[int] = set()
    for first, n in rows:
        done.update(range(first.toordinal(), first.toordinal() + int(n)))
    window = set(range(start.toordinal(), start.toordinal() + days))
    if window <= done:
        return True
    if window & done:
        last = dt.date.fromordinal(max(done))
        raise ConfigError(
            f"days {start}..{start + dt.timedelta(days=days - 1)} overlap days already simulated "
            f"(through {last}): activity is appended, never simulated twice.\n"
            f"Fix: --startDate {last + dt.timedelta(days=1)}, or reset --scope activity first."
        )
    return False


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
