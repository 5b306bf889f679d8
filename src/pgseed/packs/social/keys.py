"""Spec 004's keyed randomness (Phase 7, "Deterministic Seeding Keys") on the engine's
counter-based draws (``pgseed.rng``).

The spec keys every stream by ``runSeed:userId:namespace`` and, for activity,
``runSeed:userId:day:namespace``. Here the run seed is any string (``demo-2024``); it is
hashed once to the integer key of ``rng.hashed_uniform``, and a draw is a pure function of
(run seed, namespace, user id, second key). Activity draws take the **absolute calendar
day** (``date.toordinal()``) as the second key, never an offset from ``--startDate``, so
February draws the same numbers whether it is simulated with January or appended after it.
A pair decision takes the two user ids, ordered: A's decision about B is one number.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from ...rng import hashed_uniform

IntArray = np.ndarray


def seed_key(run_seed: str) -> int:
    """The integer key of a run seed string (63 bits of its blake2b digest)."""
    h = hashlib.blake2b(run_seed.encode(), digest_size=8, person=b"pgseed-social")
    return int.from_bytes(h.digest(), "little") >> 1


def day_key(day: dt.date) -> int:
    """A calendar day as the activity draws' key (proleptic Gregorian ordinal)."""
    return day.toordinal()


def uniform(key: int, namespace: str, a: IntArray | int, b: IntArray | int = 0) -> np.ndarray:
    """Uniform [0, 1) floats keyed by (run seed, namespace, a, b), broadcast over a and b."""
    return hashed_uniform(
        key, namespace, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    )


def choose(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Indices drawn from ``weights`` (not necessarily normalised), one per uniform in ``u``."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    out: np.ndarray = np.searchsorted(cdf / cdf[-1], u, side="right")
    picked: np.ndarray = np.minimum(out, len(cdf) - 1)
    return picked


def between(u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``u`` mapped onto [lo, hi)."""
    out: np.ndarray = lo + (hi - lo) * u
    return out
