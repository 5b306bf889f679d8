"""``binary_rows.encode``: text literals to binary COPY tuples, checked by PostgreSQL itself.

Each case COPYs the same literals once as text and once as binary into a real table and
compares what the server stored; literals without an exact binary form here must make
``encode`` decline (None), never store something else."""

from __future__ import annotations

import psycopg
import pytest

from pgseed import binary, binary_rows
from pgseed.encode import encode_rows

pytestmark = pytest.mark.db

Field = str | None

CASES: dict[str, tuple[str, list[Field]]] = {
    "int2": ("int2", ["0", "-32768", "32767", None, "42"]),
    "int4": ("int4", ["-2147483648", "2147483647", "7", None]),
    "int8": ("int8", ["-9223372036854775808", "9223372036854775807", None, "0"]),
    "bool": ("bool", ["t", "f", None, "t"]),
    "float8": ("float8", ["0.1", "-1e-300", "1.7976931348623157e+308", "3.0", None, "inf"]),
    "date": ("date", ["2000-01-01", "1970-01-01", "9999-12-31", "0001-01-01", None]),
    "timestamp(3)": (
        "timestamp(3)",
        ["2024-02-29 23:59:59.123", "2000-01-01 00:00:00.000", "1960-06-01 12:00:00.001", None],
    ),
    "timestamp": ("timestamp", ["2024-02-29 23:59:59", "1999-12-31 23:59:59.999999", None]),
    "timestamptz": (
        "timestamptz",
        ["2024-02-29 23:59:59+00", "1900-01-01 00:00:00.5+00", None, "2038-01-19 03:14:08+00"],
    ),
    "text": ("text", ["", "plain", "tab\there", "new\nline", "back\\slash", "ünïcødé ✓", None]),
    "varchar(8)": ("varchar(8)", ["", "eight ch", "ü", None]),
    "char(4)": ("char(4)", ["ab", "abcd", "", None]),
    "json": ("json", ['{"a": [1, 2]}', "null", '"x"', None]),
    "jsonb": ("jsonb", ['{"b": 1, "a": [true, null]}', "[]", '"\\u00e9"', None]),
    "uuid": ("uuid", ["00000000-0000-0000-0000-000000000000", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", None]),
}  # fmt: skip

NOT_EXACT: dict[str, tuple[str, list[Field]]] = {
    "int with a plus sign": ("int4", ["+5"]),
    "int with spaces": ("int8", [" 5"]),
    "int with a leading zero": ("int2", ["05"]),
    "int2 out of range": ("int2", ["40000"]),
    "int4 out of range": ("int4", ["2147483648"]),
    "int with underscores": ("int8", ["1_000"]),
    "bool spelled out": ("bool", ["true"]),
    "bool on/off": ("bool", ["on"]),
    "float not shortest": ("float8", ["0.10"]),
    "float NaN": ("float8", ["NaN"]),
    "date BC": ("date", ["0044-03-15 BC"]),
    "date infinity": ("date", ["infinity"]),
    "date NaT": ("date", ["NaT"]),
    "timestamptz with an offset": ("timestamptz", ["2024-01-01 10:00:00+02"]),
    "timestamptz without a zone": ("timestamptz", ["2024-01-01 10:00:00"]),
    "timestamp with a T": ("timestamp", ["2024-01-01T10:00:00"]),
    "timestamp now": ("timestamp", ["now"]),
    "uuid in braces": ("uuid", ["{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"]),
    "uuid in capitals": ("uuid", ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"]),
    "numeric": ("numeric", ["1.5"]),
}


def stored(conn: psycopg.Connection, type_name: str, data: bytes, binary_format: bool) -> list[str]:
    conn.execute("DROP TABLE IF EXISTS t")
    conn.execute(f"CREATE TABLE t (n int, v {type_name})")
    fmt = " WITH (FORMAT binary)" if binary_format else ""
    with conn.cursor().copy(f"COPY t (n, v) FROM STDIN{fmt}") as cp:
        cp.write(data)
    return [r[0] for r in conn.execute("SELECT v::text FROM t ORDER BY n").fetchall()]


@pytest.mark.parametrize("case", CASES)
def test_binary_stores_what_text_stores(conn: psycopg.Connection, case: str) -> None:
    type_name, values = CASES[case]
    row = conn.execute("SELECT typname FROM pg_type WHERE oid = %s::regtype", [type_name])
    bases = ["int4", str(row.fetchone()[0])]  # type: ignore[index]
    columns: list[list[Field]] = [[str(i) for i in range(len(values))], list(values)]
    tuples = binary_rows.encode(bases, columns)
    assert tuples is not None, f"{case}: canonical literals must have a binary form"
    as_text = stored(conn, type_name, encode_rows(columns), binary_format=False)
    as_binary = stored(conn, type_name, binary.HEADER + tuples + binary.TRAILER, True)
    assert as_binary == as_text
    assert sum(v is None for v in as_binary) == sum(v is None for v in values)


@pytest.mark.parametrize("case", NOT_EXACT)
def test_literals_without_an_exact_binary_form_go_as_text(case: str) -> None:
    base, values = NOT_EXACT[case]
    assert binary_rows.encode([base], [values]) is None
    assert binary_rows.encode([base], [[None, *values]]) is None


def test_many_rows_and_columns_with_nulls_round_trip(conn: psycopg.Connection) -> None:
    n = 2000
    ints: list[Field] = [None if i % 7 == 0 else str(i * 31 - 5000) for i in range(n)]
    texts: list[Field] = [None if i % 5 == 0 else "x" * (i % 13) + str(i) for i in range(n)]
    order: list[Field] = [str(i) for i in range(n)]
    tuples = binary_rows.encode(["int4", "int8", "text"], [order, ints, texts])
    assert tuples is not None
    conn.execute("CREATE TABLE wide (n int, a int8, b text)")
    with conn.cursor().copy("COPY wide FROM STDIN WITH (FORMAT binary)") as cp:
        cp.write(binary.HEADER + tuples + binary.TRAILER)
    got = conn.execute("SELECT a::text, b FROM wide ORDER BY n").fetchall()
    assert got == list(zip(ints, texts, strict=True))
