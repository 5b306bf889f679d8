"""What the days before a window left in the database, read back into a ``Simulation``
so the window continues them exactly (issue 11 "Append-safe"): who has decided on whom,
the likes given, the matches and conversations with their ids, the threads still running
and the last week's posts with who has seen them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ....pg import Conn
from ..db import fetch, value
from ..rows import MS_PER_DAY, ordinal_ms
from ..tables import ACTIVITY_TABLES
from .emit import Ids
from .likes import quiz_compatibility
from .sim import FEED_DAYS, SEEN_BASE, THREAD_DAYS, Simulation

_TABLES = ACTIVITY_TABLES


def _ms(ts: list[dt.datetime]) -> np.ndarray:
    epoch = dt.datetime(1970, 1, 1)
    return np.array([(t - epoch) // dt.timedelta(milliseconds=1) for t in ts], dtype=np.int64)


def load(conn: Conn, sim: Simulation, start: dt.date) -> Ids:
    """Fill ``sim.state`` from the database for a window starting on ``start``; return the
    ids to continue from. Rows of users the simulation does not know are ignored."""
    ids = Ids()
    for t in _TABLES:
        ids.last[t] = int(value(conn, f'SELECT coalesce(max(id), 0) FROM "{t}"'))
    if ids.last["Like"] == 0 and ids.last["Post"] == 0:
        return ids  # nothing before: a fresh window
    p, n, st = sim.p, sim.n, sim.state
    d0 = start.toordinal()

    def pos(user_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        u = np.asarray(user_ids, dtype=np.int64)
        at = np.searchsorted(p.ids, u)
        ok = (at < n) & (p.ids[np.minimum(at, n - 1)] == u) if n else np.zeros(len(u), dtype=bool)
        return at, ok

    rows = fetch(
        conn, 'SELECT "fromUserId", "toUserId", action::text, "createdAt" FROM "Like" ORDER BY id'
    )
    if rows:
        a, ok_a = pos([r[0] for r in rows])
        b, ok_b = pos([r[1] for r in rows])
        ok = ok_a & ok_b
        liked = np.array([r[2] == "LIKE" for r in rows]) & ok
        ms = _ms([r[3] for r in rows])
        for x, y, t in zip(a[liked].tolist(), b[liked].tolist(), ms[liked].tolist(), strict=True):
            st.likes[x * n + y] = t
        order = np.argsort(a[ok], kind="stable")
        va, vb = a[ok][order], b[ok][order]
        cut = np.flatnonzero(np.diff(va)) + 1
        for group_a, group_b in zip(np.split(va, cut), np.split(vb, cut), strict=True):
            if len(group_a):
                i = int(group_a[0])
                deck = sim.deck(i)
                st.decided[i][np.isin(deck, group_b)] = True
    rows = fetch(conn, 'SELECT id, "userAId", "userBId", "createdAt" FROM "Match" ORDER BY id')
    recent_a, recent_b, recent_ms = [], [], []
    since = ordinal_ms(d0) - THREAD_DAYS * MS_PER_DAY
    if rows:
        a, ok_a = pos([r[1] for r in rows])
        b, ok_b = pos([r[2] for r in rows])
        ms = _ms([r[3] for r in rows])
        for (mid, *_), x, y, t, ok in zip(
            rows, a.tolist(), b.tolist(), ms.tolist(), (ok_a & ok_b).tolist(), strict=True
        ):
            if not ok:
                continue
            st.matched.add(x * n + y)
            ids.match[x * n + y] = int(mid)
            if t >= since:
                recent_a.append(x)
                recent_b.append(y)
                recent_ms.append(t)
    for cid, ua, ub in fetch(conn, 'SELECT id, "userAId", "userBId" FROM "Conversation"'):
        (x,), (ok_x,) = pos([ua])
        (y,), (ok_y,) = pos([ub])
        if ok_x and ok_y:
            ids.conversation[int(x) * n + int(y)] = int(cid)
    if recent_a:  # threads still running: their messages from d0 on are this window's
        m = {"a": np.array(recent_a), "b": np.array(recent_b), "ms": np.array(recent_ms)}
        sim._schedule(m)
        for day in [d for d in st.pending if d < d0]:
            del st.pending[day]
    _posts(conn, sim, d0, pos)
    return ids


def _posts(conn: Conn, sim: Simulation, d0: int, pos: object) -> None:
    """Posts a feed on day d0 or later may still show (``Simulation._feed``), in id order,
    and who has seen them."""
    st = sim.state
    since = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ordinal_ms(d0 - FEED_DAYS))
    rows = fetch(
        conn,
        'SELECT id, "userId", "createdAt" FROM "Post" WHERE "createdAt" >= %s ORDER BY id',
        [since],
    )
    if not rows:
        return
    author, ok = pos([r[1] for r in rows])  # type: ignore[operator]
    pid = np.array([r[0] for r in rows], dtype=np.int64)[ok]
    st.posts.append({"author": author[ok], "ms": _ms([r[2] for r in rows])[ok], "id": pid})
    seen = fetch(
        conn,
        'SELECT "viewerUserId", "itemId" FROM "FeedSeen" WHERE "itemType" = \'POST\' AND "itemId" = ANY(%s)',
        [pid.tolist()],
    )
    viewers, ok_v = pos([r[0] for r in seen])  # type: ignore[operator]
    posts = np.array([int(r[1]) for r in seen], dtype=np.int64)
    st.seen = np.unique(viewers[ok_v].astype(np.int64) * SEEN_BASE + posts[ok_v])


__all__ = ["load", "quiz_compatibility"]
