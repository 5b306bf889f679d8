"""What the days before a window left in the database, read back into a ``Simulation``
so the window continues them exactly (issue 11 "Append-safe"): who has decided on whom,
the likes given, the matches and conversations with their ids, the threads still running
and the last week's posts with who has seen them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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


@dataclass
class Prior:
    """What the days before a window left, by user id (the rows ``load`` reads, or a
    replay's, ``debug``): each table's highest id; the likes, matches and posts in id order;
    the conversations; the POST views of the posts from ``FEED_DAYS`` before the window."""

    last: dict[str, int]
    likes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # from, to, is LIKE, ms
    matches: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # id, userA, userB, ms
    conversations: tuple[np.ndarray, np.ndarray, np.ndarray]  # id, userA, userB
    posts: tuple[np.ndarray, np.ndarray, np.ndarray]  # id, author, ms (recent ones)
    seen: tuple[np.ndarray, np.ndarray]  # viewer, post id


def _ints(values: list[object]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def fetched(conn: Conn, start: dt.date) -> Prior:
    """The database's ``Prior`` for a window starting on ``start``."""
    last = {t: int(value(conn, f'SELECT coalesce(max(id), 0) FROM "{t}"')) for t in _TABLES}
    likes = fetch(
        conn, 'SELECT "fromUserId", "toUserId", action::text, "createdAt" FROM "Like" ORDER BY id'
    )
    matches = fetch(conn, 'SELECT id, "userAId", "userBId", "createdAt" FROM "Match" ORDER BY id')
    convs = fetch(conn, 'SELECT id, "userAId", "userBId" FROM "Conversation"')
    since = dt.datetime(1970, 1, 1) + dt.timedelta(
        milliseconds=ordinal_ms(start.toordinal() - FEED_DAYS)
    )
    posts = fetch(
        conn,
        'SELECT id, "userId", "createdAt" FROM "Post" WHERE "createdAt" >= %s ORDER BY id',
        [since],
    )
    seen = fetch(
        conn,
        'SELECT "viewerUserId", "itemId" FROM "FeedSeen" WHERE "itemType" = \'POST\' '
        'AND "itemId" = ANY(%s)',
        [[int(r[0]) for r in posts]],
    )
    return Prior(
        last,
        (
            _ints([r[0] for r in likes]),
            _ints([r[1] for r in likes]),
            np.array([r[2] == "LIKE" for r in likes], dtype=bool),
            _ms([r[3] for r in likes]),
        ),
        (
            _ints([r[0] for r in matches]),
            _ints([r[1] for r in matches]),
            _ints([r[2] for r in matches]),
            _ms([r[3] for r in matches]),
        ),
        (_ints([r[0] for r in convs]), _ints([r[1] for r in convs]), _ints([r[2] for r in convs])),
        (_ints([r[0] for r in posts]), _ints([r[1] for r in posts]), _ms([r[2] for r in posts])),
        (_ints([r[0] for r in seen]), _ints([r[1] for r in seen])),
    )


def load(conn: Conn, sim: Simulation, start: dt.date) -> Ids:
    """Fill ``sim.state`` from the database for a window starting on ``start``; return the
    ids to continue from. Rows of users the simulation does not know are ignored."""
    return restore(sim, start, fetched(conn, start))


def restore(sim: Simulation, start: dt.date, prior: Prior) -> Ids:
    """Fill ``sim.state`` from ``prior`` for a window starting on ``start`` (see ``load``)."""
    ids = Ids()
    ids.last.update({t: prior.last.get(t, 0) for t in _TABLES})
    if ids.last["Like"] == 0 and ids.last["Post"] == 0:
        return ids  # nothing before: a fresh window
    p, n, st = sim.p, sim.n, sim.state
    d0 = start.toordinal()

    def pos(user_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.asarray(user_ids, dtype=np.int64)
        at = np.searchsorted(p.ids, u)
        ok = (at < n) & (p.ids[np.minimum(at, n - 1)] == u) if n else np.zeros(len(u), dtype=bool)
        return at, ok

    fa, fb, is_like, like_ms = prior.likes
    if len(fa):
        a, ok_a = pos(fa)
        b, ok_b = pos(fb)
        ok = ok_a & ok_b
        liked = is_like & ok
        for x, y, t in zip(
            a[liked].tolist(), b[liked].tolist(), like_ms[liked].tolist(), strict=True
        ):
            st.likes[x * n + y] = t
        order = np.argsort(a[ok], kind="stable")
        va, vb = a[ok][order], b[ok][order]
        cut = np.flatnonzero(np.diff(va)) + 1
        for group_a, group_b in zip(np.split(va, cut), np.split(vb, cut), strict=True):
            if len(group_a):
                i = int(group_a[0])
                deck = sim.deck(i)
                st.decided[i][np.isin(deck, group_b)] = True
    recent_a, recent_b, recent_ms = [], [], []
    since = ordinal_ms(d0) - THREAD_DAYS * MS_PER_DAY
    mid, ma, mb, mms = prior.matches
    if len(mid):
        a, ok_a = pos(ma)
        b, ok_b = pos(mb)
        for m, x, y, t, ok in zip(
            mid.tolist(), a.tolist(), b.tolist(), mms.tolist(), (ok_a & ok_b).tolist(), strict=True
        ):
            if not ok:
                continue
            st.matched.add(x * n + y)
            ids.match[x * n + y] = int(m)
            if t >= since:
                recent_a.append(x)
                recent_b.append(y)
                recent_ms.append(t)
    cid, ca, cb = prior.conversations
    if len(cid):
        a, ok_a = pos(ca)
        b, ok_b = pos(cb)
        for c, x, y, ok in zip(
            cid.tolist(), a.tolist(), b.tolist(), (ok_a & ok_b).tolist(), strict=True
        ):
            if ok:
                ids.conversation[x * n + y] = int(c)
    if recent_a:  # threads still running: their messages from d0 on are this window's
        m = {"a": np.array(recent_a), "b": np.array(recent_b), "ms": np.array(recent_ms)}
        sim._schedule(m)
        for day in [d for d in st.pending if d < d0]:
            del st.pending[day]
    _posts(sim, d0, prior, pos)
    return ids


def _posts(sim: Simulation, d0: int, prior: Prior, pos: Any) -> None:
    """Posts a feed on day d0 or later may still show (``Simulation._feed``), in id order,
    and who has seen them."""
    st = sim.state
    pid, pa, pms = prior.posts
    keep = pms >= ordinal_ms(d0 - FEED_DAYS)
    pid, pa, pms = pid[keep], pa[keep], pms[keep]
    if not len(pid):
        return
    author, ok = pos(pa)
    st.posts.append({"author": author[ok], "ms": pms[ok], "id": pid[ok]})
    sv, sp = prior.seen
    mine = np.isin(sp, pid[ok])
    viewers, ok_v = pos(sv[mine])
    posts = sp[mine]
    st.seen = np.unique(viewers[ok_v].astype(np.int64) * SEEN_BASE + posts[ok_v])


__all__ = ["Prior", "fetched", "load", "quiz_compatibility", "restore"]
