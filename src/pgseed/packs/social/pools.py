"""The vocab (``vocab/``) in the shapes the generators index: numpy arrays by position.

Positions are the vocab's own order (cities by name, interests by subject then key,
archetypes in the spec's order); the database ids of the reference rows are looked up
by key at run time (``reference.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import vocab

ARCHETYPES: tuple[str, ...] = vocab.ARCHETYPE_KEYS
INTERESTS = vocab.ALL_INTERESTS  # (Subject, Interest) pairs
INTEREST_SUBJECT = np.array([vocab.SUBJECT_KEYS.index(s.key) for s, _ in INTERESTS], dtype=np.int64)
ARCHETYPE_SUBJECT_WEIGHTS = np.asarray(vocab.ARCHETYPE_SUBJECT_WEIGHTS, dtype=np.float64)
CITY_WEIGHTS = np.asarray(vocab.CITY_POPULATION, dtype=np.float64)
CITY_LAT_LNG = np.array([[c.lat, c.lng] for c in vocab.CITIES])
CITY_TZ: tuple[str, ...] = tuple(c.timezone for c in vocab.CITIES)
DISTANCE_KM = vocab.DISTANCE_KM
LAST_NAMES = vocab.LAST_NAMES
QUIZ = vocab.QUIZZES[0]
# PREFERRED[q][archetype]: the option index each archetype picks on question q.
PREFERRED = tuple(tuple(q.preferred_option(a) for a in ARCHETYPES) for q in QUIZ.questions)
fill = vocab.fill


def first_names(gender: int) -> tuple[str, ...]:
    """First names for a ``people.GENDERS`` index (neutral ones beyond male and female)."""
    return vocab.first_names(vocab.GENDERS[gender])


def city_label(city: int) -> str:
    return vocab.CITIES[city].location_text


def bio_values(
    archetype: int, interests: list[int], city: int, age: int, pick: float
) -> dict[str, Any]:
    """The bio placeholders of one user (``vocab.templates``): their first three interests
    (repeating when they hold fewer) and a word of their archetype chosen by ``pick``."""
    phrases = [INTERESTS[i][1].phrase for i in interests] or ["good company"]
    while len(phrases) < 3:
        phrases.append(phrases[-1])
    words = vocab.ARCHETYPES[archetype].words
    return {
        "interest": phrases[0],
        "interest2": phrases[1],
        "interest3": phrases[2],
        "city": vocab.CITIES[city].name,
        "archetype_word": words[int(pick * len(words))],
        "age": age,
    }
