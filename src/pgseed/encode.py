"""Blocks of column values -> PostgreSQL COPY text-format bytes.

What the bytes are lives here; where they go (a server, a file) lives in
``load.py``. Column helpers turn numpy arrays into lists of field text,
vectorised where numpy can (``None`` is NULL). ``encode_rows`` is the one place
that escapes: every value that reaches a text COPY, whether a generator drew it
or it came from a config file, the environment or a flag, goes through it, so a
backslash, tab or newline in ``images_dir`` is stored as written. A NUL
character cannot be stored in PostgreSQL text: config values holding one are
refused when the config is read (``config.check_values``), and ``encode_rows``
refuses it too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NULL = None
"""A NULL field: ``encode_rows`` writes it as ``\\N``."""
Field = str | None

# COPY text format: backslash, tab, newline and carriage return must be escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")


def _escaped(column: Sequence[Field]) -> Sequence[str]:
    """One column's fields as COPY text: NULL as ``\\N``, specials escaped.

    One scan of the joined column decides whether any field needs escaping, so
    columns of numbers, dates and plain words cost no per-field work.
    """
    has_null = None in column
    values = [v for v in column if v is not None] if has_null else column
    joined = "".join(values)  # type: ignore[arg-type]
    if "\x00" in joined:
        raise ValueError("a NUL character (\\x00) cannot be stored in PostgreSQL text")
    needs = any(ch in joined for ch in _SPECIAL)
    if not needs and not has_null:
        return column  # type: ignore[return-value]
    return ["\\N" if v is None else (v.translate(_ESCAPES) if needs else v) for v in column]


def int_field(values: np.ndarray) -> list[str]:
    return [str(v) for v in values.tolist()]


def float2_field(values: np.ndarray) -> list[str]:
    """Floats with two decimals (values are already rounded)."""
    return [f"{v:.2f}" for v in values.tolist()]


def bool_field(values: np.ndarray) -> list[str]:
    return np.where(values, "t", "f").tolist()  # type: ignore[no-any-return]


def timestamp_field(seconds: np.ndarray, null_mask: np.ndarray | None = None) -> list[Field]:
    """Naive timestamps from epoch seconds (int64), ``YYYY-MM-DD HH:MM:SS``."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    out: list[Field] = np.char.replace(text, "T", " ").tolist()
    if null_mask is not None:
        for i in np.flatnonzero(null_mask).tolist():
            out[i] = NULL
    return out


def uuid_strings(raw: np.ndarray) -> list[str]:
    """UUID strings (``8-4-4-4-12`` lowercase hex) from an (n, 16) uint8 array."""
    hexes = np.ascontiguousarray(raw, dtype=np.uint8).tobytes().hex()
    out = []
    for i in range(0, len(hexes), 32):
        h = hexes[i : i + 32]
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def uuid4_strings(raw: np.ndarray) -> list[str]:
    """Version-4 UUID strings from an (n, 16) uint8 array of random bytes."""
    b = raw.astype(np.uint8, copy=True)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    return uuid_strings(b)


def encode_rows(columns: Sequence[Sequence[Field]]) -> bytes:
    """COPY text rows from columns of field text (all the same length; None is NULL)."""
    if not columns:
        return b""
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("columns of one block must have the same length")
    if n == 0:
        return b""
    text = [_escaped(c) for c in columns]
    return ("\n".join(map("\t".join, zip(*text, strict=True))) + "\n").encode("utf-8")
