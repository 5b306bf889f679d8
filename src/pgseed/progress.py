"""Progress and summaries: the only place besides cli.py that writes to the terminal.

On a terminal: rich bars, one per table. Otherwise (CI, pipes, logs): one plain
line per batch, ``[pgseed] content_items: 4,000/20,000 rows (20.0%)``.

With ``PGSEED_EVENTS=json`` (what ``pgseed ui`` sets for the runs it starts) every
event is one JSON object per line on the stream instead: ``begin``, ``advance``,
``info``, ``warn``, ``fail``, ``commit`` and ``summary``, the same events the text mode
prints (docs/ui.md lists their fields). Lines the commands print themselves stay text.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Mapping
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .dsn import redact_urls
from .errors import ConfigError

EVENTS_ENV = "PGSEED_EVENTS"


def events_mode() -> bool:
    """True when ``PGSEED_EVENTS=json``; ConfigError (exit 2) for any other non-empty value."""
    raw = os.environ.get(EVENTS_ENV, "").strip().lower()
    if raw in ("", "text"):
        return False
    if raw == "json":
        return True
    raise ConfigError(
        f"{EVENTS_ENV}={os.environ[EVENTS_ENV]!r}: expected json or text.\n"
        f"Fix: unset {EVENTS_ENV} for text, or set {EVENTS_ENV}=json for one JSON object per line."
    )


class Reporter:
    """Progress and messages on the terminal: bars (or per-batch lines when not a TTY),
    warnings, the failure report with its reproduce line, and the run summary."""

    def __init__(
        self, stream: TextIO | None = None, *, rich: bool | None = None, progress: bool = True
    ) -> None:
        self.stream = stream or sys.stdout
        self.progress = progress  # False: no bars or per-batch lines (messages and summary stay)
        # Events mode always reports progress: a dashboard's bar is no terminal's clutter.
        self.events = events_mode()
        self.rich = (
            not self.events and progress and (self.stream.isatty() if rich is None else rich)
        )
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.targets: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self.started = time.perf_counter()

    def emit(self, event: str, **fields: object) -> None:
        """One JSON event line (events mode); every text in it masked."""
        line = json.dumps({"event": event, **fields}, default=str)
        print(redact_urls(line), file=self.stream, flush=True)

    # -- messages -------------------------------------------------------------
    def info(self, message: str) -> None:
        message = redact_urls(message)
        if self.events:
            self.emit("info", message=message)
        elif self._progress is not None:
            self._progress.console.print(message, markup=False)
        else:
            print(message, file=self.stream, flush=True)

    def warn(self, message: str) -> None:
        if self.events:
            self.emit("warn", message=redact_urls(message))
            return
        self.info(f"warning: {message}")

    def fail(self, message: str, reproduce: str = "") -> None:
        """What a failed run leaves behind, and the command that reproduces it. Never
        raises: after SIGHUP the terminal may be gone, and this runs while another
        exception is on its way out."""
        with contextlib.suppress(OSError, ValueError):  # ValueError: stream already closed
            self.end()
            if self.events:
                self.emit("fail", message=redact_urls(message), reproduce=redact_urls(reproduce))
                return
            self.info(message)
            if reproduce:
                self.info(f"reproduce with: {reproduce}")

    def committed(self) -> None:
        """The run's transaction has committed: its rows are in the database whatever
        happens next (a stop signal that waited for the commit, a step after it). Only
        events mode says so (``commit``): a dashboard cannot tell from the exit code, which
        is 130 for a stop after the commit as before it. The text mode's messages say it."""
        if self.events:
            with contextlib.suppress(OSError, ValueError):  # the reader may be gone
                self.emit("commit")

    # -- progress -------------------------------------------------------------
    def begin(self, targets: Mapping[str, int]) -> None:
        self.targets = dict(targets)
        self.done = dict.fromkeys(targets, 0)
        self.started = time.perf_counter()
        if self.events:
            self.emit("begin", targets=self.targets)
        elif self.rich:
            self._progress = Progress(
                TextColumn("{task.description:<20}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TimeElapsedColumn(),
                console=self.console,
            )
            for table, total in targets.items():
                self._tasks[table] = self._progress.add_task(table, total=max(total, 1))
            self._progress.start()

    def advance(self, table: str, rows: int) -> None:
        self.done[table] = self.done.get(table, 0) + rows
        target = self.targets.get(table, 0)
        if self.events:
            self.emit("advance", table=table, rows=rows, done=self.done[table], target=target)
        elif self._progress is not None:
            if table not in self._tasks:  # a table the run could not count up front
                self._tasks[table] = self._progress.add_task(table, total=None)
            # A planned count may be an estimate (retail's promotions): the bar grows with
            # the rows rather than run past 100 %.
            total = max(target, self.done[table]) if target else None
            self._progress.update(self._tasks[table], completed=self.done[table], total=total)
        elif self.progress:
            if target and self.done[table] > target:  # the plan was an estimate
                line = f"{self.done[table]:,} rows (planned about {target:,})"
            elif target:  # a run that knows its rows up front
                line = f"{self.done[table]:,}/{target:,} rows ({100.0 * self.done[table] / target:.1f}%)"
            else:  # one that does not (simulated activity): rows so far
                line = f"{self.done[table]:,} rows"
            print(f"[pgseed] {table}: {line}", file=self.stream, flush=True)

    def end(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # -- summaries ------------------------------------------------------------
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def summary(self, written: Mapping[str, int], seconds: Mapping[str, float], title: str) -> None:
        """Rows per table; rows/s per table over its time inside COPY, total over wall time."""
        wall = self.elapsed()
        if self.events:
            self.emit(
                "summary",
                title=title,
                written=dict(written),
                seconds={t: round(s, 3) for t, s in seconds.items()},
                wall=round(wall, 3),
            )
            return
        table = Table(title=title, title_justify="left")
        table.add_column("table")
        table.add_column("rows created", justify="right")
        table.add_column("COPY s", justify="right")
        table.add_column("rows/s", justify="right")
        for name, rows in written.items():
            s = seconds.get(name, 0.0)
            rate = f"{rows / s:,.0f}" if s > 0 else "-"
            table.add_row(name, f"{rows:,}", f"{s:.2f}", rate)
        total = sum(written.values())
        table.add_row(
            "total (wall)", f"{total:,}", f"{wall:.2f}", f"{total / wall:,.0f}" if wall > 0 else "-"
        )
        self.console.print(table)
        self.console.print(f"wall time: {wall:.2f} s")
