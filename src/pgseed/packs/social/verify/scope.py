"""What a verify measures against, read from the "SeedRun" rows: the activity windows
and the users of a run.

An activity run covers local days ``[startDate, startDate + days)`` in the users' US time
zones, which is UTC ``[startDate 00:00, startDate + days + 12 h)`` (UTC-5..-10 push a
local evening up to 10 h past UTC midnight; 12 h leaves room for DST). Windows of several
runs (an append, a replayed append) are merged into their union.

A run's users are the ids of its profile runs (``config.first_user_id`` ..
``last_user_id``); without a run seed, the latest run's seed is used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psycopg import sql

from ....pg import Conn

TAIL = dt.timedelta(hours=12)  # local day end in US zones, as UTC

# Every table verify reads; a database without them gets one failed rule, not a traceback.
TABLES = (
    "User",
    "Profile",
    "UserInterest",
    "QuizResult",
    "Post",
    "Like",
    "LikedPost",
    "FeedSeen",
    "ProfileView",
    "Match",
    "Conversation",
    "Message",
    "SearchableUser",
    "SeedRun",
)


@dataclass(frozen=True)
class Span:
    lo: dt.datetime
    hi: dt.datetime  # exclusive


@dataclass(frozen=True)
class Scope:
    """A set of users the band rules measure: ``label`` names it in the rule's name,
    ``users`` is a SQL query of their ids (the whole "User" table for the database)."""

    label: str
    users: sql.Composable


def missing_tables(conn: Conn) -> list[str]:
    rows = conn.execute(
        "SELECT t FROM unnest(%s::text[]) t WHERE to_regclass(quote_ident(t)) IS NULL",
        [list(TABLES)],
    ).fetchall()
    return [str(r[0]) for r in rows]


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: s.lo):
        if out and s.lo <= out[-1].hi:
            out[-1] = Span(out[-1].lo, max(out[-1].hi, s.hi))
        else:
            out.append(s)
    return out


def activity_days(conn: Conn) -> list[Span]:
    """The simulated local days of every activity run (their union, as midnights)."""
    rows = conn.execute(
        'SELECT "startDate", days FROM "SeedRun" WHERE kind = \'activity\''
        ' AND "startDate" IS NOT NULL AND days > 0'
    ).fetchall()
    spans = [
        Span(dt.datetime.combine(d, dt.time()), dt.datetime.combine(d, dt.time()) + dt.timedelta(n))
        for d, n in rows
        if isinstance(d, dt.date) and isinstance(n, int)
    ]
    return merge(spans)


def utc_windows(days: list[Span]) -> list[Span]:
    return merge([Span(s.lo, s.hi + TAIL) for s in days])


def inside(column: sql.Composable, windows: list[Span]) -> sql.Composable:
    """``column`` lies in one of ``windows`` (FALSE with none: no run, no activity)."""
    if not windows:
        return sql.SQL("FALSE")
    return sql.SQL("({})").format(
        sql.SQL(" OR ").join(
            sql.SQL("({c} >= {lo} AND {c} < {hi})").format(
                c=column, lo=sql.Literal(w.lo), hi=sql.Literal(w.hi)
            )
            for w in windows
        )
    )


def latest_seed(conn: Conn) -> str | None:
    row = conn.execute('SELECT "runSeed" FROM "SeedRun" ORDER BY id DESC LIMIT 1').fetchone()
    return str(row[0]) if row else None


def run_ranges(conn: Conn, run_seed: str) -> list[tuple[int, int]]:
    """The user id ranges of the run's profile phases."""
    rows = conn.execute(
        "SELECT (config->>'first_user_id')::bigint, (config->>'last_user_id')::bigint"
        ' FROM "SeedRun" WHERE kind = \'profiles\' AND "runSeed" = %s'
        " AND config ? 'first_user_id' AND config ? 'last_user_id' ORDER BY 1",
        [run_seed],
    ).fetchall()
    return [(int(str(lo)), int(str(hi))) for lo, hi in rows if lo is not None and hi is not None]


def database() -> Scope:
    return Scope("database", sql.SQL('SELECT id FROM "User"'))


def run(run_seed: str, ranges: list[tuple[int, int]]) -> Scope:
    cond = sql.SQL(" OR ").join(
        sql.SQL("id BETWEEN {} AND {}").format(sql.Literal(lo), sql.Literal(hi))
        for lo, hi in ranges
    )
    return Scope(f"run {run_seed}", sql.SQL('SELECT id FROM "User" WHERE {}').format(cond))
