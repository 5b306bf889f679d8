"""build-user-traits (spec 004 §6.3 step 3: needs the quiz answers).

For each user who exists at ``as_of`` and each trait key: ``value`` = the mean, to 2
decimals (numeric(10,2)), of the ``traitValues[key]`` of every option the user chose in
the quiz results saved by as_of, and ``n`` = how many such answers carried the key. An
answer counts when its question belongs to the result's quiz and its value is one of the
question's options; a trait weight that is not a JSON number is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import alive, replace

INSERT = f"""
INSERT INTO "UserTrait" ("userId", "traitKey", "value", "n")
SELECT r."userId", t.key, round(avg((t.w)::text::numeric), 2), count(*)
FROM "QuizResult" r
JOIN "User" u ON u.id = r."userId"
CROSS JOIN LATERAL jsonb_each_text(
    CASE WHEN jsonb_typeof(r.answers) = 'object' THEN r.answers ELSE '{{}}' END
) AS a(question, value)
JOIN "QuizQuestion" q ON q."quizId" = r."quizId" AND q.id::text = a.question
JOIN "QuizOption" o ON o."questionId" = q.id AND o.value = a.value
CROSS JOIN LATERAL jsonb_each(
    CASE WHEN jsonb_typeof(o."traitValues") = 'object' THEN o."traitValues" ELSE '{{}}' END
) AS t(key, w)
WHERE r."createdAt" <= %(as_of)s AND {alive("u")} AND jsonb_typeof(t.w) = 'number'
GROUP BY r."userId", t.key
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    return replace(conn, "UserTrait", INSERT, as_of)
