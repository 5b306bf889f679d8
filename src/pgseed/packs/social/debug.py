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
from .activity import state
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


Window = tuple[str, dt.date, int, dict[str, Any]]  # run seed, first day, days, config


def _runs(
    conn: Conn,
) -> tuple[list[tuple[world.ProfileRun, dict[str, Any]]], list[Window], list[int]]:
    """The profile runs, the activity windows, and for each window how many profile runs
    were recorded before it (the users it simulated), all in "SeedRun" order."""
    profile_runs, windows, known = [], [], []
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
            known.append(len(profile_runs))
    return profile_runs, windows, known


def regenerate(conn: Conn, user_id: int) -> Regenerated:
    """Every row involving ``user_id`` as the runs recorded in "SeedRun" would write it.

    ConfigError (exit 2) when no profile run made that id."""
    profile_runs, windows, known = _runs(conn)
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
        _activity(out, [r for r, _ in profile_runs], windows, known)
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


# What a later epoch's ``state.restore`` reads back from the replay (the rows ``state.load``
# reads from the database): table -> the columns kept.
_PRIOR = {
    "Like": ("fromUserId", "toUserId", "action", "createdAt"),
    "Match": ("id", "userAId", "userBId", "createdAt"),
    "Conversation": ("id", "userAId", "userBId"),
    "Post": ("id", "userId", "createdAt"),
    "FeedSeen": ("viewerUserId", "itemType", "itemId"),
}


def _activity(
    out: Regenerated,
    runs: list[world.ProfileRun],
    windows: list[Window],
    known: list[int],
) -> None:
    """Replay every window as the runs did: a window simulates the users whose profile
    runs came before it (``known``). When profiles were added between two windows, the
    later window starts a new simulation over more users, continuing from what the replay
    wrote so far (``state.restore``), as ``seed-activity`` continues from the database."""
    model = world.config_of(windows[0][3])  # every window's like model (ops._window)
    rows: dict[str, Rows] = {t: [] for t in ACTIVITY_TABLES}
    kept: dict[str, list[list[str | None]]] = {t: [] for t in _PRIOR}
    convs: set[str] = set()
    sim: Simulation | None = None
    for k, (run_seed, start, days, config) in enumerate(windows):
        if sim is None or known[k] != known[k - 1]:
            w = world.build(runs[: known[k]])
            sim = Simulation(
                seed_key(run_seed),
                w.p,
                w.traits,
                spec_model=model.like_model == "spec",
                odds=model.odds(),
            )
            last = {t: int(config.get(f"{t}_base", 0)) for t in ACTIVITY_TABLES}
            ids = state.restore(sim, start, _prior(last, kept)) if k else Ids(last=last)
            emitter = Emitter(sim.key, w.p, w.first_names, ids)
            post_ids = itertools.count(ids.last["Post"] + 1)
        keep_all = known[k] != known[-1]  # a later window starts over with more users
        sim.key = emitter.key = seed_key(run_seed)
        d0 = start.toordinal()
        for d in range(d0, d0 + days):
            for table, (typed, n) in emitter.day(sim.day(d, post_ids)).items():
                if not n:
                    continue
                cols = [text(c) for c in typed]
                if keep_all and table in _PRIOR:
                    at = [COLUMNS[table].index(c) for c in _PRIOR[table]]
                    kept[table] += [[row[i] for i in at] for row in zip(*cols, strict=True)]
                if table == "Conversation":
                    mine = _involving(table, cols, out.user_id)
                    convs.update(str(r[0]) for r in mine)
                    rows[table] += mine
                elif table == "Message":
                    rows[table] += _involving(table, cols, out.user_id, convs)
                else:
                    rows[table] += _involving(table, cols, out.user_id)
    out.rows.update(rows)


def _prior(last: dict[str, int], kept: dict[str, list[list[str | None]]]) -> state.Prior:
    """The replay's rows so far as ``state.Prior`` (what ``state.fetched`` reads)."""

    def ints(table: str, i: int) -> np.ndarray:
        return np.array([int(str(r[i])) for r in kept[table]], dtype=np.int64)

    def ms(table: str, i: int) -> np.ndarray:
        stamps = np.array([str(r[i]) for r in kept[table]], dtype="datetime64[ms]")
        return stamps.astype(np.int64)

    seen = [r for r in kept["FeedSeen"] if r[1] == "POST"]
    return state.Prior(
        last,
        (
            ints("Like", 0),
            ints("Like", 1),
            np.array([r[2] == "LIKE" for r in kept["Like"]], dtype=bool),
            ms("Like", 3),
        ),
        (ints("Match", 0), ints("Match", 1), ints("Match", 2), ms("Match", 3)),
        (ints("Conversation", 0), ints("Conversation", 1), ints("Conversation", 2)),
        (ints("Post", 0), ints("Post", 1), ms("Post", 2)),
        (
            np.array([int(str(r[0])) for r in seen], dtype=np.int64),
            np.array([int(str(r[2])) for r in seen], dtype=np.int64),
        ),
    )


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
