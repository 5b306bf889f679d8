"""match-scores (spec 004 §6.3 step 4: needs traits, interests and profiles).

Who is scored: users who exist at ``as_of`` with a profile shown then (``_sql``) and a
location. Candidates of a user ``u`` are bounded three times, never an N² scan:

1. within ``RADIUS_KM`` (100 km, haversine on lat/lng, R = 6371 km, 3 decimals), found
   through half-degree cells: the cells ±2 in latitude and ±k in longitude that a
   100 km circle can reach (k grows toward the poles; pairs across the antimeridian are
   not found);
2. of a compatible intent: the same, either UNSPECIFIED, or both LONG_TERM/MARRIAGE;
3. the ``NEAREST`` (100) closest (ties in a fixed pseudo-random order of the pair), then
   the ``TOP`` (50) best by score (ties: smaller candidate id first).

Measured on the shared 2-core dev box (loaded): 10,000 users (2.3 M pairs in reach,
0.7 M kept as the nearest, 0.4 M scores) ~1 min; the cost is the pairs in reach, which
grows with the square of the users per city.

Components (each in 0..1, 4 decimals, computed in numeric so the result does not depend
on the order PostgreSQL sums in):

- quizScore: mean of 1 - |a - b| over the scoreVec positions of every quiz both answered
  by as_of (0 when they share none);
- interestsScore: Jaccard of their interest sets (|A ∩ B| / |A ∪ B|, 0 when both empty);
- nearbyScore: 1 - distanceKm / 100;
- newScore: the candidate's account age at as_of, 1 - days / 30, floored at 0.

score = 0.4 quiz + 0.3 interests + 0.2 nearby + 0.1 new (4 decimals); tier "high" from
0.6, "medium" from 0.35, else "low"; reasons = the names of the components at 0.5 or
more, in that order (a JSON array); scoredAt = updatedAt = as_of.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import alive, profile_shown, quiz_pair, quiz_vectors, replace

RADIUS_KM = 100
NEAREST = 100
TOP = 50
# Degrees of latitude in RADIUS_KM (100 / 111.195), rounded up.
LAT_SPAN = 0.9
# Cells per degree: half-degree cells make the cells searched about twice the circle's
# area instead of four times (measured: 6.7 M pairs in reach to 3.7 M at 10,000 users).
CELLS = 2
LAT_CELLS = 2  # ceil(LAT_SPAN * CELLS)

INSERT = f"""
WITH e AS MATERIALIZED (
    SELECT u.id, u."createdAt", p.intent::text AS intent,
        p.lat::float8 AS lat, p.lng::float8 AS lng,
        floor(p.lat * {CELLS})::int AS clat, floor(p.lng * {CELLS})::int AS clng,
        least(180 * {CELLS}, ceil({LAT_SPAN} * {CELLS} / cos(radians(least(89.0, abs(p.lat::float8) + {LAT_SPAN})))))::int AS k
    FROM "User" u JOIN "Profile" p ON p."userId" = u.id
    WHERE {alive("u")} AND {profile_shown("p")} AND p.lat IS NOT NULL AND p.lng IS NOT NULL
), reach AS MATERIALIZED (
    SELECT e.id, e.clat + dy AS clat, e.clng + dx AS clng
    FROM e, generate_series(-{LAT_CELLS}, {LAT_CELLS}) AS dy, generate_series(-e.k, e.k) AS dx
), near AS (
    SELECT a.id AS u, b.id AS c, b."createdAt" AS c_created,
        round((2 * 6371 * asin(least(1, sqrt(
            sin(radians(b.lat - a.lat) / 2) ^ 2
            + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(radians(b.lng - a.lng) / 2) ^ 2
        ))))::numeric, 3) AS d
    FROM reach r
    JOIN e a ON a.id = r.id
    JOIN e b ON b.clat = r.clat AND b.clng = r.clng AND b.id <> a.id
    WHERE a.intent = b.intent OR 'UNSPECIFIED' IN (a.intent, b.intent)
        OR (a.intent IN ('LONG_TERM', 'MARRIAGE') AND b.intent IN ('LONG_TERM', 'MARRIAGE'))
), pairs AS MATERIALIZED (
    SELECT u, c, c_created, d FROM (
        SELECT n.*, row_number() OVER (
            PARTITION BY u ORDER BY d, (u * 2654435761 + c * 40503) %% 4294967291, c
        ) AS rn
        FROM near n WHERE d <= {RADIUS_KM}
    ) ranked WHERE rn <= {NEAREST}
), held AS MATERIALIZED (
    SELECT "userId", array_agg(DISTINCT "interestId") AS ids FROM "UserInterest"
    WHERE "userId" IN (SELECT id FROM e) GROUP BY "userId"
), parts AS (
    SELECT p.u, p.c, p.d,
        coalesce({quiz_pair("p.u", "p.c")}, 0) AS quiz,
        CASE WHEN i.n_all > 0 THEN round(i.n_both::numeric / i.n_all, 4) ELSE 0 END AS interests,
        round(1 - p.d / {RADIUS_KM}, 4) AS nearby,
        round(greatest(0, 1 - extract(epoch FROM %(as_of)s - p.c_created) / 2592000), 4) AS new
    FROM pairs p
    LEFT JOIN held hu ON hu."userId" = p.u
    LEFT JOIN held hc ON hc."userId" = p.c
    CROSS JOIN LATERAL (
        SELECT count(*) AS n_both,
            coalesce(cardinality(hu.ids), 0) + coalesce(cardinality(hc.ids), 0) - count(*) AS n_all
        FROM unnest(hu.ids) AS x WHERE x = ANY (hc.ids)
    ) i
), scored AS (
    SELECT parts.*,
        round(0.4 * quiz + 0.3 * interests + 0.2 * nearby + 0.1 * new, 4) AS score
    FROM parts
), best AS (
    SELECT * FROM (
        SELECT scored.*, row_number() OVER (PARTITION BY u ORDER BY score DESC, c) AS rn
        FROM scored
    ) ranked WHERE rn <= {TOP}
)
INSERT INTO "MatchScore" ("userId", "candidateUserId", "score", "quizScore",
    "interestsScore", "nearbyScore", "newScore", "distanceKm", "reasons", "tier",
    "scoredAt", "updatedAt")
SELECT u, c, score::float8, quiz::float8, interests::float8, nearby::float8, new::float8,
    d::float8,
    jsonb_path_query_array(jsonb_build_array(
        CASE WHEN quiz >= 0.5 THEN 'quiz' END,
        CASE WHEN interests >= 0.5 THEN 'interests' END,
        CASE WHEN nearby >= 0.5 THEN 'nearby' END,
        CASE WHEN new >= 0.5 THEN 'new' END
    ), '$[*] ? (@ != null)'),
    CASE WHEN score >= 0.6 THEN 'high' WHEN score >= 0.35 THEN 'medium' ELSE 'low' END,
    %(as_of)s, %(as_of)s
FROM best
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    quiz_vectors(conn, as_of)
    return replace(conn, "MatchScore", INSERT, as_of)
