"""Issue 10 A, CHECKs: what the parser does beyond one form at a time. Contradictions
are reported with their constraint's name, a starting rule (varchar length, a config
range or choice list) is tightened and never loosened, one-row tables are seen, and
text the parser cannot read becomes a residual check, never an exception."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgseed.anyschema.checks import parse_checks
from pgseed.anyschema.model import Check, Column, PgType, Rule, Table, UniqueKey
from tests.anyschema.checks_support import conn, reflect

pytestmark = pytest.mark.db
__all__ = ["conn"]

TABLE = """(id int PRIMARY KEY, x int, n numeric(10,2), s text, v varchar(20), d date,
            b bool, m mood)"""

CONFLICTS = {
    "range": (["x > 10 AND x < 5"], "x"),
    "two-constraints": (["x >= 10", "x <= 9"], "x"),
    "exclusive-equal": (["n > 5 AND n < 5"], "n"),
    "enum-excluded": (["m IN ('sad') AND m <> 'sad'"], "m"),
    "enum-order": (["m > 'ecstatic'"], "m"),
    "in-disjoint": (["s IN ('a')", "s IN ('b')"], "s"),
    "in-out-of-range": (["x IN (1, 2) AND x > 5"], "x"),
    "int-fraction": (["x = 2.5"], "x"),
    "int4-range": (["x > 3000000000"], "x"),
    "longer-than-varchar": (["length(v) = 30"], "v"),
    "length-range": (["length(s) > 5 AND length(s) < 3"], "s"),
    "choice-too-long": (["length(s) = 1 AND s IN ('ab', 'cd')"], "s"),
    "dates": (["d > '2030-01-01' AND d < '2020-01-01'"], "d"),
    "bool": (["b AND NOT b"], "b"),
}


@pytest.mark.parametrize("name", list(CONFLICTS))
def test_contradictions_name_their_constraints(conn: psycopg.Connection[Any], name: str) -> None:
    checks, column = CONFLICTS[name]
    named = ", ".join(f"CONSTRAINT c{i} CHECK ({c})" for i, c in enumerate(checks))
    conn.execute(f"CREATE TABLE conflict {TABLE[:-1]}, {named})")
    try:
        parsed = parse_checks(reflect(conn, "conflict"), {})
    finally:
        conn.execute("DROP TABLE conflict")
    assert len(parsed.conflicts) == 1, parsed
    message = parsed.conflicts[0]
    assert f'"{column}"' in message
    for i in range(len(checks)):
        assert f'"c{i}"' in message


START = {
    # column, starting rule, CHECK, expected fields
    "weights-kept": ("s", Rule(choices=("a", "b", "c"), weights=(1.0, 2.0, 3.0)),
                     "s IN ('b', 'c', 'd')", {"choices": ("b", "c"), "weights": (2.0, 3.0)}),
    "config-range": ("x", Rule(low="0", high="1000"), "x > 10",
                     {"low": "11", "high": "1000"}),
    "config-tighter": ("x", Rule(low="50", high="60"), "x BETWEEN 10 AND 100",
                       {"low": "50", "high": "60"}),
    "varchar-cap": ("v", Rule(max_length=20), "length(v) >= 3",
                    {"min_length": 3, "max_length": 20}),
    "nullable-to-not-null": ("s", Rule(null_rate=0.3), "s IS NOT NULL", {"null_rate": 0.0}),
    "config-constant": ("x", Rule(constant="7"), "x > 0", {"constant": "7", "low": "1"}),
    "choices-by-range": ("x", Rule(choices=("1", "5", "9")), "x >= 5",
                         {"choices": ("5", "9"), "low": "5"}),
    "date-config": ("d", Rule(low="2024-01-01"), "d >= '2020-01-01'", {"low": "2024-01-01"}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(START))
def test_starting_rule_is_tightened_never_loosened(
    conn: psycopg.Connection[Any], name: str
) -> None:
    column, start, check, expected = START[name]
    conn.execute(f"CREATE TABLE start {TABLE[:-1]}, CHECK ({check}))")
    try:
        parsed = parse_checks(reflect(conn, "start"), {column: start})
    finally:
        conn.execute("DROP TABLE start")
    assert parsed.conflicts == () and parsed.residual == ()
    rule = parsed.rules[column]
    assert {k: getattr(rule, k) for k in expected} == expected, rule


KEPT_AS_GIVEN = {
    "unparseable-config-bound": ("x", Rule(low="abc"), "x > 10"),
    "second-pattern": ("s", Rule(pattern="^a"), "s ~ '^b'"),
    "pattern-with-choices": ("s", Rule(choices=("ab", "cd")), "s ~ '^a'"),
    "choices-not-of-type": ("x", Rule(choices=("one", "two")), "x > 1"),
}


@pytest.mark.parametrize("name", list(KEPT_AS_GIVEN))
def test_what_cannot_be_merged_stays_residual(conn: psycopg.Connection[Any], name: str) -> None:
    column, start, check = KEPT_AS_GIVEN[name]
    conn.execute(f"CREATE TABLE kept {TABLE[:-1]}, CHECK ({check}))")
    try:
        parsed = parse_checks(reflect(conn, "kept"), {column: start})
    finally:
        conn.execute("DROP TABLE kept")
    assert parsed.rules[column] == start
    assert len(parsed.residual) == 1 and parsed.conflicts == ()


ONE_ROW = {
    "id-eq-1": ("id int PRIMARY KEY CHECK (id = 1)", True),
    "bool-pk": ("id bool PRIMARY KEY DEFAULT true CHECK (id)", True),
    "char-lock": ("lock char(1) PRIMARY KEY CHECK (lock = 'X')", True),
    "in-one": ("id int PRIMARY KEY CHECK (id IN (1))", True),
    "composite": ("a int, b text, PRIMARY KEY (a, b), CHECK (a = 1 AND b = 'x')", True),
    "composite-half": ("a int, b text, PRIMARY KEY (a, b), CHECK (a = 1)", False),
    "range": ("id int PRIMARY KEY CHECK (id > 0 AND id < 3)", False),
    "other-column": ("id int PRIMARY KEY, x int CHECK (x = 1)", False),
    "no-pk": ("x int CHECK (x = 1)", False),
}


@pytest.mark.parametrize("name", list(ONE_ROW))
def test_one_row_tables(conn: psycopg.Connection[Any], name: str) -> None:
    columns, one_row = ONE_ROW[name]
    conn.execute(f"CREATE TABLE single ({columns})")
    try:
        parsed = parse_checks(reflect(conn, "single"), {})
    finally:
        conn.execute("DROP TABLE single")
    assert parsed.one_row is one_row
    assert parsed.residual == () and parsed.conflicts == ()


def _table(*expressions: str) -> Table:
    int4 = PgType("integer", "int4", category="N")
    columns = (Column("id", int4, True), Column("x", int4, False))
    checks = tuple(Check(f"c{i}", e, ("x",)) for i, e in enumerate(expressions))
    return Table("public", "t", 1, columns, UniqueKey("t_pkey", ("id",), True), checks=checks)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "(",
        "CHECK (",
        "x >",
        "(x > 0); DROP TABLE t",
        "(nosuch > 0)",
        "(t.x > 0)",
        "((x > 0) OR (y < 1))",
        "(lower(x::text) = x::text)",
        "(x > 'abc'::text)",
        "(x = ANY ('{1,NULL}'::integer[]))",
        "(x = ANY ('{{1,2}}'::integer[]))",
        "(x > ('NaN'::numeric))",
        "(x IS NULL)",
        "(x IS NOT TRUE)",
        "(x > (SELECT 1))",
        "(x BETWEEN SYMMETRIC 1 AND 3)",
    ],
)
def test_unreadable_text_is_residual_never_an_error(text: str) -> None:
    parsed = parse_checks(_table(text), {})
    assert len(parsed.residual) == 1 and parsed.residual[0].name == "c0"
    assert parsed.rules["x"] == Rule() and parsed.relations == ()


@pytest.mark.parametrize(
    "text", ["CHECK ((x > 0)) NOT VALID", "CHECK ((x > 0)) NO INHERIT", "((x > 0))", "x > 0"]
)
def test_constraint_decorations_are_read(text: str) -> None:
    """NOT VALID skips old rows only: new rows must still pass, so the rule holds."""
    parsed = parse_checks(_table(text), {})
    assert parsed.rules["x"].low == "1" and parsed.residual == ()
