"""Bio, post and message templates, from ``data/bios.json``, ``posts.json``, ``messages.json``.

Hand-written English. Fill them with ``fill()``; the placeholders each kind may use:

=========================  =====================================================  =================
placeholder                value                                                  used in
=========================  =====================================================  =================
``{interest}``             an interest phrase of the user ("rock climbing")       bio, post, message
``{interest2}``            a second, different interest phrase                    bio, post
``{interest3}``            a third, different interest phrase                     bio
``{city}``                 the user's city name ("Austin")                        bio, post, message
``{archetype_word}``       an adjective of the user's archetype ("curious")       bio
``{age}``                  the user's age in years                                bio
``{day}``                  weekday name of the local date ("Saturday")            post, message
``{name}``                 the sender's first name                                message
``{their_name}``           the recipient's first name                             message
``{their_interest}``       an interest phrase of the recipient                    message
``{their_city}``           the recipient's city name                              message
``{their_post_topic}``     the phrase of a topic the recipient posted about       message
``{their_archetype_word}`` an adjective of the recipient's archetype              message
=========================  =====================================================  =================

Adjectives and phrases are lower case mid-sentence words, so no template starts with one
and none puts "a"/"an" before one. Order: bios by length (short, medium, long), then
any-archetype before the spec's archetype order, then text; posts by topic key, then text;
messages by stage, then text. Generators index by position: the order is part of
determinism.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pgseed.packs.social.vocab._data import read_json
from pgseed.packs.social.vocab.fill import placeholders
from pgseed.packs.social.vocab.taxonomy import ARCHETYPE_KEYS, TOPIC_KEYS

BIO_PLACEHOLDERS = frozenset(
    {"interest", "interest2", "interest3", "city", "archetype_word", "age"}
)
POST_PLACEHOLDERS = frozenset({"interest", "interest2", "city", "day"})
MESSAGE_PLACEHOLDERS = frozenset(
    {"name", "their_name", "their_interest", "their_city", "their_post_topic"}
    | {"their_archetype_word", "interest", "city", "day"}
)
PLACEHOLDERS = BIO_PLACEHOLDERS | POST_PLACEHOLDERS | MESSAGE_PLACEHOLDERS

BIO_LENGTHS: tuple[str, ...] = ("short", "medium", "long")
OPENER_REFERS: tuple[str, ...] = ("interest", "bio", "post")
STAGES: tuple[int, ...] = (0, 1, 2, 3)
SYSTEM_EVENTS: tuple[str, ...] = ("matched", "closed")
ANY = "any"


@dataclass(frozen=True, slots=True)
class BioTemplate:
    """``archetypes`` empty: fits every archetype."""

    text: str
    length: str
    archetypes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostTemplate:
    text: str
    topic: str


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """``kind``: opener | reply | followup | system. ``stage``: 0 casual .. 3 personal
    (openers are stage 0). ``refers``: for an opener, what of the recipient's profile it
    mentions (interest | bio | post); for a system message, its event; else empty."""

    text: str
    kind: str
    stage: int
    refers: str


def _groups(raw: dict[str, Any], expected: tuple[str, ...], what: str) -> list[tuple[str, Any]]:
    # An unknown key would otherwise be silently dropped with all its templates.
    unknown = sorted(set(raw) - set(expected))
    if unknown:
        raise ValueError(f"{what}: unknown group(s) {unknown}; expected {list(expected)}")
    return [(k, raw[k]) for k in expected if k in raw]


def _check(text: str, allowed: frozenset[str], what: str) -> str:
    extra = placeholders(text) - allowed
    if extra:
        raise ValueError(f"{what} template {text!r} uses {sorted(extra)}, not in {sorted(allowed)}")
    return text


def _bios() -> tuple[BioTemplate, ...]:
    raw = read_json("bios.json")
    out: list[BioTemplate] = []
    for length, groups in _groups(
        {k: v for k, v in raw.items() if k != "note"}, BIO_LENGTHS, "bios.json"
    ):
        for group, texts in _groups(groups, (ANY, *ARCHETYPE_KEYS), f"bios.json {length}"):
            tags = () if group == ANY else (group,)
            out += [BioTemplate(_check(t, BIO_PLACEHOLDERS, "bio"), length, tags) for t in texts]
    return tuple(out)


def _posts() -> tuple[PostTemplate, ...]:
    topics = read_json("posts.json")["topics"]
    return tuple(
        PostTemplate(_check(t, POST_PLACEHOLDERS, "post"), topic)
        for topic, texts in _groups(topics, TOPIC_KEYS, "posts.json")
        for t in texts
    )


def _messages() -> tuple[MessageTemplate, ...]:
    raw = read_json("messages.json")
    out: list[MessageTemplate] = []
    for refers, texts in _groups(raw["openers"], OPENER_REFERS, "messages.json openers"):
        out += [
            MessageTemplate(_check(t, MESSAGE_PLACEHOLDERS, "opener"), "opener", 0, refers)
            for t in texts
        ]
    stage_keys = tuple(str(s) for s in STAGES)
    for kind in ("reply", "followup"):
        section = raw["replies" if kind == "reply" else "followups"]
        for stage, texts in _groups(section, stage_keys, f"messages.json {kind}"):
            out += [
                MessageTemplate(_check(t, MESSAGE_PLACEHOLDERS, kind), kind, int(stage), "")
                for t in texts
            ]
    for event, texts in _groups(raw["system"], SYSTEM_EVENTS, "messages.json system"):
        out += [
            MessageTemplate(_check(t, MESSAGE_PLACEHOLDERS, "system"), "system", 0, event)
            for t in texts
        ]
    return tuple(out)


BIO_TEMPLATES: tuple[BioTemplate, ...] = _bios()
POST_TEMPLATES: tuple[PostTemplate, ...] = _posts()
MESSAGE_TEMPLATES: tuple[MessageTemplate, ...] = _messages()


def bios_for(archetype: str, length: str) -> tuple[str, ...]:
    """Bio texts of ``length`` that fit ``archetype`` (any-archetype ones included)."""
    if archetype not in ARCHETYPE_KEYS or length not in BIO_LENGTHS:
        raise ValueError(
            f"no bios for ({archetype!r}, {length!r}): archetype in {ARCHETYPE_KEYS}, length in {BIO_LENGTHS}"
        )
    return _BIOS_BY[(archetype, length)]


def posts_for(topic: str) -> tuple[str, ...]:
    """Post texts of ``topic`` (a key of TOPICS)."""
    if topic not in _POSTS_BY:
        raise ValueError(f"unknown post topic {topic!r}; expected one of {', '.join(TOPIC_KEYS)}")
    return _POSTS_BY[topic]


def openers(refers: str) -> tuple[str, ...]:
    """Opening messages that mention the recipient's ``refers`` (interest | bio | post)."""
    return _messages_of("opener", 0, refers)


def replies(stage: int) -> tuple[str, ...]:
    """Replies at ``stage`` (0 casual .. 3 personal)."""
    return _messages_of("reply", stage, "")


def followups(stage: int) -> tuple[str, ...]:
    """Follow-up messages (a new question) at ``stage`` (0 casual .. 3 personal)."""
    return _messages_of("followup", stage, "")


def system_messages(event: str) -> tuple[str, ...]:
    """System messages (Message.isSystem) for ``event`` (matched | closed)."""
    return _messages_of("system", 0, event)


def _messages_of(kind: str, stage: int, refers: str) -> tuple[str, ...]:
    key = (kind, stage, refers)
    if key not in _MESSAGES_BY:
        raise ValueError(f"no {kind} messages for stage={stage!r}, refers={refers!r}")
    return _MESSAGES_BY[key]


_BIOS_BY: dict[tuple[str, str], tuple[str, ...]] = {
    (a, length): tuple(
        b.text
        for b in BIO_TEMPLATES
        if b.length == length and (not b.archetypes or a in b.archetypes)
    )
    for a in ARCHETYPE_KEYS
    for length in BIO_LENGTHS
}
_POSTS_BY: dict[str, tuple[str, ...]] = {
    t: tuple(p.text for p in POST_TEMPLATES if p.topic == t) for t in TOPIC_KEYS
}


def _index_messages() -> dict[tuple[str, int, str], tuple[str, ...]]:
    out: dict[tuple[str, int, str], tuple[str, ...]] = {}
    for m in MESSAGE_TEMPLATES:
        key = (m.kind, m.stage, m.refers)
        out[key] = (*out.get(key, ()), m.text)
    return out


_MESSAGES_BY = _index_messages()
