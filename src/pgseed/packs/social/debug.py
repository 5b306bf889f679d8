"""``debug-user`` (spec 004 "debugUser.ts", issue 11): one user's rows regenerated from the
seed alone, printed with their personality, and diffed against the database.

What it reads: the "SeedRun" rows (which run seed and config made which ids, and each
activity window) and the reference rows' ids. It never reads another user's rows: every
user is recomputed from the seeds (``world``), the windows are simulated again in memory
(``activity.sim``, as one run continues another), and only then are the rows involving
this user kept. The diff runs in PostgreSQL: the regenerated rows go into temporary tables
(dropped with the read-only transaction) and are compared with EXCEPT ALL both ways.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psycopg import sql

from ...encode import encode_rows
from ...errors import ConfigError
from ...pg import Conn
from . import profiles, reference, world
from .activity.emit import Emitter, Ids
from .activity.narrow import text
from .activity.sim import Simulation
from .config import SocialConfig
from .db import fetch
from .keys import seed_key
from .people import People, people
from .tables import ACTIVITY_TABLES, COLUMNS, PROFILE_TABLES

Rows = list[list[str | None]]  # rows of one table, fields as COPY text values

# Which columns name the user in each table (a row involving the user has it in one).
USER_COLUMNS = {
    "User": ("id",),
    "Media": ("userId",),
    "Profile": ("userId",),
    "UserInterest": ("userId",),
    "QuizResult": ("userId",),
    "Post": ("userId",),
    "ProfileView": ("viewerUserId", "viewedUserId"),
    "Like": ("fromUserId", "toUserId"),
    "Match": ("userAId", "userBId"),
    "Conversation": ("userAId", "userBId"),
    "Message": ("senderId",),
    "FeedSeen": ("viewerUserId",),
    "LikedPost": ("userId",),
}


@dataclass
class Regenerated:
    user_id: int
    run_seed: str
    person: People  # one entry
    rows: dict[str, Rows] = field(default_factory=dict)


def _runs(
    conn: Conn,
) -> tuple[
    list[tuple[world.ProfileRun, dict[str, Any]]], list[tuple[str, dt.date, int, dict[str, Any]]]
]:
    profile_runs, windows = [], []
    for run_seed, kind, start, days, config in fetch(
        conn, 'SELECT "runSeed", kind::text, "startDate", days, config FROM "SeedRun" ORDER BY id'
    ):
        if kind == "profiles":
            cfg = world.config_of(config)
            pr = world.ProfileRun(
                str(run_seed), cfg, int(config["first_user_id"]), int(config["last_user_id"])
            )
            profile_runs.append((pr, config))
        else:
            windows.append((str(run_seed), start, int(days), config))
    return profile_runs, windows


def regenerate(conn: Conn, user_id: int) -> Regenerated:
    """Every row involving ``user_id`` as the runs recorded in "SeedRun" would write it.

    ConfigError (exit 2) when no profile run made that id."""
    profile_runs, windows = _runs(conn)
    mine = [(r, c) for r, c in profile_runs if r.first <= user_id <= r.last]
    if not mine:
        made = ", ".join(f"{r.first}..{r.last}" for r, _ in profile_runs) or "none"
        raise ConfigError(
            f"user {user_id} was not made by a profile run of this database (runs made ids {made}).\n"
            "Fix: pass a --userId from those ranges."
        )
    run, config = mine[-1]
    key = seed_key(run.run_seed)
    ids = np.arange(run.first, run.last + 1, dtype=np.int64)
    p = people(key, ids, run.cfg.ratios(), run.cfg.start_date)
    bases = profiles.Bases(
        int(config.get("media_base", 0)),
        int(config.get("user_interest_base", 0)),
        int(config.get("quiz_result_base", 0)),
    )
    from .password import password_hash

    batch = profiles.build(
        key,
        password_hash(run.run_seed),
        p,
        run.cfg.start_date,
        run.cfg.signup_days,
        bases,
        reference.lookup(conn),
    )
    out = Regenerated(user_id, run.run_seed, p.take(np.array([user_id - run.first])))
    for table in PROFILE_TABLES:
        out.rows[table] = _involving(table, batch.columns[table], user_id)
    if windows:
        _activity(out, [r for r, _ in profile_runs], windows)
    return out


def _involving(
    table: str, columns: Sequence[Sequence[str | None]], user_id: int, extra: set[str] | None = None
) -> Rows:
    names = COLUMNS[table]
    at = [names.index(c) for c in USER_COLUMNS[table]]
    want = str(user_id)
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    keep = [r for r in rows if any(r[i] == want for i in at)]
    if extra is not None and table == "Message":  # the other side's messages in the user's threads
        keep = [r for r in rows if r[1] in extra]
    return keep


def _activity(
    out: Regenerated,
    runs: list[world.ProfileRun],
    windows: list[tuple[str, dt.date, int, dict[str, Any]]],
) -> None:
    w = world.build(runs)
    first = windows[0][3]
    ids = Ids(last={t: int(first.get(f"{t}_base", 0)) for t in ACTIVITY_TABLES})
    model = world.config_of(first)  # the like model and odds every window used (ops._window)
    sim = Simulation(
        seed_key(windows[0][0]),
        w.p,
        w.traits,
        spec_model=model.like_model == "spec",
        odds=model.odds(),
    )
    emitter = Emitter(sim.key, w.p, w.first_names, ids)
    post_ids = itertools.count(ids.last["Post"] + 1)
    rows: dict[str, Rows] = {t: [] for t in ACTIVITY_TABLES}
    convs: set[str] = set()
    for run_seed, start, days, _ in windows:
        sim.key = emitter.key = seed_key(run_seed)
        d0 = start.toordinal()
        for d in range(d0, d0 + days):
            for table, (typed, n) in emitter.day(sim.day(d, post_ids)).items():
                if not n:
                    continue
                cols = [text(c) for c in typed]
                if table == "Conversation":
                    kept = _involving(table, cols, out.user_id)
                    convs.update(str(r[0]) for r in kept)
                    rows[table] += kept
                elif table == "Message":
                    rows[table] += _involving(table, cols, out.user_id, convs)
                else:
                    rows[table] += _involving(table, cols, out.user_id)
    out.rows.update(rows)


@dataclass(frozen=True)
class Diff:
    table: str
    regenerated: int
    missing: Rows  # regenerated, not in the database
    extra: Rows  # in the database, not regenerated


def diff(conn: Conn, r: Regenerated) -> list[Diff]:
    """Per table: the user's regenerated rows against the database's (EXCEPT ALL both ways)."""
    out = []
    convs = [row[0] for row in r.rows.get("Conversation", [])]
    for table, rows in r.rows.items():
        tmp = sql.Identifier(f"pgseed_debug_{table.lower()}")
        # On an application's own schema, only the columns it has (renamed ones under
        # the models' names, ``binding.shadow``) are compared.
        have = set(_columns(conn, table))
        keep = [i for i, c in enumerate(COLUMNS[table]) if c in have]
        cols = sql.SQL(", ").join(sql.Identifier(COLUMNS[table][i]) for i in keep)
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                tmp, cols, sql.Identifier(table)
            )
        )
        if rows:
            with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(tmp, cols)) as cp:
                cp.write(encode_rows([[row[i] for row in rows] for i in keep]))
        if table == "Message":
            where = sql.SQL('"conversationId" = ANY({})').format(
                sql.Literal([int(c) for c in convs if c is not None])
            )
        else:
            where = sql.SQL(" OR ").join(
                sql.SQL("{} = {}").format(sql.Identifier(c), sql.Literal(r.user_id))
                for c in USER_COLUMNS[table]
            )
        live = sql.SQL("SELECT {} FROM {} WHERE {}").format(cols, sql.Identifier(table), where)
        mine = sql.SQL("SELECT {} FROM {}").format(cols, tmp)
        missing = fetch(conn, sql.SQL("{} EXCEPT ALL {} LIMIT 5").format(mine, live))
        extra = fetch(conn, sql.SQL("{} EXCEPT ALL {} LIMIT 5").format(live, mine))
        out.append(
            Diff(
                table,
                len(rows),
                [list(map(_text, m)) for m in missing],
                [list(map(_text, e)) for e in extra],
            )
        )
    return out


def _columns(conn: Conn, table: str) -> list[str]:
    """The columns ``table`` has (the shadowing view's, where there is one)."""
    return [
        str(row[0])
        for row in fetch(
            conn,
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [sql.Identifier(table).as_string(conn)],
        )
    ]


def _text(v: object) -> str | None:
    return None if v is None else str(v)


__all__ = ["Diff", "Regenerated", "SocialConfig", "diff", "regenerate"]
