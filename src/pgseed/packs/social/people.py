"""Who each user is: spec 004's Phase A personality and demographics, as a pure function of
(run seed, user id) and the profile run's config (its ratios and start date).

Every later phase (activity, ``debug-user``) calls :func:`people` again instead of reading
back or guessing: the same ids give the same people. All draws are vectorised over the ids
(``keys.uniform``), so 10,000 users take milliseconds and no draw depends on which other
users are generated with them.

Shapes: every array has one entry per id, in the order of ``ids``; ``interests`` is an
(n, 8) int array of interest indices (``pools.INTERESTS``) padded with -1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import pools
from .keys import between, choose, uniform

GENDERS = ("UNSPECIFIED", "MALE", "FEMALE", "NONBINARY", "OTHER")
INTENTS = ("UNSPECIFIED", "FRIENDS", "CASUAL", "LONG_TERM", "MARRIAGE")
MALE, FEMALE = GENDERS.index("MALE"), GENDERS.index("FEMALE")
MAX_INTERESTS = 8
MIN_AGE, MAX_AGE = 18, 65


def _age_weights() -> np.ndarray:
    """Ages 18-65 with the peak at 25-35 (spec 004 2.2): a ramp from 18 to 25, flat to 35,
    then 8 % fewer per year (halving about every 8 years). Built by multiplication only,
    so the table is the same bits on every CPU (no SIMD ``exp``: STYLE.md)."""
    w = []
    for age in range(MIN_AGE, MAX_AGE + 1):
        if age < 25:
            w.append(0.35 + 0.65 * (age - 18) / 7)
        elif age <= 35:
            w.append(1.0)
        else:
            w.append(w[-1] * 0.92)
    return np.array(w)


AGE_WEIGHTS = _age_weights()


@dataclass(frozen=True)
class Ratios:
    """Shares of each gender and intent (in ``GENDERS`` / ``INTENTS`` order; any scale)."""

    gender: tuple[float, ...]
    intent: tuple[float, ...]


@dataclass(frozen=True)
class People:
    ids: np.ndarray  # int64
    gender: np.ndarray  # index into GENDERS
    seeks: np.ndarray  # bit mask over GENDERS: whom the user wants to be shown
    intent: np.ndarray  # index into INTENTS
    age: np.ndarray  # whole years on the profile run's start date
    birth_ordinal: np.ndarray  # birthdate as date.toordinal()
    city: np.ndarray  # index into pools.CITIES
    archetype: np.ndarray  # index into pools.ARCHETYPES
    sociability: np.ndarray  # 0.2-0.8 (spec 2.3)
    selectivity: np.ndarray  # 0.3-0.8
    engagement: np.ndarray  # 0.4-0.8
    desirability: np.ndarray  # 0.4-12.4, median 0.95: how much others like the profile
    interests: np.ndarray  # (n, MAX_INTERESTS), -1 padded
    incomplete: np.ndarray  # bool: no quiz, no posts, a short profile (spec 7.4)
    inactive: np.ndarray  # bool: never acts in the activity phase (spec 7.4)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray) -> People:
        """The people at ``index`` (positions in these arrays)."""
        return People(**{k: getattr(self, k)[index] for k in self.__dataclass_fields__})


def _seeks(key: int, ids: np.ndarray, gender: np.ndarray) -> np.ndarray:
    """Whom each user wants to meet: most men and women the other binary gender, some the
    same or both; everyone else anyone."""
    u = uniform(key, "seeks", ids)
    everyone = (1 << len(GENDERS)) - 1
    other = np.where(gender == MALE, 1 << FEMALE, 1 << MALE)
    same = np.where(gender == MALE, 1 << MALE, 1 << FEMALE)
    binary = (gender == MALE) | (gender == FEMALE)
    mask = np.where(u < 0.88, other, np.where(u < 0.94, same, other | same))
    out: np.ndarray = np.where(binary, mask, everyone).astype(np.int64)
    return out


def _interests(key: int, ids: np.ndarray, archetype: np.ndarray) -> np.ndarray:
    """3-8 interests each, weighted by the archetype's subjects, without repeats: the
    smallest ``count`` keys ``u / w`` (like weighted sampling without replacement)."""
    m = len(pools.INTEREST_SUBJECT)
    count = 3 + np.floor(uniform(key, "interest-count", ids) * 6).astype(np.int64)
    w = pools.ARCHETYPE_SUBJECT_WEIGHTS[archetype][:, pools.INTEREST_SUBJECT]  # (n, m)
    u = uniform(key, "interest", ids[:, None], np.arange(m)[None, :])
    # u / w orders the interests like weighted sampling: a heavier subject comes first more
    # often. (Not -log(u) / w: SIMD log differs by an ULP between CPUs, and this is a decision.)
    race = u / w
    order = np.argsort(race, axis=1, kind="stable")[:, :MAX_INTERESTS]
    out = np.where(np.arange(MAX_INTERESTS)[None, :] < count[:, None], order, -1)
    return _pad_sorted(out, m)


def _pad_sorted(chosen: np.ndarray, m: int) -> np.ndarray:
    """Each row's chosen indices ascending, the -1 padding last."""
    filled = np.where(chosen < 0, m, chosen)
    filled.sort(axis=1)
    out: np.ndarray = np.where(filled == m, -1, filled).astype(np.int64)
    return out


def people(key: int, ids: np.ndarray, ratios: Ratios, start: dt.date) -> People:
    """The users ``ids`` (int64) of the run keyed ``key`` (``keys.seed_key``), their ages
    counted from the profile run's ``start`` date (never today)."""
    ids = np.asarray(ids, dtype=np.int64)
    gender = choose(uniform(key, "gender", ids), np.asarray(ratios.gender))
    age = MIN_AGE + choose(uniform(key, "age", ids), AGE_WEIGHTS)
    # A birthday anywhere in the year before the age was reached.
    birth = start.toordinal() - np.round(365.25 * age).astype(np.int64)
    birth = birth - np.floor(uniform(key, "birthday", ids) * 365).astype(np.int64)
    archetype = np.floor(uniform(key, "archetype", ids) * len(pools.ARCHETYPES)).astype(np.int64)
    engagement = between(uniform(key, "engagement", ids), 0.4, 0.8)
    # Low engagement, more often a half-filled profile: 0-25 %, about 12.5 % overall.
    incomplete = uniform(key, "incomplete", ids) < 0.25 * (0.8 - engagement) / 0.4
    sociability = between(uniform(key, "sociability", ids), 0.2, 0.8)
    # About 14 % never act in the window, the less sociable more often (6-22 %).
    inactive = uniform(key, "inactive", ids) < 0.06 + 0.16 * (0.8 - sociability) / 0.6
    # Median about 0.95, mean 1.7, a long right tail (0.4 .. 12.4): a few profiles draw
    # most of the likes. A rational function: + - * / are exact on every CPU.
    u_d = uniform(key, "desirability", ids)
    desirability = 0.4 + 0.6 * u_d / (1.05 - u_d)
    return People(
        ids=ids,
        gender=gender,
        seeks=_seeks(key, ids, gender),
        intent=choose(uniform(key, "intent", ids), np.asarray(ratios.intent)),
        age=age,
        birth_ordinal=birth,
        city=choose(uniform(key, "city", ids), pools.CITY_WEIGHTS),
        archetype=archetype,
        sociability=sociability,
        selectivity=between(uniform(key, "selectivity", ids), 0.3, 0.8),
        engagement=engagement,
        desirability=desirability,
        interests=_interests(key, ids, archetype),
        incomplete=incomplete,
        inactive=inactive,
    )
