"""One table's blocks into PostgreSQL (or into the ``--output`` files).

A table whose blocks need nothing from the database between them (no CHECK probe, no
unique judged against existing rows, no config ``sql:`` column) is written through
one COPY for all its blocks, fed by psycopg's writer thread (``QueuedLibpqWriter``):
the server ingests block N while this process draws block N+1. Any other table gets
one COPY per block, as the connection is needed between blocks. Blocks go as text
COPY, or as binary tuples when ``binary`` is on (``run.BINARY_COPY``) and the block's
literals allow it (``binary_rows.py``); the stored rows are the same either way.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TypeVar

import psycopg
from psycopg import sql
from psycopg.copy import Copy, QueuedLibpqWriter

from .. import binary as binary_format
from .. import binary_rows
from ..encode import encode_rows
from ..errors import GenerationError
from ..load import Sink
from ..pg import Conn
from .model import ColumnPlan

Field = str | None
T = TypeVar("T")


class TableWriter:
    """``write(columns, rows)`` per block, then ``close()`` (or use it as a context
    manager); ``seconds`` is the time spent in COPY. Errors become GenerationError
    naming the table."""

    def __init__(
        self,
        conn: Conn,
        key: str,
        target: sql.Composable,
        columns: Sequence[ColumnPlan],
        *,
        freeze: bool,
        stream: bool,
        binary: bool,
        sink: Sink | None = None,
    ) -> None:
        self.conn, self.key, self.sink = conn, key, sink
        names = sql.SQL(", ").join(sql.Identifier(c.column) for c in columns)
        self.text = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
            target, names, sql.SQL(" WITH (FREEZE)" if freeze else "")
        )
        self.bases = [c.type.base if c.type.kind == "b" else "" for c in columns]
        self.binary = (
            sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT binary{})").format(
                target, names, sql.SQL(", FREEZE" if freeze else "")
            )
            if binary and sink is None and set(self.bases) <= binary_rows.BASES
            else None
        )
        self.seconds = 0.0
        self.sent = 0
        """Rows handed to the streaming COPY: the server has them all only once
        ``close`` returns."""
        self._stack = contextlib.ExitStack()
        self._stream: Copy | None = None
        if stream and sink is None and self.binary is None:
            cur = self._stack.enter_context(conn.cursor())
            self._stream = self._guarded(
                lambda: self._stack.enter_context(
                    cur.copy(self.text, writer=QueuedLibpqWriter(cur))
                )
            )

    def _guarded(self, step: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return step()
        except psycopg.Error as exc:
            raise GenerationError(f"COPY into {self.key} failed: {str(exc).strip()}") from exc
        finally:
            self.seconds += time.perf_counter() - started

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    def write(
        self, columns: Sequence[Sequence[Field]], rows: int, *, text: bytes | None = None
    ) -> None:
        """Send one block; ``text`` is the block already encoded as COPY text, if it is."""
        if text is None and (self._stream is not None or self.binary is None):
            text = encode_rows(columns)
        if self._stream is not None:
            assert text is not None
            data = text
            stream = self._stream
            self._guarded(lambda: stream.write(data))
            self.sent += rows
            return
        tuples = binary_rows.encode(self.bases, columns) if self.binary is not None else None
        if tuples is None or self.binary is None:
            stmt, data = self.text, text if text is not None else encode_rows(columns)
        else:
            stmt, data = self.binary, binary_format.HEADER + tuples + binary_format.TRAILER
        if self.sink is not None:
            started = time.perf_counter()
            self.sink.copy(self.key, data, rows)
            self.seconds += time.perf_counter() - started
            return

        def copy() -> None:
            with self.conn.cursor().copy(stmt) as cp:
                cp.write(data)

        self._guarded(copy)

    def close(self) -> None:
        """End the streaming COPY: wait until the server has every row."""
        self._guarded(self._stack.close)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:  # the COPY is abandoned (COPY FAIL); the run rolls back
            with contextlib.suppress(psycopg.Error):
                self._stack.__exit__(kind, exc, tb)
