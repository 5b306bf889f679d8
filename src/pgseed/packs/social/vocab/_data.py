"""Reading the frozen data files in ``data/`` (package data, no network, no Faker at run time).

Each file is read once per process by the module that needs it, at import. ``DATA_FILES``
lists every file; tests pin their sha256 so a change to a pool is never silent.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

DATA_FILES: tuple[str, ...] = (
    "bios.json",
    "cities.json",
    "distance_km.csv",
    "messages.json",
    "names.json",
    "posts.json",
    "quiz.json",
    "taxonomy.json",
)


def read_bytes(name: str) -> bytes:
    if name not in DATA_FILES:
        raise KeyError(f"{name!r} is not one of the social vocab files {DATA_FILES}")
    return resources.files("pgseed.packs.social.vocab").joinpath("data", name).read_bytes()


def read_json(name: str) -> Any:
    return json.loads(read_bytes(name).decode("utf-8"))


def sha256(name: str) -> str:
    """The hex sha256 of data file ``name``'s bytes."""
    return hashlib.sha256(read_bytes(name)).hexdigest()
