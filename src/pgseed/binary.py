"""Blocks of fixed-width columns -> PostgreSQL binary COPY tuples, in one numpy pass.

Every supported type has a fixed width in the binary format, so a block is a
numpy structured array (big-endian field count, then length + value per
column) written with one ``tobytes()``: no Python per row. ``loader.copy``
adds the file header and trailer around each COPY statement.

Types: ``int2``, ``int4``, ``int8``, ``bool``, ``date`` (numpy ``datetime64[D]``
or days since 1970), ``timestamp`` (numpy ``datetime64`` of any unit: microseconds
since 2000-01-01 on the wire), and ``numeric:S`` (a non-negative fixed-point value
given as an integer count of 10^-S units, S <= 4, below 10^8). NULLs are not
supported: the tables that use this encoder have none. A value without an exact
binary form (a float or an out-of-range integer for an ``intN``, NaT, a timestamp
finer than microseconds) is a ValueError, never a different stored value.

One more, ``label``: an enum (or text) column of a few distinct values, given as
``Labels(names, index)``. Its binary form is the label's UTF-8 bytes (``enum_send``),
so labels of different lengths make tuples of different lengths (``width`` is then
``VARIABLE``). Each row still gets a fixed-size slot, the longest label right-aligned
after its length word; one boolean mask over the block's bytes drops the unused lead
of the shorter ones: still one numpy pass, no Python per row. Variable-width blocks
cannot be re-cut at a fixed stride or decoded by ``sinks.decode``: a pack sends them
to a database only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = b"\xff\xff"

_PG_EPOCH_DAYS = 10957  # 2000-01-01 in days since 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400_000_000
_PG_MIN_US = -211_813_488_000_000_000  # 4714-11-24 BC 00:00, MIN_TIMESTAMP in datatype/timestamp.h
_NUMERIC_DIGITS = 3  # weight 1: d0 * 10^4 + d1 + d2 * 10^-4

_FIXED = {
    "int2": ">i2",
    "int4": ">i4",
    "int8": ">i8",
    "bool": "u1",
    "date": ">i4",
    "timestamp": ">i8",
}
_INT_RANGE = {
    t: (-(2 ** (b - 1)), 2 ** (b - 1) - 1) for t, b in (("int2", 16), ("int4", 32), ("int8", 64))
}
VARIABLE = 0
"""``width`` of tuples whose length varies by row (a ``label`` column), and a sink's
``binary`` entry for such a table: never re-cut at a stride, never decoded."""


@dataclass(frozen=True)
class Labels:
    """A ``label`` column: row ``i`` holds ``names[index[i]]`` (an enum's labels)."""

    names: Sequence[str]
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    def slots(self) -> tuple[np.ndarray, np.ndarray]:
        """Per label: its length word and bytes, right-aligned in a slot of the longest
        one's size (uint8, labels x slot), and which of the slot's bytes are used."""
        raw = [n.encode() for n in self.names]
        if not raw or any(b"\x00" in b for b in raw):
            raise ValueError("label column: give one or more labels, none holding a NUL")
        slot = 4 + max(map(len, raw))
        table = np.zeros((len(raw), slot), dtype=np.uint8)
        used = np.zeros((len(raw), slot), dtype=bool)
        for k, b in enumerate(raw):
            word = len(b).to_bytes(4, "big") + b
            table[k, slot - len(word) :] = np.frombuffer(word, dtype=np.uint8)
            used[k, slot - len(word) :] = True
        return table, used


def _numeric_dtype() -> list[tuple[str, str]]:
    return [("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")] + [
        (f"d{i}", ">i2") for i in range(_NUMERIC_DIGITS)
    ]


def row_dtype(types: Sequence[str], slots: Sequence[int] = ()) -> np.dtype:
    """The tuple as a structured dtype; ``slots``: each ``label`` column's slot size."""
    fields: list[tuple[str, object]] = [("n", ">i2")]
    slot = iter(slots)
    for i, t in enumerate(types):
        if t == "label":
            size = next(slot, None)
            if size is None:
                raise ValueError("binary COPY: a label column has no fixed width")
            fields.append((f"v{i}", ("u1", size)))  # its length word is inside the slot
            continue
        fields.append((f"len{i}", ">i4"))
        if t.startswith("numeric:"):
            fields.append((f"v{i}", np.dtype(_numeric_dtype())))
        elif t in _FIXED:
            fields.append((f"v{i}", _FIXED[t]))
        else:
            raise ValueError(f"binary COPY: unsupported type {t!r}")
    return np.dtype(fields)


def encode(types: Sequence[str], columns: Sequence[np.ndarray | Labels]) -> bytes:
    """Binary COPY tuples (no header or trailer) for equally long columns."""
    if len(types) != len(columns):
        raise ValueError("one type per column")
    n = len(columns[0]) if columns else 0
    if any(len(c) != n for c in columns):
        raise ValueError("columns of one block must have the same length")
    if any((t == "label") != isinstance(c, Labels) for t, c in zip(types, columns, strict=True)):
        raise ValueError("a label column, and only a label column, is Labels(names, index)")
    slots = {i: _slots(c, i) for i, c in enumerate(columns) if isinstance(c, Labels)}
    dtype = row_dtype(types, [table.shape[1] for table, _, _ in slots.values()])
    out = np.zeros(n, dtype=dtype)
    out["n"] = len(types)
    for i, (t, col) in enumerate(zip(types, columns, strict=True)):
        if isinstance(col, Labels):
            table, _, index = slots[i]
            out[f"v{i}"] = table[index]
        elif t.startswith("numeric:"):
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
        elif t == "timestamp":
            out[f"v{i}"] = _micros(col, i)
            out[f"len{i}"] = 8
        else:
            out[f"v{i}"] = _ints(col, t, i) if t in _INT_RANGE else col
            out[f"len{i}"] = dtype[f"v{i}"].itemsize
    raw = out.view(np.uint8).reshape(n, dtype.itemsize)
    if all(used.all() for _, used, _ in slots.values()):
        return raw.tobytes()  # no labels, or every label of a column has one length
    keep = np.ones(raw.shape, dtype=bool)
    for i, (table, used, index) in slots.items():
        at = int(dtype.fields[f"v{i}"][1])  # type: ignore[index]
        keep[:, at : at + table.shape[1]] = used[index]
    return raw[keep].tobytes()  # each short label's unused lead dropped


def _ints(col: np.ndarray, t: str, i: int) -> np.ndarray:
    """Integers that fit ``t``: numpy would otherwise truncate floats and wrap overflows
    into other, valid values without a word (text COPY would have been refused)."""
    values = np.asarray(col)
    if values.dtype.kind not in "iu":
        raise ValueError(f"{t} column {i}: give integers, not {values.dtype}")
    lo, hi = _INT_RANGE[t]
    if len(values) and (values.min() < lo or values.max() > hi):
        raise ValueError(f"{t} column {i}: values outside [{lo}, {hi}]")
    return values


def _slots(col: Labels, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table, used = col.slots()
    index = np.asarray(col.index, dtype=np.int64)
    if len(index) and (index.min() < 0 or index.max() >= len(table)):
        raise ValueError(f"label column {i}: an index outside its {len(table)} labels")
    return table, used, index


def _micros(col: np.ndarray, i: int) -> np.ndarray:
    """Microseconds since 2000-01-01 from datetime64 of any unit (exact: no rounding)."""
    t = np.asarray(col)
    if t.dtype.kind != "M":
        raise ValueError(f"timestamp column {i}: give numpy datetime64, not {t.dtype}")
    if np.isnat(t).any():  # NaT is int64's minimum: PostgreSQL would read -infinity
        raise ValueError(f"timestamp column {i}: NaT has no timestamp value")
    us = t.astype("datetime64[us]")
    if not np.array_equal(us.astype(t.dtype), t):  # ns beyond microseconds, or overflow
        raise ValueError(f"timestamp column {i}: not exact in microseconds")
    since_1970 = us.astype(np.int64)
    # Below PostgreSQL's first timestamp, subtracting the epoch could wrap around int64
    # into a valid (wrong) one; above its last, numpy's microseconds cannot reach.
    if len(since_1970) and since_1970.min() < _PG_MIN_US + _PG_EPOCH_US:
        raise ValueError(f"timestamp column {i}: before 4714-11-24 BC, PostgreSQL's first")
    return since_1970 - _PG_EPOCH_US


def width(types: Sequence[str]) -> int:
    """Bytes per tuple for ``types``; ``VARIABLE`` when a ``label`` column makes it vary."""
    return VARIABLE if "label" in types else row_dtype(types).itemsize
