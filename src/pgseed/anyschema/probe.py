"""CHECKs tested by PostgreSQL itself, one block of candidate rows at a time.

A block is COPYed into a temporary table with the target's columns under their base
types (a domain's CHECK would otherwise reject the COPY), and one query returns the
candidates that fail any CHECK of the table or of its columns' domains. The parsed
forms (``checks.py``) make failures rare; this makes them impossible to miss:
what the database would refuse is redrawn before it is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

from ..encode import encode_rows
from ..errors import GenerationError
from ..pg import Conn
from .model import Check, ColumnPlan

ORD = "pgseed_ord"


class CheckProbe:
    """``failing(block)`` -> {row position: constraint name} for a table's CHECKs."""

    def __init__(
        self, conn: Conn, name: str, columns: Sequence[ColumnPlan], checks: Sequence[Check]
    ) -> None:
        self.conn = conn
        self.checks = list(checks)
        self.columns = [c.column for c in columns]
        self.tmp = sql.Identifier(f"pgseed_probe_{name}")
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ({} int, {}) ON COMMIT DROP").format(
                self.tmp,
                sql.Identifier(ORD),
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(c.column), sql.SQL(c.type.name))
                    for c in columns
                ),
            )
        )

    def failing(self, block: Sequence[Sequence[str | None]], rows: int) -> dict[int, str]:
        if not self.checks or rows == 0:
            return {}
        conn = self.conn
        conn.execute(sql.SQL("TRUNCATE {}").format(self.tmp))
        data = encode_rows([[str(i) for i in range(rows)], *block])
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(self.tmp)) as cp:
            cp.write(data)
        query = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {}, {} FROM {} WHERE NOT ({})").format(
                sql.Identifier(ORD),
                sql.Literal(i),
                self.tmp,
                sql.SQL(check.expression),
            )
            for i, check in enumerate(self.checks)
        )
        try:
            with conn.transaction():
                found = conn.execute(query).fetchall()
        except psycopg.Error as exc:
            raise GenerationError(
                f"testing the CHECKs of {self.tmp.as_string(conn)} failed: {str(exc).strip()}\n"
                "Fix: give the columns it uses a rule in the config (choices, range or sql)"
            ) from exc
        bad: dict[int, str] = {}
        for row, i in found:
            bad.setdefault(int(str(row)), self.checks[int(str(i))].name)
        return bad
