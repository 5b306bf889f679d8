"""Column values drawn ahead in worker processes, while the main process loads.

``pgseed fill`` spends its client time in two places: drawing values (pure Python and
numpy, no database) and talking to PostgreSQL (CHECK probes, redraws, COPY). The
pool's processes (``pgseed.pool.WorkerPool``, ``--max-workers``) draw the generated
columns of the next blocks while the main process probes and COPYs the current one.

The value of a row depends only on (seed, table, column, row index, rule)
(``values.generate``), so which process draws a block, and how many processes there
are, never changes a byte. With one worker the blocks are drawn in the main process,
when they are taken.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..pool import Task, WorkerPool
from . import values
from .model import ColumnPlan

WARM = ("pgseed.anyschema.values", "pgseed.anyschema.ahead")
"""Modules a worker imports when it starts (the word pools load on first use)."""

Drawn = dict[str, list[str | None]]
Span = tuple[str, int, int]
"""A block: (table key, first row index, row index past the last)."""


@dataclass(frozen=True)
class Context:
    """What every worker needs: the run seed and, per table, the columns it draws."""

    seed: int
    columns: dict[str, list[ColumnPlan]]


def draw_block(ctx: Context, span: Span) -> Drawn:
    """The drawn columns of one block (runs in a worker process)."""
    key, start, stop = span
    rows = np.arange(start, stop, dtype=np.int64)
    return {cp.column: values.generate(cp, rows, ctx.seed) for cp in ctx.columns[key]}


class Ahead:
    """The blocks of a run, drawn ahead by ``pool`` and taken in load order.

    ``spans`` must list the blocks in the order ``take`` asks for them; at most
    ``2 * workers`` are drawn and not yet taken (memory stays flat)."""

    def __init__(self, pool: WorkerPool, ctx: Context, spans: Sequence[Span]) -> None:
        self.ctx = ctx
        tasks = [Task(span[0], span) for span in spans if ctx.columns.get(span[0])]
        self._it: Iterator[tuple[Task, Drawn]] = pool.map_ordered(draw_block, ctx, tasks)

    def take(self, key: str, start: int, stop: int) -> Drawn:
        """The drawn columns of block (key, start, stop): the next one in load order."""
        if not self.ctx.columns.get(key):
            return {}
        task, drawn = next(self._it)
        if task.args != (key, start, stop):  # a load order that differs from the spans
            raise AssertionError(f"block {task.args} drawn ahead, {(key, start, stop)} wanted")
        return drawn

    def close(self) -> None:
        """Cancel the blocks drawn ahead and not taken (a failed run)."""
        close = getattr(self._it, "close", None)
        if close is not None:
            close()
