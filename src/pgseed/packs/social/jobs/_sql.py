"""SQL fragments the jobs share: who exists as of the job's time, and quiz similarity."""

from __future__ import annotations

from typing import Any

import psycopg


def alive(u: str) -> str:
    """User ``u`` exists at ``%(as_of)s``: created by then and not (yet) deleted."""
    return (
        f'{u}."createdAt" <= %(as_of)s AND ({u}."deletedAt" IS NULL OR {u}."deletedAt" > %(as_of)s)'
    )


def profile_shown(p: str) -> str:
    """Profile ``p`` is shown at ``%(as_of)s``: created by then, visible, not deleted.
    (``isVisible`` has no history: its current value is taken.)"""
    return (
        f'{p}."createdAt" <= %(as_of)s AND {p}."isVisible"'
        f' AND ({p}."deletedAt" IS NULL OR {p}."deletedAt" > %(as_of)s)'
    )


def _array(column: str) -> str:
    # The site's scoreVec is free jsonb: anything but an array counts as empty.
    return f"CASE WHEN jsonb_typeof({column}) = 'array' THEN {column} ELSE '[]' END"


# Quiz similarity of each pair in CTE ``pairs(u, c)``: the mean of 1 - |a - b| over the
# scoreVec positions where both hold a number, of every quiz both answered by
# ``%(as_of)s``; 4 decimals, in numeric so the sum does not depend on the order PostgreSQL
# adds in. No row for a pair that shares no such position. The results are joined from
# the table (its unique index and statistics keep the plan per pair) and the two vectors
# zipped per pair (a join on positions would make a row per pair and position).
QUIZ_SIMILARITY = f"""
    SELECT p.u, p.c, round(sum(d.total) / sum(d.n), 4) AS sim
    FROM pairs p
    JOIN "QuizResult" x ON x."userId" = p.u AND x."createdAt" <= %(as_of)s
    JOIN "QuizResult" y ON y."userId" = p.c AND y."quizId" = x."quizId"
        AND y."createdAt" <= %(as_of)s
    CROSS JOIN LATERAL (
        SELECT sum(1 - abs(a::text::numeric - b::text::numeric)) AS total, count(*) AS n
        FROM ROWS FROM (
            jsonb_array_elements({_array('x."scoreVec"')}),
            jsonb_array_elements({_array('y."scoreVec"')})
        ) AS t(a, b)
        WHERE jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number'
    ) d
    WHERE d.n > 0
    GROUP BY p.u, p.c
"""


def replace(conn: psycopg.Connection[Any], table: str, insert: str, as_of: Any) -> int:
    """Delete every row of ``table`` and run ``insert``: the job's whole result replaces
    the last one, so a second run leaves the same rows. The rows inserted."""
    conn.execute(f'DELETE FROM "{table}"'.encode())
    cur = conn.execute(insert.encode(), {"as_of": as_of})
    return cur.rowcount
