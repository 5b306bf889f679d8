"""COPY data back into columns: the inverse of ``encode.encode_rows`` and ``binary.encode``.

Text: rows end in ``\\n``, fields are split by tabs, ``\\N`` alone is NULL, and a
backslash escapes the next character (``\\b \\f \\n \\r \\t \\v``, ``\\ooo`` octal,
``\\xhh`` hex; any other character stands for itself, a tab or newline included).
Three paths, fastest first: data without a backslash is one UTF-8 decode and two
splits; data whose escapes cannot hide a separator and produce no raw bytes is
split the same way and only the fields holding a backslash are unescaped; anything
else (an escaped tab or newline, ``\\ooo``/``\\xhh``) is tokenised and unescaped as
bytes, because an escape may be one byte of a UTF-8 sequence.

Binary: the fixed-width tuples of ``binary.py`` are viewed through the same numpy
structured dtype (``binary.row_dtype``), one column per field, no Python per row.

Errors are ``ValueError``\\s naming the row (1-based within the data) so the sink can
add the table and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..binary import _PG_EPOCH_DAYS, _PG_EPOCH_US, row_dtype

Field = str | None

_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_STR_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_BYTES_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
# A backslash run of odd length (one escaping backslash at its end) before a tab or
# newline: the separator is data, so a plain split would cut the field in two.
_ESCAPED_SEPARATOR = re.compile(rb"(?<!\\)(?:\\\\)*\\[\t\n]")
# ... before an octal digit or ``x`` + hex digit: the escape stands for a raw byte.
_BYTE_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\(?:[0-7]|x[0-9a-fA-F])")
_MAYBE_BYTE_ESCAPE = re.compile(rb"\\[0-7x]")
# Possessive: a field whose terminator was escaped away must fail in linear time.
_TOKEN = re.compile(rb"((?:[^\\\t\n]++|\\.)*+)([\t\n])", re.DOTALL)


def _unescape_str(field: str) -> str:
    return _STR_ESCAPE.sub(lambda m: _SIMPLE.get(m.group(1), m.group(1)), field)


def _unescape_bytes(field: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        octal, hexa, other = m.groups()
        if octal is not None:
            return bytes([int(octal, 8) & 0xFF])  # PostgreSQL keeps the low 8 bits
        if hexa is not None:
            return bytes([int(hexa, 16)])
        simple = _SIMPLE.get(other.decode("latin-1"))
        return simple.encode("ascii") if simple else other

    return _BYTES_ESCAPE.sub(one, field)


def _check_width(rows: Sequence[Sequence[object]], ncols: int) -> None:
    for i, row in enumerate(rows):
        if len(row) != ncols:
            what = (
                "missing data for a column"
                if len(row) < ncols
                else "extra data after the last column"
            )
            raise ValueError(f"row {i + 1}: {what} ({len(row)} fields, {ncols} columns)")


def _text_fields(text: str, ncols: int, escapes: bool) -> list[list[Field]]:
    rows = [line.split("\t") for line in text.split("\n")]
    _check_width(rows, ncols)
    columns: list[list[Field]] = [list(c) for c in zip(*rows, strict=True)] if rows else []
    if escapes:
        for col in columns:
            for i, v in enumerate(col):
                if v is not None and "\\" in v:
                    col[i] = None if v == "\\N" else _unescape_str(v)
    return columns


def _utf8(raw: bytes, row: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"row {row}: invalid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise ValueError(f"row {row}: a NUL character cannot be stored in PostgreSQL text")
    return text


def _tokenised(data: bytes, ncols: int) -> list[list[Field]]:
    rows: list[list[Field]] = []
    row: list[Field] = []
    end = 0
    for m in _TOKEN.finditer(data):
        if m.start() != end:
            raise ValueError(f"row {len(rows) + 1}: a backslash at the end of the data")
        end = m.end()
        raw = m.group(1)
        row.append(None if raw == b"\\N" else _utf8(_unescape_bytes(raw), len(rows) + 1))
        if m.group(2) == b"\n":
            rows.append(row)
            row = []
    if end != len(data):
        raise ValueError(f"row {len(rows) + 1}: COPY text data must end with a newline")
    _check_width(rows, ncols)
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(ncols)]


def decode_text(data: bytes, ncols: int) -> list[list[Field]]:
    """Columns of field text (``None`` for NULL) from COPY text rows."""
    if not data:
        return [[] for _ in range(ncols)]
    if not data.endswith(b"\n"):
        raise ValueError("COPY text data must end with a newline")
    if b"\r" in data:
        # COPY would take a raw carriage return for the end of a row (and refuse the mix).
        raise ValueError("a raw carriage return in COPY text data (write it as \\r)")
    body = data[:-1]
    if b"\\" not in body:
        return _text_fields(_utf8(body, 1), ncols, escapes=False)
    # The exact patterns look behind at every byte: run them only where a plain
    # search (memchr-fast) finds their last two bytes.
    if (body.startswith(b"\\.\n") or b"\n\\.\n" in data) and re.search(
        rb"(?:^|\n)\\\.(?:\n|$)", body
    ):
        raise ValueError("the end-of-data marker \\. in COPY text data")
    separator = (b"\\\t" in data or b"\\\n" in data) and _ESCAPED_SEPARATOR.search(data)
    raw_byte = _MAYBE_BYTE_ESCAPE.search(body) and _BYTE_ESCAPE.search(body)
    if not separator and not raw_byte:
        return _text_fields(_utf8(body, 1), ncols, escapes=True)
    return _tokenised(data, ncols)


@dataclass(frozen=True)
class Fixed:
    """A binary numeric column: ``units`` counts of 10^-``scale`` (the tuples' dscale)."""

    units: np.ndarray  # int64
    scale: int


BinaryColumn = np.ndarray | Fixed

_NUMERIC_NEG = 0x4000


def decode_binary(data: bytes, types: Sequence[str]) -> list[BinaryColumn]:
    """Columns from fixed-width binary tuples (no header or trailer) of ``types``.

    Integers come back as native int16/32/64, ``bool`` as bool, ``date`` as
    ``datetime64[D]``, ``timestamp`` as ``datetime64[us]``, ``numeric:S`` as :class:`Fixed`.
    """
    dtype = row_dtype(types)
    if len(data) % dtype.itemsize:
        raise ValueError(f"{len(data)} bytes are not a whole number of {dtype.itemsize}-byte rows")
    rows = np.frombuffer(data, dtype=dtype)
    _check_binary(rows, types)
    out: list[BinaryColumn] = []
    for i, t in enumerate(types):
        v = rows[f"v{i}"]
        if t.startswith("numeric:"):
            out.append(_numeric(v, i))
        elif t == "date":
            out.append((v.astype(np.int64) + _PG_EPOCH_DAYS).astype("datetime64[D]"))
        elif t == "timestamp":
            out.append((v.astype(np.int64) + _PG_EPOCH_US).astype("datetime64[us]"))
        elif t == "bool":
            out.append(v != 0)  # boolrecv: any byte but 0 is true
        else:
            out.append(v.astype(v.dtype.newbyteorder("=")))
    return out


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def _check_binary(rows: np.ndarray, types: Sequence[str]) -> None:
    if not len(rows):
        return
    bad = rows["n"] != len(types)
    if bad.any():
        raise ValueError(
            f"row {_first(bad)}: a tuple of {int(rows['n'][bad][0])} fields, not {len(types)}"
        )
    for i in range(len(types)):
        width = rows.dtype[f"v{i}"].itemsize
        bad = rows[f"len{i}"] != width
        if bad.any():
            got = int(rows[f"len{i}"][bad][0])
            what = "NULL" if got == -1 else f"{got} bytes"
            raise ValueError(f"row {_first(bad)}: column {i + 1} holds {what}, not {width} bytes")


def _numeric(v: np.ndarray, col: int) -> Fixed:
    bad = (
        (v["ndigits"] != 3) | (v["weight"] != 1) | ((v["sign"] != 0) & (v["sign"] != _NUMERIC_NEG))
    )
    for d in ("d0", "d1", "d2"):
        bad |= (v[d] < 0) | (v[d] > 9999)
    if bad.any():
        raise ValueError(
            f"row {_first(bad)}: column {col + 1}: not a numeric as binary.py writes it"
        )
    scales = v["dscale"]
    scale = int(scales[0]) if len(v) else 0
    if (scales != scale).any() or not 0 <= scale <= 4:
        raise ValueError(f"column {col + 1}: numeric rows of different or unsupported scales")
    units4 = (v["d0"].astype(np.int64) * 10_000 + v["d1"]) * 10_000 + v["d2"]
    units, rest = np.divmod(units4, 10 ** (4 - scale))
    if rest.any():
        raise ValueError(f"row {_first(rest != 0)}: column {col + 1}: digits beyond the scale")
    return Fixed(np.where(v["sign"] == _NUMERIC_NEG, -units, units), scale)
