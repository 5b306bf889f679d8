"""Whom a user is shown: candidate pools from pre-built buckets, never an N x N scan
(spec 004 3.2 "Avoid N² scans"; issue 11 "Candidates are never found by an N² scan").

Users are bucketed by (city, gender), each bucket sorted by age. A user's pool is read
from the buckets of the genders they seek, in the cities nearest to theirs, over an age
range around their own; when it holds fewer than ``MIN_POOL`` people the search widens
(farther cities, wider ages, any intent), so no active user is left with an empty pool
(exact buckets give about 0.5 users each at 1,000 users). Both sides must want each
other's gender. The pool is ordered into a **deck** by a race keyed by the pair
(``u / weight``, like weighted sampling without replacement, with no transcendental
function that could round differently on another CPU): desirable and nearby people come
up earlier, and the order is a pure function of (run seed, viewer, candidate),
so a user added later slots into everyone's deck without reshuffling it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import pools
from ..keys import uniform
from ..people import People

MIN_POOL = 40
MAX_POOL = 400  # a deck longer than a window's evaluations would never be reached
# (radius km, extra years on each side of the age range, intents must fit)
STAGES = ((80, 0, True), (250, 3, True), (800, 6, False), (100_000, 12, False))
# DatingIntent pairs that do not fit (FRIENDS-MARRIAGE, CASUAL-MARRIAGE, FRIENDS-LONG_TERM).
_CLASH = {(1, 4), (4, 1), (2, 4), (4, 2), (1, 3), (3, 1)}


def age_range(age: int) -> tuple[int, int]:
    """The ages a user of ``age`` is shown first ("half your age plus seven" to +10)."""
    return max(18, age // 2 + 7), age + 10


@dataclass(frozen=True)
class Buckets:
    """Positions (into the People arrays) grouped by (city, gender), sorted by age."""

    members: dict[tuple[int, int], np.ndarray]
    ages: dict[tuple[int, int], np.ndarray]
    near: np.ndarray  # (cities, cities): city indices by distance from each city

    @staticmethod
    def of(p: People) -> Buckets:
        members: dict[tuple[int, int], np.ndarray] = {}
        ages: dict[tuple[int, int], np.ndarray] = {}
        order = np.lexsort((p.ids, p.age, p.gender, p.city))
        keys = np.stack([p.city[order], p.gender[order]], axis=1)
        cut = np.flatnonzero(np.any(np.diff(keys, axis=0) != 0, axis=1)) + 1
        for part in np.split(order, cut):
            if len(part):
                k = (int(p.city[part[0]]), int(p.gender[part[0]]))
                members[k] = part
                ages[k] = p.age[part]
        near = np.argsort(pools.DISTANCE_KM, axis=1, kind="stable")
        return Buckets(members, ages, near)


def pool(p: People, b: Buckets, i: int) -> np.ndarray:
    """Positions of user ``i``'s candidates (not ``i``; mutual gender wishes), widening
    through ``STAGES`` until at least ``MIN_POOL`` (or everyone there is)."""
    city, age, me = int(p.city[i]), int(p.age[i]), int(p.gender[i])
    lo, hi = age_range(age)
    genders = [g for g in range(5) if p.seeks[i] >> g & 1]
    found = np.empty(0, dtype=np.int64)
    for radius, widen, fit in STAGES:
        parts = []
        for c in b.near[city].tolist():
            if pools.DISTANCE_KM[city, c] > radius:
                break
            for g in genders:
                ages = b.ages.get((c, g))
                if ages is None:
                    continue
                a, z = np.searchsorted(ages, [lo - widen, hi + widen + 1])
                parts.append(b.members[(c, g)][a:z])
        found = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        found = found[(found != i) & ((p.seeks[found] >> me) & 1 == 1)]
        if fit:
            mine = int(p.intent[i])
            found = found[[(mine, int(t)) not in _CLASH for t in p.intent[found].tolist()]]
        if len(found) >= MIN_POOL:
            break
    return found


def deck(key: int, p: People, b: Buckets, i: int) -> np.ndarray:
    """User ``i``'s pool in the order it is shown (positions), at most ``MAX_POOL``."""
    cand = pool(p, b, i)
    if len(cand) == 0:
        return cand
    dist = pools.DISTANCE_KM[p.city[i], p.city[cand]]
    weight = p.desirability[cand] / (1.0 + dist / 100.0)
    race = uniform(key, "deck", p.ids[i], p.ids[cand]) / weight  # no SIMD log: STYLE.md
    order = np.argsort(race, kind="stable")[:MAX_POOL]
    out: np.ndarray = cand[order]
    return out
