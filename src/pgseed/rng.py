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
