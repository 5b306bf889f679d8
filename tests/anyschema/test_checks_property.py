"""Issue 10 A, CHECKs, as a property: for any AND of common forms on an integer column
(ranges, IN / NOT IN, BETWEEN, NOT, OR of equalities, ``IS NULL OR``, plus forms that
must stay residual), a value passes the CHECK in PostgreSQL exactly when it lies
inside the parsed rule and passes the residual checks. Sound (nothing inside the rule
is refused) and exact (nothing outside it would have passed), judged by the server."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pgseed.anyschema.checks import parse_checks
from pgseed.anyschema.model import Rule
from tests.anyschema.checks_support import conn, reflect

pytestmark = pytest.mark.db
__all__ = ["conn"]

VALUES = range(-12, 13)
k = st.integers(-10, 10)
ks = st.lists(k, min_size=1, max_size=4).map(lambda xs: ", ".join(map(str, xs)))
# An IN list with fractions: PostgreSQL compares in numeric, no integer equals 2.5.
kfs = st.lists(st.one_of(k.map(str), k.map(lambda a: f"{a}.5")), min_size=1, max_size=4).map(
    ", ".join
)
ATOMS = st.one_of(
    st.tuples(st.sampled_from([">", ">=", "<", "<=", "=", "<>"]), k).map(
        lambda t: f"x {t[0]} {t[1]}"
    ),
    k.map(lambda a: f"{a} < x"),
    ks.map(lambda s: f"x IN ({s})"),
    ks.map(lambda s: f"x NOT IN ({s})"),
    kfs.map(lambda s: f"x IN ({s})"),
    ks.map(lambda s: f"NOT (x IN ({s}))"),
    st.tuples(k, k).map(lambda t: f"x BETWEEN {min(t)} AND {max(t)}"),
    k.map(lambda a: f"NOT (x > {a})"),
    k.map(lambda a: f"(x IS NULL OR x >= {a})"),
    k.map(lambda a: f"NOT (x IS NULL OR x >= {a})"),
    st.tuples(k, k).map(lambda t: f"(x = {t[0]} OR x = {t[1]})"),
    k.map(lambda a: f"x::numeric > {a}.5"),
    st.just("x % 2 = 0"),
    st.tuples(k, k).map(lambda t: f"(x < {min(t)} OR x > {max(t)})"),
)


def _inside(rule: Rule, v: int) -> bool:
    if rule.constant is not None:
        return str(v) == rule.constant
    if rule.choices and str(v) not in rule.choices:
        return False
    if rule.low is not None and not (
        v >= int(rule.low) if rule.low_inclusive else v > int(rule.low)
    ):
        return False
    return rule.high is None or (v <= int(rule.high) if rule.high_inclusive else v < int(rule.high))


def _passing(c: psycopg.Connection[Any], expression: str) -> set[int | None]:
    """The values of VALUES and NULL for which the expression is not false: a CHECK's
    verdict."""
    q = sql.SQL(
        "SELECT x FROM (SELECT generate_series({lo}, {hi}) UNION ALL SELECT NULL) AS s(x) "
        "WHERE ({e}) IS NOT FALSE"
    ).format(lo=min(VALUES), hi=max(VALUES), e=sql.SQL(expression))
    return {r[0] for r in c.execute(q)}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(atoms=st.lists(ATOMS, min_size=1, max_size=4))
def test_rule_and_residual_are_the_check(conn: psycopg.Connection[Any], atoms: list[str]) -> None:
    check = " AND ".join(f"({a})" for a in atoms)
    conn.execute(f"CREATE TABLE prop (id int PRIMARY KEY, x int, CONSTRAINT k CHECK ({check}))")
    try:
        table = reflect(conn, "prop")
    finally:
        conn.execute("DROP TABLE prop")
    parsed = parse_checks(table, {"x": Rule(null_rate=0.2)})
    by_server = _passing(conn, table.checks[0].expression)
    if parsed.conflicts:
        assert by_server <= {None}, (check, parsed.conflicts)
        return
    rule = parsed.rules["x"]
    by_rule: set[int | None] = {v for v in VALUES if _inside(rule, v)}
    if rule.null_rate > 0:
        by_rule.add(None)
    for r in parsed.residual:
        by_rule &= _passing(conn, r.expression)
    assert by_rule == by_server, (table.checks[0].expression, parsed.rules["x"], parsed.residual)


LABELS = ("sad", "ok", "happy", "ecstatic")
WORDS = ("", "a", "b", "ab", "ba", "abc", "zzzz", "hello")
label = st.sampled_from(LABELS).map(lambda s: f"'{s}'")
labels = st.lists(label, min_size=1, max_size=3).map(", ".join)
word = st.sampled_from(WORDS).map(lambda s: f"'{s}'")
words = st.lists(word, min_size=1, max_size=4).map(", ".join)
n = st.integers(0, 5)
TEXT_ATOMS = st.one_of(
    labels.map(lambda s: f"m IN ({s})"),
    labels.map(lambda s: f"m NOT IN ({s})"),
    st.tuples(st.sampled_from([">", ">=", "<", "<=", "<>"]), label).map(
        lambda t: f"m {t[0]} {t[1]}"
    ),
    label.map(lambda s: f"NOT (m >= {s})"),
    words.map(lambda s: f"s IN ({s})"),
    words.map(lambda s: f"s NOT IN ({s})"),
    st.just("s <> ''"),
    st.tuples(
        st.sampled_from(["length", "char_length"]),
        st.sampled_from([">", ">=", "<", "<=", "=", "<>"]),
        n,
    ).map(lambda t: f"{t[0]}(s) {t[1]} {t[2]}"),
    st.tuples(n, n).map(lambda t: f"length(s) BETWEEN {min(t)} AND {max(t)}"),
    word.map(lambda w: f"(s IS NULL OR s <> {w})"),
)


def _text_inside(rule: Rule, v: str, text: bool) -> bool:
    if rule.constant is not None:
        return v == rule.constant
    if rule.choices and v not in rule.choices:
        return False
    if text and rule.min_length is not None and len(v) < rule.min_length:
        return False
    return not (text and rule.max_length is not None and len(v) > rule.max_length)


def _allows(rule: Rule, v: str | None, text: bool) -> bool:
    return rule.null_rate > 0 if v is None else _text_inside(rule, v, text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(atoms=st.lists(TEXT_ATOMS, min_size=1, max_size=4))
def test_text_and_enum_rules_are_the_check(conn: psycopg.Connection[Any], atoms: list[str]) -> None:
    check = " AND ".join(f"({a})" for a in atoms)
    conn.execute(
        f"CREATE TABLE prop (id int PRIMARY KEY, s text, m mood, CONSTRAINT k CHECK ({check}))"
    )
    try:
        table = reflect(conn, "prop")
    finally:
        conn.execute("DROP TABLE prop")
    parsed = parse_checks(table, {"s": Rule(null_rate=0.2), "m": Rule(null_rate=0.2)})
    rows = [(s, m) for s in (*WORDS, None) for m in (*LABELS, None)]
    q = sql.SQL(
        "SELECT s, m::text FROM (SELECT * FROM unnest(%s::text[], %s::mood[])) AS r(s, m) "
        "WHERE ({e}) IS NOT FALSE"
    )
    args = [[r[0] for r in rows], [r[1] for r in rows]]

    def passing(expression: str) -> set[tuple[str | None, str | None]]:
        return set(conn.execute(q.format(e=sql.SQL(expression.replace("%", "%%"))), args))

    by_server = passing(table.checks[0].expression)
    if parsed.conflicts:
        assert all(s is None or m is None for s, m in by_server), (check, parsed.conflicts)
        return
    rs, rm = parsed.rules["s"], parsed.rules["m"]
    by_rule = {(s, m) for s, m in rows if _allows(rs, s, True) and _allows(rm, m, False)}
    for r in parsed.residual:
        by_rule &= passing(r.expression)
    assert by_rule == by_server, (table.checks[0].expression, rs, rm, parsed.residual)
