"""Blocks of column values -> PostgreSQL COPY text-format bytes.

What the bytes are lives here; where they go (a server, a file) lives in
``load.py``. Column helpers turn numpy arrays into lists of already-encoded
field strings, vectorised where numpy can; ``encode_rows`` joins them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NULL = "\\N"

# COPY text format: backslash, tab, newline and carriage return must be escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")


def text_field(values: Sequence[str | None]) -> list[str]:
    """Escape free text for COPY; ``None`` becomes NULL."""
    out: list[str] = []
    joined = "".join(v for v in values if v is not None)
    needs = any(ch in joined for ch in _SPECIAL)
    for v in values:
        if v is None:
            out.append(NULL)
        elif needs:
            out.append(v.translate(_ESCAPES))
        else:
            out.append(v)
    return out


def int_field(values: np.ndarray) -> list[str]:
    return [str(v) for v in values.tolist()]


def float2_field(values: np.ndarray) -> list[str]:
    """Floats with two decimals (values are already rounded)."""
    return [f"{v:.2f}" for v in values.tolist()]


def bool_field(values: np.ndarray) -> list[str]:
    return np.where(values, "t", "f").tolist()  # type: ignore[no-any-return]


def timestamp_field(seconds: np.ndarray, null_mask: np.ndarray | None = None) -> list[str]:
    """Naive timestamps from epoch seconds (int64), ``YYYY-MM-DD HH:MM:SS``."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    out: list[str] = np.char.replace(text, "T", " ").tolist()
    if null_mask is not None:
        for i in np.flatnonzero(null_mask).tolist():
            out[i] = NULL
    return out


def uuid4_strings(raw: np.ndarray) -> list[str]:
    """Version-4 UUID strings from an (n, 16) uint8 array of random bytes."""
    b = raw.astype(np.uint8, copy=True)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    hexes = b.tobytes().hex()
    out = []
    for i in range(0, len(hexes), 32):
        h = hexes[i : i + 32]
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def encode_rows(columns: Sequence[Sequence[str]]) -> bytes:
    """Join encoded columns (all the same length) into COPY text rows."""
    if not columns:
        return b""
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("columns of one block must have the same length")
    if n == 0:
        return b""
    return ("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n").encode("utf-8")
