"""Issue 10 A, CHECKs on domains: ``CREATE DOMAIN ... CHECK (VALUE ...)`` read back as
PostgreSQL prints it, parsed into the value rule for every column of that domain;
values drawn inside the rule are accepted by the domain, and what is not captured
is returned as VALUE-based SQL PostgreSQL can evaluate."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.anyschema.checks import parse_domain, parse_domain_checks
from pgseed.anyschema.model import PgType, Rule
from tests.anyschema.checks_support import conn

pytestmark = pytest.mark.db
__all__ = ["conn"]

DOMAINS: dict[str, tuple[str, dict[str, Any], int, list[str], list[str]]] = {
    # name: (definition, rule fields, residual count, values inside, values refused)
    "pos": ("int CHECK (VALUE > 0)", {"low": "1"}, 0, ["1", "99"], ["0"]),
    "pct": ("numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100)", {"low": "0", "high": "100"}, 0,
            ["0", "100", "50.5"], ["-0.01", "100.01"]),
    "code3": ("varchar(3) CHECK (length(VALUE) = 3) CHECK (VALUE ~ '^[A-Z]+$')",
              {"min_length": 3, "max_length": 3, "pattern": "^[A-Z]+$"}, 0, ["ABC"], ["AB", "abc"]),
    "color": ("text CHECK (VALUE IN ('red', 'green'))", {"choices": ("red", "green")}, 0,
              ["red", "green"], ["blue"]),
    "small_pos": ("pos CHECK (VALUE < 100)", {"low": "1", "high": "99"}, 0, ["1", "99"],
                  ["0", "100"]),
    "even_pos": ("int CHECK (VALUE > 0 AND VALUE % 2 = 0)", {"low": "1"}, 1, ["2", "4"],
                 ["0", "3"]),
    "lowercase": ("text CHECK (lower(VALUE) = VALUE)", {}, 1, ["abc"], ["Abc"]),
    "day": ("date NOT NULL CHECK (VALUE >= '2000-01-01')", {"low": "2000-01-01", "null_rate": 0.0},
            0, ["2000-01-01"], ["1999-12-31"]),
}  # fmt: skip


def _domain_type(c: psycopg.Connection[Any], name: str) -> PgType:
    """The column type a catalog reader builds for a domain: its base under every domain
    and their CHECKs, outermost first."""
    checks: list[str] = []
    oid = c.execute("SELECT %s::regtype::oid", [name]).fetchone()[0]  # type: ignore[index]
    not_null = False
    while True:
        typtype, base, nn = c.execute(
            "SELECT typtype, typbasetype, typnotnull FROM pg_type WHERE oid = %s", [oid]
        ).fetchone()  # type: ignore[misc]
        if typtype != "d":
            break
        not_null = not_null or nn
        checks += [
            r[0]
            for r in c.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contypid = %s AND contype = 'c' ORDER BY conname",
                [oid],
            )
        ]
        oid = base
    typname, category = c.execute(
        "SELECT typname, typcategory FROM pg_type WHERE oid = %s", [oid]
    ).fetchone()  # type: ignore[misc]
    length = 3 if typname == "varchar" else None
    return PgType(name, typname, "b", category, length=length, domain=name,
                  domain_checks=tuple(checks), domain_not_null=not_null)  # fmt: skip


@pytest.fixture(scope="module")
def domains(conn: psycopg.Connection[Any]) -> dict[str, PgType]:
    for name, (definition, *_rest) in DOMAINS.items():
        conn.execute(f"CREATE DOMAIN {name} AS {definition}")
    return {name: _domain_type(conn, name) for name in DOMAINS}


@pytest.mark.parametrize("name", list(DOMAINS))
def test_domain_checks_become_the_rule(
    conn: psycopg.Connection[Any], domains: dict[str, PgType], name: str
) -> None:
    _definition, expected, n_residual, inside, refused = DOMAINS[name]
    start = Rule(null_rate=0.1)
    rule, residual = parse_domain_checks(domains[name], start)
    assert {k: getattr(rule, k) for k in expected} == expected, rule
    assert len(residual) == n_residual, residual
    assert parse_domain(domains[name], start).conflicts == ()
    cast = sql.SQL("SELECT %s::{}").format(sql.Identifier(name))
    for value in inside:
        conn.execute(cast, [value])  # the domain accepts what the rule draws
        for expression in residual:  # and a residual is SQL over VALUE that runs
            conn.execute(
                sql.SQL("SELECT {} FROM (SELECT %s::{} AS value) v").format(
                    sql.SQL(expression.replace("%", "%%")), sql.Identifier(name)
                ),
                [value],
            )
    for value in refused:
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction(force_rollback=True):
            conn.execute(cast, [value])


def test_contradicting_domain_is_reported(conn: psycopg.Connection[Any]) -> None:
    conn.execute("CREATE DOMAIN never AS int CHECK (VALUE > 10) CHECK (VALUE < 5)")
    t = _domain_type(conn, "never")
    parsed = parse_domain(t, Rule())
    assert len(parsed.conflicts) == 1 and '"never"' in parsed.conflicts[0]
    rule, residual = parse_domain_checks(t, Rule())
    assert rule == Rule() and residual == t.domain_checks
