"""The numbers behind the social report, every aggregate computed by PostgreSQL.

Python receives one row per bucket (per kind and day, hour or weekday; per funnel step;
per percentile of users; per histogram bin), never one row per event or per user, so
the report costs the same few round trips at 1,000 or 100,000 users.

Every query starts from :data:`PEOPLE`: each user with the IANA time zone of their
city (``"Profile"."locationText"`` is ``"City, ST"`` of ``vocab.CITIES``; a user without
a known city counts in UTC and is counted in the page's table) and ``mine``, whether the
user is in the report's scope (every user, or the users a run's profile phase made). An
event belongs to the scope through the user who acted; a pair (a match, a conversation)
through either of its two users, and it is dated in its first user's (``userAId``) local
time. Rows are counted as stored, soft-deleted ones included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...pg import Conn
from .vocab import CITIES, EARTH_RADIUS_KM

Params = Mapping[str, object]

# The kinds of activity drawn per day and per hour, most frequent first (the legend's order).
KINDS = ("feed views", "likes", "posts", "messages", "matches")

PEOPLE = """
people AS (
  SELECT u.id, COALESCE(c.tz, 'UTC') AS tz, c.tz IS NOT NULL AS placed,
         %(everyone)s OR EXISTS (SELECT 1 FROM unnest(%(lo)s::bigint[], %(hi)s::bigint[]) r(lo, hi)
                                 WHERE u.id BETWEEN r.lo AND r.hi) AS mine
  FROM "User" u
  LEFT JOIN "Profile" p ON p."userId" = u.id
  LEFT JOIN unnest(%(locs)s::text[], %(tzs)s::text[]) c(loc, tz) ON c.loc = p."locationText")"""

# (kind, acting user, the pair's other user or NULL, UTC timestamp without time zone).
EVENTS = """
events AS (
  SELECT 'posts' AS kind, "userId" AS uid, NULL::bigint AS other, "createdAt" AS at FROM "Post"
  UNION ALL SELECT 'likes', "fromUserId", NULL, "createdAt" FROM "Like" WHERE action = 'LIKE'
  UNION ALL SELECT 'matches', "userAId", "userBId", "createdAt" FROM "Match"
  UNION ALL SELECT 'messages', "senderId", NULL, "createdAt" FROM "Message"
  UNION ALL SELECT 'feed views', "viewerUserId", NULL, "seenAt" FROM "FeedSeen"),
local AS (
  SELECT e.kind, e.at AT TIME ZONE 'UTC' AT TIME ZONE a.tz AS at
  FROM events e JOIN people a ON a.id = e.uid LEFT JOIN people b ON b.id = e.other
  WHERE a.mine OR COALESCE(b.mine, false))"""

# A pair (match or conversation) is in scope when either of its users is.
PAIR_SCOPE = """JOIN people a ON a.id = x."userAId" JOIN people b ON b.id = x."userBId"
  WHERE (a.mine OR b.mine)"""


@dataclass
class Stats:
    """What the pictures draw and the page tabulates."""

    users: int = 0
    unplaced: int = 0  # users without a known city: their times are drawn in UTC
    # {kind: {date: n}}, {kind: [n per local hour 0..23]}, {kind: [n per ISO weekday 1..7]}
    daily: dict[str, dict[Any, int]] = field(default_factory=dict)
    hourly: dict[str, list[int]] = field(default_factory=dict)
    weekly: dict[str, list[int]] = field(default_factory=dict)
    funnel: list[tuple[str, int]] = field(default_factory=list)
    gini: float | None = None  # None when nobody received a like
    lorenz: list[tuple[float, float]] = field(default_factory=list)  # (users share, likes share)
    top_decile: float | None = None  # share of likes received by the most liked 10 % of users
    liked: int = 0  # LIKE rows received by users in scope
    received: list[tuple[int, int]] = field(default_factory=list)  # (likes received, users)
    messages: list[tuple[int, int]] = field(default_factory=list)  # (messages, conversations)
    distance: list[tuple[float, float, int]] = field(
        default_factory=list
    )  # (from km, to km, pairs)
    distance_median: float | None = None
    unlocated_pairs: int = 0  # matched pairs missing a coordinate
    age_gap: list[tuple[int, int]] = field(default_factory=list)  # (whole years, pairs)
    age_gap_median: float | None = None
    undated_pairs: int = 0  # matched pairs missing a birthdate
    matches_without_conversation: int = 0

    def total(self, kind: str) -> int:
        return sum(self.hourly.get(kind, ()))


def scope_params(ranges: Sequence[tuple[int, int]] | None) -> dict[str, object]:
    """The parameters of :data:`PEOPLE`: ``ranges`` of user ids (inclusive), None for all."""
    return {
        "everyone": ranges is None,
        "lo": [lo for lo, _ in ranges or ()],
        "hi": [hi for _, hi in ranges or ()],
        "locs": [c.location_text for c in CITIES],
        "tzs": [c.timezone for c in CITIES],
    }


def _rows(conn: Conn, query: str, params: Params) -> list[tuple[Any, ...]]:
    return conn.execute(query, params).fetchall()


def _one(conn: Conn, query: str, params: Params) -> tuple[Any, ...]:
    return _rows(conn, query, params)[0]


def people_counts(conn: Conn, params: Params) -> tuple[int, int]:
    """(users in scope, of them without a known city)."""
    n, unplaced = _one(
        conn,
        f"WITH {PEOPLE} SELECT count(*), count(*) FILTER (WHERE NOT placed) FROM people WHERE mine",
        params,
    )
    return int(n), int(unplaced)


def rhythm(conn: Conn, params: Params, stats: Stats) -> None:
    """Events per kind and local day, hour and weekday: one pass, three grouping sets."""
    rows = _rows(
        conn,
        f"""WITH {PEOPLE}, {EVENTS}
        SELECT kind, at::date, extract(hour FROM at)::int, extract(isodow FROM at)::int,
               GROUPING(at::date, extract(hour FROM at), extract(isodow FROM at)), count(*)
        FROM local
        GROUP BY GROUPING SETS ((kind, at::date), (kind, extract(hour FROM at)),
                               (kind, extract(isodow FROM at)))
        ORDER BY 1, 2, 3, 4""",
        params,
    )
    stats.daily = {k: {} for k in KINDS}
    stats.hourly = {k: [0] * 24 for k in KINDS}
    stats.weekly = {k: [0] * 7 for k in KINDS}
    for kind, day, hour, dow, grouping, n in rows:
        if grouping == 0b011:  # grouped by day only
            stats.daily[kind][day] = int(n)
        elif grouping == 0b101:
            stats.hourly[kind][hour] = int(n)
        else:
            stats.weekly[kind][dow - 1] = int(n)


def funnel(conn: Conn, params: Params, stats: Stats) -> None:
    """Profile views -> likes (LIKE) -> matches -> conversations -> replied conversations
    (both users wrote: the one who did not open answered)."""
    views, likes, matches, convs, replied, lonely = _one(
        conn,
        f"""WITH {PEOPLE}
        SELECT
          (SELECT count(*) FROM "ProfileView" v JOIN people a ON a.id = v."viewerUserId"
           WHERE a.mine),
          (SELECT count(*) FROM "Like" l JOIN people a ON a.id = l."fromUserId"
           WHERE a.mine AND l.action = 'LIKE'),
          (SELECT count(*) FROM "Match" x {PAIR_SCOPE}),
          (SELECT count(*) FROM "Conversation" x {PAIR_SCOPE}),
          (SELECT count(*) FROM "Conversation" x {PAIR_SCOPE}
             AND (SELECT count(DISTINCT m."senderId") FROM "Message" m
                  WHERE m."conversationId" = x.id) >= 2),
          (SELECT count(*) FROM "Match" x {PAIR_SCOPE}
             AND NOT EXISTS (SELECT 1 FROM "Conversation" c WHERE c."matchId" = x.id))""",
        params,
    )
    stats.funnel = [
        ("profile views", int(views)),
        ("likes", int(likes)),
        ("matches", int(matches)),
        ("conversations", int(convs)),
        ("replied conversations", int(replied)),
    ]
    stats.matches_without_conversation = int(lonely)


# Likes received per user in scope (zero for the never liked), ranked from the least liked.
RANKED = f"""WITH {PEOPLE},
per AS (
  SELECT a.id, count(l.id) AS n FROM people a
  LEFT JOIN "Like" l ON l."toUserId" = a.id AND l.action = 'LIKE'
  WHERE a.mine GROUP BY a.id),
ranked AS (
  SELECT n, row_number() OVER w AS i, sum(n) OVER w AS cum,
         count(*) OVER () AS users, sum(n) OVER () AS total
  FROM per WINDOW w AS (ORDER BY n, id))"""


def likes_received(conn: Conn, params: Params, stats: Stats) -> None:
    """The Lorenz curve at each percentile of users and the Gini coefficient,
    G = 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n over x ascending (i from 1),
    in exact numeric arithmetic."""
    gini, total, top = _one(
        conn,
        f"""{RANKED}
        SELECT (2 * sum(i * n)::numeric / NULLIF(max(users) * max(total), 0)
                - (max(users) + 1)::numeric / max(users))::float8,
               COALESCE(max(total), 0),
               (sum(n) FILTER (WHERE i > users - ceil(users / 10.0))::numeric
                / NULLIF(max(total), 0))::float8
        FROM ranked""",
        params,
    )
    stats.gini, stats.liked, stats.top_decile = gini, int(total), top
    stats.received = [
        (int(k), int(n))
        for k, n in _rows(
            conn, f"{RANKED} SELECT n, count(*) FROM ranked GROUP BY n ORDER BY n", params
        )
    ]
    if not stats.liked:
        return
    curve = _rows(
        conn,
        f"""{RANKED}
        SELECT ceil(100.0 * i / users)::int AS pct, max(i)::float8 / max(users),
               max(cum)::float8 / max(total)
        FROM ranked GROUP BY 1 ORDER BY 1""",
        params,
    )
    stats.lorenz = [(0.0, 0.0), *((float(u), float(s)) for _, u, s in curve)]


# Bin edges (km): most matches are within one city (its profiles' jittered coordinates),
# the rest hundreds to thousands of km apart, so equal-width bins would hide one or the other.
DISTANCE_EDGES = (0.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0)


def pairs(conn: Conn, params: Params, stats: Stats) -> None:
    """Messages per conversation; haversine km and whole-year age gap of matched pairs."""
    stats.messages = [
        (int(k), int(n))
        for k, n in _rows(
            conn,
            f"""WITH {PEOPLE},
            per AS (SELECT (SELECT count(*) FROM "Message" m WHERE m."conversationId" = x.id) AS k
                    FROM "Conversation" x {PAIR_SCOPE})
            SELECT k, count(*) FROM per GROUP BY k ORDER BY k""",
            params,
        )
    ]
    matched = f"""WITH {PEOPLE},
    matched AS (
      SELECT pa.lat::float8 AS lat1, pa.lng::float8 AS lng1, pb.lat::float8 AS lat2,
             pb.lng::float8 AS lng2, pa.birthdate AS b1, pb.birthdate AS b2
      FROM "Match" x JOIN "Profile" pa ON pa."userId" = x."userAId"
      JOIN "Profile" pb ON pb."userId" = x."userBId" {PAIR_SCOPE})"""
    km = f"""{matched},
    km AS (
      SELECT 2 * %(r)s * asin(sqrt(
               sin(radians(lat2 - lat1) / 2) ^ 2
               + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lng2 - lng1) / 2) ^ 2))
             AS d
      FROM matched WHERE lat1 IS NOT NULL AND lng1 IS NOT NULL
                     AND lat2 IS NOT NULL AND lng2 IS NOT NULL)"""
    p = {**params, "r": EARTH_RADIUS_KM, "edges": list(DISTANCE_EDGES)}
    counts = dict(
        _rows(
            conn,
            f"{km} SELECT width_bucket(d, %(edges)s::float8[]), count(*) FROM km GROUP BY 1",
            p,
        )
    )
    if counts:
        uppers = [*DISTANCE_EDGES[1:], math.inf]
        stats.distance = [
            (lo, hi, int(counts.get(b, 0)))
            for b, (lo, hi) in enumerate(zip(DISTANCE_EDGES, uppers, strict=True), start=1)
        ]
    stats.distance_median, stats.unlocated_pairs = _one(
        conn,
        f"""{km}
        SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM km),
               (SELECT count(*) FROM matched) - (SELECT count(*) FROM km)""",
        p,
    )
    gaps = f"""{matched},
    gap AS (SELECT extract(year FROM age(GREATEST(b1, b2), LEAST(b1, b2)))::int AS y
            FROM matched WHERE b1 IS NOT NULL AND b2 IS NOT NULL)"""
    stats.age_gap = [
        (int(y), int(n))
        for y, n in _rows(conn, f"{gaps} SELECT y, count(*) FROM gap GROUP BY y ORDER BY y", p)
    ]
    stats.age_gap_median, stats.undated_pairs = _one(
        conn,
        f"""{gaps}
        SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y) FROM gap),
               (SELECT count(*) FROM matched) - (SELECT count(*) FROM gap)""",
        p,
    )
