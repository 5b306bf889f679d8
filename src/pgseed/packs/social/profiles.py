"""Phase A rows (spec 004 Phase 2 and 5.1): users, profiles, media, interests, the quiz
results and the interests they touched, for users ``first .. first + count - 1``.

Every value is keyed by (run seed, user id, namespace) (``keys``); ids of the child rows
(media, user interests, quiz results) continue from the database's highest ones in user-id
order, so the same run on the same database gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...encode import Field, bool_field, int_field
from . import pools, vocab
from .keys import uniform
from .people import GENDERS, INTENTS, People
from .rows import MS_PER_DAY, date_field, fixed6, jsonb, labels, ms_field, ordinal_ms

MEDIA_MIN, MEDIA_MAX = 3, 5  # per user (issue 11)
VISIBLE_SHARE = 0.97  # the rest have hidden their profile
Columns = list[Sequence[Field]]


@dataclass(frozen=True)
class Bases:
    """The highest ids already in the database (0 when empty): new rows continue after."""

    media: int = 0
    user_interest: int = 0
    quiz_result: int = 0


@dataclass(frozen=True)
class RefIds:
    """Database ids of the reference rows, in ``pools`` order."""

    subject: np.ndarray  # per pools.SUBJECTS
    interest: np.ndarray  # per pools.INTERESTS
    quiz: int
    question: np.ndarray  # per pools.QUIZ.questions


@dataclass(frozen=True)
class Batch:
    """Phase A's tables as COPY columns (in ``TABLES`` order) with their row counts."""

    columns: dict[str, Columns]
    rows: dict[str, int]
    dirty: dict[int, int]  # interest id -> latest touch (epoch ms), for "InterestDirty"


def created_ms(key: int, ids: np.ndarray, start: dt.date, signup_days: int) -> np.ndarray:
    """Account creation (epoch ms, UTC): uniform over the ``signup_days`` before ``start``."""
    span = max(signup_days, 0) * MS_PER_DAY
    u = uniform(key, "created", ids)
    out: np.ndarray = ordinal_ms(start.toordinal()) - 1 - np.floor(u * span).astype(np.int64)
    return out


def first_names(key: int, p: People) -> list[str]:
    """Each user's first name, from the pool of their gender."""
    u = uniform(key, "first-name", p.ids).tolist()
    out = []
    for g, a in zip(p.gender.tolist(), u, strict=True):
        pool = pools.first_names(g)
        out.append(pool[int(a * len(pool))])
    return out


def _names(key: int, p: People) -> list[str]:
    """Display names: first name and last initial ("Dana K.")."""
    last = uniform(key, "last-name", p.ids).tolist()
    n = len(pools.LAST_NAMES)
    return [
        f"{first} {pools.LAST_NAMES[int(b * n)][0]}."
        for first, b in zip(first_names(key, p), last, strict=True)
    ]


def _bios(key: int, p: People) -> list[Field]:
    """50+ templates in three lengths, fitted to the archetype; the more engaged write
    longer ones; half-filled profiles have none."""
    u_len = uniform(key, "bio-length", p.ids).tolist()
    u_tpl = uniform(key, "bio-template", p.ids).tolist()
    u_word = uniform(key, "bio-word", p.ids).tolist()
    out: list[Field] = []
    for i in range(len(p)):
        if p.incomplete[i]:
            out.append(None)
            continue
        long_share = (float(p.engagement[i]) - 0.4) / 0.4  # 0..1
        length = (
            "long"
            if u_len[i] < 0.15 + 0.35 * long_share
            else "medium"
            if u_len[i] < 0.7
            else "short"
        )
        arch = int(p.archetype[i])
        templates = vocab.bios_for(pools.ARCHETYPES[arch], length)
        own = [int(x) for x in p.interests[i] if x >= 0]
        values = pools.bio_values(arch, own, int(p.city[i]), int(p.age[i]), u_word[i])
        out.append(pools.fill(templates[int(u_tpl[i] * len(templates))], values))
    return out


def build(
    key: int,
    run_seed_hash: str,
    p: People,
    start: dt.date,
    signup_days: int,
    bases: Bases,
    refs: RefIds,
) -> Batch:
    """Every Phase A row of the people ``p`` (ids ascending)."""
    n = len(p)
    ids = p.ids
    created = created_ms(key, ids, start, signup_days)
    cols: dict[str, Columns] = {}
    cols["User"] = [
        int_field(ids),
        [f"test.user{i}@example.com" for i in ids.tolist()],
        [run_seed_hash] * n,
        ms_field(created),
        ms_field(created),
        [None] * n,
    ]
    # Media: 3-5 per user, ids in user order; avatar the first, hero the second.
    per = MEDIA_MIN + np.floor(
        uniform(key, "media-count", ids) * (MEDIA_MAX - MEDIA_MIN + 1)
    ).astype(np.int64)
    owner = np.repeat(ids, per)
    slot = np.arange(len(owner)) - np.repeat(np.cumsum(per) - per, per)
    media_ids = bases.media + 1 + np.arange(len(owner), dtype=np.int64)
    pic = np.floor(uniform(key, "media", owner, slot) * 1e9).astype(np.int64).tolist()
    m_created = np.repeat(created, per) + 1000 * (1 + slot)
    cols["Media"] = [
        int_field(media_ids),
        int_field(owner),
        int_field(owner),
        ["IMAGE"] * len(owner),
        ["READY"] * len(owner),
        ["PUBLIC"] * len(owner),
        [f"https://picsum.photos/seed/{s}/800/600" for s in pic],
        [f"https://picsum.photos/seed/{s}/400/300" for s in pic],
        ["800"] * len(owner),
        ["600"] * len(owner),
        ["image/jpeg"] * len(owner),
        ms_field(m_created),
        [None] * len(owner),
    ]
    first_media = media_ids[np.cumsum(per) - per]
    city = pools.CITY_LAT_LNG[p.city]
    # Within about 5 km of the city centre: the city (pools.DISTANCE_KM) decides distances.
    jitter = (np.stack([uniform(key, "lat", ids), uniform(key, "lng", ids)], axis=1) - 0.5) * 0.09
    hidden = uniform(key, "hidden", ids) >= VISIBLE_SHARE
    cols["Profile"] = [
        int_field(ids),
        int_field(ids),
        int_field(first_media),
        [None if p.incomplete[i] else str(first_media[i] + 1) for i in range(n)],
        _names(key, p),
        _bios(key, p),
        date_field(p.birth_ordinal),
        [pools.city_label(c) for c in p.city.tolist()],
        fixed6(city[:, 0] + jitter[:, 0]),
        fixed6(city[:, 1] + jitter[:, 1]),
        labels(GENDERS, p.gender),
        labels(INTENTS, p.intent),
        bool_field(~hidden),
        ms_field(created),
        ms_field(created),
        [None] * n,
    ]
    cols["UserInterest"], dirty = _user_interests(p, created, bases, refs)
    cols["QuizResult"] = _quiz_results(key, p, created, bases, refs)
    rows = {t: len(c[0]) for t, c in cols.items()}
    return Batch(cols, rows, dirty)


def _user_interests(
    p: People, created: np.ndarray, bases: Bases, refs: RefIds
) -> tuple[Columns, dict[int, int]]:
    held = p.interests >= 0
    users = np.broadcast_to(p.ids[:, None], p.interests.shape)[held]
    chosen = p.interests[held]
    interest_ids = refs.interest[chosen]
    subject_ids = refs.subject[pools.INTEREST_SUBJECT[chosen]]
    touched = np.broadcast_to(created[:, None], p.interests.shape)[held]
    dirty: dict[int, int] = {}
    for i, t in zip(interest_ids.tolist(), touched.tolist(), strict=True):
        dirty[i] = max(dirty.get(i, t), t)
    ids = bases.user_interest + 1 + np.arange(len(users), dtype=np.int64)
    return [
        int_field(ids),
        int_field(users),
        int_field(subject_ids),
        int_field(interest_ids),
    ], dirty


def answers(key: int, p: People) -> tuple[np.ndarray, np.ndarray]:
    """Who answers the quiz (bool per user: 80-90 %, never a half-filled profile) and their
    option index per question (n, questions): the archetype's option 90 % of the time,
    any option otherwise (spec 004 4.1)."""
    quiz = pools.QUIZ
    q = len(quiz.questions)
    takes = ~p.incomplete & (uniform(key, "quiz-takes", p.ids) < 0.97)
    follow = uniform(key, "quiz-follow", p.ids[:, None], np.arange(q)[None, :]) < 0.9
    anyone = uniform(key, "quiz-any", p.ids[:, None], np.arange(q)[None, :])
    picks = np.empty((len(p), q), dtype=np.int64)
    for j, question in enumerate(quiz.questions):
        preferred = np.asarray(pools.PREFERRED[j], dtype=np.int64)[p.archetype]
        other = np.floor(anyone[:, j] * len(question.options)).astype(np.int64)
        picks[:, j] = np.where(follow[:, j], preferred, other)
    return takes, picks


def _quiz_results(key: int, p: People, created: np.ndarray, bases: Bases, refs: RefIds) -> Columns:
    takes, picks = answers(key, p)
    quiz = pools.QUIZ
    rows = np.flatnonzero(takes)
    when = created[rows] + np.floor(uniform(key, "quiz-at", p.ids[rows]) * 3_600_000).astype(
        np.int64
    )
    answer_docs: list[object] = []
    vectors: list[object] = []
    for r in rows.tolist():
        doc: dict[str, str] = {}
        vec: list[float] = []
        for j, question in enumerate(quiz.questions):
            k = int(picks[r, j])
            doc[str(int(refs.question[j]))] = question.options[k].value
            # spec 004 4.1: optIndex / max(1, options - 1)
            vec.append(round(k / max(1, len(question.options) - 1), 6))
        answer_docs.append(doc)
        vectors.append(vec)
    ids = bases.quiz_result + 1 + np.arange(len(rows), dtype=np.int64)
    return [
        int_field(ids),
        int_field(p.ids[rows]),
        [str(refs.quiz)] * len(rows),
        jsonb(answer_docs),
        jsonb(vectors),
        ms_field(when),
        ms_field(when),
    ]
