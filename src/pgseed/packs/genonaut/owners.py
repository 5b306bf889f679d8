"""Who owns each item: a user whose account existed at the item's time, uniformly.

Users are ranked by (created_at, id); for a time ``t`` the candidates are the
``k`` users created at or before ``t``, and a uniform ``u`` picks the one of
rank ``floor(u * k)`` (docs/genonaut.md, "Who owns an item").

Two implementations give the same answer for the same users:

* ``DbOwners`` keeps the ranking in a temporary table of the run's transaction
  and answers one block at a time with one query (index probes), so pgseed's
  memory does not grow with the number of users (issue 8: 100M users are allowed).
* ``MemoryOwners`` answers from arrays, for ``--dry-run`` samples and tests.

The floor is computed on IEEE doubles in both (numpy and PostgreSQL's float8),
so the ranks match bit for bit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
import psycopg
from psycopg import sql

from .generate import Owners

Conn = psycopg.Connection[tuple[object, ...]]


class MemoryOwners:
    def __init__(self, ids: Sequence[str], created: Sequence[int]) -> None:
        order = sorted(range(len(ids)), key=lambda i: (created[i], ids[i]))
        self.ids = np.asarray([ids[i] for i in order], dtype=object)
        self.created = np.asarray([created[i] for i in order], dtype=np.int64)

    def count(self) -> int:
        return len(self.ids)

    def earliest(self) -> int | None:
        return int(self.created[0]) if len(self.created) else None

    def pick(self, t: np.ndarray, u: np.ndarray) -> Owners:
        k = np.searchsorted(self.created, t, side="right")
        rank = np.floor(u * k).astype(np.int64)
        return Owners(self.ids[rank].tolist(), self.created[rank])


_TABLE = sql.Identifier("pgseed_owners")


class DbOwners:
    """The ranking of ``users`` (admin excluded, created by ``until``) as a temp table."""

    def __init__(self, conn: Conn, admin: uuid.UUID, until: int) -> None:
        self.conn = conn
        conn.execute(
            sql.SQL(
                """
            CREATE TEMP TABLE {} ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY created_at, id) - 1)::bigint AS ord,
                   id, created
            FROM (SELECT id, created_at, extract(epoch FROM created_at)::bigint AS created
                  FROM users WHERE id <> %s) u
            WHERE created <= %s
            """
            ).format(_TABLE),
            [admin, until],
        )
        for stmt in (
            "CREATE UNIQUE INDEX ON {} (ord)",
            "CREATE INDEX ON {} (created, ord)",
            "ANALYZE {}",
        ):
            conn.execute(sql.SQL(stmt).format(_TABLE))
        row = conn.execute(
            sql.SQL("SELECT count(*), min(created) FROM {}").format(_TABLE)
        ).fetchone()
        assert row is not None
        self._count = int(str(row[0]))
        self._earliest = None if row[1] is None else int(str(row[1]))

    def count(self) -> int:
        return self._count

    def earliest(self) -> int | None:
        return self._earliest

    def pick(self, t: np.ndarray, u: np.ndarray) -> Owners:
        # Both lookups are LATERAL ... LIMIT 1: one index probe per row, never a hash
        # of the whole ranking (which grows with the users).
        rows = self.conn.execute(
            sql.SQL(
                """
            SELECT o.id::text, o.created
            FROM unnest(%s::bigint[], %s::float8[]) WITH ORDINALITY AS x(t, u, i)
            LEFT JOIN LATERAL (
                SELECT ord + 1 AS k FROM {t} WHERE created <= x.t
                ORDER BY created DESC, ord DESC LIMIT 1
            ) c ON true
            CROSS JOIN LATERAL (
                SELECT id, created FROM {t} WHERE ord = floor(x.u * coalesce(c.k, 0))::bigint
                LIMIT 1
            ) o
            ORDER BY x.i
            """
            ).format(t=_TABLE),
            [t.tolist(), u.tolist()],
        ).fetchall()
        return Owners(
            [str(r[0]) for r in rows], np.array([int(str(r[1])) for r in rows], dtype=np.int64)
        )
