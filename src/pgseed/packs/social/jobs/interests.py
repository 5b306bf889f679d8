"""interest-relationships (spec 004 §6.3 step 1: needs UserInterest + InterestDirty).

For every pair of interests A < B held together by at least one user who exists at
``as_of``: ``pairCount`` = users holding both, ``interestACount``/``interestBCount`` =
users holding each, ``strengthAB`` = pairCount / interestACount and ``strengthBA`` =
pairCount / interestBCount (4 decimals), ``updatedAt`` = as_of.

The site's job recomputes only pairs touching a dirty interest; this one recomputes every
pair (one GROUP BY) so that a run after ``reset --scope derived`` rebuilds the table
whatever is marked, and then consumes the InterestDirty marks made by ``as_of`` (the
app's own job then finds nothing pending). Later marks are left for a later run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import alive, replace

INSERT = f"""
WITH held AS (
    SELECT DISTINCT ui."userId", ui."interestId"
    FROM "UserInterest" ui JOIN "User" u ON u.id = ui."userId"
    WHERE {alive("u")}
), counts AS (
    SELECT "interestId", count(*) AS n FROM held GROUP BY "interestId"
), pairs AS (
    SELECT a."interestId" AS ia, b."interestId" AS ib, count(*) AS n
    FROM held a JOIN held b ON b."userId" = a."userId" AND b."interestId" > a."interestId"
    GROUP BY 1, 2
)
INSERT INTO "InterestRelationship" ("interestAId", "interestBId", "pairCount",
    "interestACount", "interestBCount", "strengthAB", "strengthBA", "updatedAt")
SELECT p.ia, p.ib, p.n, ca.n, cb.n,
    round(p.n::numeric / ca.n, 4)::float8, round(p.n::numeric / cb.n, 4)::float8, %(as_of)s
FROM pairs p
JOIN counts ca ON ca."interestId" = p.ia
JOIN counts cb ON cb."interestId" = p.ib
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    rows = replace(conn, "InterestRelationship", INSERT, as_of)
    conn.execute('DELETE FROM "InterestDirty" WHERE "touchedAt" <= %(as_of)s', {"as_of": as_of})
    return rows
