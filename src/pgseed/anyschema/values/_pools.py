"""The word pools shipped with pgseed (``pools.json.gz``, made by scripts/make_pools.py).

Read once per process; a pool is a numpy array of str so a block picks its words
with one fancy-index, not a Python call per row.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from pgseed.anyschema.values._keys import Keyed


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("pgseed.anyschema.values").joinpath("pools.json.gz").read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


def source() -> str:
    """Where the pools came from, e.g. ``faker 40.63.0 en_US``."""
    d = _data()
    return f"{d['source']} {d['faker_version']} {d['locale']}"


@cache
def pool(name: str) -> np.ndarray:
    return np.array(_data()["pools"][name])


def names() -> tuple[str, ...]:
    return tuple(sorted(_data()["pools"]))


def pick(k: Keyed, purpose: str, rows: np.ndarray, name: str) -> list[str]:
    """One entry of pool ``name`` per row, keyed by ``purpose``."""
    p = pool(name)
    return list(p[k.below(purpose, rows, len(p))].tolist())


def words(k: Keyed, purpose: str, rows: np.ndarray, count: int) -> list[str]:
    """``count`` pool words per row joined by spaces."""
    cols = [pick(k, f"{purpose}/{j}", rows, "word") for j in range(count)]
    return [" ".join(t) for t in zip(*cols, strict=True)]
