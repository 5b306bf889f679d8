"""Orchestration: a process pool generates blocks, one writer COPYs them in order.

Workers run ``worker(ctx, task)`` and hand back plain data: ``{table: (rows,
COPY bytes)}``. The writer consumes results in task order (so the database
receives the same bytes whatever the worker count), buffers them per table,
and flushes every buffer in FK order once the task's primary table has
gathered a batch. At most ``2 * workers`` blocks are in flight, so memory
stays flat however many rows are asked for.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .load import CopyLoader

BlockResult = dict[str, tuple[int, bytes]]
Worker = Callable[[Any, Any], BlockResult]


@dataclass(frozen=True)
class Task:
    primary: str  # the table whose batch size decides when to flush
    args: Any  # what the worker needs besides the shared context (picklable)


_WORKER: Worker | None = None
_CTX: Any = None


def _init(worker: Worker, ctx: Any) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it (it rolls
    # back and stops the pool), so workers must not die with tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER, _CTX
    _WORKER, _CTX = worker, ctx


def _call(args: Any) -> BlockResult:
    assert _WORKER is not None
    return _WORKER(_CTX, args)


class _Buffers:
    def __init__(self, order: Sequence[str]) -> None:
        self.order = list(order)
        self.chunks: dict[str, list[bytes]] = {t: [] for t in order}
        self.rows: dict[str, int] = dict.fromkeys(order, 0)

    def add(self, result: BlockResult) -> None:
        for table, (rows, data) in result.items():
            self.chunks[table].append(data)
            self.rows[table] += rows

    def flush(self, loader: CopyLoader, batch_sizes: Mapping[str, int]) -> None:
        """COPY every buffer in FK order, ``batch_sizes[table]`` rows per COPY."""
        for table in self.order:
            if self.rows[table]:
                for rows, data in split_rows(
                    self.chunks[table], self.rows[table], batch_sizes[table]
                ):
                    loader.copy(table, data, rows)
                self.chunks[table] = []
                self.rows[table] = 0


def split_rows(chunks: Sequence[bytes], rows: int, size: int) -> list[tuple[int, bytes]]:
    """Re-cut COPY text (one row per line) into pieces of at most ``size`` rows."""
    if rows <= size:
        return [(rows, b"".join(chunks))]
    lines = b"".join(chunks).split(b"\n")[:-1]
    return [
        (len(lines[i : i + size]), b"\n".join(lines[i : i + size]) + b"\n")
        for i in range(0, len(lines), size)
    ]


def run_tasks(
    loader: CopyLoader,
    tasks: Sequence[Task],
    worker: Worker,
    ctx: Any,
    *,
    order: Sequence[str],
    batch_sizes: Mapping[str, int],
    max_workers: int,
) -> None:
    """Generate every task's block and COPY it, in task order."""
    buffers = _Buffers(order)

    def consume(task: Task, result: BlockResult) -> None:
        buffers.add(result)
        if buffers.rows[task.primary] >= batch_sizes[task.primary]:
            buffers.flush(loader, batch_sizes)

    if max_workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            consume(task, worker(ctx, task.args))
        buffers.flush(loader, batch_sizes)
        return

    # spawn, not fork: the parent may hold locks (rich's refresh thread, logging).
    mp = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=max_workers, mp_context=mp, initializer=_init, initargs=(worker, ctx)
    ) as pool:
        pending: deque[tuple[Task, Future[BlockResult]]] = deque()
        it = iter(tasks)
        try:
            for task in it:
                pending.append((task, pool.submit(_call, task.args)))
                if len(pending) >= 2 * max_workers:
                    break
            while pending:
                task, fut = pending.popleft()
                result = fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.append((nxt, pool.submit(_call, nxt.args)))
                consume(task, result)
        except BaseException:
            for _, fut in pending:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    buffers.flush(loader, batch_sizes)
