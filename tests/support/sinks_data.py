"""The tables, rows and COPY calls the file sink's tests send both to PostgreSQL and to
a ``FileSink`` (``test_sinks.py``, ``test_sinks_files.py``): every type the packs use,
spelled as encoders might spell them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
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
from pgseed.load import CopyLoader
from pgseed.progress import Reporter
from pgseed.sinks import FileSink
from tests.conftest import drop_database, dsn_for


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


def database(server_dsn: str) -> Iterator[str]:
    """A database holding the tables, loaded by ``load``; dropped afterwards."""
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
