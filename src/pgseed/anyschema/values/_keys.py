"""Counter-based draws for one column: every value a function of (key, row index).

A column's key is ``rng.derive(seed, table, column, purpose)``; a row's bits are a
splitmix64 mix of the key and the row index, so the value of row ``i`` is the same
whichever block, subset or order of rows asks for it (ARCHITECTURE.md rule 1).
Everything here is integer arithmetic: no ``exp``/``log``, whose last bits differ
between CPUs (STYLE.md, numpy#23523).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pgseed import encode, rng

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MASK64 = (1 << 64) - 1


def mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection on uint64 with full avalanche."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    out: np.ndarray = z ^ (z >> np.uint64(31))
    return out


@dataclass(frozen=True)
class Keyed:
    """The draws of one column of one run: ``seed`` plus the column's names."""

    seed: int
    table: str
    column: str

    def key(self, purpose: str) -> int:
        return rng.derive(self.seed, "fill-values", self.table, self.column, purpose) & _MASK64

    def bits(self, purpose: str, rows: np.ndarray) -> np.ndarray:
        """64 random bits per row (uint64); a bijection of the row index for one purpose."""
        k = np.uint64(self.key(purpose))
        with np.errstate(over="ignore"):
            return mix(mix(rows.astype(np.uint64) ^ k) + _GOLDEN)

    def uniform(self, purpose: str, rows: np.ndarray) -> np.ndarray:
        """Floats in [0, 1) with 53 random bits."""
        return (self.bits(purpose, rows) >> np.uint64(11)).astype(np.float64) * (2.0**-53)

    def below(self, purpose: str, rows: np.ndarray, n: int) -> np.ndarray:
        """Integers in [0, n) (int64 for n <= 2**62; object ints above)."""
        if n <= 0:
            raise ValueError("empty range")
        b = self.bits(purpose, rows)
        if n <= 1 << 62:
            return (b % np.uint64(n)).astype(np.int64)
        # Wide spans (bigint, numeric): 128 random bits, exact Python integers.
        b2 = self.bits(purpose + "/hi", rows)
        return np.array(
            [((int(x) << 64) | int(y)) % n for x, y in zip(b.tolist(), b2.tolist(), strict=True)],
            dtype=object,
        )

    def permute(self, purpose: str, rows: np.ndarray, n: int) -> np.ndarray:
        """A bijection of [0, n) applied to ``rows mod n``: distinct rows below n get
        distinct values (an affine map with a multiplier coprime to n)."""
        if n <= 0:
            raise ValueError("empty range")
        k = self.key(purpose)
        a = (k >> 1) % n or 1
        while math.gcd(a, n) != 1:
            a += 1
        c = (k >> 7) % n
        if n <= 1 << 31:
            r = rows.astype(np.int64) % n
            return (r * np.int64(a % n) + np.int64(c)) % n  # a, r < 2**31: no overflow
        return np.array([(a * (int(i) % n) + c) % n for i in rows.tolist()], dtype=object)


def uuid_texts(unique_bits: np.ndarray, random_bits: np.ndarray) -> list[str]:
    """Version-4 UUIDs whose 64 non-fixed leading bits are ``unique_bits`` (uint64):
    distinct inputs give distinct UUIDs, because the version and variant bits are put
    beside them, never over them."""
    x = unique_bits.astype(np.uint64)
    y = random_bits.astype(np.uint64)
    raw = np.empty((len(x), 16), dtype=np.uint8)
    for j in range(6):
        raw[:, j] = (x >> np.uint64(56 - 8 * j)) & np.uint64(0xFF)
    raw[:, 6] = np.uint64(0x40) | ((x >> np.uint64(12)) & np.uint64(0xF))
    raw[:, 7] = (x >> np.uint64(4)) & np.uint64(0xFF)
    raw[:, 8] = np.uint64(0x80) | ((x & np.uint64(0xF)) << np.uint64(2)) | (y & np.uint64(3))
    for j in range(9, 16):
        raw[:, j] = (y >> np.uint64(8 * (j - 8))) & np.uint64(0xFF)
    return encode.uuid_strings(raw)
