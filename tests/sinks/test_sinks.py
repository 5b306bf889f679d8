"""Issue 9: the file sink writes what the database holds after the same COPY.

The same bytes go into PostgreSQL (``CopyLoader``) and into a ``FileSink`` for each
format; the files are then compared with the database: CSV byte for byte with
``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)``, JSON and parquet value for
value with a typed ``SELECT``. The COPY text uses PostgreSQL's other spellings too
(``+5``, ``yes``, ``1.005``, offsets, jsonb keys in any order) so each value is
reprinted as the server prints it. Values the server refuses, the sink refuses.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pgseed.encode import encode_rows
from pgseed.errors import GenerationError
from pgseed.load import CopyLoader
from pgseed.progress import Reporter
from pgseed.sinks import FileSink
from tests.support.sinks_data import (
    COLUMNS,
    ORDER,
    connect,
    database,
    export,
    file_columns,
    schema,
    select,
)

pytestmark = pytest.mark.db

db = pytest.fixture(scope="module", name="db")(database)


@pytest.mark.parametrize("table", list(COLUMNS))
def test_csv_is_what_copy_to_csv_prints(db: str, tmp_path: Path, table: str) -> None:
    sink = export(tmp_path, "csv")
    cols = sql.SQL(", ").join(map(sql.Identifier, file_columns(table)))
    with connect(db) as conn, conn.cursor() as cur:
        q = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT WITH (FORMAT csv, HEADER)")
        with cur.copy(q.format(cols, sql.Identifier(table), sql.SQL(ORDER[table]))) as cp:
            expected = b"".join(bytes(b) for b in cp)
    assert (tmp_path / f"{table}.csv").read_bytes() == expected
    assert sink.written[table] == len(select(db, table))


def _pg_timestamp(v: dt.datetime) -> str:
    text = v.replace(tzinfo=None).isoformat(sep=" ")
    if "." in text:
        text = text.rstrip("0")
    return text + ("+00" if v.tzinfo is not None else "")


def _same(fmt: str, kind: str, got: Any, want: Any, want_text: str | None) -> bool:
    """A file value (JSON or parquet) against the database's typed value and its text."""
    if kind in ("doc", "raw"):  # json, jsonb: parquet keeps the text, JSON the value
        if want_text is None or fmt == "parquet":
            return got == want_text
        return bool(got == json.loads(want_text, parse_float=Decimal))
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, float):
        if isinstance(got, str):  # NaN and the infinities are strings in JSON
            return got == want_text
        if math.isnan(want):
            return math.isnan(got)
        width = np.float32 if kind == "f4" else np.float64
        return bool(width(got) == width(want)) and math.copysign(1, got) == math.copysign(1, want)
    if isinstance(want, Decimal):  # exact digits: the text, trailing zeros included
        return str(got) == want_text
    if isinstance(want, dt.datetime):
        return got == want or got == _pg_timestamp(want)
    if isinstance(want, dt.date | uuid.UUID):
        return got == want or got == str(want)
    return bool(got == want and type(got) is type(want))


def _compare(fmt: str, db: str, table: str, rows: Sequence[dict[str, Any]]) -> None:
    typed, text = select(db, table), select(db, table, "::text")
    assert len(rows) == len(typed)
    for row, want, want_text in zip(rows, typed, text, strict=True):
        assert list(row) == list(file_columns(table))
        for (col, got), w, wt in zip(row.items(), want, want_text, strict=True):
            assert _same(fmt, col, got, w, wt), (table, col, got, w, wt)


@pytest.mark.parametrize("table", list(COLUMNS))
def test_json_holds_the_database_values(db: str, tmp_path: Path, table: str) -> None:
    export(tmp_path, "json")
    text = (tmp_path / f"{table}.json").read_text(encoding="utf-8")
    rows = json.loads(text, parse_float=Decimal)
    _compare("json", db, table, rows)
    assert text.startswith("[\n  {") and text.endswith("}\n]\n")


PARQUET_TYPES = {
    "kinds": ["int32", "int16", "int32", "int64", "decimal128(10, 2)", "decimal128(4, 3)",
              "string", "double", "float", "bool", "date32[day]", "timestamp[us]",
              "timestamp[us, tz=UTC]", "string", "string", "string", "string", "string",
              "string"],
    "facts": ["int64", "date32[day]", "int32", "int16", "int64", "decimal128(10, 2)",
              "decimal128(4, 3)", "bool"],
    "dims": ["int32", "string"],
    "single": ["string"],
}  # fmt: skip


@pytest.mark.parametrize("table", list(COLUMNS))
def test_parquet_holds_the_database_values(db: str, tmp_path: Path, table: str) -> None:
    export(tmp_path, "parquet")
    data = pq.read_table(tmp_path / f"{table}.parquet")
    assert [str(f.type) for f in data.schema] == PARQUET_TYPES[table]
    _compare("parquet", db, table, data.to_pylist())


# -- what the server refuses, the sink refuses -----------------------------------

REFUSED = [
    ("i2", "40000"), ("i4", "2147483648"), ("i4", "1.5"), ("i4", "12abc"), ("i8", "1__0"),
    ("money", "123456789.00"), ("money", "Infinity"), ("pct", "10"), ("free", "abc"),
    ("f8", "1e400"), ("f4", "1e39"), ("f8", "1_0"), ("f8", "1e-400"), ("flag", "maybe"),
    ("flag", "o"),
    ("day", "2024-02-30"), ("day", "0000-01-01"), ("ts", "2024-13-01 00:00:00"),
    ("ts", "2024-01-01 25:00:00"), ("ts", "2024-02-29 23:59:60.5"), ("ts", "2024-01-01 24:00:00.5"), ("tstz", "2024-01-01 00:00:00+16"), ("uid", "xyz"),
    ("uid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"), ("doc", "{bad"), ("doc", '"\\u0000"'),
    ("doc", "NaN"), ("doc", '"\\ud800"'), ("raw", "[1,"), ("name", "x" * 13),
    ("code", "abcde"),
]  # fmt: skip


@pytest.mark.parametrize(("column", "value"), REFUSED)
def test_what_the_server_refuses_the_sink_refuses(
    db: str, tmp_path: Path, column: str, value: str
) -> None:
    data = encode_rows([[value]])
    with connect(db) as conn, pytest.raises(psycopg.Error):
        CopyLoader(conn, {"kinds": (column,)}, Reporter(progress=False)).copy("kinds", data, 1)
    sink = FileSink(
        tmp_path, "csv", schema().tables, {"kinds": (column,)}, Reporter(progress=False)
    )
    with pytest.raises(GenerationError, match=f"kinds: column {column}: row 1"), sink:
        sink.copy("kinds", data, 1)
    assert list(tmp_path.iterdir()) == []


def test_not_null_is_refused_like_the_server(db: str, tmp_path: Path) -> None:
    data = b"1\t\\N\n"
    with connect(db) as conn, pytest.raises(psycopg.errors.NotNullViolation):
        CopyLoader(conn, {"dims": ("id", "label")}, Reporter(progress=False)).copy("dims", data, 1)
    sink = FileSink(
        tmp_path, "json", schema().tables, {"dims": ("id", "label")}, Reporter(progress=False)
    )
    with pytest.raises(GenerationError, match="NULL in column label"), sink:
        sink.copy("dims", data, 1)


def test_parquet_refuses_nan_in_a_decimal(tmp_path: Path) -> None:
    sink = FileSink(
        tmp_path, "parquet", schema().tables, {"kinds": ("money",)}, Reporter(progress=False)
    )
    with pytest.raises(GenerationError, match="NaN cannot be stored"), sink:
        sink.copy("kinds", b"NaN\n", 1)
    assert pa is not None and list(tmp_path.iterdir()) == []


# -- drawn values: PostgreSQL and the sink print them the same ----------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@st.composite
def decimal_text(draw: st.DrawFn) -> str:
    digits = str(draw(st.integers(-(10**20), 10**20)))
    sign, digits = (
        ("-", digits[1:]) if digits.startswith("-") else (draw(st.sampled_from(["", "+"])), digits)
    )
    point = draw(st.integers(0, len(digits)))
    body = digits[:point] + "." + digits[point:] if draw(st.booleans()) else digits
    exp = draw(st.none() | st.integers(-30, 30))
    return sign + body + ("" if exp is None else draw(st.sampled_from(["e", "E"])) + str(exp))


@st.composite
def timestamptz_text(draw: st.DrawFn) -> str:
    when = draw(st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)))
    text = when.isoformat(sep=draw(st.sampled_from([" ", "T"])))
    if "." in text:
        text += draw(st.text("0123456789", max_size=3))  # more digits than PostgreSQL keeps
    minutes = draw(st.integers(-15 * 60 - 59, 15 * 60 + 59))
    h, m = divmod(abs(minutes), 60)
    offset = draw(st.sampled_from(["", "Z", f"{'-' if minutes < 0 else '+'}{h:02d}:{m:02d}"]))
    return text + offset


FUZZ_ROW = st.tuples(
    st.none() | st.floats().map(repr),
    st.none() | st.floats(width=32).map(repr),
    st.none() | decimal_text() | st.sampled_from(["NaN", "Infinity", "-Infinity", "-0", "+.5e-3"]),
    st.none() | st.decimals(-(10**8) + 1, 10**8 - 1, places=8).map(str),
    st.none() | st.builds(json.dumps, JSON_VALUES, ensure_ascii=st.booleans()),
    st.none() | TEXT,
    st.none() | timestamptz_text(),
)
FUZZ_COLS = ("f8", "f4", "free", "money", "doc", "body", "tstz")


def _row(f8: str | None = None, f4: str | None = None, free: str | None = None) -> tuple[Any, ...]:
    return (f8, f4, free, None, None, None, None)


# Floats whose shortest decimal is a halfway point (Python's repr takes it, PostgreSQL's
# Ryu does not), the extremes, and a real that a double would round the wrong way.
FLOAT_EDGES = [
    _row("2.136085036936149e+16", "3.4028235e38"),
    _row("1e23", "1e-45"),
    _row("1.7976931348623157e+308", "1.17549435e-38"),
    _row("5e-324", "16777217"),
    _row("9007199254740993", "0.1"),
    _row("0x1.8p1", "1.00000005960464477539062500001"),
    _row("-0", "-0.0", "-0.00"),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(rows=FLOAT_EDGES)
@given(rows=st.lists(FUZZ_ROW, min_size=1, max_size=6))
def test_drawn_values_print_as_postgresql_prints_them(db: str, rows: list[tuple[Any, ...]]) -> None:
    data = encode_rows([list(c) for c in zip(*rows, strict=True)])
    with connect(db) as conn:
        conn.execute("TRUNCATE fuzz RESTART IDENTITY")
        CopyLoader(conn, {"fuzz": FUZZ_COLS}, Reporter(progress=False)).copy(
            "fuzz", data, len(rows)
        )
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY (SELECT id, f8, f4, free, money, doc, body, tstz FROM fuzz ORDER BY id) "
                "TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as cp,
        ):
            expected = b"".join(bytes(b) for b in cp)
        conn.rollback()
    with tempfile.TemporaryDirectory() as out:
        sink = FileSink(
            Path(out), "csv", schema().tables, {"fuzz": FUZZ_COLS}, Reporter(progress=False)
        )
        with sink:
            sink.copy("fuzz", data, len(rows))
        assert (Path(out) / "fuzz.csv").read_bytes() == expected
