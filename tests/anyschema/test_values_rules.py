"""Every Rule field is honoured by the value generators, judged by PostgreSQL itself
where it can be (bounds with the column type's own comparison, ``~`` for patterns,
``length()`` for lengths, ``count(DISTINCT lower(v))`` for uniqueness)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import psycopg
import pytest

from pgseed.anyschema.model import ColumnPlan, Rule
from pgseed.anyschema.values import capacity, generate
from tests.anyschema.test_values import column_type, filled, load, one, values_database

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def pg(server_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    with values_database(server_dsn) as conn:
        yield conn


# (column type, low, high, low inclusive, high inclusive)
BOUNDS = [
    ("integer", "0", "10", False, True),
    ("smallint", "-5", "5", True, True),
    ("bigint", "9223372036854775000", "9223372036854775807", True, True),
    ("bigint", "-9223372036854775808", "-9223372036854775000", False, False),
    ("numeric(6,2)", "1.5", "2.5", False, False),
    ("numeric", "0.001", "0.002", True, False),
    ("numeric(12,4)", "-0.0001", "0.0001", False, False),
    ("real", "0", "1", False, False),
    ("double precision", "-0.001", "0.001", True, False),
    ("money", "0.5", "2.00", True, True),
    ("date", "2024-02-01", "2024-02-29", True, False),
    ("date", "1999-12-31", "2000-01-02", False, False),
    ("timestamp", "2024-01-01 00:00:00", "2024-01-01 00:00:01", False, False),
    ("timestamp(0)", "2024-01-01 00:00:00", "2024-01-01 00:00:10", False, False),
    ("timestamptz", "2024-01-01 00:00:00+05", "2024-01-01 06:00:00+05", True, False),
    ("timestamptz(3)", "2030-06-01 12:00:00.5+00", "2030-06-01 12:00:00.75+00", False, True),
    ("time", "09:00", "17:00", True, False),
    ("time(0)", "23:59:58", "23:59:59", False, True),
    ("interval", "1 hour", "2 days", True, True),
    ("interval", "-1 day", "00:00:01", False, False),
    ("interval", "P1M", "P2M", True, False),
    ("oid", "10", "20", True, True),
    ("pg_lsn", "0/10", "0/FF", False, True),
    ("text", "m", None, False, True),
    ("text", "d", "g", True, False),
    ("varchar(10)", "apple", "banana", True, True),
    ("int4range", "100", "110", True, True),
    ("daterange", "2024-01-01", "2024-01-31", True, True),
    ("integer[]", "-3", "3", True, True),
]  # fmt: skip


def _check(op: str, bound: str, type_sql: str, inclusive: bool) -> str:
    return f"v {op}{'=' if inclusive else ''} '{bound}'::{type_sql}"


@pytest.mark.parametrize("unique", [False, True], ids=["drawn", "unique"])
@pytest.mark.parametrize(("type_sql", "low", "high", "li", "hi"), BOUNDS, ids=str)
def test_bounds_hold_in_postgres(
    pg: psycopg.Connection[Any],
    type_sql: str,
    low: str,
    high: str | None,
    li: bool,
    hi: bool,
    unique: bool,
) -> None:
    rule = Rule(low=low, high=high, low_inclusive=li, high_inclusive=hi, unique=unique)
    _, t = column_type(pg, type_sql)
    n = 400
    cap = capacity(ColumnPlan("public.t", "v", t, rule))
    if unique:
        n = min(n, cap) if cap is not None else n
    table, _ = filled(pg, type_sql, rule, n=n)
    if type_sql.endswith("range"):
        sub = {"int4range": "integer", "daterange": "date"}[type_sql]
        cond = f"lower(v) >= '{low}'::{sub} AND upper(v) <= '{high}'::{sub} + 1"
    elif type_sql.endswith("[]"):
        cond = f"NOT EXISTS (SELECT 1 FROM unnest(v) e WHERE e < {low} OR e > {high})"
    else:
        cond = _check(">", low, type_sql, li)
        if high is not None:
            cond += " AND " + _check("<", high, type_sql, hi)
    bad = one(pg, f"SELECT count(*) FROM {table} WHERE NOT ({cond})")
    assert bad == 0, one(
        pg,
        f"SELECT string_agg(v::text, ', ') FROM (SELECT v FROM {table} WHERE NOT ({cond}) LIMIT 5) x",
    )
    if unique and not type_sql.endswith("[]"):
        assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") == n


@pytest.mark.parametrize("unique", [False, True], ids=["drawn", "unique"])
@pytest.mark.parametrize(
    ("type_sql", "low", "high"),
    [
        ("real", "0.7", "0.8"),
        ("real", "-0.3", "0.1"),
        ("real", "1.1", "1.1000001"),
        ("real", "0.7", "0.7000002"),
        ("double precision", "0.1", "0.3"),
    ],
)
def test_float_bounds_hold_in_double_precision(
    pg: psycopg.Connection[Any], type_sql: str, low: str, high: str, unique: bool
) -> None:
    """float4(0.7) is below 0.7: a CHECK that compares in double precision (or a
    float8 column fed from it) must still hold."""
    rule = Rule(low=low, high=high, unique=unique)
    _, t = column_type(pg, type_sql)
    n = min(500, capacity(ColumnPlan("public.t", "v", t, rule)) or 500)
    table, _ = filled(pg, type_sql, rule, n=n)
    cond = f"v::float8 >= {low}::float8 AND v::float8 <= {high}::float8"
    assert one(pg, f"SELECT count(*) FROM {table} WHERE NOT ({cond})") == 0
    if unique:
        assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") == n


# (type, low, high, expected capacity): a unique column fills its whole domain exactly.
CAPACITY = [
    ("integer", "10", "2009", 2000),
    ("smallint", "-32768", "-31769", 1000),
    ("numeric(4,1)", "0", "99.9", 1000),
    ("date", "2024-01-01", "2026-09-26", 1000),
    ("timestamp(0)", "2024-01-01 00:00:00", "2024-01-01 00:16:39", 1000),
    ("oid", "0", "499", 500),
]


@pytest.mark.parametrize(("type_sql", "low", "high", "size"), CAPACITY, ids=str)
def test_unique_numbers_fill_their_range_exactly(
    pg: psycopg.Connection[Any], type_sql: str, low: str, high: str, size: int
) -> None:
    rule = Rule(low=low, high=high, unique=True)
    _, t = column_type(pg, type_sql)
    assert capacity(ColumnPlan("public.t", "v", t, rule)) == size
    table, _ = filled(pg, type_sql, rule, n=size)
    assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") == size
    assert one(
        pg, f"SELECT min(v) = '{low}'::{type_sql} AND max(v) = '{high}'::{type_sql} FROM {table}"
    )


BOUNDED = [
    ("boolean", Rule(), 2),
    ("mood", Rule(), 5),
    ("varchar(2)", Rule(), 36**2),
    ('"char"', Rule(), 36),
    ("text", Rule(pattern="^[a-c]{2}$"), 9),
    ("text", Rule(pattern="^(x|y)[0-9]$"), 20),
    ("text", Rule(choices=("a", "b", "c", "b")), 3),
    ("integer", Rule(choices=("1", "2", "3")), 3),
    ("bit(4)", Rule(), 16),
    ("text", Rule(constant="same"), 1),
    ("real", Rule(low="1", high="1.00001"), 41),
    ("double precision", Rule(low="0", high="1e-300"), 1 << 40),
    ("int4range", Rule(low="0", high="100"), 100),
    ("tsmultirange", Rule(low="2024-01-01 00:00:00", high="2024-01-01 00:00:00.000500"), 500),
]


@pytest.mark.parametrize(("type_sql", "rule", "size"), BOUNDED, ids=str)
def test_capacity_of_bounded_domains(
    pg: psycopg.Connection[Any], type_sql: str, rule: Rule, size: int
) -> None:
    from dataclasses import replace

    rule = replace(rule, unique=True)
    _, t = column_type(pg, type_sql)
    assert capacity(ColumnPlan("public.t", "v", t, rule)) == size
    n = min(size, 3000)
    table, _ = filled(pg, type_sql, rule, n=n)
    assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") == n


LENGTHS = [
    ("text", 3, 8),
    ("text", 40, 60),
    ("varchar(4)", None, None),
    ("varchar(30)", 25, None),
    ("char(6)", 6, None),
    ("char(2)", None, None),
    ("citext", 1, 5),
    ("name", 10, None),
    ("varchar(12)", None, 3),
]


@pytest.mark.parametrize("unique", [False, True], ids=["drawn", "unique"])
@pytest.mark.parametrize(("type_sql", "lmin", "lmax"), LENGTHS, ids=str)
def test_lengths_hold_in_postgres(
    pg: psycopg.Connection[Any], type_sql: str, lmin: int | None, lmax: int | None, unique: bool
) -> None:
    if type_sql == "citext" and not one(
        pg, "SELECT count(*) FROM pg_extension WHERE extname = 'citext'"
    ):
        pytest.skip("no citext")
    rule = Rule(min_length=lmin, max_length=lmax, unique=unique)
    table, t = column_type(pg, type_sql)
    n = 1200 if not (unique and t.length == 2) else 1000
    values = generate(ColumnPlan(f"public.{table}", "v", t, rule), np.arange(n), 5)
    load(pg, table, values)
    cap = min(c for c in (lmax, t.length) if c) if (lmax or t.length) else None
    assert one(pg, f"SELECT min(length(v)) FROM {table}") >= (lmin or 1)
    if cap is not None:
        assert one(pg, f"SELECT max(length(v)) FROM {table}") <= cap
    if unique:
        assert one(pg, f"SELECT count(DISTINCT lower(v::text)) FROM {table}") == n
        pg.execute(f"CREATE UNIQUE INDEX ON {table} (lower(v::text))")


PATTERNS = [
    "^[A-Z]{3}-[0-9]{4}$",
    "^[a-z]+@[a-z]+\\.com$",
    "^(foo|bar|bazz)_[0-9]{2}$",
    "^[[:alpha:]]{2}[[:digit:]]{3}$",
    "^\\d{5}(-\\d{4})?$",
    "^[^0-9]{4}$",
    "^SKU[0-9A-F]{6}$",
    "[a-z][0-9]",
    "^[A-Za-z0-9._-]{3,12}$",
    "^[A-Za-z]{2}$",
    "^(ab|AB|cd)[xX]$",
]


@pytest.mark.parametrize("unique", [False, True], ids=["drawn", "unique"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns_match_in_postgres(
    pg: psycopg.Connection[Any], pattern: str, unique: bool
) -> None:
    rule = Rule(pattern=pattern, unique=unique)
    _, t = column_type(pg, "varchar(20)")
    cap = capacity(ColumnPlan("public.t", "v", t, rule)) if unique else None
    n = min(800, cap) if cap is not None else 800
    table, _ = filled(pg, "varchar(20)", rule, n=n)
    assert one(pg, f"SELECT count(*) FROM {table} WHERE NOT (v ~ %s)", [pattern]) == 0
    assert one(pg, f"SELECT max(length(v)) FROM {table}") <= 20
    if unique:
        assert one(pg, f"SELECT count(DISTINCT lower(v)) FROM {table}") == n
    else:
        assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") > 5


CHOICES = [
    ("text", ("red", "green", "blue"), (0.0, 1.0, 3.0)),
    ("integer", ("1", "10", "100", "1000"), (4.0, 3.0, 2.0, 1.0)),
    ("mood", ("ok", "Happy Days", 'a"b'), ()),
    ("date", ("2024-01-01", "2025-12-31"), (1.0, 0.0)),
    ("text[]", ("a", "b c", 'q"uote'), ()),
    ("integer[]", ("{1,2}", "{}", "{3}"), (1.0, 1.0, 2.0)),
]


@pytest.mark.parametrize(("type_sql", "choices", "weights"), CHOICES, ids=str)
def test_choices_and_weights(
    pg: psycopg.Connection[Any], type_sql: str, choices: tuple[str, ...], weights: tuple[float, ...]
) -> None:
    n = 4000
    table, values = filled(pg, type_sql, Rule(choices=choices, weights=weights), n=n)
    if type_sql == "text[]":
        bad = f"SELECT count(*) FROM {table}, unnest(v) e WHERE e <> ALL(%s)"
        assert one(pg, bad, [list(choices)]) == 0
        return
    counts = {c: values.count(c) for c in choices}
    assert sum(counts.values()) == n
    if weights:
        total = sum(weights)
        for c, w in zip(choices, weights, strict=True):
            assert abs(counts[c] / n - w / total) < 0.04, (c, counts)
    # PostgreSQL read them as the choices (an enum label with a quote too).
    assert one(pg, f"SELECT count(DISTINCT v) FROM {table}") == sum(1 for c in counts.values() if c)


@pytest.mark.parametrize(
    ("type_sql", "constant"),
    [
        ("text", "x y"),
        ("integer", "7"),
        ("jsonb", '{"a": 1}'),
        ("mood", "sad"),
        ("timestamptz", "2024-01-01 00:00:00+00"),
    ],
)
def test_constant(pg: psycopg.Connection[Any], type_sql: str, constant: str) -> None:
    table, values = filled(pg, type_sql, Rule(constant=constant), n=50)
    assert set(values) == {constant}
    assert one(pg, f"SELECT count(*) FROM {table} WHERE v = %s::{type_sql}", [constant]) == 50


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("type_sql", ["integer", "text", "timestamptz", "uuid", "text[]", "mood"])
def test_null_rate(pg: psycopg.Connection[Any], type_sql: str, rate: float) -> None:
    n = 3000
    table, _ = filled(pg, type_sql, Rule(null_rate=rate, unique=type_sql == "uuid"), n=n)
    share = one(pg, f"SELECT count(*) FILTER (WHERE v IS NULL) FROM {table}") / n
    assert abs(share - rate) < 0.03
    if rate in (0.0, 1.0):
        assert share == rate


PROVIDERS = [
    ("email", "varchar(64)", "v ~ '^[a-z0-9.-]+@[a-z0-9-]+\\.[a-z]+$'"),
    ("email", "varchar(20)", "v ~ '^[^@]+@[^@]+\\.[a-z]+$'"),
    ("first_name", "text", "v ~ '^[A-Z]'"),
    ("name", "text", "v ~ '^\\S+ \\S+'"),
    ("user_name", "varchar(30)", "v ~ '^[a-z0-9-]+$'"),
    ("country_code", "char(2)", "v ~ '^[A-Z]{2}$'"),
    ("phone_number", "text", "v ~ '^\\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}$'"),
    ("url", "text", "v ~ '^https://'"),
    ("slug", "text", "v ~ '^[a-z0-9]+(-[a-z0-9]+)*$'"),
    ("ipv4", "text", "v::inet IS NOT NULL"),
    ("uuid4", "text", "v::uuid IS NOT NULL"),
    ("iso_timestamp", "text", "v::timestamptz BETWEEN '2020-01-01' AND '2026-01-01'"),
    ("iso_date", "varchar(10)", "v::date BETWEEN '2020-01-01' AND '2026-01-01'"),
    ("timezone", "text", "v IN (SELECT name FROM pg_timezone_names)"),
    ("currency_code", "char(3)", "v ~ '^[A-Z]{3}$'"),
    ("mime_type", "text", "v ~ '^[a-z]+/'"),
    ("sha256", "text", "v ~ '^[0-9a-f]{64}$'"),
    ("hex_color", "char(7)", "v ~ '^#[0-9a-f]{6}$'"),
    ("epoch", "bigint", "v BETWEEN 1577836800 AND 1767225599"),
    ("epoch", "integer", "v BETWEEN 1577836800 AND 1767225599"),
    ("latitude", "numeric(8,5)", "v BETWEEN -90 AND 90"),
    ("longitude", "double precision", "v BETWEEN -180 AND 180"),
    ("year", "smallint", "v BETWEEN 1990 AND 2025"),
]


@pytest.mark.parametrize("unique", [False, True], ids=["drawn", "unique"])
@pytest.mark.parametrize(("provider", "type_sql", "cond"), PROVIDERS, ids=str)
def test_providers_in_postgres(
    pg: psycopg.Connection[Any], provider: str, type_sql: str, cond: str, unique: bool
) -> None:
    rule = Rule(provider=provider, unique=unique)
    _, t = column_type(pg, type_sql)
    n = min(300, capacity(ColumnPlan("public.t", "v", t, rule)) or 300) if unique else 300
    table, _ = filled(pg, type_sql, rule, n=n)
    # A unique column of a small pool (about 200 country or currency codes, time zones)
    # outgrows the pool: its values stay distinct but carry a row suffix, so only
    # distinctness is asserted for them.
    small_pool = unique and provider in ("country_code", "currency_code", "timezone")
    if not small_pool:
        assert one(pg, f"SELECT count(*) FROM {table} WHERE NOT ({cond})") == 0
    distinct = one(pg, f"SELECT count(DISTINCT v) FROM {table}")
    assert distinct == n if unique else distinct > 10
