"""Issue 10: the text pgseed reads and writes does not depend on the database's output
settings. A database (or its owner's role) may set ``DateStyle``, ``IntervalStyle`` or
``lc_monetary``: they change how PostgreSQL prints a CHECK's constants
(``'01.03.2020'::date``, ``'P1DT2H'::interval``) and how money text is read. Every
pgseed session sets its own (``safety.SESSION``), so a fill there writes the rows it
writes under the defaults. (lc_monetary under decimal-comma locales:
``test_money_locales.py``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.db

DDL = """
CREATE TABLE event (
  id serial PRIMARY KEY,
  day date NOT NULL CHECK (day BETWEEN '2020-03-01' AND '2020-03-31'),
  at timestamp NOT NULL CHECK (at >= '2021-06-01 10:00' AND at < '2021-06-02'),
  span interval NOT NULL CHECK (span > '1 day 02:00' AND span < '3 days'),
  paid money NOT NULL CHECK (paid > '5'::money AND paid < '50'::money)
);
"""
STYLES = {  # setting -> values a database may carry
    "DateStyle": ["German, DMY", "SQL, DMY", "Postgres, MDY", "SQL, MDY"],
    "IntervalStyle": ["sql_standard", "iso_8601", "postgres_verbose"],
}
CASES = [(k, v) for k, values in STYLES.items() for v in values]


def _rows(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as c:
        c.execute("SET DateStyle TO 'ISO, MDY'; SET IntervalStyle TO 'postgres'")
        return c.execute(
            "SELECT day, at, span::text, paid::numeric FROM event ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize(("setting", "value"), CASES, ids=[f"{k}={v}" for k, v in CASES])
def test_fill_writes_the_same_rows_whatever_the_databases_styles(
    cli: Any, make_db: Callable[[str], str], setting: str, value: str
) -> None:
    plain, styled = make_db(DDL), make_db(DDL)
    name = psycopg.conninfo.conninfo_to_dict(styled)["dbname"]
    with psycopg.connect(styled, autocommit=True) as c:
        c.execute(
            sql.SQL("ALTER DATABASE {} SET {} TO {}").format(
                sql.Identifier(str(name)), sql.Identifier(setting), sql.Literal(value)
            )
        )
    for dsn in (plain, styled):
        r = cli("fill", "--database-url", dsn, "--rows", "40", "--seed", "9")
        assert r.exit_code == 0, r.output
        assert "no generator" not in r.output, r.output  # every CHECK's bounds were read
    got = _rows(styled)
    assert len(got) == 40 and got == _rows(plain)
