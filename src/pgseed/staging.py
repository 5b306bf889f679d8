"""Loading a pack's COPY data through a binding (``binding.py``).

A table bound exactly keeps the direct COPY (``load.CopyLoader``). For any other, each
COPY statement of the pack goes into a temporary staging table shaped like the model
(text or binary tuples alike), numbered by an identity column; the generic engine's
values for the live NOT NULL columns the models do not know go into a second temporary
table keyed by the same number; one ``INSERT INTO live (...) SELECT ...`` moves the
rows, each column cast to its live type, in the order the pack gave them. Columns the
statement does not name get the application's own defaults, sequences and triggers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence

import numpy as np
from psycopg import sql

from .binding import Binding, TableBinding
from .encode import encode_rows
from .load import CopyLoader
from .pg import Conn
from .progress import Reporter

ORD = "pgseed_ord"


_LENGTH = (
    (re.compile(r"^character varying\(\d+\)"), "character varying"),
    (re.compile(r"^character\(\d+\)"), "bpchar"),
    (re.compile(r"^bit varying\(\d+\)"), "bit varying"),
    (re.compile(r"^bit\(\d+\)"), "bit varying"),
)


def loose(live: str) -> str:
    """``live`` without a length limit (``character varying(3)`` -> ``character varying``,
    arrays too): an explicit cast to ``varchar(3)`` cuts a longer value to 3 characters,
    while the INSERT's own assignment to the column refuses it ("value too long"), which is
    what a pack's value that does not fit must get. Other types are left as they are."""
    for pattern, base in _LENGTH:
        if pattern.match(live):
            return pattern.sub(base, live)
    return live


class BoundLoader(CopyLoader):
    """A ``CopyLoader`` that writes the tables of ``binding`` through staging tables
    (the exact ones directly). ``seed`` keys the generated values of extra columns:
    row ``i`` of a table (counted from the rows it held before the run) gets the same
    value whatever the statement sizes and worker counts."""

    def __init__(
        self,
        conn: Conn,
        columns: Mapping[str, Sequence[str]],
        reporter: Reporter,
        binding: Binding,
        seed: int,
    ) -> None:
        super().__init__(conn, columns, reporter)
        self.binding = binding
        self.seed = seed
        self._staged: set[str] = set()
        # Row index of the table's first generated value: the rows it held when this
        # run first wrote to it, so a unique extra column's values avoid an earlier
        # run's (the values are keyed by row index, ``anyschema.values``).
        self._offset: dict[str, int] = {}

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        tb = self.binding.tables.get(table)
        if tb is None or tb.exact:
            super().copy(table, data, rows)
            return
        if rows == 0:
            return
        started = time.perf_counter()
        stage = sql.Identifier(f"pgseed_stage_{table}")
        self._stage(tb, stage)
        binary = table in self.binary
        stmt = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
            stage,
            sql.SQL(", ").join(map(sql.Identifier, tb.columns)),
            sql.SQL(" WITH (FORMAT binary)" if binary else ""),
        )
        chunks = [data] if isinstance(data, bytes) else list(data)
        if binary:
            from .binary import HEADER, TRAILER

            chunks = [HEADER, *chunks, TRAILER]
        with self.conn.cursor() as cur, cur.copy(stmt) as cp:
            for chunk in chunks:
                cp.write(chunk)
        if tb.extras:
            self._extras(tb, rows)
        self._move(tb, stage)
        self.seconds[table] += time.perf_counter() - started
        self.written[table] += rows
        self.reporter.advance(table, rows)

    def _stage(self, tb: TableBinding, stage: sql.Identifier) -> None:
        if tb.table in self._staged:
            self.conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(stage))
            if tb.extras:
                self.conn.execute(sql.SQL("TRUNCATE {}").format(self._extras_name(tb)))
            return
        cols = [
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t))
            for c, t in zip(tb.columns, tb.types, strict=True)
        ]
        self.conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE {} ({} bigint GENERATED ALWAYS AS IDENTITY, {}) ON COMMIT DROP"
            ).format(stage, sql.Identifier(ORD), sql.SQL(", ").join(cols))
        )
        if tb.extras:
            extra_cols = [sql.SQL("{} text").format(sql.Identifier(p.column)) for p in tb.extras]
            self.conn.execute(
                sql.SQL("CREATE TEMP TABLE {} ({} bigint PRIMARY KEY, {}) ON COMMIT DROP").format(
                    self._extras_name(tb), sql.Identifier(ORD), sql.SQL(", ").join(extra_cols)
                )
            )
        self._staged.add(tb.table)
        row = self.conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(tb.table))
        ).fetchone()
        self._offset[tb.table] = int(str(row[0])) if row else 0

    @staticmethod
    def _extras_name(tb: TableBinding) -> sql.Identifier:
        return sql.Identifier(f"pgseed_extras_{tb.table}")

    def _extras(self, tb: TableBinding, rows: int) -> None:
        """The generic engine's values of the extra columns for this statement's rows,
        keyed by their index in the run (``anyschema.values.generate``)."""
        from .anyschema import values

        first = self._offset[tb.table] + self.written[tb.table]
        index = np.arange(first, first + rows, dtype=np.int64)
        columns: list[list[str | None]] = [[str(i) for i in range(1, rows + 1)]]
        columns += [list(values.generate(p, index, self.seed)) for p in tb.extras]
        names = [ORD, *(p.column for p in tb.extras)]
        with (
            self.conn.cursor() as cur,
            cur.copy(
                sql.SQL("COPY {} ({}) FROM STDIN").format(
                    self._extras_name(tb), sql.SQL(", ").join(map(sql.Identifier, names))
                )
            ) as cp,
        ):
            cp.write(encode_rows(columns))

    def _move(self, tb: TableBinding, stage: sql.Identifier) -> None:
        targets: list[sql.Composable] = []
        exprs: list[sql.Composable] = []
        for col, target, live in zip(tb.columns, tb.targets, tb.live_types, strict=True):
            if target is None or live is None:
                continue  # the application dropped the column: the pack's values go nowhere
            targets.append(sql.Identifier(target))
            exprs.append(sql.SQL("s.{}::{}").format(sql.Identifier(col), sql.SQL(loose(live))))
        join: sql.Composable = sql.SQL("")
        if tb.extras:
            join = sql.SQL(" JOIN {} e USING ({})").format(
                self._extras_name(tb), sql.Identifier(ORD)
            )
            for p in tb.extras:
                targets.append(sql.Identifier(p.column))
                exprs.append(
                    sql.SQL("e.{}::{}").format(sql.Identifier(p.column), sql.SQL(p.type.name))
                )
        self.conn.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} s{} ORDER BY s.{}").format(
                sql.Identifier(tb.table),
                sql.SQL(", ").join(targets),
                sql.SQL(", ").join(exprs),
                stage,
                join,
                sql.Identifier(ORD),
            )
        )
