"""Conversations after a match (spec 004 3.3, issue 11 "Messages").

A thread is a pure function of (run seed, the pair, the match time): whether it opens at
all, who opens (the more sociable side), whether the other replies (more likely the more
compatible they are and the more sociable the replier is), how many messages (2-10 once
replied), who sends each and when. Its messages are emitted on the opener's local day
(one clock for the whole thread, so a reply never comes on a day before the message it
answers, whatever the time zones), never before the match's day, so a thread that runs
past the window's end is finished by the append that covers those days, message for
message the same as in one longer run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..keys import uniform
from ..people import People
from . import clock

MAX_MESSAGES = 10
_MINUTE = 60_000
_HOUR = 3_600_000


@dataclass(frozen=True)
class Messages:
    """One row per message: the thread (index into the matches given), its sender
    (position), its time (UTC ms), its place in the thread and its stage (0 casual ..
    3 personal)."""

    thread: np.ndarray
    sender: np.ndarray
    ms: np.ndarray
    seq: np.ndarray
    stage: np.ndarray
    size: np.ndarray  # messages in the whole thread
    opener: np.ndarray  # who opened the thread (position)


def open_probability(soc_max: np.ndarray) -> np.ndarray:
    """P(anyone writes after a match): 0.77-0.98 by the more sociable side (about 0.9)."""
    out: np.ndarray = 0.70 + 0.35 * soc_max
    return out


def reply_probability(quiz: np.ndarray, soc_replier: np.ndarray) -> np.ndarray:
    """P(the opener gets an answer): compatibility and the replier's sociability."""
    out: np.ndarray = np.minimum(0.30 + 0.45 * quiz + 0.35 * soc_replier, 0.97)
    return out


def threads(
    key: int, p: People, a: np.ndarray, b: np.ndarray, match_ms: np.ndarray, quiz: np.ndarray
) -> Messages:
    """Every message of the threads of matches (a, b) (positions, a's id < b's id)."""
    ida, idb = p.ids[a], p.ids[b]
    soc_a, soc_b = p.sociability[a], p.sociability[b]
    a_opens = (soc_a > soc_b) | ((soc_a == soc_b) & (ida < idb))
    opener = np.where(a_opens, a, b)
    other = np.where(a_opens, b, a)
    opens = uniform(key, "thread-open", ida, idb) < open_probability(np.maximum(soc_a, soc_b))
    replied = uniform(key, "thread-reply", ida, idb) < reply_probability(quiz, p.sociability[other])
    more = np.floor(9 * uniform(key, "thread-size", ida, idb) * (0.5 + 0.5 * quiz)).astype(np.int64)
    size = np.where(opens, np.where(replied, 2 + more, 1), 0)
    size = np.minimum(size, MAX_MESSAGES)
    thread = np.repeat(np.arange(len(a)), size)
    seq = np.arange(len(thread)) - np.repeat(np.cumsum(size) - size, size)
    ta, tb = ida[thread], idb[thread]
    code = ta * 16 + seq  # one key per (pair, message): ids stay far below 2**59
    # Who sends: the opener, then the other; later turns switch 80 % of the time.
    switch = (uniform(key, "msg-switch", code, tb) < 0.8) | (seq == 1)
    turns = np.where(seq == 0, 0, switch.astype(np.int64))
    flips = _cumsum_by(turns, size)
    sender = np.where(flips % 2 == 0, opener[thread], other[thread])
    ms = _times(key, p, thread, seq, sender, code, tb, match_ms)
    stage = np.minimum(3, (4 * seq) // np.maximum(size[thread], 1))
    return Messages(thread, sender, ms, seq, stage, size[thread], opener[thread])


def _times(
    key: int,
    p: People,
    thread: np.ndarray,
    seq: np.ndarray,
    sender: np.ndarray,
    code: np.ndarray,
    tb: np.ndarray,
    match_ms: np.ndarray,
) -> np.ndarray:
    """When each message is sent (UTC ms). Half of the replies come quickly, 1-31 minutes
    after the message before (both have the app open); the rest, and every opener, at the
    sender's next session: a time from the hour-of-day curve in their own time zone on the
    day of the message before, or the next day when that time has passed. So threads peak
    in the evening like everything else, and a reply never precedes what it answers."""
    fast = (seq > 0) & (uniform(key, "msg-fast", code, tb) < 0.5)
    u_gap = uniform(key, "msg-gap", code, tb)
    local = clock.local_times(
        uniform(key, "msg-hour", code, tb), uniform(key, "msg-minute", code, tb)
    )
    city = p.city[sender]
    ms = np.zeros(len(thread), dtype=np.int64)
    for k in range(MAX_MESSAGES):
        at = np.flatnonzero(seq == k)
        if len(at) == 0:
            break
        before = (
            match_ms[thread[at]] if k == 0 else ms[at - 1]
        )  # a thread's messages are contiguous
        quick = before + _MINUTE + np.floor(u_gap[at] * u_gap[at] * 30 * _MINUTE).astype(np.int64)
        day = clock.local_day(before, city[at])
        session = clock.utc_ms_each(day, local[at], city[at])
        late = session <= before + 5 * _MINUTE
        session = np.where(late, clock.utc_ms_each(day + 1, local[at], city[at]), session)
        ms[at] = np.where(fast[at], quick, session)
    return ms


def _cumsum_by(values: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at each thread (``size`` messages per thread, in order)."""
    total = np.cumsum(values)
    starts = np.cumsum(size) - size
    before = np.where(starts > 0, total[np.maximum(starts - 1, 0)], 0) if len(total) else starts
    out: np.ndarray = total - np.repeat(before, size)
    return out
