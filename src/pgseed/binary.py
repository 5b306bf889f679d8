"""Blocks of fixed-width columns -> PostgreSQL binary COPY tuples, in one numpy pass.

Every supported type has a fixed width in the binary format, so a block is a
numpy structured array (big-endian field count, then length + value per
column) written with one ``tobytes()``: no Python per row. ``loader.copy``
adds the file header and trailer around each COPY statement.

Types: ``int2``, ``int4``, ``int8``, ``bool``, ``date`` (numpy ``datetime64[D]``
or days since 1970), and ``numeric:S`` (a non-negative fixed-point value given
as an integer count of 10^-S units, S <= 4, below 10^8). NULLs are not
supported: the tables that use this encoder have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = b"\xff\xff"

_PG_EPOCH_DAYS = 10957  # 2000-01-01 in days since 1970-01-01
_NUMERIC_DIGITS = 3  # weight 1: d0 * 10^4 + d1 + d2 * 10^-4

_FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "bool": "u1", "date": ">i4"}


def _numeric_dtype() -> list[tuple[str, str]]:
    return [("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")] + [
        (f"d{i}", ">i2") for i in range(_NUMERIC_DIGITS)
    ]


def row_dtype(types: Sequence[str]) -> np.dtype:
    fields: list[tuple[str, object]] = [("n", ">i2")]
    for i, t in enumerate(types):
        fields.append((f"len{i}", ">i4"))
        if t.startswith("numeric:"):
            fields.append((f"v{i}", np.dtype(_numeric_dtype())))
        elif t in _FIXED:
            fields.append((f"v{i}", _FIXED[t]))
        else:
            raise ValueError(f"binary COPY: unsupported type {t!r}")
    return np.dtype(fields)


def encode(types: Sequence[str], columns: Sequence[np.ndarray]) -> bytes:
    """Binary COPY tuples (no header or trailer) for equally long columns."""
    if len(types) != len(columns):
        raise ValueError("one type per column")
    n = len(columns[0]) if columns else 0
    if any(len(c) != n for c in columns):
        raise ValueError("columns of one block must have the same length")
    dtype = row_dtype(types)
    out = np.zeros(n, dtype=dtype)
    out["n"] = len(types)
    for i, (t, col) in enumerate(zip(types, columns, strict=True)):
        if t.startswith("numeric:"):
            scale = int(t.split(":", 1)[1])
            units = np.asarray(col, dtype=np.int64)
            if n and (units.min() < 0 or units.max() >= 10**8 * 10**scale):
                raise ValueError(f"numeric column {i}: values must lie in [0, 10^8)")
            whole, frac = np.divmod(units, 10**scale)
            v = out[f"v{i}"]
            v["ndigits"] = _NUMERIC_DIGITS
            v["weight"] = 1
            v["dscale"] = scale
            v["d0"] = whole // 10000
            v["d1"] = whole % 10000
            v["d2"] = frac * 10 ** (4 - scale)
            out[f"len{i}"] = 8 + 2 * _NUMERIC_DIGITS
        elif t == "date":
            days = np.asarray(col)
            if days.dtype.kind == "M":
                days = days.astype("datetime64[D]").astype(np.int64)
            out[f"v{i}"] = days - _PG_EPOCH_DAYS
            out[f"len{i}"] = 4
        else:
            out[f"v{i}"] = col
            out[f"len{i}"] = dtype[f"v{i}"].itemsize
    return out.tobytes()


def width(types: Sequence[str]) -> int:
    """Bytes per tuple for ``types`` (every supported type is fixed-width)."""
    return row_dtype(types).itemsize
