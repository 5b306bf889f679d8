"""Timestamps of the activity tables: never before the accounts they involve, and inside
the union of the activity runs' windows (``scope``: local days as UTC bounds).

The site's seeder keyed days by their offset from ``--startDate`` and replayed them;
rows outside every recorded window, or older than their user, are what that leaves.
"""

from __future__ import annotations

from psycopg import sql

from ....checks import Check, count
from ....pg import Conn
from .scope import Span, inside

# (table, its timestamp columns (the first is when the act happened), the users it involves)
TIMED: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("Post", ("createdAt", "updatedAt"), ("userId",)),
    ("Like", ("createdAt",), ("fromUserId", "toUserId")),
    ("ProfileView", ("viewedAt",), ("viewerUserId", "viewedUserId")),
    ("FeedSeen", ("seenAt", "createdAt", "updatedAt"), ("viewerUserId",)),
    ("Message", ("createdAt",), ("senderId",)),
    ("Match", ("createdAt", "updatedAt"), ("userAId", "userBId")),
    ("Conversation", ("createdAt", "updatedAt"), ("userAId", "userBId")),
]


def _after_accounts(table: str, at: str, users: tuple[str, ...]) -> sql.Composed:
    """Rows whose act predates (or lacks) one of the accounts it involves (joins, not a
    subquery per row: hash joins over a million likes)."""
    joins = sql.SQL(" ").join(
        sql.SQL('LEFT JOIN "User" {u} ON {u}.id = r.{col}').format(
            u=sql.Identifier(f"u{i}"), col=sql.Identifier(col)
        )
        for i, col in enumerate(users)
    )
    cond = sql.SQL(" OR ").join(
        sql.SQL('{u}.id IS NULL OR {u}."createdAt" > r.{at}').format(
            u=sql.Identifier(f"u{i}"), at=sql.Identifier(at)
        )
        for i in range(len(users))
    )
    return sql.SQL("SELECT count(*) FROM {t} r {joins} WHERE {cond}").format(
        t=sql.Identifier(table), joins=joins, cond=cond
    )


def _outside(table: str, columns: tuple[str, ...], windows: list[Span]) -> sql.Composed:
    return sql.SQL("SELECT count(*) FROM {t} r WHERE {cond}").format(
        t=sql.Identifier(table),
        cond=sql.SQL(" OR ").join(
            sql.SQL("NOT {}").format(inside(sql.SQL("r.{}").format(sql.Identifier(c)), windows))
            for c in columns
        ),
    )


def _describe(windows: list[Span]) -> str:
    if not windows:
        return "no activity SeedRun row"
    return ", ".join(f"{w.lo:%Y-%m-%d %H:%M} to {w.hi:%Y-%m-%d %H:%M} UTC" for w in windows)


def checks(conn: Conn, windows: list[Span]) -> list[Check]:
    out: list[Check] = []
    for table, columns, users in TIMED:
        bad = count(conn, _after_accounts(table, columns[0], users))
        out.append(
            Check(
                f"{table}: not before the account of {', '.join(users)}",
                bad == 0,
                "ok" if bad == 0 else f"{bad:,} rows before their user's createdAt",
            )
        )
    where = _describe(windows)
    for table, columns, _ in TIMED:
        bad = count(conn, _outside(table, columns, windows))
        out.append(
            Check(
                f"{table}: {', '.join(columns)} inside the activity windows",
                bad == 0,
                f"ok ({where})" if bad == 0 else f"{bad:,} rows outside {where}",
            )
        )
    return out
