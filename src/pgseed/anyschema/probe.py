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
    """``failing(block)`` -> {row position: the first CHECK it fails} for a table.

    ``generated`` are the table's generated columns (name, type, expression): they are
    computed in the temporary table too, so a CHECK on one is tested as on the table."""

    def __init__(
        self,
        conn: Conn,
        table: str,
        oid: int,
        columns: Sequence[ColumnPlan],
        checks: Sequence[Check],
        generated: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        self.conn = conn
        self.table = table
        self.checks = list(checks)
        self.columns = [c.column for c in columns]
        self.tmp = sql.Identifier(f"pgseed_probe_{oid}")
        defs = [
            sql.SQL("{} {}").format(sql.Identifier(c.column), sql.SQL(c.type.name)) for c in columns
        ]
        defs += [
            sql.SQL("{} {} GENERATED ALWAYS AS ({}) STORED").format(
                sql.Identifier(name), sql.SQL(type_name), sql.SQL(expression)
            )
            for name, type_name, expression in generated
        ]
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ({} int, {}) ON COMMIT DROP").format(
                self.tmp, sql.Identifier(ORD), sql.SQL(", ").join(defs)
            )
        )

    def failing(self, block: Sequence[Sequence[str | None]], rows: int) -> dict[int, Check]:
        if not self.checks or rows == 0:
            return {}
        conn = self.conn
        conn.execute(sql.SQL("TRUNCATE {}").format(self.tmp))
        data = encode_rows([[str(i) for i in range(rows)], *block])
        with conn.cursor().copy(
            sql.SQL("COPY {} ({}, {}) FROM STDIN").format(
                self.tmp,
                sql.Identifier(ORD),
                sql.SQL(", ").join(map(sql.Identifier, self.columns)),
            )
        ) as cp:
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
            raise self._unevaluable(exc) from exc
        bad: dict[int, Check] = {}
        for row, i in found:
            bad.setdefault(int(str(row)), self.checks[int(str(i))])
        return bad

    def _unevaluable(self, first: psycopg.Error) -> GenerationError:
        """Which CHECK PostgreSQL could not evaluate on the drawn values, and the fix."""
        for check in self.checks:
            try:
                with self.conn.transaction():
                    self.conn.execute(
                        sql.SQL("SELECT count(*) FROM {} WHERE NOT ({})").format(
                            self.tmp, sql.SQL(check.expression)
                        )
                    )
            except psycopg.Error as exc:
                cols = ", ".join(check.columns) or "the columns it uses"
                return GenerationError(
                    f"{self.table}: CHECK {check.name} cannot be evaluated on the values drawn for "
                    f"{cols}: {str(exc).strip()}\nFix: give {cols} a rule in the config "
                    f"(tables: {self.table}: columns: NAME: choices, range, regex or sql)"
                )
        return GenerationError(f"{self.table}: testing its CHECKs failed: {str(first).strip()}")
