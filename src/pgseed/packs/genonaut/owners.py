"""Who owns each item: a user whose account existed at the item's time, uniformly.

Users are ranked by (created_at, id); for a time ``t`` the candidates are the
``k`` users created at or before ``t``, and a uniform ``u`` picks the one of
rank ``floor(u * k)`` (docs/genonaut.md, "Who owns an item").

Two implementations give the same answer for the same users:

* ``DbOwners`` keeps the ranking in a temporary table of the run's transaction
  and answers one block at a time with one query (index probes), so pgseed's
  memory does not grow with the number of users (issue 8: 100M users are allowed).
* ``MemoryOwners`` answers from compact arrays (24 bytes a user), with no round
  trip. ``load`` uses it up to ``MEMORY_LIMIT`` users, so memory is bounded
  whatever the user count, and for ``--dry-run`` samples; tests check that both
  give the same owners.

The floor is computed on IEEE doubles in both (numpy and PostgreSQL's float8),
so the ranks match bit for bit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
from psycopg import sql

from ...encode import uuid_strings
from ...pg import Conn
from .generate import Owners

USERS_KEY = (sql.Identifier("id"), sql.Identifier("created_at"))
"""users.id and users.created_at under the models' names."""
# Up to this many users the ranking is held in the writer (24 B each: 6 MB at most)
# and each block's owners cost no query; the database probes cost about 15 ms a block
# (1000 rows, two index probes each), 1.8 s over the default demo's 122 blocks.
MEMORY_LIMIT = 250_000


class MemoryOwners:
    def __init__(self, ids: Sequence[str], created: Sequence[int]) -> None:
        order = sorted(range(len(ids)), key=lambda i: (created[i], ids[i]))
        raw = b"".join(uuid.UUID(ids[i]).bytes for i in order)
        self._init(
            np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16),
            np.asarray([created[i] for i in order], dtype=np.int64),
        )

    def _init(self, raw: np.ndarray, created: np.ndarray) -> None:
        self.raw = raw  # (n, 16) uuid bytes, in rank order
        self.created = created  # epoch seconds, ascending

    @classmethod
    def ranked(cls, raw: np.ndarray, created: np.ndarray) -> MemoryOwners:
        """From arrays already in rank order."""
        out = cls.__new__(cls)
        out._init(raw, created)
        return out

    def count(self) -> int:
        return len(self.created)

    def earliest(self) -> int | None:
        return int(self.created[0]) if len(self.created) else None

    def pick(self, t: np.ndarray, u: np.ndarray) -> Owners:
        k = np.searchsorted(self.created, t, side="right")
        rank = np.floor(u * k).astype(np.int64)
        return Owners(uuid_strings(self.raw[rank]), self.created[rank])


def load(
    conn: Conn,
    admin: uuid.UUID,
    until: int,
    names: tuple[sql.Identifier, sql.Identifier] = USERS_KEY,
) -> DbOwners | MemoryOwners:
    """The owner pool of a run: in memory up to ``MEMORY_LIMIT`` users, else in the
    database (the same owners either way). ``names``: the application's names for
    users.id and users.created_at (``--map``)."""
    db = DbOwners(conn, admin, until, names)
    if db.count() > MEMORY_LIMIT:
        return db
    # Both columns as one hex string each (16 bytes and 8 bytes a user): no Python
    # object per user on the way, so reading them costs little more than keeping them.
    row = conn.execute(
        sql.SQL(
            "SELECT string_agg(encode(uuid_send(id), 'hex'), '' ORDER BY ord),"
            " string_agg(lpad(to_hex(created), 16, '0'), '' ORDER BY ord) FROM {}"
        ).format(_TABLE)
    ).fetchone()
    assert row is not None
    raw = np.frombuffer(bytes.fromhex(str(row[0] or "")), dtype=np.uint8).reshape(-1, 16)
    created = np.frombuffer(bytes.fromhex(str(row[1] or "")), dtype=">i8").astype(np.int64)
    return MemoryOwners.ranked(raw, created)


_TABLE = sql.Identifier("pgseed_owners")


class DbOwners:
    """The ranking of ``users`` (admin excluded, created by ``until``) as a temp table."""

    def __init__(
        self,
        conn: Conn,
        admin: uuid.UUID,
        until: int,
        names: tuple[sql.Identifier, sql.Identifier] = USERS_KEY,
    ) -> None:
        self.conn = conn
        conn.execute(
            sql.SQL(
                """
            CREATE TEMP TABLE {} ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY created_at, id) - 1)::bigint AS ord,
                   id, created
            FROM (SELECT {id} AS id, {created_at} AS created_at,
                         extract(epoch FROM {created_at})::bigint AS created
                  FROM users WHERE {id} <> %s) u
            WHERE created <= %s
            """
            ).format(_TABLE, id=names[0], created_at=names[1]),
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
            FROM unnest(string_to_array(%s, ',')::bigint[],
                        string_to_array(%s, ',')::float8[]) WITH ORDINALITY AS x(t, u, i)
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
            # As text: psycopg adapts a list element by element (7 ms for 2 x 1000);
            # repr() of a float reads back exactly.
            [",".join(map(str, t.tolist())), ",".join(map(repr, u.tolist()))],
        ).fetchall()
        return Owners(
            [str(r[0]) for r in rows], np.array([int(str(r[1])) for r in rows], dtype=np.int64)
        )
