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


def quiz_similarity(u: str, c: str) -> str:
    """A scalar subquery: the quiz similarity of users ``u`` and ``c`` (SQL expressions),
    the mean of 1 - |a - b| over the scoreVec positions where both hold a number, of every
    quiz both answered by ``%(as_of)s``; 4 decimals, in numeric so the sum does not depend
    on the order PostgreSQL adds in; NULL when they share no such position.

    Per pair, through QuizResult's (userId, quizId) index, the two vectors zipped: a join
    of all pairs against a CTE of positions is planned from CTE estimates, badly."""
    return f"""(
        SELECT round(sum(d.total) / nullif(sum(d.n), 0), 4)
        FROM "QuizResult" x
        JOIN "QuizResult" y ON y."userId" = {c} AND y."quizId" = x."quizId"
            AND y."createdAt" <= %(as_of)s
        CROSS JOIN LATERAL (
            SELECT sum(1 - abs(a::text::numeric - b::text::numeric)) AS total, count(*) AS n
            FROM ROWS FROM (
                jsonb_array_elements({_array('x."scoreVec"')}),
                jsonb_array_elements({_array('y."scoreVec"')})
            ) AS t(a, b)
            WHERE jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number'
        ) d
        WHERE x."userId" = {u} AND x."createdAt" <= %(as_of)s
    )"""


def replace(conn: psycopg.Connection[Any], table: str, insert: str, as_of: Any) -> int:
    """Delete every row of ``table`` and run ``insert``: the job's whole result replaces
    the last one, so a second run leaves the same rows. The rows inserted."""
    conn.execute(f'DELETE FROM "{table}"'.encode())
    cur = conn.execute(insert.encode(), {"as_of": as_of})
    return cur.rowcount
