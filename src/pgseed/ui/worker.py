"""The background worker: every run is the real CLI in a child process, never work inside
an HTTP request.

``python -m pgseed <pack> <verb> ... --confirm`` runs with the target in the environment
(``DATABASE_URL``: a password never sits on an argv, where ``ps`` shows it) and
``PGSEED_EVENTS=json``, so its progress arrives as the same events the CLI prints, one
JSON object per line. Every engine guard, the run's one transaction and its rollback
on SIGINT apply unchanged; Cancel is SIGINT to the child (the CLI rolls back and exits
130). One run per database at a time (``Busy``), besides the engine's own run lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycopg.conninfo import conninfo_to_dict

from ..dsn import mask, normalise, register
from ..errors import INTERRUPTED_EXIT_CODE
from ..safety import ALLOW_ENV
from ..signals import PARENT_ENV
from .packs import Argv, display

# The CLI installs its signal handlers when its command starts, after its imports
# (about a second here): a SIGINT sent before would stop Python with a traceback
# instead of a rollback. A cancel waits for the child's first line or this long.
HANDLER_GRACE_S = 3.0
PREVIEW_TIMEOUT_S = 180.0  # a dry run reads the database and draws samples: seconds
LINE_LIMIT = 1 << 20  # asyncio's default 64 KiB would fail on a long sample line
REFUSED = {2: "bad config", 3: "refused by a safety guard", 4: "schema mismatch", 5: "unreachable"}


class Stopping(Exception):
    """The server is stopping: it starts no new run."""


class Busy(Exception):
    """A run is already going on this database."""

    def __init__(self, run: Run) -> None:
        super().__init__(
            f"a run is already going on database {run.database}: {run.command} "
            f"(started {run.started:%H:%M:%S}). Wait for it to finish, or cancel it."
        )
        self.run = run


def database_key(dsn: str) -> str:
    """host:port/dbname: one database however its URL is spelled."""
    p = conninfo_to_dict(normalise(dsn))
    return f"{p.get('host') or 'localhost'}:{p.get('port') or 5432}/{p.get('dbname') or ''}"


def child_env(dsn: str, allowed: Sequence[str] = ()) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = dsn
    env["PGSEED_EVENTS"] = "json"
    env[PARENT_ENV] = str(os.getpid())  # the run stops should the dashboard be killed
    env.pop("PGSEED_DEBUG", None)  # a traceback is no page's business
    if allowed:
        given = [n for n in env.get(ALLOW_ENV, "").split(",") if n.strip()]
        env[ALLOW_ENV] = ",".join([*given, *allowed])
    return env


def parse_line(raw: bytes) -> dict[str, Any]:
    """One line of the child's output as an event: its JSON, or plain text as ``line``."""
    text = mask(raw.decode("utf-8", "replace").rstrip("\r\n"))
    if text.startswith("{"):
        with contextlib.suppress(ValueError):
            event = json.loads(text)
            if isinstance(event, dict) and isinstance(event.get("event"), str):
                return event
    return {"event": "line", "message": text}


@dataclass
class Run:
    id: str
    pack: str
    action: str
    database: str
    steps: list[Argv]
    command: str
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    events: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = "running"  # running | committed | rolled back | failed | refused
    exit_code: int | None = None
    percent: float = 0.0
    cancelled: bool = False
    proc: asyncio.subprocess.Process | None = None
    proc_started: float = 0.0
    seen_output: bool = False
    committed: bool = False  # the current step's child reported its commit (``commit``)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def finished(self) -> bool:
        return self.outcome != "running"

    async def add(self, event: dict[str, Any]) -> None:
        event["id"] = len(self.events)
        event.setdefault("percent", round(self.percent, 1))
        self.events.append(event)
        async with self.changed:
            self.changed.notify_all()


class _Progress:
    """Overall percent of a run of ``steps`` commands from their begin/advance events."""

    def __init__(self, steps: int) -> None:
        self.steps, self.step = max(steps, 1), 0
        self.targets: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def see(self, event: dict[str, Any]) -> None:
        if event["event"] == "begin":
            self.targets = {str(k): int(v) for k, v in dict(event.get("targets") or {}).items()}
            self.done = {}
        elif event["event"] == "advance":
            self.done[str(event.get("table"))] = int(event.get("done") or 0)

    def uncounted(self) -> int | None:
        """Rows so far of a step that could not count its rows up front (social's day
        loop: its begin event has no targets), else None: the page shows them instead of
        a percentage that would sit at 0 until the end."""
        return sum(self.done.values()) if not self.targets and self.done else None

    def percent(self) -> float:
        total = sum(self.targets.values())
        part = min(sum(self.done.get(t, 0) for t in self.targets) / total, 1.0) if total else 0.0
        # Never 100 before the child has exited 0: the commit comes after the last row.
        return min(99.0, 100.0 * (self.step + part) / self.steps)


class Worker:
    """Starts, streams and cancels runs; at most one per database."""

    def __init__(self, allowed: Sequence[str] = ()) -> None:
        self.allowed = tuple(allowed)
        self.runs: dict[str, Run] = {}
        self.active: dict[str, Run] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopping = False

    def start(self, pack: str, action: str, steps: Sequence[Argv], dsn: str) -> Run:
        """Start a run in the background; Busy when one is going on the same database."""
        if self.stopping:
            raise Stopping("the dashboard is stopping: it starts no new run.")
        register(dsn)
        key = database_key(dsn)
        busy = self.active.get(key)
        if busy is not None and not busy.finished:
            raise Busy(busy)
        run = Run(secrets.token_hex(8), pack, action, key, list(steps), display(steps))
        self.runs[run.id] = run
        self.active[key] = run
        task = asyncio.create_task(self._run(run, dsn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    async def _spawn(self, argv: Argv, dsn: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "pgseed",
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=child_env(dsn, self.allowed),
            limit=LINE_LIMIT,
            # Its own session: Ctrl-C on `pgseed ui` reaches the children through
            # shutdown() (one SIGINT each), not twice through the terminal.
            start_new_session=True,
        )

    async def _run(self, run: Run, dsn: str) -> None:
        progress = _Progress(len(run.steps))
        await run.add({"event": "start", "command": run.command})
        rc = 0
        try:
            for i, argv in enumerate(run.steps):
                progress.step = i
                if run.cancelled:
                    rc = INTERRUPTED_EXIT_CODE
                    break
                run.proc = await self._spawn(argv, dsn)
                run.proc_started, run.seen_output, run.committed = time.monotonic(), False, False
                if run.cancelled:  # a Cancel that came while the child was being started
                    self._interrupt(run)
                assert run.proc.stdout is not None
                while raw := await run.proc.stdout.readline():
                    run.seen_output = True
                    event = parse_line(raw)
                    if event["event"] == "commit":
                        run.committed = True
                    progress.see(event)
                    run.percent = progress.percent()
                    rows = progress.uncounted()
                    if rows is not None:
                        event["rows_so_far"] = rows
                    await run.add(event)
                rc = await run.proc.wait()
                if rc != 0:
                    if i > 0:
                        await run.add(
                            {
                                "event": "warn",
                                "message": f"step {i + 1} of {len(run.steps)} stopped; the "
                                "steps before it were committed",
                            }
                        )
                    break
        except Exception as exc:  # the child could not be started at all
            await run.add({"event": "fail", "message": f"could not run: {mask(str(exc))}"})
            rc = -1
        finally:
            run.exit_code = rc
            run.outcome = outcome(rc, run.cancelled, run.committed)
            if run.outcome == "committed":
                run.percent = 100.0
            await run.add(
                {"event": "end", "outcome": run.outcome, "exit_code": rc, "percent": run.percent}
            )

    def cancel(self, run: Run) -> bool:
        """SIGINT to the run's child: it rolls back and exits 130. False when the run had
        already finished (nothing to cancel: its outcome stands)."""
        if run.finished:
            return False
        if not run.cancelled:
            run.cancelled = True
            self._interrupt(run)
        return True

    def _interrupt(self, run: Run) -> None:
        proc = run.proc
        if proc is None or proc.returncode is not None:
            # Not started yet, or between steps: _run signals the child it starts next
            # or stops before the next step.
            return
        wait = 0.0 if run.seen_output else run.proc_started + HANDLER_GRACE_S - time.monotonic()
        asyncio.get_running_loop().call_later(max(wait, 0.0), _interrupt, proc)

    async def preview(self, steps: Sequence[Argv], dsn: str) -> tuple[bool, str]:
        """The dry runs of ``steps``, their output as text; False when one failed."""
        register(dsn)
        out: list[str] = []
        for argv in steps:
            out.append("$ " + display([argv]))
            proc = await self._spawn(argv, dsn)
            assert proc.stdout is not None
            try:
                async with asyncio.timeout(PREVIEW_TIMEOUT_S):
                    while raw := await proc.stdout.readline():
                        out.append(text_of(parse_line(raw)))
                    rc = await proc.wait()
            except TimeoutError:
                _interrupt(proc)
                await proc.wait()
                out.append(f"the dry run took longer than {PREVIEW_TIMEOUT_S:.0f} s: stopped")
                return False, "\n".join(out)
            if rc != 0:
                out.append(f"(exit {rc}: {REFUSED.get(rc, 'failed')})")
                return False, "\n".join(out)
        return True, "\n".join(out)

    async def shutdown(self) -> None:
        """Cancel every running run and wait for its rollback; start no new one."""
        self.stopping = True
        for run in self.runs.values():
            self.cancel(run)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=60)


def _interrupt(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)


def outcome(rc: int, cancelled: bool, committed: bool = False) -> str:
    """The run's outcome from its exit code and whether its child reported a commit: a
    stop or a failure after the commit (a signal that waited for it, social's jobs
    command) exits non-zero with the rows in the database."""
    if rc == 0:
        return "committed"
    if committed:
        stopped = rc in (INTERRUPTED_EXIT_CODE, 143, -signal.SIGINT, -signal.SIGTERM)
        return f"committed (then {'interrupted' if stopped else f'failed, exit {rc}'})"
    if rc in (INTERRUPTED_EXIT_CODE, 143, -signal.SIGINT, -signal.SIGTERM) or (
        cancelled and rc == 1
    ):
        return "rolled back"
    if rc == 1:
        return "failed (rolled back)"
    if rc in REFUSED:
        return f"refused ({REFUSED[rc]}; nothing written)"
    return "failed"


def text_of(event: Mapping[str, Any]) -> str:
    """An event as the text line the CLI would print."""
    kind = event.get("event")
    if kind == "warn":
        return f"warning: {event.get('message', '')}"
    if kind == "fail":
        rep = event.get("reproduce")
        return str(event.get("message", "")) + (f"\nreproduce with: {rep}" if rep else "")
    if kind == "begin":
        return "planned: " + ", ".join(f"{t} {n:,}" for t, n in dict(event["targets"]).items())
    if kind == "advance":
        return f"{event.get('table')}: {event.get('done', 0):,} rows"
    if kind == "summary":
        written = dict(event.get("written") or {})
        return f"{event.get('title', '')}: " + ", ".join(f"{t} {n:,}" for t, n in written.items())
    return str(event.get("message", ""))
