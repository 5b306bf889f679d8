"""Value generators for ``pgseed fill`` (issue 10 A, "values look like the column"):
every supported type's values COPY into a real column of that exact type on
PostgreSQL 18, and values depend only on the row index, never on the block split."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from xml.etree import ElementTree

import numpy as np
import psycopg
import pytest
from psycopg import sql

from pgseed.anyschema.model import ColumnPlan, PgType, Rule
from pgseed.anyschema.values import generate
from pgseed.encode import encode_rows
from tests.conftest import drop_database, dsn_for

pytestmark = pytest.mark.db

EXTENSIONS = ("citext", "hstore", "ltree", "cube", "vector")


@contextmanager
def values_database(server_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    """A *_test database with the extension types, an enum and a domain; dropped after."""
    name = f"pgseed_values_{uuid.uuid4().hex[:8]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn = psycopg.connect(dsn_for(server_dsn, name), autocommit=True)
    try:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        for ext in EXTENSIONS:
            if ext in available:
                conn.execute(sql.SQL("CREATE EXTENSION {}").format(sql.Identifier(ext)))
        conn.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'Happy Days', 'a\"b')")
        conn.execute("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)")
        yield conn
    finally:
        conn.close()
        drop_database(server_dsn, name)


@pytest.fixture(scope="module")
def pg(server_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    with values_database(server_dsn) as conn:
        yield conn


_TYPE_SQL = """
SELECT format_type(a.atttypid, a.atttypmod), a.atttypmod,
       t.typtype, t.typbasetype, t.typtypmod, t.oid
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = %s::regclass AND a.attname = 'v'
"""


def _pgtype(conn: psycopg.Connection[Any], oid: int, typmod: int, name: str) -> PgType:
    """The PgType reflection would give (enough of it for the generators)."""
    domain = None
    row = conn.execute(
        "SELECT typname, typtype, typcategory, typbasetype, typtypmod, typelem, oid FROM pg_type WHERE oid = %s",
        [oid],
    ).fetchone()
    assert row is not None
    if row[1] == "d":
        domain = row[0]
        typmod = row[4]
        return replace(_pgtype(conn, row[3], typmod, name), domain=domain)
    typname, kind, category, _, _, elem, _ = row
    element = None
    if category == "A":
        element = _pgtype(conn, elem, typmod, name.removesuffix("[]"))
    elif kind == "r":
        sub = conn.execute("SELECT rngsubtype FROM pg_range WHERE rngtypid = %s", [oid]).fetchone()
        assert sub is not None
        element = _pgtype(conn, sub[0], -1, "")
    elif kind == "m":
        sub = conn.execute(
            "SELECT rngsubtype FROM pg_range WHERE rngmultitypid = %s", [oid]
        ).fetchone()
        assert sub is not None
        element = _pgtype(conn, sub[0], -1, "")
    labels: tuple[str, ...] = ()
    if kind == "e":
        labels = tuple(
            r[0]
            for r in conn.execute(
                "SELECT enumlabel FROM pg_enum WHERE enumtypid = %s ORDER BY enumsortorder", [oid]
            )
        )
    length = precision = scale = None
    if typmod >= 0 and category != "A":
        if typname in ("varchar", "bpchar"):
            length = typmod - 4
        elif typname in ("bit", "varbit", "vector"):
            length = typmod
        elif typname == "numeric":
            precision, scale = (typmod - 4) >> 16, (typmod - 4) & 0xFFFF
        elif typname in ("time", "timetz", "timestamp", "timestamptz"):
            precision = typmod
        elif typname == "interval":
            precision = typmod & 0xFFFF if (typmod & 0xFFFF) != 0xFFFF else None
    return PgType(
        name=name, base=typname, kind=kind, category=category, length=length,
        precision=precision, scale=scale, labels=labels, element=element,
    )  # fmt: skip


def column_type(conn: psycopg.Connection[Any], type_sql: str) -> tuple[str, PgType]:
    """A fresh table ``(v TYPE)``; returns its name and the column's PgType."""
    table = f"t_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE TABLE {table} (v {type_sql})")
    row = conn.execute(_TYPE_SQL, [table]).fetchone()
    assert row is not None
    return table, _pgtype(conn, row[5], row[1], row[0])


def load(conn: psycopg.Connection[Any], table: str, values: list[str | None]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} (v) FROM STDIN") as cp:
        cp.write(encode_rows([values]))


def one(conn: psycopg.Connection[Any], q: str, params: list[Any] | None = None) -> Any:
    row = conn.execute(q, params or []).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return row[0]


def filled(
    conn: psycopg.Connection[Any],
    type_sql: str,
    rule: Rule | None = None,
    n: int = 300,
    seed: int = 7,
) -> tuple[str, list[str | None]]:
    """Generate ``n`` values for a ``type_sql`` column under ``rule`` and COPY them in."""
    rule = rule or Rule()
    table, t = column_type(conn, type_sql)
    # Keyed by a fixed name, not the random table's: the same values on every run.
    values = generate(ColumnPlan("public.t", "v", t, rule), np.arange(n), seed)
    assert len(values) == n
    load(conn, table, values)
    assert one(conn, f"SELECT count(*) FROM {table}") == n
    return table, values


BUILTIN = [
    "smallint", "integer", "bigint", "numeric(10,2)", "numeric(3,3)", "numeric(5,0)", "numeric",
    "real", "double precision", "money", "boolean", "char(5)", "character(1)", "varchar(12)",
    "varchar", "text", '"char"', "name", "bytea", "uuid", "date", "time", "time(0)", "timetz",
    "timestamp", "timestamp(0)", "timestamp(3)", "timestamptz", "timestamptz(2)", "interval",
    "interval(0)", "json", "jsonb", "xml", "inet", "cidr", "macaddr", "macaddr8", "bit(5)",
    "bit(70)", "varbit(9)", "bit varying", "tsvector", "tsquery", "point", "line", "lseg", "box",
    "path", "polygon", "circle", "int4range", "int8range", "numrange", "daterange", "tsrange",
    "tstzrange", "int4multirange", "int8multirange", "nummultirange", "datemultirange",
    "tsmultirange", "tstzmultirange", "pg_lsn", "oid", "mood",
]  # fmt: skip
ARRAYS = [
    "integer[]", "text[]", "varchar(4)[]", "mood[]", "uuid[]", "timestamptz[]", "numeric(4,1)[]",
    "box[]", "jsonb[]", "inet[]", "date[][]", "bool[]", "int4range[]", "bytea[]",
]  # fmt: skip
EXTENSION_TYPES = ["citext", "vector(3)", "vector(16)", "hstore", "ltree", "cube", "citext[]"]


def _has_libxml(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT '<a/>'::xml")
    except psycopg.errors.FeatureNotSupported:
        return False
    return True


@pytest.mark.parametrize("type_sql", BUILTIN + ARRAYS)
def test_every_builtin_type_loads(pg: psycopg.Connection[Any], type_sql: str) -> None:
    if type_sql == "xml" and not _has_libxml(pg):
        # The embedded server is built without libxml; check well-formedness here instead.
        t = PgType("xml", "xml")
        for v in generate(ColumnPlan("public.t", "v", t), np.arange(300), 7):
            assert v is not None
            ElementTree.fromstring(v)
        pytest.skip("the server is built without libxml: checked well-formed in Python")
    table, values = filled(pg, type_sql)
    assert all(v is not None for v in values)
    # Not all one value: the column looks drawn, not constant.
    assert one(pg, f"SELECT count(DISTINCT v::text) FROM {table}") > 1


@pytest.mark.parametrize("type_sql", EXTENSION_TYPES)
def test_extension_types_load(pg: psycopg.Connection[Any], type_sql: str) -> None:
    ext = type_sql.split("(")[0].removesuffix("[]")
    if not one(pg, "SELECT count(*) FROM pg_extension WHERE extname = %s", [ext]):
        pytest.skip(f"the server ships no {ext} extension")
    table, _ = filled(pg, type_sql)
    assert one(pg, f"SELECT count(DISTINCT v::text) FROM {table}") > 1
    if type_sql.startswith("vector("):
        dims = int(type_sql[7:-1])
        assert one(pg, f"SELECT min(vector_dims(v)) = max(vector_dims(v)) FROM {table}")
        assert one(pg, f"SELECT min(vector_dims(v)) FROM {table}") == dims


UNIQUE_TYPES = [
    "smallint", "integer", "bigint", "numeric(8,2)", "real", "double precision", "money", "text",
    "varchar(6)", "char(3)", "citext", "bytea", "uuid", "date", "time", "timetz", "timestamp",
    "timestamptz", "interval", "inet", "cidr", "macaddr", "macaddr8", "bit(12)", "varbit(12)",
    "tsvector", "int4range", "daterange", "tstzmultirange", "pg_lsn", "oid", "integer[]",
    "text[]", "uuid[]", "ltree", "jsonb", "point", "box", "circle", "path", "vector(3)", "cube",
    "hstore", "tsquery", "xml", "line", "lseg", "polygon",
]  # fmt: skip
# Types without a btree equality: distinct as text (their output form is canonical).
_NO_EQUALITY = {
    "point",
    "box",
    "circle",
    "path",
    "line",
    "lseg",
    "polygon",
    "xml",
    "cube",
    "vector(3)",
}


@pytest.mark.parametrize("type_sql", UNIQUE_TYPES)
def test_unique_values_are_distinct_in_postgres(pg: psycopg.Connection[Any], type_sql: str) -> None:
    ext = type_sql.split("(")[0]
    if ext in {e.split("(")[0] for e in EXTENSION_TYPES} and not one(
        pg, "SELECT count(*) FROM pg_extension WHERE extname = %s", [ext]
    ):
        pytest.skip(f"the server ships no {ext} extension")
    if type_sql == "xml" and not _has_libxml(pg):
        pytest.skip("the server is built without libxml")
    n = 3000
    table, _ = filled(pg, type_sql, Rule(unique=True), n=n)
    # Judged by PostgreSQL's own equality (char(n) ignores trailing spaces, citext case).
    expr = "v::text" if type_sql in _NO_EQUALITY else "v"
    assert one(pg, f"SELECT count(DISTINCT {expr}) FROM {table}") == n


@pytest.mark.parametrize(
    "t",
    [
        PgType("bigint", "int8"),
        PgType("text", "text"),
        PgType("character varying(12)", "varchar", length=12),
        PgType("uuid", "uuid"),
        PgType("bytea", "bytea"),
        PgType("double precision", "float8"),
        PgType("macaddr8", "macaddr8"),
        PgType("timestamp with time zone", "timestamptz"),
        PgType("vector(3)", "vector", length=3),
        PgType("point", "point"),
        PgType("cube", "cube"),
        PgType("tsvector", "tsvector"),
        PgType("json", "json"),
        PgType("bit(64)", "bit", length=64),
        PgType("text[]", "_text", category="A", element=PgType("text", "text")),
    ],
    ids=lambda t: t.name,
)
def test_unique_holds_up_to_row_index_2_to_the_40(t: PgType) -> None:
    """Rule.unique promises distinct values for row indices 0 .. 2**40: check the top end
    and a spread of far-apart indices (formatting must not round them together)."""
    rows = np.concatenate([np.arange(2**40 - 1500, 2**40), np.arange(0, 2**40, 2**29)])
    values = generate(ColumnPlan("public.t", "v", t, Rule(unique=True)), rows, 9)
    assert len(set(values)) == len(rows)


def test_domain_over_integer_gets_its_base_type(pg: psycopg.Connection[Any]) -> None:
    table, t = column_type(pg, "posint")
    assert t.domain == "posint" and t.base == "int4"
    values = generate(ColumnPlan(f"public.{table}", "v", t, Rule(low="1")), np.arange(500), 3)
    load(pg, table, values)
    assert one(pg, f"SELECT min(v) FROM {table}") >= 1


# -- determinism ------------------------------------------------------------------

SPLITS = [[1000], [1, 999], [500, 500], [7, 93, 400, 500], [333, 333, 334]]
DETERMINISM_TYPES = [
    (PgType("integer", "int4"), Rule()),
    (PgType("integer", "int4"), Rule(unique=True, low="5", high="5000")),
    (PgType("text", "text"), Rule(unique=True, max_length=9)),
    (PgType("character varying(40)", "varchar", length=40), Rule(provider="email")),
    (PgType("timestamp with time zone", "timestamptz"), Rule(null_rate=0.3)),
    (PgType("numeric(6,2)", "numeric", precision=6, scale=2), Rule(low="-5", high="5")),
    (PgType("text", "text"), Rule(pattern="^[a-z]{2}[0-9]{3}$")),
    (PgType("text", "text"), Rule(choices=("a", "b", "c"), weights=(1, 2, 3))),
    (PgType("integer[]", "_int4", category="A", element=PgType("integer", "int4")), Rule()),
    (
        PgType("tstzrange", "tstzrange", kind="r", element=PgType("timestamptz", "timestamptz")),
        Rule(),
    ),
    (PgType("uuid", "uuid"), Rule()),
    (PgType("jsonb", "jsonb"), Rule()),
    (PgType("real", "float4"), Rule(unique=True)),
]


@pytest.mark.parametrize(("t", "rule"), DETERMINISM_TYPES, ids=lambda x: getattr(x, "name", None))
@pytest.mark.parametrize("split", SPLITS, ids=str)
def test_values_do_not_depend_on_the_block_split(t: PgType, rule: Rule, split: list[int]) -> None:
    plan = ColumnPlan("public.things", "col", t, rule)
    whole = generate(plan, np.arange(0, 1000), 42)
    parts: list[str | None] = []
    start = 0
    for size in split:
        parts += generate(plan, np.arange(start, start + size), 42)
        start += size
    assert parts == whole
    # Any order and subset: row i's value is row i's value.
    picked = np.array([999, 3, 500, 3, 0])
    assert generate(plan, picked, 42) == [whole[i] for i in picked.tolist()]


@pytest.mark.parametrize(("t", "rule"), DETERMINISM_TYPES, ids=lambda x: getattr(x, "name", None))
def test_another_seed_another_column_differ(t: PgType, rule: Rule) -> None:
    rows = np.arange(0, 200)
    plan = ColumnPlan("public.things", "col", t, rule)
    base = generate(plan, rows, 42)
    assert generate(plan, rows, 43) != base
    assert generate(replace(plan, column="other"), rows, 42) != base
    assert generate(replace(plan, table="public.others"), rows, 42) != base


def test_uuid_keeps_every_unique_bit() -> None:
    """The version and variant bits sit beside the 64 unique bits, never over them:
    inputs that differ in any one bit give different UUIDs."""
    from pgseed.anyschema.values._keys import uuid_texts

    unique = np.array([0] + [1 << b for b in range(64)], dtype=np.uint64)
    out = uuid_texts(unique, np.zeros(len(unique), dtype=np.uint64))
    assert len(set(out)) == len(unique)
    assert all(u[14] == "4" and u[19] in "89ab" for u in out)


_DIGEST = """
import hashlib, numpy as np
from pgseed.anyschema.model import ColumnPlan, PgType, Rule
from pgseed.anyschema.values import generate
plans = [
    (PgType("text", "text"), Rule(pattern="^[^a-f]{3}[[:alpha:]]x$")),
    (PgType("text", "text"), Rule(pattern="^(ab|cd|ef)[A-Za-z]{4}$", unique=True)),
    (PgType("double precision", "float8"), Rule(low="-1", high="1")),
    (PgType("real", "float4"), Rule(unique=True)),
    (PgType("text", "text"), Rule(choices=("a", "b", "c"), weights=(0.2, 0.3, 0.5))),
    (PgType("character varying(30)", "varchar", length=30), Rule(provider="email", unique=True)),
    (PgType("timestamp with time zone", "timestamptz"), Rule(null_rate=0.3)),
    (PgType("vector(4)", "vector", length=4), Rule()),
]
h = hashlib.sha256()
for t, rule in plans:
    for v in generate(ColumnPlan("public.t", "c", t, rule), np.arange(3000), 5):
        h.update(repr(v).encode())
print(h.hexdigest())
"""


def test_same_values_whatever_the_hash_seed_and_cpu_features() -> None:
    """No set order (PYTHONHASHSEED) and no CPU-specific numpy kernel reaches a value."""
    import os
    import subprocess
    import sys

    digests = set()
    for extra in ({"PYTHONHASHSEED": "1"}, {"PYTHONHASHSEED": "2"},
                  {"PYTHONHASHSEED": "3", "NPY_DISABLE_CPU_FEATURES": "AVX2 AVX512F FMA3"}):  # fmt: skip
        env = {**os.environ, **extra}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1
