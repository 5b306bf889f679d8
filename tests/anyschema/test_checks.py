"""Issue 10 A, CHECKs: each CHECK is written the way people write it, read back as
PostgreSQL 18 prints it (pg_get_constraintdef), parsed, and the rule is checked
twice against the server: values drawn inside it are accepted (sound), and values
just outside it are refused (exact, not looser nor needlessly stricter)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.anyschema.checks import Parsed, Relation, parse_checks
from pgseed.anyschema.model import PgType, Rule, Table
from tests.anyschema.checks_support import conn, reflect

pytestmark = pytest.mark.db
__all__ = ["conn"]  # the module-scoped database fixture

COLUMNS = """
    id int PRIMARY KEY, x int, x8 bigint, n numeric(10,2), f float8, s text, v varchar(20),
    ch char(3), d date, ts timestamp, tz timestamptz, b bool, m mood, iv interval,
    "Weird Col" int, u uuid, starts_at timestamptz, ends_at timestamptz,
    min_qty int, max_qty int, d2 date, ts2 timestamp, g int GENERATED ALWAYS AS (x * 2) STORED
"""


@dataclass
class Case:
    check: str
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()
    residual: int = 0
    """How many residual checks (whole checks or conjuncts) are expected."""
    outside: dict[str, list[str]] = field(default_factory=dict)
    """Values of one column that the CHECK must refuse (the rule's edges)."""
    samples: dict[str, list[str]] = field(default_factory=dict)
    """Values to draw for a column whose rule has a pattern (no regex sampler here)."""


CASES: dict[str, Case] = {
    "gt-int": Case("x > 0", {"x": {"low": "1"}}, outside={"x": ["0"]}),
    "ge-negative": Case("x >= -5", {"x": {"low": "-5"}}, outside={"x": ["-6"]}),
    "const-left": Case("0 < n", {"n": {"low": "0", "low_inclusive": False}}, outside={"n": ["0"]}),
    "lt-numeric": Case(
        "n < 99.5", {"n": {"high": "99.5", "high_inclusive": False}}, outside={"n": ["99.5"]}
    ),
    "int-vs-decimal": Case(
        "x > 0.5 AND x <= 9.7", {"x": {"low": "1", "high": "9"}}, outside={"x": ["0", "10"]}
    ),
    "float-literal": Case(
        "x::float8 > 0.99999999999999999::float8", {"x": {"low": "2"}}, outside={"x": ["1"]}
    ),
    "cast-column": Case("x::numeric > 2", {"x": {"low": "3"}}, outside={"x": ["2"]}),
    "numeric-cast-both": Case(
        "(n)::numeric >= (1)::numeric", {"n": {"low": "1"}}, outside={"n": ["0.99"]}
    ),
    "between": Case(
        "x BETWEEN 1 AND 10", {"x": {"low": "1", "high": "10"}}, outside={"x": ["0", "11"]}
    ),
    "between-numeric": Case(
        "n BETWEEN 0 AND 1", {"n": {"low": "0", "high": "1"}}, outside={"n": ["-0.01", "1.01"]}
    ),
    "float-big": Case(
        "f > 1e10",
        {"f": {"low": "10000000000", "low_inclusive": False}},
        outside={"f": ["10000000000"]},
    ),
    "bigint-range": Case(
        "x8 >= 1000000000000 AND x8 < 2000000000000",
        {"x8": {"low": "1000000000000", "high": "1999999999999"}},
        outside={"x8": ["999999999999", "2000000000000"]},
    ),
    "tightest-wins": Case(
        "x > 1 AND x > 5 AND x >= 3 AND x < 100 AND x <= 50",
        {"x": {"low": "6", "high": "50"}},
        outside={"x": ["5", "51"]},
    ),
    "quoted-ident": Case(
        '"Weird Col" > 0', {"Weird Col": {"low": "1"}}, outside={"Weird Col": ["0"]}
    ),
    "in-text": Case(
        "s IN ('a', 'b', 'c')", {"s": {"choices": ("a", "b", "c")}}, outside={"s": ["d"]}
    ),
    "in-varchar": Case(
        "v IN ('red', 'green')", {"v": {"choices": ("red", "green")}}, outside={"v": ["blue"]}
    ),
    "in-int": Case("x IN (1, 2, 3)", {"x": {"choices": ("1", "2", "3")}}, outside={"x": ["4"]}),
    "any-literal": Case(
        "x = ANY ('{4,5}'::int[])", {"x": {"choices": ("4", "5")}}, outside={"x": ["6"]}
    ),
    "in-one": Case("s IN ('only')", {"s": {"constant": "only"}}, outside={"s": ["other"]}),
    "int-in-fraction": Case("x IN (1, 2.5)", {"x": {"constant": "1"}}, outside={"x": ["2", "3"]}),
    "eq-const": Case("x = 7", {"x": {"constant": "7"}}, outside={"x": ["8"]}),
    "or-equalities": Case(
        "x = 1 OR x = 2 OR x = 3", {"x": {"choices": ("1", "2", "3")}}, outside={"x": ["4"]}
    ),
    "in-and-range": Case(
        "x IN (1, 5, 10) AND x > 2", {"x": {"choices": ("5", "10")}}, outside={"x": ["1"]}
    ),
    "in-intersect": Case(
        "s IN ('a', 'b') AND s IN ('b', 'c', 'a')",
        {"s": {"choices": ("a", "b")}},
        outside={"s": ["c"]},
    ),
    "enum-in": Case(
        "m IN ('ok', 'happy')", {"m": {"choices": ("ok", "happy")}}, outside={"m": ["sad"]}
    ),
    "enum-ne": Case(
        "m <> 'sad'", {"m": {"choices": ("ok", "happy", "ecstatic")}}, outside={"m": ["sad"]}
    ),
    "enum-order": Case(
        "m >= 'happy'", {"m": {"choices": ("happy", "ecstatic")}}, outside={"m": ["ok"]}
    ),
    "not-in-int": Case(
        "x NOT IN (1, 2) AND x > 0 AND x < 4",
        {"x": {"low": "1", "high": "3"}},
        residual=1,
        outside={"x": ["1", "2"]},
    ),
    "not-paren-in": Case(
        "NOT (m IN ('sad', 'ok'))", {"m": {"choices": ("happy", "ecstatic")}}, outside={"m": ["ok"]}
    ),
    "not-in-choices": Case(
        "s IN ('a', 'b', 'c') AND s NOT IN ('b')",
        {"s": {"choices": ("a", "c")}},
        outside={"s": ["b"]},
    ),
    "ne-outside-range": Case("x > 10 AND x <> 0", {"x": {"low": "11"}}, outside={"x": ["10"]}),
    "not-gt": Case("NOT (x > 5)", {"x": {"high": "5"}}, outside={"x": ["6"]}),
    "bool-col": Case("b", {"b": {"constant": "true"}}, outside={"b": ["false"]}),
    "bool-not": Case("NOT b", {"b": {"constant": "false"}}, outside={"b": ["true"]}),
    "bool-is-true": Case(
        "b IS TRUE", {"b": {"constant": "true", "null_rate": 0.0}}, outside={"b": ["false"]}
    ),
    "length-eq": Case(
        "length(v) = 3", {"v": {"min_length": 3, "max_length": 3}}, outside={"v": ["ab", "abcd"]}
    ),
    "char-length": Case(
        "char_length(s) <= 5 AND char_length(s) > 1",
        {"s": {"min_length": 2, "max_length": 5}},
        outside={"s": ["a", "abcdef"]},
    ),
    "length-between": Case(
        "length(s) BETWEEN 2 AND 4",
        {"s": {"min_length": 2, "max_length": 4}},
        outside={"s": ["a", "abcde"]},
    ),
    "nonempty": Case("v <> ''", {"v": {"min_length": 1}}, outside={"v": [""]}),
    "regex": Case(
        "ch ~ '^[A-Z]{3}$'",
        {"ch": {"pattern": "^[A-Z]{3}$"}},
        outside={"ch": ["abc"]},
        samples={"ch": ["ABC", "XYZ"]},
    ),
    "regex-icase": Case(
        "s ~* '^[a-z]+@[a-z]+$'",
        {"s": {"pattern": "^[a-z]+@[a-z]+$"}},
        outside={"s": ["no-at"]},
        samples={"s": ["a@b", "xy@zz"]},
    ),
    "like": Case(
        "s LIKE 'ab%'",
        {"s": {"pattern": "^ab.*$"}},
        outside={"s": ["ba"]},
        samples={"s": ["ab", "abc"]},
    ),
    "length-and-regex": Case(
        "length(v) = 2 AND v ~ '^[a-z]+$'",
        {"v": {"min_length": 2, "max_length": 2, "pattern": "^[a-z]+$"}},
        outside={"v": ["A1"]},
        samples={"v": ["ab", "zz"]},
    ),
    "not-null": Case("s IS NOT NULL", {"s": {"null_rate": 0.0}}),
    "null-or-range": Case("x IS NULL OR x > 0", {"x": {"low": "1"}}, outside={"x": ["0"]}),
    "range-or-null": Case(
        "(x > 0 AND x < 10) OR x IS NULL",
        {"x": {"low": "1", "high": "9"}},
        outside={"x": ["0", "10"]},
    ),
    "date-range": Case(
        "d >= '2020-01-01' AND d < '2030-01-01'",
        {"d": {"low": "2020-01-01", "high": "2030-01-01", "high_inclusive": False}},
        outside={"d": ["2019-12-31", "2030-01-01"]},
    ),
    "timestamp": Case(
        "ts > '2020-01-01'",
        {"ts": {"low": "2020-01-01 00:00:00", "low_inclusive": False}},
        outside={"ts": ["2020-01-01 00:00:00"]},
    ),
    "timestamptz": Case(
        "tz >= '2020-01-01 00:00+02'",
        {"tz": {"low": "2019-12-31 22:00:00+00"}},
        outside={"tz": ["2019-12-31 21:59:59+00"]},
    ),
    "interval": Case(
        "iv > '1 hour'",
        {"iv": {"low": "01:00:00", "low_inclusive": False}},
        outside={"iv": ["00:59:00"]},
    ),
    "uuid-eq": Case(
        "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
        {"u": {"constant": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}},
        outside={"u": ["b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]},
    ),
    "one-row": Case("id = 1", {"id": {"constant": "1"}}, outside={"id": ["2"]}),
    # column against column
    "ends-after-starts": Case(
        "ends_at > starts_at", relations=(Relation("ends_at", ">", "starts_at"),)
    ),
    "max-ge-min": Case("max_qty >= min_qty", relations=(Relation("max_qty", ">=", "min_qty"),)),
    "plus-interval": Case(
        "starts_at + interval '1 day' <= ends_at",
        relations=(Relation("ends_at", ">=", "starts_at", "1 day"),),
    ),
    "date-plus-days": Case("d2 >= d + 7", relations=(Relation("d2", ">=", "d", "7"),)),
    "int-minus": Case(
        "max_qty - 2 > min_qty", relations=(Relation("min_qty", "<", "max_qty", "-2"),)
    ),
    # residuals: never guessed
    "num-nonnulls": Case("num_nonnulls(x, s) = 1", residual=1),
    "function": Case("lower(s) = s", residual=1),
    "two-column-sum": Case("x + min_qty < 10", residual=1),
    "or-of-ranges": Case("x < 0 OR x > 10", residual=1),
    "or-two-columns": Case("x > 0 OR s IS NOT NULL", residual=1),
    "text-range": Case("s > 'm'", residual=1),
    "similar-to": Case("s SIMILAR TO 'a%'", residual=1),
    "octet-length": Case("octet_length(s) < 10", residual=1),
    "cast-typmod": Case("(v)::varchar(2) = 'ab'", residual=1),
    "generated-col": Case("g > 0", residual=1),
    "mixed-types": Case("d >= ts2", residual=1),
    "partly-captured": Case(
        "x > 0 AND lower(s) = s", {"x": {"low": "1"}}, residual=1, outside={"x": ["0"]}
    ),
    "not-null-or-range": Case("NOT (x IS NULL OR x > 0)", residual=1),
    "not-not-null-or": Case(
        "NOT (NOT (x IS NULL OR x > 0))", {"x": {"low": "1"}}, outside={"x": ["0"]}
    ),
    "same-column": Case("x + 1 > x", residual=1),
    "partly-quoted": Case(
        "\"Weird Col\" > 0 AND \"Weird Col\" + x < 5 AND s = 'it''s'",
        {"Weird Col": {"low": "1"}, "s": {"constant": "it's"}},
        residual=1,
        outside={"Weird Col": ["0"]},
    ),
    "null-or-notnull": Case("x IS NULL OR (x IS NOT NULL AND x > 0)", residual=1),
    "ne-text-bpchar": Case("ch <> ''", residual=1),
}


@pytest.fixture
def parsed_case(
    conn: psycopg.Connection[Any], request: pytest.FixtureRequest
) -> Iterator[tuple[Case, Parsed, Table]]:
    name: str = request.param
    case = CASES[name]
    table = f"t_{name.replace('-', '_')}"
    conn.execute(f"CREATE TABLE {table} ({COLUMNS}, CONSTRAINT k CHECK ({case.check}))")
    try:
        t = reflect(conn, table)
        yield case, parse_checks(t, {}), t
    finally:
        conn.execute(f"DROP TABLE {table}")


@pytest.mark.parametrize("parsed_case", list(CASES), indirect=True)
def test_parses_what_postgres_prints(parsed_case: tuple[Case, Parsed, Table]) -> None:
    case, parsed, table = parsed_case
    assert parsed.conflicts == ()
    for column, expected in case.rules.items():
        rule = parsed.rules[column]
        got = {k: getattr(rule, k) for k in expected}
        assert got == expected, (table.checks, rule)
    untouched = set(parsed.rules) - set(case.rules)
    assert all(parsed.rules[c] == Rule() for c in untouched), parsed.rules
    assert parsed.relations == case.relations
    assert len(parsed.residual) == case.residual, parsed.residual
    assert parsed.one_row == (table.name == "t_one_row")
    for r in parsed.residual:
        assert r.name == "k"
        assert set(r.columns) <= set(parsed.rules)


@pytest.mark.parametrize("parsed_case", [n for n, c in CASES.items() if c.residual], indirect=True)
def test_residual_is_sql_postgres_runs(
    conn: psycopg.Connection[Any], parsed_case: tuple[Case, Parsed, Table]
) -> None:
    """The engine tests residuals in PostgreSQL, so each must be an expression it runs,
    over exactly the columns it names."""
    _case, parsed, table = parsed_case
    assert parsed.residual
    for r in parsed.residual:
        assert r.columns, r
        conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE NOT ({})").format(
                sql.Identifier(table.name), sql.SQL(r.expression)
            )
        )


def _inside(
    conn: psycopg.Connection[Any], rule: Rule, t: PgType, samples: list[str] | None
) -> list[str]:
    """A few values inside the rule (a hand-rolled sampler, by type)."""
    if rule.constant is not None:
        return [rule.constant]
    if rule.choices:
        return list(rule.choices)
    if samples:
        return samples
    if t.base in ("int4", "int8", "numeric", "float8"):
        step = Decimal(1) if t.base.startswith("int") else Decimal("0.01")
        low = Decimal(rule.low) if rule.low else None
        high = Decimal(rule.high) if rule.high else None
        low = None if low is None else (low if rule.low_inclusive else low + step)
        high = None if high is None else (high if rule.high_inclusive else high - step)
        low = low if low is not None else (high - 100 if high is not None else Decimal(-100))
        high = high if high is not None else low + 100
        return [str(low), str(high), str((low + high) // 2)]
    if t.base in ("text", "varchar", "bpchar"):
        lo, hi = rule.min_length or 0, rule.max_length if rule.max_length is not None else 8
        return ["x" * lo, "y" * hi, "z" * ((lo + hi) // 2)]
    if t.base == "bool":
        return ["true", "false"]
    if t.base in ("date", "timestamp", "timestamptz", "interval"):
        # The server steps past an exclusive edge: one day for dates, a second otherwise.
        tick = "1" if t.base == "date" else "interval '1 second'"
        out = []
        for edge, inclusive, sign in (
            (rule.low, rule.low_inclusive, "+"),
            (rule.high, rule.high_inclusive, "-"),
        ):
            if edge is not None:
                q = sql.SQL("SELECT (%s::{} {} {})::text").format(
                    sql.SQL(t.base),
                    sql.SQL(sign),
                    sql.SQL("0" if inclusive else tick)
                    if t.base == "date"
                    else sql.SQL("interval '0'" if inclusive else tick),
                )
                out.append(conn.execute(q, [edge]).fetchone()[0])  # type: ignore[index]
        return out
    return [v for v in (rule.low, rule.high) if v is not None]


def _insert(conn: psycopg.Connection[Any], table: str, column: str, value: str) -> None:
    with conn.transaction(force_rollback=True):
        if column == "id":
            stmt = sql.SQL("INSERT INTO {} (id) VALUES (%s)").format(sql.Identifier(table))
            conn.execute(stmt, [value])
        else:
            stmt = sql.SQL("INSERT INTO {} (id, {}) VALUES (1, %s)")
            conn.execute(stmt.format(sql.Identifier(table), sql.Identifier(column)), [value])


@pytest.mark.parametrize("parsed_case", [n for n, c in CASES.items() if c.rules], indirect=True)
def test_rule_is_exact(
    conn: psycopg.Connection[Any], parsed_case: tuple[Case, Parsed, Table]
) -> None:
    """Values inside the rule pass the CHECK; values just outside it are refused."""
    case, parsed, table = parsed_case
    for column in case.rules:
        col = table.column(column)
        # With a residual part, only the captured part is promised: values inside the
        # rule may still fail the residual (the engine tests those in PostgreSQL).
        inside = (
            []
            if parsed.residual
            else _inside(conn, parsed.rules[column], col.type, case.samples.get(column))
        )
        for value in inside:
            _insert(conn, table.name, column, value)
        for value in case.outside.get(column, []):
            with pytest.raises(psycopg.errors.CheckViolation):
                _insert(conn, table.name, column, value)
        assert inside or case.outside.get(column) or parsed.residual, "nothing was tried"


BASE = {"timestamptz": "2024-05-01 12:00:00+00", "date": "2024-05-01", "int4": "50"}
UNIT = {"timestamptz": "interval '1 second'", "date": "1", "int4": "1"}
DELTA = {">": (1, 0), ">=": (0, -1), "<": (-1, 0), "<=": (0, 1), "=": (0, 1)}


@pytest.mark.parametrize("parsed_case", [n for n, c in CASES.items() if c.relations], indirect=True)
def test_relations_hold(
    conn: psycopg.Connection[Any], parsed_case: tuple[Case, Parsed, Table]
) -> None:
    """``left op right + offset``, drawn on the edge: the edge passes, one step past it fails."""
    _case, parsed, table = parsed_case
    assert parsed.relations
    for rel in parsed.relations:
        t = table.column(rel.right).type.base
        offset = "0" if rel.offset is None else rel.offset
        offset_sql = f"interval '{offset}'" if t == "timestamptz" else offset
        ok, bad = DELTA[rel.op]
        for delta, passes in ((ok, True), (bad, False)):
            stmt = sql.SQL(
                "INSERT INTO {t} (id, {r}, {l}) SELECT 1, v, v + {o} + {d} * {u} "
                "FROM (SELECT %s::{ty} AS v) s"
            ).format(
                t=sql.Identifier(table.name),
                r=sql.Identifier(rel.right),
                l=sql.Identifier(rel.left),
                o=sql.SQL(offset_sql),
                d=sql.Literal(delta),
                u=sql.SQL(UNIT[t]),
                ty=sql.SQL(t),
            )
            if passes:
                with conn.transaction(force_rollback=True):
                    conn.execute(stmt, [BASE[t]])
            else:
                with (
                    pytest.raises(psycopg.errors.CheckViolation),
                    conn.transaction(force_rollback=True),
                ):
                    conn.execute(stmt, [BASE[t]])
