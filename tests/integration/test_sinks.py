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
import os
import tempfile
import uuid
from collections.abc import Iterator, Sequence
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
from sqlalchemy import (
    CHAR,
    JSON,
    REAL,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.pool import NullPool

from pgseed import binary
from pgseed.encode import encode_rows
from pgseed.errors import GenerationError
from pgseed.load import CopyLoader
from pgseed.progress import Reporter
from pgseed.sinks import FileSink
from tests.conftest import drop_database, dsn_for

pytestmark = pytest.mark.db


def schema() -> MetaData:
    md = MetaData()
    Table(
        "kinds",
        md,
        Column("id", Integer, primary_key=True),  # not in the COPY: numbered by the sink
        Column("i2", SmallInteger),
        Column("i4", Integer),
        Column("i8", BigInteger),
        Column("money", Numeric(10, 2)),
        Column("pct", Numeric(4, 3)),
        Column("free", Numeric),
        Column("f8", Float),
        Column("f4", REAL),
        Column("flag", Boolean),
        Column("day", Date),
        Column("ts", DateTime),
        Column("tstz", DateTime(timezone=True)),
        Column("name", String(12)),
        Column("body", Text),
        Column("code", CHAR(4)),
        Column("uid", UUID(as_uuid=True)),
        Column("doc", JSONB),
        Column("raw", JSON),
    )
    Table(
        "facts",  # binary COPY, like retail's fact tables
        md,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("day", Date, nullable=False),
        Column("a", Integer, nullable=False),
        Column("b", SmallInteger, nullable=False),
        Column("c", BigInteger, nullable=False),
        Column("price", Numeric(10, 2), nullable=False),
        Column("pct", Numeric(4, 3), nullable=False),
        Column("flag", Boolean, nullable=False),
    )
    Table(
        "dims",  # the id is in the COPY: written as given
        md,
        Column("id", Integer, primary_key=True),
        Column("label", Text, nullable=False),
    )
    Table("single", md, Column("only", Text))  # one column, no key: CSV's \. rule
    Table(
        "fuzz",  # drawn by hypothesis: the spellings and values we did not think of
        md,
        Column("id", Integer, primary_key=True),
        Column("f8", Float),
        Column("f4", REAL),
        Column("free", Numeric),
        Column("money", Numeric(12, 4)),
        Column("doc", JSONB),
        Column("body", Text),
        Column("tstz", DateTime(timezone=True)),
    )
    return md


KINDS = ("i2", "i4", "i8", "money", "pct", "free", "f8", "f4", "flag", "day", "ts", "tstz",
         "name", "body", "code", "uid", "doc", "raw")  # fmt: skip
UID = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
# One row per line: each column's value as an encoder might spell it.
KIND_ROWS: list[tuple[str | None, ...]] = [
    ("1", "2", "3", "12.50", "0.125", "1.50", "0.1", "0.1", "t", "2024-01-05",
     "2024-01-05 10:20:30", "2024-01-05 10:20:30+00", "plain", "plain", "abcd", UID,
     '{"a": 1}', '{"a": 1}'),
    (" 12", "+5", "0x1F", "1.005", "0.5", "1.0e-3", "1e15", "1e6", "yes", "2024-1-5",
     "2024-01-01T02:03:04.1234567", "2024-01-01 02:00:00+02", "trailing   ", "a,b", "ab",
     "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}",
     '{"bb": 1.50, "a": [1e2, -0, 1.0e-3, "\\u00e9\\t\\u0001"], "a": 2, "c": {"zz": null}}',
     '{ "b" : 1.50,  "a": [1e2] }'),
    (None,) * 18,
    ("-32768", "2147483647", "-9223372036854775808", "-1.015", "-0.0005", "-0", "NaN",
     "-Infinity", "off", "1969-12-31", "2024-02-29 23:59:60", "2024-03-01 24:00:00-05:30",
     "", "", "", "a0eebc999c0b4ef8bb6d6bb9bd380a11", '"text"', "[]"),
    ("0", "-0", "1_000", "99999999.99", "1", "1E+2", "2.5e-310", "3.4e38", "1", "0001-01-01",
     "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999Z", "\\.", "\\.", "\\N", UID,
     '{"é": "ü", "aa": {"b": [true, false, null]}, "": 0}', "null"),
    ("7", "8", "9", "0.01", "0.001", "NaN", "123456789012345.6", "-0x1.8p1", "F", "2038-01-20",
     "1999-12-31 23:59:59", "2000-01-01 00:00:00.000001+00", 'q"q', "x\ny\tz\\w", "a b",
     UID, '{"k": "line\\nbreak \\"quoted\\" \\\\ back"}', '{"k": 1}'),
    ("100", "-100", "0o17", "0", "0.999", "-Infinity", "1e-5", "0.0001", "true", "9999-12-31",
     "2024-06-30 1:2:3", "2024-06-30 12:00:00.25-0930", "unicode ❄ 𝄞", "uni – ❄ 𝄞 é",
     "é", UID, "[1, 1.0, 10e-1, 0.10]", "[1, 1.0]"),
]  # fmt: skip
FACT_TYPES = ["date", "int4", "int2", "int8", "numeric:2", "numeric:3", "bool"]
FACT_COLS = ("day", "a", "b", "c", "price", "pct", "flag")
# \101 \x42 \303\251: octal/hex escapes (bytes of one UTF-8 character); \q stands for q.
DIMS_RAW = b"10\t\\101\\x42\\303\\251\\q\n20\tback\\\\slash\\ttab\n30\t\\\\N\n"
SINGLE = ["\\.", "", None, "a,b", 'q"q', " sp ", "x\ny", "\\N", "a\\."]

COLUMNS = {"kinds": KINDS, "facts": FACT_COLS, "dims": ("id", "label"), "single": ("only",)}
ORDER = {"kinds": "id", "facts": "id", "dims": "id", "single": "ctid"}


def facts(block: int) -> list[np.ndarray]:
    days = np.array(["1900-01-01", "1969-12-31", "2038-01-20", "2099-12-31"], dtype="datetime64[D]")
    return [
        days + block,
        np.array([0, -1, 2**31 - 1, -(2**31)]) + 0,
        np.array([0, -1, 2**15 - 1, -(2**15)]),
        np.array([0, -1, 2**63 - 1, -(2**63)]),
        np.array([0, 999999, 9999999999, 5 + block]),  # 0, 9999.99, 99999999.99
        np.array([0, 1, 999, 500]),  # numeric:3 into numeric(4,3)
        np.array([True, False, True, block % 2 == 0]),
    ]


def load(target: CopyLoader | FileSink) -> None:
    """The same COPY calls, in the same order, into a database or a file sink."""
    target.binary["facts"] = binary.width(FACT_TYPES)
    text_cols = [list(c) for c in zip(*KIND_ROWS, strict=True)]
    for lo, hi in ((0, 3), (3, len(KIND_ROWS))):  # two COPY calls: the ids go on
        target.copy("kinds", encode_rows([c[lo:hi] for c in text_cols]), hi - lo)
    for block in range(2):
        data = binary.encode(FACT_TYPES, facts(block))
        target.copy("facts", [data[: len(data) // 2], data[len(data) // 2 :]], 4)
    target.copy("dims", DIMS_RAW, 3)
    target.copy("single", encode_rows([SINGLE]), len(SINGLE))


@pytest.fixture(scope="module")
def db(server_dsn: str) -> Iterator[str]:
    name = f"pgseed_sinks_{uuid.uuid4().hex[:8]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = dsn_for(server_dsn, name)
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(dsn), poolclass=NullPool
    )
    schema().create_all(engine)
    engine.dispose()
    with psycopg.connect(dsn) as conn:
        load(CopyLoader(conn, COLUMNS, Reporter(progress=False)))
        conn.commit()
    yield dsn
    drop_database(server_dsn, name)


def export(out: Path, fmt: str) -> FileSink:
    md = schema()
    with FileSink(out, fmt, md.tables, COLUMNS, Reporter(progress=False)) as sink:
        load(sink)
    return sink


def file_columns(table: str) -> tuple[str, ...]:
    return ("id", *COLUMNS[table]) if table in ("kinds", "facts") else COLUMNS[table]


def connect(dsn: str) -> psycopg.Connection[tuple[Any, ...]]:
    conn = psycopg.connect(dsn)
    conn.execute("SET TimeZone = 'UTC'")  # timestamptz in files is printed in UTC
    return conn


def select(dsn: str, table: str, cast: str = "") -> list[tuple[Any, ...]]:
    cols = sql.SQL(", ").join(
        sql.SQL("{}" + cast).format(sql.Identifier(c)) for c in file_columns(table)
    )
    with connect(dsn) as conn:
        q = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            cols, sql.Identifier(table), sql.SQL(ORDER[table])
        )
        return conn.execute(q).fetchall()


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


# -- a reflected schema (generic mode) gives the same files as the models -----------


def test_reflected_tables_give_the_same_files(db: str, tmp_path: Path) -> None:
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(db), poolclass=NullPool
    )
    reflected = MetaData()
    reflected.reflect(engine)
    engine.dispose()
    for fmt in ("csv", "json", "parquet"):
        export(tmp_path / "models" / fmt, fmt)
        with FileSink(
            tmp_path / "reflected" / fmt, fmt, reflected.tables, COLUMNS, Reporter(progress=False)
        ) as sink:
            load(sink)
        for table in COLUMNS:
            name = f"{fmt}/{table}.{fmt}"
            models, refl = tmp_path / "models" / name, tmp_path / "reflected" / name
            if fmt == "parquet":
                a, b = pq.read_table(refl), pq.read_table(models)
                assert a.schema.equals(b.schema), name
                assert repr(a.to_pylist()) == repr(b.to_pylist()), name  # NaN == NaN here
            else:
                assert refl.read_bytes() == models.read_bytes(), name


# -- all or nothing -----------------------------------------------------------------


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


class Boom(Exception):
    pass


def _raise(exc: BaseException) -> Any:
    def fail(sink: FileSink) -> None:
        raise exc

    return fail


FAILURES = {
    "error": _raise(Boom("the run failed")),
    "ctrl-c": _raise(KeyboardInterrupt()),
    "bad data": lambda sink: sink.copy("kinds", b"not a number\n" + b"\t" * 17 + b"\n", 1),
    "binary tuples of another width": lambda sink: sink.copy("facts", b"\x00" * 7, 1),
}
RAISED: dict[str, type[BaseException]] = {
    "error": Boom,
    "ctrl-c": KeyboardInterrupt,
    "bad data": GenerationError,
    "binary tuples of another width": GenerationError,
}


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failed_export_leaves_the_earlier_one_as_it_was(
    tmp_path: Path, fmt: str, failure: str
) -> None:
    export(tmp_path, fmt)
    before = _snapshot(tmp_path)
    assert sorted(before) == sorted(f"{t}.{fmt}" for t in COLUMNS)
    md = schema()
    with (
        pytest.raises(RAISED[failure]),
        FileSink(tmp_path, fmt, md.tables, COLUMNS, Reporter(progress=False)) as sink,
    ):
        sink.binary["facts"] = binary.width(FACT_TYPES)
        sink.copy("dims", b"1\tnew\n", 1)  # some rows are written before the failure
        FAILURES[failure](sink)
    assert _snapshot(tmp_path) == before  # byte for byte, and no partial file beside it


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    import subprocess

    from tests.integration.test_full_disk import _mount

    where = tmp_path / "small"
    _mount(where)  # a 1 MB tmpfs (skips where mounting is not permitted)
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_a_full_disk_leaves_the_earlier_export_as_it_was(small_disk: Path, fmt: str) -> None:
    from pgseed.errors import FileWriteError

    export(small_disk, fmt)
    before = _snapshot(small_disk)
    labels = [[os.urandom(16).hex() for _ in range(20_000)]]  # random: parquet cannot shrink it
    ids = [[str(i) for i in range(20_000)]]
    with (
        pytest.raises(FileWriteError, match="Fix: free space on the disk") as info,
        FileSink(small_disk, fmt, schema().tables, COLUMNS, Reporter(progress=False)) as sink,
    ):
        for _ in range(4):  # about 2.5 MB, on a 1 MB disk
            sink.copy("dims", encode_rows(ids + labels), 20_000)
    assert "No space left on device" in str(info.value)
    assert _snapshot(small_disk) == before


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


# -- a real pack's run: the retail tables, text and binary COPY ---------------------

RETAIL = {"seed": 5, "dimensions.stores.count": 2, "dimensions.products.count": 3,
          "date_range.start": "2024-01-01", "date_range.end": "2024-02-15"}  # fmt: skip


def test_a_retail_run_into_files_holds_what_its_database_holds(
    cli: Any, db_dsn: str, tmp_path: Path
) -> None:
    from pgseed.packs.retail.config import build
    from pgseed.packs.retail.pack import plan_full, run_full
    from pgseed.packs.retail.spec import SCHEMA
    from pgseed.run import WorkerPool

    flags = [f"--{k}" for k in ("stores", "products", "start-date", "end-date", "seed")]
    values = ["2", "3", "2024-01-01", "2024-02-15", "5"]
    r = cli("retail", "generate", "--full-new", "--database-url", db_dsn, "--max-workers", "1",
            *[x for pair in zip(flags, values, strict=True) for x in pair])  # fmt: skip
    assert r.exit_code == 0, r.output
    cfg = build(scenario=None, file=None, environ={}, flags=RETAIL)
    reporter = Reporter(progress=False)
    with psycopg.connect(db_dsn) as conn, WorkerPool(1) as pool:
        # The run reads the serial sequences' names from the catalog; nothing is written.
        with FileSink(tmp_path, "csv", SCHEMA.metadata.tables, SCHEMA.columns, reporter) as sink:
            run_full(conn, plan_full(cfg), sink, reporter, pool)  # type: ignore[arg-type]
        conn.rollback()
    assert sink.binary  # the fact tables went through binary COPY
    for table, cols in SCHEMA.columns.items():
        header = (tmp_path / f"{table}.csv").read_text().split("\n", 1)[0].split(",")
        assert header in (list(cols), ["id", *cols])  # fact ids numbered as the sequence would
        with connect(db_dsn) as conn, conn.cursor() as cur:
            q = sql.SQL("COPY (SELECT {} FROM {} ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER)")
            cols_sql = sql.SQL(", ").join(map(sql.Identifier, header))
            with cur.copy(q.format(cols_sql, sql.Identifier(table))) as cp:
                expected = b"".join(bytes(b) for b in cp)
        assert (tmp_path / f"{table}.csv").read_bytes() == expected, table
        assert sink.written[table] == expected.count(b"\n") - 1 > 0
