"""Orchestration: a process pool generates blocks, one writer COPYs them in order.

Workers run ``worker(ctx, task)`` and hand back plain data: ``{table: (rows,
COPY bytes)}``. The writer consumes results in task order (so the database
receives the same bytes whatever the worker count), buffers them per table,
and flushes every buffer in FK order once the task's primary table has
gathered a batch. At most ``2 * workers`` blocks are in flight, so memory
stays flat however many rows are asked for.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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


_CONTEXTS: dict[str, Any] = {}  # per worker process: context file -> loaded context


def _warm(modules: tuple[str, ...]) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it (it rolls
    # back and stops the pool), so workers must not die with tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in modules:
        importlib.import_module(name)


def _noop() -> None:
    return None


def _call(worker: Worker, ctx_path: str, args: Any) -> BlockResult:
    ctx = _CONTEXTS.get(ctx_path)
    if ctx is None:
        with open(ctx_path, "rb") as f:
            ctx = _CONTEXTS[ctx_path] = pickle.load(f)
    return worker(ctx, args)


class WorkerPool:
    """Generator processes, started when the run starts (``spawn`` plus imports take
    about a second) so that their start-up overlaps the schema and users stages.

    A stage's context (the user pool, reserved ids, ...) is known only later: it is
    pickled to a file once, and each worker reads it on its first task.
    """

    def __init__(self, workers: int, warm: Sequence[str] = ()) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._dir = tempfile.mkdtemp(prefix="pgseed-")
        if workers > 1:
            # spawn, not fork: the parent may hold locks (rich's refresh thread, logging).
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
                initargs=(tuple(warm),),
            )
            for _ in range(workers):  # start every process now
                self._pool.submit(_noop)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, *, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def map_ordered(
        self, worker: Worker, ctx: Any, tasks: Iterable[Task]
    ) -> Iterator[tuple[Task, BlockResult]]:
        """Results in task order, at most ``2 * workers`` blocks in flight.

        ``tasks`` may be lazy: the next task is taken only when a block slot frees up
        (the Genonaut pack looks each block's owners up then)."""
        if self._pool is None or (isinstance(tasks, Sequence) and len(tasks) <= 1):
            for task in tasks:
                yield task, worker(ctx, task.args)
            return
        fd, ctx_path = tempfile.mkstemp(dir=self._dir, suffix=".ctx")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(ctx, f, protocol=pickle.HIGHEST_PROTOCOL)
        pool = self._pool
        pending: deque[tuple[Task, Future[BlockResult]]] = deque()
        it = iter(tasks)
        try:
            for task in it:
                pending.append((task, pool.submit(_call, worker, ctx_path, task.args)))
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                task, fut = pending.popleft()
                result = fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.append((nxt, pool.submit(_call, worker, ctx_path, nxt.args)))
                yield task, result
        finally:
            for _, fut in pending:
                fut.cancel()


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
                width = loader.binary.get(table)
                pieces = (
                    split_fixed(self.chunks[table], width, batch_sizes[table])
                    if width
                    else split_rows(self.chunks[table], self.rows[table], batch_sizes[table])
                )
                for rows, data in pieces:
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


def split_fixed(chunks: Sequence[bytes], width: int, size: int) -> list[tuple[int, bytes]]:
    """Re-cut fixed-width binary tuples into pieces of at most ``size`` rows."""
    data = b"".join(chunks)
    step = width * size
    return [
        (len(data[i : i + step]) // width, data[i : i + step]) for i in range(0, len(data), step)
    ]


def run_tasks(
    loader: CopyLoader,
    tasks: Iterable[Task],
    worker: Worker,
    ctx: Any,
    *,
    order: Sequence[str],
    batch_sizes: Mapping[str, int],
    pool: WorkerPool,
) -> None:
    """Generate every task's block and COPY it, in task order."""
    buffers = _Buffers(order)
    for task, result in pool.map_ordered(worker, ctx, tasks):
        buffers.add(result)
        if buffers.rows[task.primary] >= batch_sizes[task.primary]:
            buffers.flush(loader, batch_sizes)
    buffers.flush(loader, batch_sizes)
