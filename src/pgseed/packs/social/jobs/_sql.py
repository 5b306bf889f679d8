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


VECTORS = "pgseed_quiz_vectors"


def quiz_vectors(conn: psycopg.Connection[Any], as_of: Any) -> None:
    """A temporary table of every quiz answer given by ``as_of``: (user, quiz, its
    scoreVec as numeric[], NULL where a position is not a number), indexed by (user, quiz),
    so :func:`quiz_similarity` parses each answer's jsonb once, not once per pair. Dropped and rebuilt by each job that needs it."""
    conn.execute(f"DROP TABLE IF EXISTS pg_temp.{VECTORS}".encode())
    conn.execute(
        f"""CREATE TEMP TABLE {VECTORS} ON COMMIT DROP AS
        SELECT r."userId" AS u, r."quizId" AS q, ARRAY(
            SELECT CASE WHEN jsonb_typeof(e.v) = 'number' THEN e.v::text::numeric END
            FROM jsonb_array_elements({_array('r."scoreVec"')}) WITH ORDINALITY AS e(v, i)
            ORDER BY e.i
        ) AS v
        FROM "QuizResult" r WHERE r."createdAt" <= %(as_of)s""".encode(),
        {"as_of": as_of},
    )
    conn.execute(f"CREATE INDEX ON {VECTORS} (u, q)".encode())
    conn.execute(f"ANALYZE {VECTORS}".encode())


def quiz_pair(u: str, c: str) -> str:
    """:func:`quiz_similarity` of one pair (SQL expressions ``u`` and ``c``), as a scalar
    subquery through the vectors' (user, quiz) index. For pairs the planner cannot count
    (a CTE of pairs: estimated at a dozen rows, it nested-looped the set-based join, 235 s
    for match-scores at 1,000 users against 3 s this way)."""
    return f"""(
        SELECT round(sum(d.total) / nullif(sum(d.n), 0), 4)
        FROM {VECTORS} x
        JOIN {VECTORS} y ON y.u = {c} AND y.q = x.q
        CROSS JOIN LATERAL (
            SELECT sum(1 - abs(a - b)) AS total, count(*) AS n
            FROM unnest(x.v, y.v) AS t(a, b)
            WHERE a IS NOT NULL AND b IS NOT NULL
        ) d
        WHERE x.u = {u}
    )"""


def quiz_similarity(pairs: str, u: str, c: str) -> str:
    """A subquery of (u, c, sim) for every pair of ``pairs`` (a table or CTE name with
    user columns ``u`` and ``c``): the quiz similarity, the mean of 1 - |a - b| over the
    scoreVec positions where both hold a number, of every quiz both answered by
    ``%(as_of)s``; 4 decimals, in numeric so the sum does not depend on the order
    PostgreSQL adds in; NULL when they share no such position.

    Set-based over :func:`quiz_vectors`' table (build it first in the transaction): the
    pairs joined to both users' vectors, zipped, grouped. A scalar subquery per pair cost
    4x more at 10,000 users (437,188 pairs: 33 s against 8 s)."""
    return f"""(
        SELECT s.{u} AS u, s.{c} AS c, round(sum(d.total) / nullif(sum(d.n), 0), 4) AS sim
        FROM {pairs} s
        LEFT JOIN {VECTORS} x ON x.u = s.{u}
        LEFT JOIN {VECTORS} y ON y.u = s.{c} AND y.q = x.q
        LEFT JOIN LATERAL (
            SELECT sum(1 - abs(a - b)) AS total, count(*) AS n
            FROM unnest(x.v, y.v) AS t(a, b)
            WHERE a IS NOT NULL AND b IS NOT NULL
        ) d ON true
        GROUP BY 1, 2
    )"""


def replace(conn: psycopg.Connection[Any], table: str, insert: str, as_of: Any) -> int:
    """Delete every row of ``table`` and run ``insert``: the job's whole result replaces
    the last one, so a second run leaves the same rows. The rows inserted."""
    conn.execute(f'DELETE FROM "{table}"'.encode())
    cur = conn.execute(insert.encode(), {"as_of": as_of})
    return cur.rowcount
