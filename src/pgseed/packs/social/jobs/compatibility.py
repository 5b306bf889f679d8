"""compatibility (spec 004 §4.3 "Compatibility scores"): UserCompatibility for the pairs
MatchScore holds (run after match-scores).

status READY with ``score`` = quiz similarity (the mean of 1 - |a - b| over the scoreVec
positions of every quiz both users answered by ``as_of``, 4 decimals: match-scores'
quizScore) when the two share an answered quiz; otherwise INSUFFICIENT_DATA with no score
(one of them has no quiz result, or they answered different quizzes). computedAt =
updatedAt = as_of.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import quiz_similarity, quiz_vectors, replace

INSERT = f"""
INSERT INTO "UserCompatibility" ("viewerUserId", "targetUserId", "status", "score",
    "computedAt", "updatedAt")
SELECT q.u, q.c,
    (CASE WHEN q.sim IS NULL THEN 'INSUFFICIENT_DATA' ELSE 'READY' END)::"CompatibilityStatus",
    q.sim::float8, %(as_of)s, %(as_of)s
FROM {quiz_similarity('"MatchScore"', '"userId"', '"candidateUserId"')} q
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    quiz_vectors(conn, as_of)
    return replace(conn, "UserCompatibility", INSERT, as_of)
