"""The narrow activity tables ("ProfileView", "Like", "FeedSeen", "LikedPost"): their
columns stay numpy arrays, typed, until they are encoded, as COPY text or as binary
tuples (``binary.py``) built straight from the arrays, never through text and back.

    Ints, Stamps, binary.Labels   typed columns (bigint, timestamp(3), an enum)
    text(column)                  field text of any column (the text COPY, the debug view)
    encode(columns, as_binary)    one block of a table: COPY text or binary tuples
    choose(sink)                  the tables that go binary to this sink (and registers them)

Binary is the default for a database (issue 11 "Performance"; the measurements are in
docs/social.md). ``PGSEED_SOCIAL_COPY=text`` keeps every table text: both store the same
rows. A file sink always gets text: the enum labels make the tuples variable-width, which
its decoder does not read, and it writes text anyway.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .... import binary
from ....encode import Field, encode_rows, int_field
from ....errors import ConfigError
from ..rows import labels, ms_field

if TYPE_CHECKING:
    from ....load import Sink

NARROW = ("ProfileView", "Like", "FeedSeen", "LikedPost")
FORMATS = ("binary", "text")


@dataclass(frozen=True)
class Ints:
    """A bigint column."""

    values: np.ndarray


@dataclass(frozen=True)
class Stamps:
    """A ``timestamp(3)`` column of epoch milliseconds (int64)."""

    ms: np.ndarray


Column = Sequence[Field] | Ints | Stamps | binary.Labels


def text(col: Column) -> Sequence[Field]:
    if isinstance(col, Ints):
        return int_field(col.values)
    if isinstance(col, Stamps):
        return ms_field(col.ms)
    if isinstance(col, binary.Labels):
        return labels(col.names, col.index)
    return col


def encode(columns: Sequence[Column], as_binary: bool) -> bytes:
    if not as_binary:
        return encode_rows([text(c) for c in columns])
    types: list[str] = []
    arrays: list[np.ndarray | binary.Labels] = []
    for c in columns:
        if isinstance(c, Ints):
            types.append("int8")
            arrays.append(c.values)
        elif isinstance(c, Stamps):
            types.append("timestamp")
            arrays.append(np.asarray(c.ms, dtype=np.int64).astype("datetime64[ms]"))
        elif isinstance(c, binary.Labels):
            types.append("label")
            arrays.append(c)
        else:
            raise TypeError("a column of field text has no binary form: its table goes as text")
    return binary.encode(types, arrays)


def copy_format() -> str:
    """``PGSEED_SOCIAL_COPY``: "binary" (the default) or "text"; ConfigError otherwise."""
    value = os.environ.get("PGSEED_SOCIAL_COPY", "binary").strip().lower() or "binary"
    if value not in FORMATS:
        raise ConfigError(
            f"PGSEED_SOCIAL_COPY={os.environ['PGSEED_SOCIAL_COPY']!r} is not a COPY format "
            f"of the social pack ({' or '.join(FORMATS)}).\n"
            "Fix: set PGSEED_SOCIAL_COPY=binary or PGSEED_SOCIAL_COPY=text, or unset it."
        )
    return value


def choose(sink: Sink) -> frozenset[str]:
    """The narrow tables when ``sink`` is a database and the format is binary, each
    registered as variable-width binary (``FORMAT binary``, never re-cut); else none."""
    from ....load import CopyLoader  # psycopg: only when a sink exists

    if copy_format() != "binary" or not isinstance(sink, CopyLoader):
        return frozenset()
    for table in NARROW:
        sink.binary[table] = binary.VARIABLE
    return frozenset(NARROW)
