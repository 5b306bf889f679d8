"""What a pack's ``verify`` returns, and the small query helpers its rules share.

A rule is a name, a pass/fail and a one-line detail (``cli.report_checks`` prints
them as a table). Most rules count offending rows with a query of their own and
pass when the count is 0; a few compare a share with its target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from psycopg import sql

from .pg import Conn

Query = str | sql.Composed
Params = Sequence[object] | Mapping[str, object] | None


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str


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
    if n == 0:
        return True, "no rows"
    share = observed / n
    if p <= 0 or p >= 1:
        return share == p, f"{share:.2%} (target {p:.0%} exactly, n={n:,})"
    tol = 4 * math.sqrt(p * (1 - p) / n) + 1 / n
    return abs(share - p) <= tol, f"{share:.2%} (target {p:.1%} ± {tol:.2%}, n={n:,})"
