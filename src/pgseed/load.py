"""Where COPY bytes go: a PostgreSQL COPY stream on the run's connection.

``CopyLoader`` writes already-encoded COPY text (``encode.py``) into a table
inside the caller's transaction and counts what it wrote, so a failed run can
say what it had written before it rolled back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from .pg import Conn
from .progress import Reporter


class Sink(Protocol):
    """Where a run's COPY data goes: ``load.CopyLoader`` (a database) or
    ``sinks.FileSink`` (csv/json/parquet files). Packs write only through this."""

    written: dict[str, int]
    binary: dict[str, int]

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        """Write ``rows`` rows of ``table``, COPY text (or binary tuples for the tables
        in ``binary``, table -> bytes per row), in the order the columns were declared."""
        ...


class CopyLoader:
    """The database sink: COPYs each table's data on the run's connection, inside its
    transaction, counting rows and seconds per table (``written``, ``seconds``)."""

    def __init__(
        self,
        conn: Conn,
        columns: Mapping[str, Sequence[str]],
        reporter: Reporter,
    ) -> None:
        self.conn = conn
        self.columns = {k: tuple(v) for k, v in columns.items()}
        self.reporter = reporter
        self.written: dict[str, int] = dict.fromkeys(columns, 0)
        self.seconds: dict[str, float] = dict.fromkeys(columns, 0.0)  # time inside COPY
        # Tables created or truncated in this transaction: COPY may write frozen rows.
        self.freeze: set[str] = set()
        # Tables whose COPY data is binary tuples (``binary.py``), table -> bytes per row;
        # ``copy`` wraps each statement's data in the binary header and trailer.
        self.binary: dict[str, int] = {}
        # PGSEED_COPY_WRITER=queued hands COPY data to psycopg's writer thread
        # (QueuedLibpqWriter), a lever `make bench` measures; direct is the default.
        self.queued = os.environ.get("PGSEED_COPY_WRITER", "direct") == "queued"

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        if rows == 0:
            return
        options = [
            *(["FORMAT binary"] if table in self.binary else []),
            *(["FREEZE"] if table in self.freeze else []),
        ]
        stmt = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, self.columns[table])),
            sql.SQL(f" WITH ({', '.join(options)})" if options else ""),
        )
        chunks = [data] if isinstance(data, bytes) else list(data)
        if table in self.binary:
            from .binary import HEADER, TRAILER

            chunks = [HEADER, *chunks, TRAILER]
        started = time.perf_counter()
        with self.conn.cursor() as cur:
            writer = QueuedLibpqWriter(cur) if self.queued else None
            with cur.copy(stmt, writer=writer) as cp:
                for chunk in chunks:
                    cp.write(chunk)
        self.seconds[table] += time.perf_counter() - started
        self.written[table] += rows
        self.reporter.advance(table, rows)

    def fill(
        self,
        table: str,
        keys: Sequence[str],
        columns: Sequence[str],
        data: Sequence[bytes] | bytes,
    ) -> int:
        """Set ``columns`` of rows already loaded, matched on ``keys``; return rows updated.

        This is the second half of breaking an FK cycle (``schema.load_order``):
        rows go in with NULL in the deferred FK, and once every table of the cycle
        is loaded, the ``(keys..., columns...)`` COPY text given here fills it, through
        a temporary table and one UPDATE.
        """
        tmp = sql.Identifier(f"pgseed_fill_{table}")
        cols = [*keys, *columns]
        with self.conn.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
                ).format(tmp, sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(table))
            )
            with cur.copy(sql.SQL("COPY {} FROM STDIN").format(tmp)) as cp:
                for chunk in [data] if isinstance(data, bytes) else data:
                    cp.write(chunk)
            cur.execute(
                sql.SQL("UPDATE {t} SET {sets} FROM {tmp} WHERE {match}").format(
                    t=sql.Identifier(table),
                    tmp=tmp,
                    sets=sql.SQL(", ").join(
                        sql.SQL("{} = {}.{}").format(sql.Identifier(c), tmp, sql.Identifier(c))
                        for c in columns
                    ),
                    match=sql.SQL(" AND ").join(
                        sql.SQL("{}.{} = {}.{}").format(
                            sql.Identifier(table), sql.Identifier(k), tmp, sql.Identifier(k)
                        )
                        for k in keys
                    ),
                )
            )
            updated = cur.rowcount
            cur.execute(sql.SQL("DROP TABLE {}").format(tmp))
        return updated
