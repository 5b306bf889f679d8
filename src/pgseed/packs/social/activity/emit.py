"""A simulated day as COPY rows, numbered: each table's ids continue from the rows before,
day after day, in (time, key) order, so an append numbers its rows as the longer run did.
Texts come from the vocab's templates, keyed like everything else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ....binary import Labels
from ....encode import Field, int_field
from .. import pools, vocab
from ..keys import uniform
from ..people import People
from ..rows import ms_field
from .narrow import Column, Ints, Stamps
from .sim import Day

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LIKE_ACTIONS = ("DISLIKE", "LIKE")  # "Like".action by the view's like flag (False, True)
FEED_ITEM_TYPES = ("POST", "SUGGESTION")
Columns = list[Column]


@dataclass
class Ids:
    """The last id of each activity table (the database's highest, then each day's)."""

    last: dict[str, int] = field(default_factory=dict)
    match: dict[int, int] = field(default_factory=dict)  # lo * n + hi -> "Match".id
    conversation: dict[int, int] = field(default_factory=dict)  # lo * n + hi -> id

    def take(self, table: str, n: int) -> np.ndarray:
        first = self.last.get(table, 0) + 1
        self.last[table] = first + n - 1
        return np.arange(first, first + n, dtype=np.int64)


class Emitter:
    """Turns each ``sim.Day`` into COPY columns per table (a dict, tables in FK order):
    field text, and typed numpy columns for the narrow tables (``narrow``)."""

    def __init__(self, key: int, p: People, first_names: list[str], ids: Ids) -> None:
        self.key, self.p, self.names, self.ids = key, p, first_names, ids
        self.n = len(p)

    def day(self, day: Day) -> dict[str, tuple[Columns, int]]:
        out: dict[str, tuple[Columns, int]] = {}
        out["Post"] = self._posts(day)
        out["ProfileView"], out["Like"] = self._views(day)
        out["Match"] = self._matches(day)
        out["Conversation"], out["Message"] = self._messages(day)
        out["FeedSeen"], out["LikedPost"] = self._feed(day)
        return out

    def _posts(self, day: Day) -> tuple[Columns, int]:
        x = day.posts
        n = len(x["author"])
        if n == 0:
            return [], 0
        ids = self.p.ids[x["author"]]
        u_topic = uniform(self.key, "post-topic", ids, day.ordinal).tolist()
        u_text = uniform(self.key, "post-text", ids, day.ordinal).tolist()
        wd = WEEKDAYS[(day.ordinal + 6) % 7]
        texts = []
        for j, i in enumerate(x["author"].tolist()):
            topics = vocab.ARCHETYPES[int(self.p.archetype[i])].topics
            topic = topics[int(u_topic[j] * len(topics))]
            tpl = vocab.posts_for(topic)
            texts.append(pools.fill(tpl[int(u_text[j] * len(tpl))], self._values(i, wd)))
        when = ms_field(x["ms"])
        self.ids.last["Post"] = int(x["id"][-1])
        cols: Columns = [
            int_field(x["id"]),
            int_field(ids),
            [None] * n,
            ["PUBLIC"] * n,
            texts,
            when,
            when,
            [None] * n,
        ]
        return cols, n

    def _values(self, i: int, wd: str) -> dict[str, str | int]:
        own = [int(v) for v in self.p.interests[i] if v >= 0] or [0]
        phrases = [pools.INTERESTS[v][1].phrase for v in own]
        return {
            "interest": phrases[0],
            "interest2": phrases[1 % len(phrases)],
            "city": vocab.CITIES[int(self.p.city[i])].name,
            "day": wd,
        }

    def _views(self, day: Day) -> tuple[tuple[Columns, int], tuple[Columns, int]]:
        v = day.views
        n = len(v["viewer"])
        if n == 0:
            return ([], 0), ([], 0)
        a, b = self.p.ids[v["viewer"]], self.p.ids[v["viewed"]]
        order = np.lexsort((b, a, v["ms"]))
        a, b, ms, like = a[order], b[order], v["ms"][order], v["like"][order]
        when = Stamps(ms)
        views: Columns = [Ints(self.ids.take("ProfileView", n)), Ints(a), Ints(b), when]
        likes: Columns = [
            Ints(self.ids.take("Like", n)),
            Ints(a),
            Ints(b),
            Labels(LIKE_ACTIONS, like.astype(np.int64)),
            when,
        ]
        return (views, n), (likes, n)

    def _matches(self, day: Day) -> tuple[Columns, int]:
        m = day.matches
        n = len(m["a"])
        if n == 0:
            return [], 0
        order = np.lexsort((self.p.ids[m["b"]], self.p.ids[m["a"]], m["ms"]))
        a, b, ms = m["a"][order], m["b"][order], m["ms"][order]
        ids = self.ids.take("Match", n)
        for x, y, i in zip(a.tolist(), b.tolist(), ids.tolist(), strict=True):
            self.ids.match[x * self.n + y] = i
        when = ms_field(ms)
        return [
            int_field(ids),
            int_field(self.p.ids[a]),
            int_field(self.p.ids[b]),
            ["ACTIVE"] * n,
            when,
            when,
            [None] * n,
        ], n

    def _messages(self, day: Day) -> tuple[tuple[Columns, int], tuple[Columns, int]]:
        x = day.messages
        n = len(x["a"])
        if n == 0:
            return ([], 0), ([], 0)
        ida, idb = self.p.ids[x["a"]], self.p.ids[x["b"]]
        order = np.lexsort((x["seq"], idb, ida, x["ms"]))
        x = {k: v[order] for k, v in x.items()}
        ida, idb = ida[order], idb[order]
        # A conversation starts with its first message.
        first = np.flatnonzero(x["seq"] == 0)
        conv_ids = self.ids.take("Conversation", len(first))
        rows: list[list[Field]] = [[], [], [], [], [], []]
        conv: Columns = list(rows)
        for j, cid in zip(first.tolist(), conv_ids.tolist(), strict=True):
            pair = int(x["a"][j]) * self.n + int(x["b"][j])
            self.ids.conversation[pair] = cid
            when = ms_field(x["ms"][j : j + 1])[0]
            for col, v in zip(
                rows,
                (str(cid), str(self.ids.match[pair]), str(ida[j]), str(idb[j]), when, when),
                strict=True,
            ):
                col.append(v)
        bodies = self._bodies(x, day.ordinal)
        msg_ids = self.ids.take("Message", n)
        cids = [
            self.ids.conversation[int(a) * self.n + int(b)]
            for a, b in zip(x["a"].tolist(), x["b"].tolist(), strict=True)
        ]
        msgs: Columns = [
            int_field(msg_ids),
            [str(c) for c in cids],
            int_field(self.p.ids[x["sender"]]),
            bodies,
            ["f"] * n,
            ms_field(x["ms"]),
            [None] * n,
        ]
        return (conv, len(first)), (msgs, n)

    def _bodies(self, x: dict[str, np.ndarray], ordinal: int) -> list[Field]:
        """Openers refer to the other's interest, bio or posts; later messages grow more
        personal by stage (``threads``)."""
        key, p = self.key, self.p
        code = p.ids[x["a"]] * 16 + x["seq"]
        u_kind = uniform(key, "msg-kind", code, p.ids[x["b"]]).tolist()
        u_text = uniform(key, "msg-text", code, p.ids[x["b"]]).tolist()
        wd = WEEKDAYS[(ordinal + 6) % 7]
        out: list[Field] = []
        for j in range(len(x["a"])):
            s = int(x["sender"][j])
            r = int(x["b"][j]) if s == int(x["a"][j]) else int(x["a"][j])
            seq, stage = int(x["seq"][j]), int(x["stage"][j])
            if seq == 0:
                refers = vocab.OPENER_REFERS[int(u_kind[j] * len(vocab.OPENER_REFERS))]
                pool = vocab.openers(refers)
            elif seq == 1 or u_kind[j] < 0.5:
                pool = vocab.replies(stage)
            else:
                pool = vocab.followups(stage)
            out.append(pools.fill(pool[int(u_text[j] * len(pool))], self._message_values(s, r, wd)))
        return out

    def _message_values(self, s: int, r: int, wd: str) -> dict[str, str | int]:
        p = self.p
        theirs = [int(v) for v in p.interests[r] if v >= 0] or [0]
        mine = [int(v) for v in p.interests[s] if v >= 0] or [0]
        arch = vocab.ARCHETYPES[int(p.archetype[r])]
        topic = vocab.TOPICS[vocab.TOPIC_KEYS.index(arch.topics[0])]
        return {
            "name": self.names[s],
            "their_name": self.names[r],
            "their_interest": pools.INTERESTS[theirs[0]][1].phrase,
            "their_city": vocab.CITIES[int(p.city[r])].name,
            "their_post_topic": topic.phrase,
            "their_archetype_word": arch.words[0],
            "interest": pools.INTERESTS[mine[0]][1].phrase,
            "city": vocab.CITIES[int(p.city[s])].name,
            "day": wd,
        }

    def _feed(self, day: Day) -> tuple[tuple[Columns, int], tuple[Columns, int]]:
        f = day.feed
        n = len(f["viewer"])
        if n == 0:
            return ([], 0), ([], 0)
        viewer = self.p.ids[f["viewer"]]
        order = np.lexsort((f["post"], viewer, f["ms"]))
        viewer, post, ms, like = viewer[order], f["post"][order], f["ms"][order], f["like"][order]
        when = Stamps(ms)
        seen: Columns = [
            Ints(self.ids.take("FeedSeen", n)),
            Ints(viewer),
            Labels(FEED_ITEM_TYPES, np.zeros(n, dtype=np.int64)),  # the feed shows posts
            Ints(post),
            when,
            when,
            when,
        ]
        k = int(like.sum())
        liked: Columns = [
            Ints(self.ids.take("LikedPost", k)),
            Ints(viewer[like]),
            Ints(post[like]),
        ]
        return (seen, n), (liked, k)


def utc(ms: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)
