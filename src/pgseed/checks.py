"""What a pack's ``verify`` returns, and the small query helpers its rules share.

A rule is a name, a pass/fail and a one-line detail (``cli.report_checks`` prints
them as a table). Most rules count offending rows with a query of their own and
pass when the count is 0; a few compare a share with its target.

On an application's own schema (``binding.py``) some of a pack's columns may not
exist. ``Guarded`` runs each of the rules' queries in a savepoint; a query that names
a column the database lacks gives no rows, and the next ``Check`` built (the rule
that query was made for: a rule's queries run before its Check is built) is marked
skipped, naming the column, instead of failing or stopping the whole verify.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .pg import Conn

Query = str | sql.Composed
Params = Sequence[object] | Mapping[str, object] | None


# What the last guarded query could not read ("generation_jobs.parameters does not
# exist"), until the Check of its rule takes it.
_MISSING: ContextVar[str] = ContextVar("pgseed_missing_column", default="")


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str
    skipped: str = ""  # why the rule was not checked (a column the database lacks)

    def __post_init__(self) -> None:
        missing = _MISSING.get()
        if missing and not self.skipped:
            _MISSING.set("")
            object.__setattr__(self, "skipped", missing)
            object.__setattr__(self, "passed", True)
            object.__setattr__(self, "detail", f"skipped: {missing}")


def clear_missing() -> None:
    """Forget a missing column no Check took (a verify that stopped half way)."""
    _MISSING.set("")


class _NoRows:
    """The result of a query that named a missing column: no rows."""

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(())


class Guarded:
    """A connection whose ``execute`` skips, rather than fails, a query that names a
    column the database lacks (see the module docstring); everything else is the
    connection's own."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    def execute(self, query: Query, params: Params = None, **kw: Any) -> Any:
        try:
            with self._conn.transaction():  # a savepoint: the verify's transaction goes on
                return self._conn.execute(query, params, **kw)
        except psycopg.errors.UndefinedColumn as exc:
            _MISSING.set(str(exc.diag.message_primary or exc).strip())
            return _NoRows()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@dataclass(frozen=True)
class ZeroRule:
    """A rule that holds when ``query`` (a count of offending rows) returns 0."""

    rule: str
    query: Query
    params: Params = None


def count(conn: Conn, query: Query, params: Params = None) -> int:
    """The first column of the first row as an int (0 for no row or NULL)."""
    row = conn.execute(query, params or []).fetchone()
    return int(str(row[0])) if row and row[0] is not None else 0


def zero(conn: Conn, rule: ZeroRule) -> Check:
    bad = count(conn, rule.query, rule.params)
    return Check(rule.rule, bad == 0, "ok" if bad == 0 else f"{bad:,} offending rows")


def zeros(conn: Conn, rules: Iterable[ZeroRule]) -> list[Check]:
    return [zero(conn, r) for r in rules]


def share_ok(observed: int, n: int, p: float) -> tuple[bool, str]:
    """Does ``observed`` of ``n`` independent draws fit a probability ``p``?

    Within 4 standard errors plus one row; exact when ``p`` is 0 or 1 (nothing
    random is left to excuse a difference).
    """
    if n <= 0:
        return True, "no rows"
    share = observed / n
    if p <= 0 or p >= 1:
        return share == p, f"{share:.2%} (target {p:.0%} exactly, n={n:,})"
    tol = 4 * math.sqrt(p * (1 - p) / n) + 1 / n
    return abs(share - p) <= tol, f"{share:.2%} (target {p:.1%} ± {tol:.2%}, n={n:,})"
