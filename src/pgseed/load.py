"""Where COPY bytes go: a PostgreSQL COPY stream on the run's connection.

``CopyLoader`` writes already-encoded COPY text (``encode.py``) into a table
inside the caller's transaction and counts what it wrote, so a failed run can
say what it had written before it rolled back.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import psycopg
from psycopg import sql

from .progress import Reporter


class CopyLoader:
    def __init__(
        self,
        conn: psycopg.Connection[tuple[object, ...]],
        columns: Mapping[str, Sequence[str]],
        reporter: Reporter,
    ) -> None:
        self.conn = conn
        self.columns = {k: tuple(v) for k, v in columns.items()}
        self.reporter = reporter
        self.written: dict[str, int] = dict.fromkeys(columns, 0)
        self.seconds: dict[str, float] = dict.fromkeys(columns, 0.0)  # time inside COPY

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        if rows == 0:
            return
        stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, self.columns[table]))
        )
        chunks = [data] if isinstance(data, bytes) else data
        started = time.perf_counter()
        with self.conn.cursor() as cur, cur.copy(stmt) as cp:
            for chunk in chunks:
                cp.write(chunk)
        self.seconds[table] += time.perf_counter() - started
        self.written[table] += rows
        self.reporter.advance(table, rows)
