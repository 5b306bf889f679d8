"""Columns of text literals -> PostgreSQL binary COPY tuples, NULLs and variable widths included.

    encode(bases, columns) -> bytes | None     tuples (no header/trailer), or None: use text COPY
    BASES                                      the types whose binary form is derived here

``pgseed fill`` draws every value as its text input literal (``anyschema/values``).
For the types below the binary form (PostgreSQL's ``typsend`` format, documented
under "Binary Format" of the COPY page and in each type's ``*_recv`` function) is
derived from that literal exactly, and the server skips parsing the text.

Exactness is checked, not assumed: a column is converted only when every literal
of the block is in the canonical form pgseed's generators write (the converted
values, formatted back, equal the literals: ``int4 '+5'``, ``timestamptz ... +02``
or ``'on'`` for a bool are not), and fits the type (an int2 of 40000 is left to the
server to refuse). Otherwise ``encode`` returns None and the block goes as text: the
stored rows are the same either way.

Tuple layout: int16 field count, then per field int32 byte length (-1 for NULL)
and the bytes; all big-endian. The tuples are assembled with numpy from per-column
lengths and payloads: no Python work per row beyond turning strings into bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Field = str | None
Converted = tuple[np.ndarray, bytes]
"""Per column: each row's byte length (-1 for NULL) and the non-NULL values' bytes, in order."""

_PG_EPOCH_DAYS = 10957  # 2000-01-01 in days since 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400_000_000
_INT_RANGE = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": None}
_INT_WIDTH = {"int2": ">i2", "int4": ">i4", "int8": ">i8"}


class _NotExact(Exception):
    """A literal whose binary form is not derived here: the block goes as text."""


def _split(col: Sequence[Field]) -> tuple[np.ndarray, list[str]]:
    null = np.fromiter((v is None for v in col), dtype=bool, count=len(col))
    return null, [v for v in col if v is not None]


def _fixed(null: np.ndarray, values: np.ndarray, dtype: str) -> Converted:
    data = np.ascontiguousarray(values, dtype=dtype).tobytes()
    return np.where(null, -1, np.dtype(dtype).itemsize).astype(np.int64), data


def _int(base: str) -> Callable[[Sequence[Field]], Converted]:
    def convert(col: Sequence[Field]) -> Converted:
        null, vals = _split(col)
        text = np.array(vals, dtype=str) if vals else np.zeros(0, dtype="U1")
        try:
            nums = text.astype(np.int64)
        except (ValueError, OverflowError) as exc:
            raise _NotExact from exc
        if not np.array_equal(nums.astype(str), text):  # '+5', ' 5', '05', '1_000'
            raise _NotExact
        bounds = _INT_RANGE[base]
        if bounds is not None and len(nums) and (nums.min() < bounds[0] or nums.max() > bounds[1]):
            raise _NotExact
        return _fixed(null, nums, _INT_WIDTH[base])

    return convert


def _bool(col: Sequence[Field]) -> Converted:
    null, vals = _split(col)
    if any(v not in ("t", "f") for v in vals):
        raise _NotExact
    return _fixed(null, np.array([v == "t" for v in vals], dtype=bool), "u1")


def _float8(col: Sequence[Field]) -> Converted:
    null, vals = _split(col)
    try:
        nums = [float(v) for v in vals]
    except ValueError as exc:
        raise _NotExact from exc
    if any(repr(x) != v for x, v in zip(nums, vals, strict=True)):  # shortest round trip only
        raise _NotExact
    return _fixed(null, np.array(nums, dtype=np.float64), ">f8")


def _date(col: Sequence[Field]) -> Converted:
    null, vals = _split(col)
    text = np.array(vals, dtype=str) if vals else np.zeros(0, dtype="U10")
    try:
        days = text.astype("datetime64[D]")
    except ValueError as exc:
        raise _NotExact from exc
    if np.isnat(days).any() or not np.array_equal(np.datetime_as_string(days), text):
        raise _NotExact
    return _fixed(null, days.astype(np.int64) - _PG_EPOCH_DAYS, ">i4")


def _timestamp(zone: str) -> Callable[[Sequence[Field]], Converted]:
    """``YYYY-MM-DD HH:MM:SS[.f...]`` (then ``+00`` for timestamptz: UTC is what binary holds)."""

    def convert(col: Sequence[Field]) -> Converted:
        null, vals = _split(col)
        if zone and any(not v.endswith(zone) for v in vals):
            raise _NotExact
        bare = [v[: len(v) - len(zone)] if zone else v for v in vals]
        text = np.array(bare, dtype=str) if bare else np.zeros(0, dtype="U26")
        try:
            us = np.char.replace(text, " ", "T").astype("datetime64[us]")
        except ValueError as exc:
            raise _NotExact from exc
        if np.isnat(us).any():
            raise _NotExact
        back = np.datetime_as_string(us, unit="us").tolist()
        # equal up to the literal's own digits, and nothing but zeros after them
        for b, v in zip(back, bare, strict=True):
            if b[: len(v)].replace("T", " ") != v or b[len(v) :].strip("0."):
                raise _NotExact
        return _fixed(null, us.astype(np.int64) - _PG_EPOCH_US, ">i8")

    return convert


def _text(prefix: bytes) -> Callable[[Sequence[Field]], Converted]:
    """text, varchar, bpchar and json: the UTF-8 bytes; jsonb: version 1, then the text."""

    def convert(col: Sequence[Field]) -> Converted:
        encoded = [None if v is None else prefix + v.encode() for v in col]
        sizes = np.fromiter(
            (-1 if b is None else len(b) for b in encoded), dtype=np.int64, count=len(col)
        )
        return sizes, b"".join(b for b in encoded if b is not None)

    return convert


def _uuid(col: Sequence[Field]) -> Converted:
    null, vals = _split(col)
    try:
        raw = b"".join(bytes.fromhex(v.replace("-", "")) for v in vals)
    except ValueError as exc:
        raise _NotExact from exc
    hexed = raw.hex()
    canon = [
        f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        for h in (hexed[i : i + 32] for i in range(0, len(hexed), 32))
    ]
    if len(raw) != 16 * len(vals) or canon != vals:
        raise _NotExact
    return np.where(null, -1, 16).astype(np.int64), raw


CONVERTERS: dict[str, Callable[[Sequence[Field]], Converted]] = {
    "int2": _int("int2"),
    "int4": _int("int4"),
    "int8": _int("int8"),
    "bool": _bool,
    "float8": _float8,
    "date": _date,
    "timestamp": _timestamp(""),
    "timestamptz": _timestamp("+00"),
    "text": _text(b""),
    "varchar": _text(b""),
    "bpchar": _text(b""),
    "json": _text(b""),
    "jsonb": _text(b"\x01"),
    "uuid": _uuid,
}
BASES = frozenset(CONVERTERS)


def encode(bases: Sequence[str], columns: Sequence[Sequence[Field]]) -> bytes | None:
    """Binary COPY tuples for equally long columns of text literals, or None when a
    column's type or one of its literals has no exact binary form here."""
    if not columns or any(b not in CONVERTERS for b in bases):
        return None
    n = len(columns[0])
    try:
        converted = [CONVERTERS[b](col) for b, col in zip(bases, columns, strict=True)]
    except _NotExact:
        return None
    sizes = np.stack([s for s, _ in converted], axis=1)  # (rows, columns)
    field = 4 + np.maximum(sizes, 0)
    row_len = 2 + field.sum(axis=1)
    row_start = np.zeros(n, dtype=np.int64)
    np.cumsum(row_len[:-1], out=row_start[1:])
    out = np.zeros(int(row_len.sum()), dtype=np.uint8)
    count = len(bases)
    out[row_start] = count >> 8
    out[row_start + 1] = count & 0xFF
    starts = row_start[:, None] + 2 + np.cumsum(field, axis=1) - field  # each field's length word
    for j, (col_sizes, payload) in enumerate(converted):
        at = starts[:, j]
        word = col_sizes.astype(np.int64) & 0xFFFFFFFF
        for b in range(4):
            out[at + b] = (word >> (24 - 8 * b)) & 0xFF
        present = col_sizes > 0
        lengths = col_sizes[present]
        if len(lengths):
            first = at[present] + 4  # where each value's bytes go
            offset = np.zeros(len(lengths), dtype=np.int64)
            np.cumsum(lengths[:-1], out=offset[1:])
            dest = np.repeat(first - offset, lengths) + np.arange(int(lengths.sum()))
            out[dest] = np.frombuffer(payload, dtype=np.uint8)
    return out.tobytes()
