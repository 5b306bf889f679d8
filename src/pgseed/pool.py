"""Orchestration: a process pool generates blocks, one writer COPYs them in order.

Workers run ``worker(ctx, task)`` and hand back plain data: ``{table: (rows,
COPY bytes)}``. The writer consumes results in task order (so the database
receives the same bytes whatever the worker count), buffers them per table,
and flushes every buffer in FK order once the task's primary table has
gathered a batch. At most ``2 * workers`` blocks are in flight, so memory
stays flat however many rows are asked for.

No process or file of a run outlives it. Workers ignore the stop signals (the
parent alone handles them: it rolls back, then shuts the pool down and waits for
the workers to exit), and they die with the parent even when it is SIGKILLed:
``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, and everywhere a thread that
polls ``os.getppid()``. The pool's temporary directory, ``pgseed-PID-*`` in the
temp dir, is removed on every exit path the parent lives through; the next pool
removes those of dead pids.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from . import signals
from .errors import GenerationError
from .files import sweep, write_error
from .load import Sink

BlockResult = dict[str, tuple[int, bytes]]
Worker = Callable[[Any, Any], BlockResult]
R = TypeVar("R")


@dataclass(frozen=True)
class Task:
    primary: str  # the table whose batch size decides when to flush
    args: Any  # what the worker needs besides the shared context (picklable)


_CONTEXTS: dict[str, Any] = {}  # per worker process: context file -> loaded context
TEMP_DIR = re.compile(r"^pgseed-(\d+)-")  # the pool's temporary directory, by owner pid
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# Where prctl is missing, a worker outlives a SIGKILLed parent by at most this long.
PARENT_POLL_S = 1.0


def _watch_parent(parent: int, interval: float = PARENT_POLL_S) -> None:
    signals.wait_for_parent_exit(parent, interval)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` dies, however it dies (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


@contextlib.contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """Processes started inside begin life with the stop signals blocked (the mask is
    inherited across exec), so a Ctrl-C or a hang-up during their start-up cannot kill
    them before they ignore it. Here they stay pending for the parent."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals.STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _start_resource_tracker() -> None:
    # multiprocessing's resource tracker removes the pool's named semaphores should this
    # process die. It ignores SIGINT and SIGTERM but not SIGHUP: started with SIGHUP
    # blocked it keeps it blocked, so a closed terminal cannot take it down mid-run.
    if os.name == "posix":
        from multiprocessing import resource_tracker

        with _stop_signals_blocked():
            resource_tracker.ensure_running()


def _warm(parent: int, modules: tuple[str, ...]) -> None:
    # Ctrl-C and a closed terminal reach the whole process group, and a service manager
    # may signal every process; the parent alone handles them (it rolls back and stops
    # the pool), so workers must not die with tracebacks of their own.
    for sig in signals.STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    die_with_parent(parent)
    for name in modules:
        importlib.import_module(name)


def _noop() -> None:
    return None


def _call(worker: Callable[[Any, Any], R], ctx_path: str, args: Any) -> R:
    ctx = _CONTEXTS.get(ctx_path)
    if ctx is None:
        with open(ctx_path, "rb") as f:
            ctx = _CONTEXTS[ctx_path] = pickle.load(f)
    return worker(ctx, args)


WORKER_DIED = (
    "a worker process died (the system may have killed it: out of memory?; or, from the "
    "Python API, a script that calls pgseed at import time).\nFix: run with fewer "
    "--max-workers or smaller batches; in a script, call pgseed under "
    '`if __name__ == "__main__":` (worker processes import the script).'
)


STRAGGLER_S = 15.0
"""How long a cancelled run waits for a worker to finish its block and exit."""


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """A cancelled run's workers: asked to exit after their block (``shutdown``); the
    survivors of a broken pool (or of a dead sibling) at once, and any still running after ``STRAGGLER_S``,
    are killed (workers ignore the stop signals, and Python 3.11's executor waits for
    the survivors of a broken pool forever). A healthy worker is not killed at once:
    one killed while it holds a queue's lock would leave the executor waiting on it."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    broken = getattr(pool, "_broken", False) or any(p.exitcode is not None for p in procs)
    thread = getattr(pool, "_executor_manager_thread", None)
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + (0.0 if broken else STRAGGLER_S)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(5)
    if thread is not None and results is not None and all(p.exitcode is not None for p in procs):
        with contextlib.suppress(Exception):
            _end_torn_wait(pool, thread, results)


def _end_torn_wait(pool: ProcessPoolExecutor, thread: threading.Thread, results: Any) -> None:
    """A worker killed while writing its result leaves the executor's thread waiting for
    the rest of that message for ever, and the interpreter's exit joins that thread (the
    process printed its error, then hung). Every worker is gone here, so our copy of the
    pipe's write end is the last: closing it ends the wait with EOF, which the thread
    takes for a broken pool. Futures already cancelled are dropped first: Python 3.11's
    thread would fail (InvalidStateError, a traceback on stderr) setting their error."""
    thread.join(1.0)  # a thread that saw the death itself ends at once
    if not thread.is_alive():
        return
    items = getattr(pool, "_pending_work_items", None) or {}
    for work_id in [k for k, item in list(items.items()) if item.future.done()]:
        items.pop(work_id, None)
    results._writer.close()
    thread.join(5)


class WorkerPool:
    """Generator processes, started when the run starts (``spawn`` plus imports take
    about a second) so that their start-up overlaps the schema and users stages.

    A stage's context (the user pool, reserved ids, ...) is known only later: it is
    pickled to a file once, and each worker reads it on its first task.
    """

    def __init__(self, workers: int, warm: Sequence[str] = ()) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._dir: str | None = None  # made on the first context, in the temp dir
        with contextlib.suppress(OSError):  # no usable temp dir: _write_context says so
            sweep(Path(tempfile.gettempdir()), TEMP_DIR)  # left by runs that were SIGKILLed
        if workers > 1:
            try:
                # A signal waits until the pool is whole, then stops it like any run.
                with signals.deferred():
                    _start_resource_tracker()
                    with _stop_signals_blocked():
                        # spawn, not fork: the parent may hold locks (rich's refresh thread).
                        self._pool = ProcessPoolExecutor(
                            max_workers=workers,
                            mp_context=multiprocessing.get_context("spawn"),
                            initializer=_warm,
                            initargs=(os.getpid(), tuple(warm)),
                        )
                        for _ in range(workers):  # start every process now
                            self._pool.submit(_noop)
            except BaseException:
                self.close(cancel=True)
                raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers and wait for them to exit (at most one block each is
        running), then remove the temporary directory. A worker whose sibling died is
        killed first: it would otherwise be waited for forever (Python 3.11's executor
        joins the survivors of a broken pool, and workers ignore the stop signals).
        Healthy workers are not killed: one killed while it holds the result queue's
        lock would leave the executor waiting on that lock."""
        pool, self._pool = self._pool, None
        try:
            if pool is not None:
                with signals.deferred():
                    if cancel:
                        _stop_workers(pool)
                    pool.shutdown(wait=True, cancel_futures=cancel)
        finally:
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def _write_context(self, ctx: Any) -> str:
        try:
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix=f"pgseed-{os.getpid()}-")
            fd, path = tempfile.mkstemp(dir=self._dir, suffix=".ctx")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(ctx, f, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            # gettempdir() itself fails when no candidate directory is writable
            where = Path(self._dir).parent if self._dir else Path(os.environ.get("TMPDIR", "/tmp"))
            raise write_error(
                exc,
                where,
                "the workers' context",
                "point TMPDIR at another directory",
            ) from exc
        return path

    def map_ordered(
        self, worker: Callable[[Any, Any], R], ctx: Any, tasks: Iterable[Task]
    ) -> Iterator[tuple[Task, R]]:
        """Results in task order, at most ``2 * workers`` blocks in flight.

        ``tasks`` may be lazy: the next task is taken only when a block slot frees up
        (the Genonaut pack looks each block's owners up then)."""
        if self._pool is None or (isinstance(tasks, Sequence) and len(tasks) <= 1):
            for task in tasks:
                yield task, worker(ctx, task.args)
            return
        ctx_path = self._write_context(ctx)
        pool = self._pool
        pending: deque[tuple[Task, Future[R]]] = deque()
        it = iter(tasks)
        try:
            yield from self._ordered(pool, worker, ctx_path, it, pending)
        except BrokenProcessPool as exc:  # from a result, or from submitting to a broken pool
            raise GenerationError(WORKER_DIED) from exc
        finally:
            for _, fut in pending:
                fut.cancel()

    def _ordered(
        self,
        pool: ProcessPoolExecutor,
        worker: Callable[[Any, Any], R],
        ctx_path: str,
        it: Iterator[Task],
        pending: deque[tuple[Task, Future[R]]],
    ) -> Iterator[tuple[Task, R]]:
        for task in it:
            pending.append((task, pool.submit(_call, worker, ctx_path, task.args)))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            task, fut = pending.popleft()
            result = _result(pool, fut)
            nxt = next(it, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(_call, worker, ctx_path, nxt.args)))
            yield task, result


def _result(pool: ProcessPoolExecutor, fut: Future[R]) -> R:
    """``fut.result()``, but a worker process that died is noticed here too.

    The executor notices a dead worker itself, except when the worker was killed while
    writing its result: its thread then waits for the rest of that message for ever (the
    other workers hold the pipe open), and no future ever fails. So wait in short steps
    and look at the processes: BrokenProcessPool (exit 1, "a worker process died") as soon
    as one has exited, and the run's clean-up kills the rest (``_stop_workers``)."""
    while True:
        try:
            return fut.result(timeout=0.5)
        except FutureTimeout:
            procs = list((getattr(pool, "_processes", None) or {}).values())
            if any(proc.exitcode is not None for proc in procs):
                raise BrokenProcessPool("a worker process died") from None


class _Buffers:
    def __init__(self, order: Sequence[str]) -> None:
        self.order = list(order)
        self.chunks: dict[str, list[bytes]] = {t: [] for t in order}
        self.rows: dict[str, int] = dict.fromkeys(order, 0)

    def add(self, result: BlockResult) -> None:
        for table, (rows, data) in result.items():
            self.chunks[table].append(data)
            self.rows[table] += rows

    def flush(self, loader: Sink, batch_sizes: Mapping[str, int]) -> None:
        """COPY every buffer in FK order, ``batch_sizes[table]`` rows per COPY (a table of
        variable-width binary tuples in one)."""
        from .binary import VARIABLE  # numpy: not at import, the pool starts lean

        for table in self.order:
            if self.rows[table]:
                width = loader.binary.get(table)
                if width is None:
                    pieces = split_rows(self.chunks[table], self.rows[table], batch_sizes[table])
                elif width == VARIABLE:  # no stride to cut at: one statement
                    pieces = [(self.rows[table], b"".join(self.chunks[table]))]
                else:
                    pieces = split_fixed(self.chunks[table], width, batch_sizes[table])
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
    loader: Sink,
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
