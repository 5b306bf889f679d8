"""Interest taxonomy, post topics and the spec's six personality archetypes (spec 2.3).

From ``data/taxonomy.json`` (hand-written). ``SUBJECTS`` are sorted by key and each
subject's interests by key; ``ARCHETYPES`` keep the spec's order (adventurer,
intellectual, social, creative, athletic, casual). ``ARCHETYPE_SUBJECT_WEIGHTS[a, s]`` is
the integer relative weight (0-10) with which archetype ``a`` draws interests from
subject ``s``: integers, so a weighted draw decides on integers on every CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pgseed.packs.social.vocab._data import read_json


@dataclass(frozen=True, slots=True)
class Interest:
    """``key``: slug unique within its subject (Interest.key); ``label``: Interest.label;
    ``phrase``: how it reads mid-sentence in a template ("rock climbing")."""

    key: str
    label: str
    phrase: str


@dataclass(frozen=True, slots=True)
class Subject:
    """An InterestSubject row and its interests (sorted by key)."""

    key: str
    label: str
    interests: tuple[Interest, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """A post topic; ``phrase`` fills {their_post_topic} ("the outdoors")."""

    key: str
    label: str
    phrase: str


@dataclass(frozen=True, slots=True)
class Archetype:
    """One of the spec's archetypes: adjectives for {archetype_word}, preferred post topics
    (keys into ``TOPICS``) and integer weights per subject key."""

    key: str
    label: str
    words: tuple[str, ...]
    topics: tuple[str, ...]
    subject_weights: tuple[tuple[str, int], ...]

    def weight(self, subject_key: str) -> int:
        return dict(self.subject_weights)[subject_key]


_RAW = read_json("taxonomy.json")

SUBJECTS: tuple[Subject, ...] = tuple(
    Subject(
        key=s["key"],
        label=s["label"],
        interests=tuple(
            Interest(key=i["key"], label=i["label"], phrase=i.get("phrase", i["label"].lower()))
            for i in s["interests"]
        ),
    )
    for s in _RAW["subjects"]
)
TOPICS: tuple[Topic, ...] = tuple(
    Topic(key=t["key"], label=t["label"], phrase=t["label"].lower()) for t in _RAW["topics"]
)
ARCHETYPES: tuple[Archetype, ...] = tuple(
    Archetype(
        key=a["key"],
        label=a["label"],
        words=tuple(a["words"]),
        topics=tuple(a["topics"]),
        subject_weights=tuple((s.key, int(a["subject_weights"][s.key])) for s in SUBJECTS),
    )
    for a in _RAW["archetypes"]
)
ARCHETYPE_KEYS: tuple[str, ...] = tuple(a.key for a in ARCHETYPES)
SUBJECT_KEYS: tuple[str, ...] = tuple(s.key for s in SUBJECTS)
TOPIC_KEYS: tuple[str, ...] = tuple(t.key for t in TOPICS)

# Every (subject index, interest index) pair flattened, in SUBJECTS order: a user's
# interests can be drawn as indices into this tuple.
ALL_INTERESTS: tuple[tuple[Subject, Interest], ...] = tuple(
    (s, i) for s in SUBJECTS for i in s.interests
)


def _weights() -> npt.NDArray[np.int32]:
    m = np.array([[w for _, w in a.subject_weights] for a in ARCHETYPES], dtype=np.int32)
    m.setflags(write=False)
    return m


ARCHETYPE_SUBJECT_WEIGHTS: npt.NDArray[np.int32] = _weights()
"""len(ARCHETYPES) x len(SUBJECTS) int32, read-only."""


def archetype(key: str) -> Archetype:
    """The archetype named ``key``; ValueError listing the six if unknown."""
    for a in ARCHETYPES:
        if a.key == key:
            return a
    raise ValueError(f"unknown archetype {key!r}; expected one of {', '.join(ARCHETYPE_KEYS)}")


def subject(key: str) -> Subject:
    """The subject named ``key``; ValueError listing the known keys if unknown."""
    for s in SUBJECTS:
        if s.key == key:
            return s
    raise ValueError(f"unknown interest subject {key!r}; expected one of {', '.join(SUBJECT_KEYS)}")
