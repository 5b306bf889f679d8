"""Spec 004 section 7.2, "Sanity checks after seed", on the whole database.

The fifth, "5-15% like -> match ratio", is the match-rate band (``bands``), checked for
the run and for the database there.
"""

from __future__ import annotations

from ....checks import Check, count
from ....pg import Conn

THREADS_MIN_SHARE = 0.5  # "message threads >= 2 msgs on most matches": more than half
THREADS_AT_LEAST = 50  # conversations: as the bands' reply rate (verify/bands.py)


def _users_have_profiles(conn: Conn) -> Check:
    users = count(conn, 'SELECT count(*) FROM "User"')
    profiles = count(conn, 'SELECT count(*) FROM "Profile"')
    orphans = count(
        conn,
        'SELECT (SELECT count(*) FROM "User" u WHERE NOT EXISTS (SELECT 1 FROM "Profile" p'
        ' WHERE p."userId" = u.id)) + (SELECT count(*) FROM "Profile" p WHERE NOT EXISTS'
        ' (SELECT 1 FROM "User" u WHERE u.id = p."userId"))',
    )
    ok = users == profiles and orphans == 0
    detail = f"{users:,} users, {profiles:,} profiles"
    return Check(
        "users.count == profiles.count", ok, detail + (f", {orphans:,} unpaired" if orphans else "")
    )


def _interests(conn: Conn) -> Check:
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE n NOT BETWEEN 3 AND 8), min(n), max(n) FROM (SELECT"
        ' (SELECT count(*) FROM "UserInterest" i WHERE i."userId" = u.id) AS n FROM "User" u) x'
    ).fetchone()
    bad, lo, hi = (int(str(v)) if v is not None else 0 for v in (row or (0, 0, 0)))
    span = f"{lo}-{hi} per user" if row and row[1] is not None else "no users"
    return Check(
        "3-8 interests per user (every user)",
        bad == 0,
        span if bad == 0 else f"{bad:,} users outside 3-8 ({span})",
    )


def _threads(conn: Conn) -> Check:
    row = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE n >= 2) FROM (SELECT c.id, (SELECT count(*)"
        ' FROM "Message" g WHERE g."conversationId" = c.id) AS n FROM "Conversation" c) x'
    ).fetchone()
    total, two = (int(str(v)) for v in (row or (0, 0)))
    name = "message threads >= 2 messages on most conversations"
    if total < THREADS_AT_LEAST:  # 1 of 2 conversations is no share (spec 004's 50 x 7)
        why = f"too few conversations for a share ({total:,} < {THREADS_AT_LEAST})"
        return Check(name, True, f"skipped: {why}", skipped=why)
    share = two / total
    return Check(
        "message threads >= 2 messages on most conversations",
        share > THREADS_MIN_SHARE,
        f"{share:.1%} ({two:,} of {total:,} conversations; needs > {THREADS_MIN_SHARE:.0%})",
    )


def _searchable(conn: Conn) -> Check:
    rows = count(conn, 'SELECT count(*) FROM "SearchableUser"')
    rule = "SearchableUser: one row per user once the job ran"
    if rows == 0:
        return Check(rule, True, "no rows (the searchable-user job has not run)")
    bad = count(
        conn,
        'SELECT (SELECT count(*) FROM "User" u WHERE NOT EXISTS (SELECT 1 FROM "SearchableUser" s'
        ' WHERE s."userId" = u.id)) + (SELECT count(*) FROM "SearchableUser" s WHERE NOT EXISTS'
        ' (SELECT 1 FROM "User" u WHERE u.id = s."userId"))',
    )
    return Check(
        rule, bad == 0, f"{rows:,} rows" if bad == 0 else f"{bad:,} users without or rows extra"
    )


def checks(conn: Conn) -> list[Check]:
    return [_users_have_profiles(conn), _interests(conn), _threads(conn), _searchable(conn)]
