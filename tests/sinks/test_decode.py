"""The file sink's decoders invert the encoders: COPY text (``encode.encode_rows``) and
binary tuples (``binary.encode``) come back as the columns that made them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pgseed import binary
from pgseed.encode import encode_rows
from pgseed.sinks.decode import Fixed, decode_binary, decode_text

# Text PostgreSQL can store: no NUL, no lone surrogate (not UTF-8).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
# ... and text made of the characters COPY and CSV treat specially, so they meet often.
TRICKY_TEXT = st.text(
    st.sampled_from(["\\", "\t", "\n", "\r", "N", ".", ",", '"', "é", "❄", "𝄞", "x", " "])
)
FIELD = st.none() | ANY_TEXT | TRICKY_TEXT


@st.composite
def text_columns(draw: st.DrawFn) -> list[list[str | None]]:
    ncols = draw(st.integers(1, 4))
    nrows = draw(st.integers(1, 12))
    return [draw(st.lists(FIELD, min_size=nrows, max_size=nrows)) for _ in range(ncols)]


@settings(max_examples=400, deadline=None)
@given(text_columns())
def test_text_round_trips_whatever_encode_rows_writes(columns: list[list[str | None]]) -> None:
    assert decode_text(encode_rows(columns), len(columns)) == columns


ESCAPES = [
    (b"\\101\t\\x41\n", [["A"], ["A"]]),  # octal, hex
    (b"\\303\\251\t\\xc3\\xa9\n", [["é"], ["é"]]),  # escapes are bytes of one UTF-8 character
    (b"\\x4\t\\7\n", [["\x04"], ["\x07"]]),  # one hex digit, one octal digit
    (b"\\b\\f\\v\t\\q\\-\n", [["\b\f\v"], ["q-"]]),  # any other character stands for itself
    (b"a\\\tb\tc\n", [["a\tb"], ["c"]]),  # an escaped tab is data, not a separator
    (b"a\\\nb\tc\n", [["a\nb"], ["c"]]),  # ... and so is an escaped newline
    (b"\\\\N\t\\N\n", [["\\N"], [None]]),  # only \N alone is NULL
    (b"\\\\\t\\\\\\\\\n", [["\\"], ["\\\\"]]),
    (b"\t\n", [[""], [""]]),
    (b"\\\\\\\tx\t\\\\\\101\n", [["\\\tx"], ["\\A"]]),  # escaped backslash, then escapes
]


@pytest.mark.parametrize(("data", "columns"), ESCAPES)
def test_text_reads_every_escape_copy_takes(data: bytes, columns: list[list[str | None]]) -> None:
    assert decode_text(data, len(columns)) == columns


BAD_TEXT = [
    (b"1\t2\n3\n", 2, "missing data"),
    (b"1\t2\t3\n", 2, "extra data"),
    (b"a\\\tb\n", 2, "missing data"),  # the escaped tab is not a separator
    (b"\\xff\t1\n", 2, "invalid UTF-8"),
    (b"\xff\t1\n", 2, "invalid UTF-8"),
    (b"\\000\t1\n", 2, "NUL"),
    (b"a\r\tb\n", 2, "carriage return"),
    (b"1\t2", 2, "end with a newline"),
    (b"1\t2\n\\.\n", 2, "end-of-data marker"),
    (b"1\t2\\\n", 2, "backslash at the end"),  # the last newline is escaped
]


@pytest.mark.parametrize(("data", "ncols", "message"), BAD_TEXT)
def test_text_refuses_what_copy_refuses(data: bytes, ncols: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_text(data, ncols)


def test_text_of_no_rows_is_empty_columns() -> None:
    assert decode_text(b"", 3) == [[], [], []]


# -- binary ------------------------------------------------------------------------

INT = {"int2": np.int16, "int4": np.int32, "int8": np.int64}
DAY_MIN = np.datetime64("0001-01-01", "D").astype(np.int64)
DAY_MAX = np.datetime64("9999-12-31", "D").astype(np.int64)


def _column(t: str, n: int) -> st.SearchStrategy[np.ndarray]:
    if t in INT:
        return hnp.arrays(INT[t], n)
    if t == "bool":
        return hnp.arrays(np.bool_, n)
    if t == "date":
        return hnp.arrays(np.int64, n, elements=st.integers(int(DAY_MIN), int(DAY_MAX)))
    if t == "timestamp":
        us = st.integers(int(DAY_MIN) * 86_400_000_000, int(DAY_MAX) * 86_400_000_000)
        return hnp.arrays(np.int64, n, elements=us).map(lambda a: a.astype("datetime64[us]"))
    scale = int(t.split(":")[1])
    edges = st.sampled_from([0, 1, 10**8 * 10**scale - 1, 10**scale, 10**8 * 10**scale // 2])
    return hnp.arrays(np.int64, n, elements=st.integers(0, 10**8 * 10**scale - 1) | edges)


TYPES = ["int2", "int4", "int8", "bool", "date", "timestamp", *(f"numeric:{s}" for s in range(5))]


@st.composite
def binary_block(draw: st.DrawFn) -> tuple[list[str], list[np.ndarray]]:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=6))
    n = draw(st.integers(0, 20))
    return types, [draw(_column(t, n)) for t in types]


@settings(max_examples=300, deadline=None)
@given(binary_block())
def test_binary_round_trips_every_type(block: tuple[list[str], list[np.ndarray]]) -> None:
    types, columns = block
    decoded = decode_binary(binary.encode(types, columns), types)
    assert len(decoded) == len(types)
    for t, col, back in zip(types, columns, decoded, strict=True):
        if t.startswith("numeric:"):
            assert isinstance(back, Fixed) and back.units.tolist() == col.tolist()
            assert back.scale == int(t.split(":")[1]) or not len(col)  # no rows: no scale
        elif t == "date":
            assert isinstance(back, np.ndarray)
            assert back.tolist() == col.astype("datetime64[D]").tolist()
        else:
            assert isinstance(back, np.ndarray)
            assert back.tolist() == col.tolist()


EDGES = [
    ("numeric:4", [0, 99999999, 1, 999999999999]),  # 0, 9999.9999, 0.0001, 99999999.9999
    ("numeric:2", [0, 999999, 9999999999, 5]),  # 0, 9999.99, 99999999.99, 0.05
    ("numeric:0", [0, 99999999, 10000, 9999]),
    ("date", ["0001-01-01", "1969-12-31", "1900-02-28", "2038-01-20", "9999-12-31"]),
    (
        "timestamp",
        [
            "0001-01-01T00:00:00",
            "1999-12-31T23:59:59.999999",
            "2000-01-01",
            "9999-12-31T23:59:59.999",
        ],
    ),
    ("int8", [-(2**63), 2**63 - 1, 0]),
    ("int2", [-(2**15), 2**15 - 1, -1]),
]


@pytest.mark.parametrize(("t", "values"), EDGES)
def test_binary_edges(t: str, values: list[object]) -> None:
    kinds = {"date": "datetime64[D]", "timestamp": "datetime64[us]"}
    col = np.array(values, dtype=kinds.get(t, np.int64))
    (back,) = decode_binary(binary.encode([t], [col]), [t])
    if isinstance(back, Fixed):
        assert back.units.tolist() == values and back.scale == int(t.split(":")[1])
    else:
        assert back.tolist() == col.tolist()


def test_binary_reads_a_negative_numeric() -> None:
    data = bytearray(binary.encode(["numeric:2"], [np.array([1250])]))
    data[2 + 4 + 4 : 2 + 4 + 6] = (0x4000).to_bytes(2, "big")  # n, len, ndigits, weight, sign
    (back,) = decode_binary(bytes(data), ["numeric:2"])
    assert isinstance(back, Fixed) and back.units.tolist() == [-1250]


def _corrupt(offset: int, value: bytes) -> bytes:
    data = bytearray(binary.encode(["int4", "int8"], [np.array([1, 2]), np.array([3, 4])]))
    data[offset : offset + len(value)] = value
    return bytes(data)


BAD_BINARY = [
    (binary.encode(["int4"], [np.array([1, 2])])[:-1], "whole number"),
    (_corrupt(0, (3).to_bytes(2, "big")), "3 fields"),
    (_corrupt(2, (-1).to_bytes(4, "big", signed=True)), "NULL"),
    (_corrupt(10, (4).to_bytes(4, "big")), "4 bytes"),
]


@pytest.mark.parametrize(("data", "message"), BAD_BINARY)
def test_binary_refuses_tuples_of_another_shape(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_binary(data, ["int4", "int8"])
