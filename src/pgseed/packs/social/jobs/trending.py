"""trending (spec 004 §6.2 ``Trending*``): TrendingScore for posts active in the week
before ``as_of``.

A post counts when it is PUBLIC, created by as_of and not deleted by then. Its events in
the window (as_of - 7 days, as_of]: a view (FeedSeen of the post, at seenAt) weighs 1; a
like (LikedPost) weighs 3 and is dated by its liker's FeedSeen of the post (LikedPost has
no time of its own; a like without a view is not dated and does not count).

popularity = the weighted events in the window; velocity = the weighted events in the last
24 hours of it, per hour (4 decimals); peakTime = the start of the hour with the most
weighted events (the earliest such hour on a tie); computedAt = as_of, expiresAt = as_of
+ 1 day. Posts without events in the window get no row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import replace

WINDOW = 'f."seenAt" > %(as_of)s - interval \'7 days\' AND f."seenAt" <= %(as_of)s'

INSERT = f"""
WITH post AS (
    SELECT id FROM "Post"
    WHERE visibility = 'PUBLIC' AND "createdAt" <= %(as_of)s
        AND ("deletedAt" IS NULL OR "deletedAt" > %(as_of)s)
), event AS (
    SELECT f."itemId" AS post, f."seenAt" AS at, 1 AS w
    FROM "FeedSeen" f WHERE f."itemType" = 'POST' AND {WINDOW}
    UNION ALL
    SELECT l."postId", f."seenAt", 3
    FROM "LikedPost" l
    JOIN "FeedSeen" f ON f."viewerUserId" = l."userId" AND f."itemType" = 'POST'
        AND f."itemId" = l."postId"
    WHERE {WINDOW}
), counted AS (
    SELECT e.post, e.at, e.w FROM event e JOIN post p ON p.id = e.post
), total AS (
    SELECT post, sum(w) AS popularity,
        coalesce(sum(w) FILTER (WHERE at > %(as_of)s - interval '1 day'), 0) AS last_day
    FROM counted GROUP BY post
), peak AS (
    SELECT DISTINCT ON (post) post, date_trunc('hour', at) AS hour
    FROM counted GROUP BY post, date_trunc('hour', at)
    ORDER BY post, sum(w) DESC, date_trunc('hour', at)
)
INSERT INTO "TrendingScore" ("postId", "popularity", "velocity", "peakTime", "computedAt",
    "expiresAt")
SELECT t.post, t.popularity, round(t.last_day::numeric / 24, 4)::float8, k.hour,
    %(as_of)s, %(as_of)s + interval '1 day'
FROM total t JOIN peak k ON k.post = t.post
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    return replace(conn, "TrendingScore", INSERT, as_of)
