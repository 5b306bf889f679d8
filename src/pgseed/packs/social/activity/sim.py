"""The day loop of Phase B (issue 11): posts, profile views and likes, matches, threads,
feed views and post likes, one local day at a time.

Everything a day draws is keyed by (run seed, user id, the absolute day) or by the pair,
and depends only on the state the days before left: which candidates each user has
decided on, the likes given, the matches and their threads, and the posts of the last
week with who has seen them. That state is what the database holds after those days
(``state.load``), so appending days 30-59 after days 0-29 writes the rows one 60-day run
writes, ids included: each table's rows are numbered day by day in (time, key) order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..keys import uniform
from ..people import People
from ..rows import MS_PER_DAY, ordinal_ms
from . import clock, decks
from .likes import (
    GENDER_ODDS,
    like_probability,
    overlap,
    quiz_compatibility,
    spec_probability,
)
from .threads import threads

MAX_EVALS = 8  # candidate evaluations per user per day (issue 11: bounded; tests assert it)
MAX_FEED = 8  # posts viewed per user per day
FEED_DAYS = 7  # a post is shown in feeds for a week
FEED_CITIES = 3  # feeds show posts by people in the viewer's 3 nearest cities
FEED_CANDIDATES = 150  # of which the newest 150 per city are ranked (bounded work per view)
SEEN_BASE = 1 << 40  # post ids stay below it
THREAD_DAYS = 10  # no thread runs longer (36 h + 9 x 8 h < 5 days): what an append reloads


@dataclass
class Day:
    """One day's new rows, as arrays (positions are indices into the People arrays)."""

    ordinal: int
    posts: dict[str, np.ndarray] = field(default_factory=dict)  # author, ms, topic, k
    views: dict[str, np.ndarray] = field(default_factory=dict)  # viewer, viewed, ms, like
    matches: dict[str, np.ndarray] = field(default_factory=dict)  # a, b, ms
    messages: dict[str, np.ndarray] = field(
        default_factory=dict
    )  # a, b, sender, ms, seq, stage, size
    feed: dict[str, np.ndarray] = field(default_factory=dict)  # viewer, post, ms, like


@dataclass
class Traits:
    """Per-user inputs of the decisions, computed once from People."""

    held: np.ndarray  # (users, interests) bool
    vectors: np.ndarray  # (users, questions) quiz score vectors
    took: np.ndarray  # answered the quiz
    join: np.ndarray  # first local day the user may act or be shown (ordinal)


@dataclass
class State:
    """What the days so far left behind (see the module docstring)."""

    decks: dict[int, np.ndarray] = field(default_factory=dict)
    decided: dict[int, np.ndarray] = field(default_factory=dict)  # per deck: bool mask
    likes: dict[int, int] = field(default_factory=dict)  # a * n + b -> ms of A's LIKE
    matched: set[int] = field(default_factory=set)  # lo * n + hi
    pending: dict[int, list[dict[str, np.ndarray]]] = field(default_factory=dict)  # day -> messages
    posts: list[dict[str, np.ndarray]] = field(default_factory=list)  # recent posts, with ids
    # (viewer position) * SEEN_BASE + post id of every view of a post a feed may still show,
    # sorted: a viewer never sees a post twice ("FeedSeen" is unique).
    seen: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def decide(self, i: int, cand: np.ndarray) -> None:
        d = self.decks[i]
        mask = self.decided[i]
        mask[np.isin(d, cand)] = True


class Simulation:
    """Runs days for the people ``p`` (all users there are or will be, ids ascending)."""

    def __init__(
        self,
        key: int,
        p: People,
        t: Traits,
        *,
        spec_model: bool = False,
        odds: Sequence[float] | None = None,
    ) -> None:
        self.key, self.p, self.t = key, p, t
        self.n = len(p)
        self.buckets = decks.Buckets.of(p)
        self.state = State()
        self.prob = spec_probability if spec_model else like_probability
        # The viewer's gender odds of the default model (GENDERS order; config like_odds).
        self.odds = GENDER_ODDS if odds is None else np.asarray(odds, dtype=np.float64)

    def deck(self, i: int) -> np.ndarray:
        d = self.state.decks.get(i)
        if d is None:
            d = decks.deck(self.key, self.p, self.buckets, i)
            self.state.decks[i] = d
            self.state.decided[i] = np.zeros(len(d), dtype=bool)
        return d

    # -- the day ------------------------------------------------------------------------

    def day(self, d: int, post_ids: Iterator[int]) -> Day:
        p, key, ids = self.p, self.key, self.p.ids
        out = Day(d)
        wd = clock.WEEKDAY[clock.weekday(d)]
        joined = self.t.join <= d
        can = joined & ~p.inactive
        session = can & (uniform(key, "session", ids, d) < (0.25 + 0.6 * p.engagement) * wd)
        out.posts = self._posts(d, can & ~p.incomplete, wd)
        out.views = self._evaluate(d, np.flatnonzero(session), joined)
        out.matches = self._match(out.views)
        self._schedule(out.matches)
        out.messages = self._messages(d)
        out.feed = self._feed(d, np.flatnonzero(session))
        self._remember_posts(d, out.posts, post_ids)
        return out

    def _posts(self, d: int, can: np.ndarray, wd: float) -> dict[str, np.ndarray]:
        p, key, ids = self.p, self.key, self.p.ids
        rate = (1.0 + 2.0 * (p.engagement - 0.4) / 0.4) / 7.0 * wd  # 1-3 a week (spec 7.3)
        who = np.flatnonzero(can & (uniform(key, "post", ids, d) < rate))
        local = clock.local_times(
            uniform(key, "post-hour", ids[who], d), uniform(key, "post-minute", ids[who], d)
        )
        ms = clock.utc_ms(d, local, p.city[who])
        return {"author": who, "ms": ms}

    def _session(
        self, d: int, actors: np.ndarray, what: str, base: float, slope: float, cap: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """How many of ``what`` each actor does today, 1 + floor(u (base + slope x
        engagement)) capped at ``cap``, and when their session starts (UTC ms, from the
        hour curve in their time zone)."""
        p, key, ids = self.p, self.key, self.p.ids[actors]
        count = "evals" if what == "eval" else what  # the draws' names: part of the seed
        want = 1 + np.floor(
            uniform(key, count, ids, d) * (base + slope * p.engagement[actors])
        ).astype(np.int64)
        local = clock.local_times(
            uniform(key, f"{what}-hour", ids, d), uniform(key, f"{what}-minute", ids, d)
        )
        return np.minimum(want, cap), clock.utc_ms(d, local, p.city[actors])

    def _evaluate(self, d: int, actors: np.ndarray, joined: np.ndarray) -> dict[str, np.ndarray]:
        p, key, ids = self.p, self.key, self.p.ids
        if len(actors) == 0:
            return _empty("viewer", "viewed", "ms", "like")
        want, start = self._session(d, actors, "eval", 1.0, 6.0, MAX_EVALS)
        viewer, viewed, ms = [], [], []
        for i, n, t0 in zip(actors.tolist(), want.tolist(), start.tolist(), strict=True):
            deck = self.deck(i)
            if len(deck) == 0:
                continue
            free = np.flatnonzero(~self.state.decided[i] & joined[deck])[:n]
            if len(free) == 0:
                continue
            self.state.decided[i][free] = True
            picked = deck[free]
            viewer.append(np.full(len(picked), i))
            viewed.append(picked)
            ms.append(t0 + 45_000 * np.arange(1, len(picked) + 1))  # 45 s a profile
        if not viewer:
            return _empty("viewer", "viewed", "ms", "like")
        a, b, t = np.concatenate(viewer), np.concatenate(viewed), np.concatenate(ms)
        quiz = quiz_compatibility(self.t.vectors, self.t.took, a, b)
        shared = overlap(self.t.held, a, b)
        from .. import pools

        km = pools.DISTANCE_KM[p.city[a], p.city[b]]
        like = uniform(key, "like", ids[a], ids[b]) < self.prob(
            p, a, b, quiz, shared, km, self.odds
        )
        return {"viewer": a, "viewed": b, "ms": t, "like": like}

    def _match(self, v: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """A match exactly when both liked: at the later like (issue 11 "Likes")."""
        n, likes = self.n, self.state.likes
        rows = np.flatnonzero(v["like"])
        order = rows[np.argsort(v["ms"][rows], kind="stable")]
        a_out, b_out, ms_out = [], [], []
        for a, b, t in zip(
            v["viewer"][order].tolist(),
            v["viewed"][order].tolist(),
            v["ms"][order].tolist(),
            strict=True,
        ):
            likes[a * n + b] = t
            back = likes.get(b * n + a)
            if back is None:
                continue
            lo, hi = (a, b) if self.p.ids[a] < self.p.ids[b] else (b, a)
            code = lo * n + hi
            if code in self.state.matched:
                continue
            self.state.matched.add(code)
            a_out.append(lo)
            b_out.append(hi)
            ms_out.append(max(t, back))
        return {
            "a": np.array(a_out, dtype=np.int64),
            "b": np.array(b_out, dtype=np.int64),
            "ms": np.array(ms_out, dtype=np.int64),
        }

    def _schedule(self, m: dict[str, np.ndarray]) -> None:
        """Queue every message of the new matches' threads on its sender's local day."""
        if len(m["a"]) == 0:
            return
        quiz = quiz_compatibility(self.t.vectors, self.t.took, m["a"], m["b"])
        msgs = threads(self.key, self.p, m["a"], m["b"], m["ms"], quiz)
        city = self.p.city
        matched = np.maximum(
            clock.local_day(m["ms"], city[m["a"]]), clock.local_day(m["ms"], city[m["b"]])
        )
        days = np.maximum(clock.local_day(msgs.ms, city[msgs.opener]), matched[msgs.thread])
        for day in np.unique(days).tolist():
            sel = days == day
            th = msgs.thread[sel]
            self.state.pending.setdefault(int(day), []).append(
                {
                    "a": m["a"][th],
                    "b": m["b"][th],
                    "match_ms": m["ms"][th],
                    "sender": msgs.sender[sel],
                    "ms": msgs.ms[sel],
                    "seq": msgs.seq[sel],
                    "stage": msgs.stage[sel],
                    "size": msgs.size[sel],
                }
            )

    def _messages(self, d: int) -> dict[str, np.ndarray]:
        parts = self.state.pending.pop(d, [])
        if not parts:
            return _empty("a", "b", "match_ms", "sender", "ms", "seq", "stage", "size")
        return {k: np.concatenate([x[k] for x in parts]) for k in parts[0]}

    def _feed(self, d: int, actors: np.ndarray) -> dict[str, np.ndarray]:
        """Posts of the last week by people in the viewer's nearest cities, not seen yet;
        20-40 % of those viewed are liked (issue 11 "Views and feed"). A post is shown
        from the first UTC midnight after it was made, for ``FEED_DAYS`` days: a rule on
        its stored time alone, so an append that reads the posts back shows the same."""
        p, key, ids = self.p, self.key, self.p.ids
        lo, hi = ordinal_ms(d - FEED_DAYS), ordinal_ms(d)
        recent = [x for x in self.state.posts if len(x["ms"]) and x["ms"].max() >= lo]
        self.state.posts = recent
        if not recent or len(actors) == 0:
            return _empty("viewer", "post", "author", "ms", "like")
        post = np.concatenate([x["id"] for x in recent])
        author = np.concatenate([x["author"] for x in recent])
        made = np.concatenate([x["ms"] for x in recent])
        shown = np.flatnonzero((made >= lo) & (made < hi))
        post, author, made = post[shown], author[shown], made[shown]
        if len(post) == 0:
            return _empty("viewer", "post", "author", "ms", "like")
        age = (hi - made) // MS_PER_DAY
        city = p.city[author]
        by_city = {int(c): np.flatnonzero(city == c) for c in np.unique(city).tolist()}
        want, start = self._session(d, actors, "feed", 0.5, 2.5, MAX_FEED)
        # Viewers in one city share their candidates: rank them all at once.
        st = self.state
        st.seen = st.seen[st.seen % SEEN_BASE >= post.min()]  # posts no feed shows any more
        viewer, seen_post, seen_author, ms = [], [], [], []
        home = p.city[actors]
        for c in np.unique(home).tolist():
            at = np.flatnonzero(home == c)
            vs = actors[at]
            near = self.buckets.near[c][:FEED_CITIES].tolist()
            # The newest FEED_CANDIDATES posts of each nearby city (ids ascend with time).
            cand = np.concatenate([by_city.get(x, _NONE)[-FEED_CANDIDATES:] for x in near])
            if len(cand) == 0:
                continue
            rank = uniform(key, "feed-rank", ids[vs][:, None], post[cand][None, :])
            rank = rank * (1.0 + age[cand])[None, :]  # newer first
            codes = vs[:, None] * SEEN_BASE + post[cand][None, :]
            hidden = (author[cand][None, :] == vs[:, None]) | _member(codes, st.seen)
            rank = np.where(hidden, np.inf, rank)
            order = np.argsort(rank, axis=1, kind="stable")[:, :MAX_FEED]
            taken = np.take_along_axis(rank, order, axis=1)
            rows, cols = np.nonzero(
                (np.arange(order.shape[1])[None, :] < want[at][:, None]) & np.isfinite(taken)
            )
            chosen = cand[order[rows, cols]]
            viewer.append(vs[rows])
            seen_post.append(post[chosen])
            seen_author.append(author[chosen])
            ms.append(start[at][rows] + 20_000 * (cols + 1))
        if not viewer:
            return _empty("viewer", "post", "author", "ms", "like")
        a, pid, au, t = (
            np.concatenate(viewer),
            np.concatenate(seen_post),
            np.concatenate(seen_author),
            np.concatenate(ms),
        )
        st.seen = np.union1d(st.seen, a * SEEN_BASE + pid)
        topical = (self.t.held[a] & self.t.held[au]).any(axis=1)
        prob = (
            0.05
            + 0.3 * p.engagement[a]
            + 0.1 * topical
            + 0.02 * np.minimum(p.desirability[au], 5.0)
        )
        like = uniform(key, "post-like", ids[a], pid) < prob
        return {"viewer": a, "post": pid, "author": au, "ms": t, "like": like}

    def _remember_posts(
        self, d: int, posts: dict[str, np.ndarray], post_ids: Iterator[int]
    ) -> None:
        if len(posts["author"]) == 0:
            return
        order = np.lexsort((self.p.ids[posts["author"]], posts["ms"]))
        for k in posts:
            posts[k] = posts[k][order]
        posts["id"] = np.array([next(post_ids) for _ in range(len(order))], dtype=np.int64)
        self.state.posts.append(posts)


_NONE = np.empty(0, dtype=np.int64)


def _member(values: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """``np.isin`` against a sorted array, by binary search (no hashing of the big side)."""
    if len(sorted_unique) == 0:
        return np.zeros(values.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_unique, values), len(sorted_unique) - 1)
    out: np.ndarray = sorted_unique[at] == values
    return out


def _empty(*names: str) -> dict[str, np.ndarray]:
    return {k: np.empty(0, dtype=bool if k == "like" else np.int64) for k in names}
