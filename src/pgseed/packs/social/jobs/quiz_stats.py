"""quiz-stats (spec 004 §4.3 "QuizAnswerStats (aggregations)").

Over the quiz results saved by ``as_of`` of users who exist then, each answer (a question
of the result's quiz, and the option value given) is counted in one bucket of each
dimension:

- site: "all";
- gender: the profile's gender ("UNSPECIFIED" without a profile);
- age: the age band at as_of's date from the birthdate: "18-24", "25-34", "35-44",
  "45-54", "55-64", "65+" ("under-18" below, "unknown" without a birthdate);
- city: the profile's locationText ("unknown" without one).

count = answers giving that option in that bucket; total = answers to that question in
that bucket (the sum of its options' counts), so count / total is the share.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import alive, replace

INSERT = f"""
WITH answer AS (
    SELECT r."quizId", q.id AS question, a.value,
        coalesce(p.gender::text, 'UNSPECIFIED') AS gender,
        CASE WHEN p.birthdate IS NULL THEN 'unknown' ELSE (
            SELECT CASE WHEN y < 18 THEN 'under-18' WHEN y < 25 THEN '18-24'
                WHEN y < 35 THEN '25-34' WHEN y < 45 THEN '35-44' WHEN y < 55 THEN '45-54'
                WHEN y < 65 THEN '55-64' ELSE '65+' END
            FROM (SELECT extract(year FROM age(%(as_of)s::date, p.birthdate)) AS y) age
        ) END AS age,
        coalesce(p."locationText", 'unknown') AS city
    FROM "QuizResult" r
    JOIN "User" u ON u.id = r."userId"
    LEFT JOIN "Profile" p ON p."userId" = r."userId"
    CROSS JOIN LATERAL jsonb_each_text(
        CASE WHEN jsonb_typeof(r.answers) = 'object' THEN r.answers ELSE '{{}}' END
    ) AS a(question, value)
    JOIN "QuizQuestion" q ON q."quizId" = r."quizId" AND q.id::text = a.question
    WHERE r."createdAt" <= %(as_of)s AND {alive("u")}
), bucketed AS (
    SELECT "quizId", question, value, d.dimension, d.bucket
    FROM answer CROSS JOIN LATERAL (VALUES
        ('site', 'all'), ('gender', gender), ('age', age), ('city', city)
    ) AS d(dimension, bucket)
), counted AS (
    SELECT "quizId", question, value, dimension, bucket, count(*) AS n
    FROM bucketed GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO "QuizAnswerStats" ("quizId", "questionId", "optionValue", "dimension",
    "bucket", "count", "total")
SELECT "quizId", question, value, dimension::"QuizStatsDimension", bucket, n,
    sum(n) OVER (PARTITION BY "quizId", question, dimension, bucket)
FROM counted
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    return replace(conn, "QuizAnswerStats", INSERT, as_of)
