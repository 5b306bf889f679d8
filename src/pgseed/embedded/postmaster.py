"""Whether ``postmaster.pid`` is to be believed, and what else of a server still runs.

PostgreSQL leaves ``postmaster.pid`` (and ``.s.PGSQL.<port>.lock`` in the socket
directory) behind when it does not stop cleanly. The PID in it may since have gone
to another process: a ``sleep``, PID 1, this very Python, or the postgres of another
data directory. So the file is believed only when its PID is a live ``postgres``
postmaster whose data directory is ours (its ``-D`` argument, else its working
directory: a postmaster chdirs into its data directory). Backends rewrite their
command line to ``postgres: ...``, so a backend is never mistaken for a postmaster.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import psutil

PIDFILE = "postmaster.pid"

# postmaster.pid's lines (PostgreSQL's pidfile.h), 1-based there, 0-based here.
_PORT, _SOCKET_DIR, _STATUS = 3, 4, 7


@dataclass(frozen=True)
class Postmaster:
    """What ``postmaster.pid`` says, judged against the process table.

    ``running`` is True only for a live postmaster of this data directory; ``stale``
    then is None. A file naming anything else is stale and ``stale`` says why.
    ``state`` is the file's status line: ``ready``, ``starting`` (also while
    recovering), ``stopping``, or ``""`` while PostgreSQL has not written it yet.
    """

    running: bool
    pid: int | None
    state: str
    socket_dir: Path | None
    port: int
    stale: str | None


def read(pgdata: Path) -> Postmaster | None:
    """Judge ``pgdata/postmaster.pid``; None when there is no such file.

    Raises OSError when the file exists but cannot be read (a permission problem:
    the caller must not guess whether a server runs).
    """
    path = pgdata / PIDFILE
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = [line.strip() for line in text.splitlines()]
    first = lines[0] if lines else ""
    if not first:
        return _stale(f"{PIDFILE} is empty")
    if not (first.isascii() and first.isdigit()) or int(first) <= 0:
        return _stale(f"{PIDFILE} does not start with a process id (it starts {first[:40]!r})")
    pid = int(first)
    why = not_our_postmaster(pid, pgdata)
    if why is not None:
        return _stale(why, pid)

    def line(i: int) -> str:
        return lines[i] if len(lines) > i else ""

    port = int(line(_PORT)) if line(_PORT).isascii() and line(_PORT).isdigit() else 5432
    socket_dir = Path(line(_SOCKET_DIR)) if line(_SOCKET_DIR) else None
    return Postmaster(True, pid, line(_STATUS), socket_dir, port, None)


def _stale(why: str, pid: int | None = None) -> Postmaster:
    return Postmaster(False, pid, "", None, 5432, why)


def not_our_postmaster(pid: int, pgdata: Path) -> str | None:
    """None when ``pid`` is a live postmaster of ``pgdata``; otherwise why it is not."""
    try:
        proc = psutil.Process(pid)
    except psutil.Error:
        return f"no process {pid} is running"
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return f"process {pid} has exited (it is a zombie, waiting to be reaped)"
        name = proc.name()
        if name != "postgres":
            return f"process {pid} is now `{name}`, not a PostgreSQL server"
        cmdline = proc.cmdline()
        if cmdline and cmdline[0].startswith("postgres:"):
            return f"process {pid} is a PostgreSQL backend ({cmdline[0].strip()}), not a server"
        given = _flag(cmdline, "-D")
        # A postmaster chdirs into its data directory, which also resolves a relative -D.
        theirs = Path(given) if given and Path(given).is_absolute() else Path(proc.cwd())
    except psutil.NoSuchProcess:
        return f"no process {pid} is running"
    except psutil.AccessDenied:
        return _hidden(proc)
    if _same_dir(theirs, pgdata):
        return None
    return f"process {pid} is the PostgreSQL server of another data directory ({theirs})"


def _hidden(proc: psutil.Process) -> str | None:
    """A postgres we may not look into: ours runs as this user (or, under root, as a
    user root can read), so one of another user is not ours. Otherwise believe the
    file rather than risk two servers on one data directory."""
    with contextlib.suppress(psutil.Error):
        if os.name == "posix" and os.geteuid() != 0 and proc.uids().effective != os.geteuid():
            return f"process {proc.pid} is a PostgreSQL server of another user"
    return None


def _flag(cmdline: list[str], flag: str) -> str | None:
    for i, arg in enumerate(cmdline):
        if arg == flag and i + 1 < len(cmdline):
            return cmdline[i + 1]
        if arg.startswith(flag) and len(arg) > len(flag):
            return arg[len(flag) :]
    return None


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def leftovers(pgdata: Path) -> list[psutil.Process]:
    """postgres processes still working in ``pgdata`` while no postmaster of it runs.

    After ``kill -9`` of a postmaster its backends live on until they notice (an
    idle one within milliseconds, one running a query only when the query ends);
    while they do they hold the old shared memory and PostgreSQL refuses to start.
    """
    found = []
    for proc in psutil.process_iter(["name"]):
        if proc.info.get("name") != "postgres":
            continue
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and _same_dir(Path(proc.cwd()), pgdata):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def end(procs: list[psutil.Process], grace: float, pgdata: Path) -> list[int]:
    """Give ``procs`` ``grace`` seconds to exit by themselves, then end them.

    A postmaster of ``pgdata`` (whose postmaster.pid was deleted by hand) gets
    SIGINT, a fast shutdown; a backend gets SIGTERM (it aborts its transaction and
    exits). SIGKILL follows for any still there 10 s later; crash recovery makes
    either safe for the data. Returns the PIDs that had to be ended. Raises
    psutil.AccessDenied when one may not be signalled.
    """
    _, alive = psutil.wait_procs(procs, timeout=grace)
    if not alive:
        return []
    ended = [p.pid for p in alive]
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            if not_our_postmaster(p.pid, pgdata) is None:
                p.send_signal(signal.SIGINT)
            else:
                p.terminate()
    _, alive = psutil.wait_procs(alive, timeout=10)
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(alive, timeout=5)
    return ended


def clear_socket_locks(pgdata: Path, socket_dirs: list[Path]) -> None:
    """Remove ``.s.PGSQL.*.lock`` files whose PID is not a live postmaster of ``pgdata``.

    PostgreSQL judges these like postmaster.pid: a live process of its own user
    under the old PID makes it refuse to start. Only called with no server running.
    """
    for d in socket_dirs:
        for lock in d.glob(".s.PGSQL.*.lock"):
            try:
                first = lock.read_text(errors="replace").split("\n", 1)[0].strip()
                pid = int(first) if first.isascii() and first.isdigit() else 0
                if pid <= 0 or not_our_postmaster(pid, pgdata) is not None:
                    lock.unlink()
            except OSError:
                continue
