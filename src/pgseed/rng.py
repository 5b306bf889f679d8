"""Keyed deterministic random streams (ARCHITECTURE.md rule 1).

Every random value pgseed draws comes from ``stream(seed, *names)``: a fresh
numpy Generator whose state is a blake2b hash of the run seed and the names
(table, column or namespace, block index). No stream depends on the order in
which blocks are generated, on the batch size or on the number of workers, so
the same seed and config give the same rows whatever the concurrency.
"""

from __future__ import annotations

import hashlib
import secrets

import numpy as np

Key = str | int


def derive(seed: int, *names: Key) -> int:
    """A 128-bit integer that depends only on ``seed`` and ``names``.

    Names are length-prefixed so ("ab", "c") and ("a", "bc") differ.
    """
    h = hashlib.blake2b(digest_size=16, person=b"pgseed-rng-v1")
    h.update(str(int(seed)).encode())
    for name in names:
        token = f"{type(name).__name__}:{name}".encode()
        h.update(len(token).to_bytes(4, "little"))
        h.update(token)
    return int.from_bytes(h.digest(), "little")


def stream(seed: int, *names: Key) -> np.random.Generator:
    """A numpy Generator keyed by ``(seed, *names)``."""
    return np.random.Generator(np.random.PCG64(derive(seed, *names)))


def draw_seed() -> int:
    """A fresh run seed for runs without --seed (printed so the run can be repeated)."""
    return secrets.randbelow(2**31 - 1) + 1


# -- counter-based draws: one value per (key, a, b), vectorised ----------------

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection on uint64 with full avalanche."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    out: np.ndarray = z ^ (z >> np.uint64(31))
    return out


def hashed_uniform(seed: int, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Uniform [0, 1) floats, one per element of ``a`` and ``b`` (broadcast; int64).

    The value at (a, b) depends only on ``(seed, name, a, b)``: entities keyed
    this way (a series and a day) draw the same numbers whichever range or block
    they are generated in, so appending day 31 never changes days 1 to 30.
    """
    key = np.uint64(derive(seed, "hashed", name) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        za = _mix(np.asarray(a).astype(np.uint64) * _GOLDEN + key)
        z = _mix(za ^ (np.asarray(b).astype(np.uint64) * _M2 + _GOLDEN))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def hashed_normal(seed: int, name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Standard normal draws keyed like ``hashed_uniform`` (Box-Muller)."""
    u1 = hashed_uniform(seed, name + "/u1", a, b)
    u2 = hashed_uniform(seed, name + "/u2", a, b)
    out: np.ndarray = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
    return out
