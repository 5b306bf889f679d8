"""A real ``python -m pgseed`` process for signal and full-disk tests: its output read
as it comes, its descendants, the semaphores it maps, polling instead of sleeping."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil

from tests.conftest import ADMIN

REPO = Path(__file__).resolve().parents[2]
SHM = Path("/dev/shm")


def _start(limits: dict[int, int]) -> Callable[[], None]:
    def preexec() -> None:
        # A shell starting the suite in the background ignores SIGINT, nohup ignores
        # SIGHUP, and children inherit that; a terminal's process does not.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        for what, value in limits.items():
            resource.setrlimit(what, (value, value))

    return preexec


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    tmpdir = tmp_path / "tmpdir"  # the run's own TMPDIR: anything left in it is the run's
    tmpdir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DB_USER_ADMIN_UUID": ADMIN,
        "APP_ENV": "",
        "PGSEED_HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmpdir),
    }
    env.update(extra)
    return env


def poll(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Pgseed:
    """``python -m pgseed ARGS`` in its own session (so a group signal reaches only it)."""

    def __init__(
        self, args: Sequence[str], env: dict[str, str], limits: dict[int, int] | None = None
    ) -> None:
        self.proc = psutil.Popen(
            [sys.executable, "-m", "pgseed", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_start(limits or {}),  # resource limits, e.g. RLIMIT_FSIZE
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 180) -> None:
        def seen() -> bool:
            if any(text in line for line in self.lines):
                return True
            if self.proc.poll() is not None:
                self._reader.join(10)
                if any(text in line for line in self.lines):
                    return True
                raise AssertionError(
                    f"exited {self.proc.returncode} before {text!r}:\n{self.output}"
                )
            return False

        poll(seen, timeout, f"{text!r} in the output")

    def descendants(self) -> list[psutil.Process]:
        return self.proc.children(recursive=True)

    def semaphores(self) -> set[int]:
        """Inodes of the POSIX named semaphores the process maps (``/dev/shm/sem.*``).

        glibc maps a semaphore through a temporary name it then renames, so maps shows
        that name as deleted: the inode is what identifies the file."""
        inodes = set()
        for line in Path(f"/proc/{self.proc.pid}/maps").read_text().splitlines():
            parts = line.split(maxsplit=5)
            if len(parts) == 6 and parts[5].startswith("/dev/shm/sem."):
                inodes.add(int(parts[4]))
        return inodes

    def signal(self, sig: int, *, group: bool = False) -> None:
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def finish(self, timeout: float = 180) -> tuple[int, str]:
        rc = self.proc.wait(timeout)
        self._reader.join(30)
        assert self.proc.stdout is not None
        if not self._reader.is_alive():  # else an orphan holds the pipe: closing would hang
            self.proc.stdout.close()
        return rc, self.output

    def stop(self, others: Sequence[psutil.Process] = ()) -> None:
        """Clean up after a test, failed or not: the process and ``others`` killed if still
        running, and the pipe closed (left open, its ResourceWarning would fail whichever
        test the garbage collector happens to run in)."""
        kill([self.proc, *others])
        with contextlib.suppress(psutil.Error, subprocess.TimeoutExpired):
            self.proc.wait(10)
        self._reader.join(10)
        if self.proc.stdout is not None and not self._reader.is_alive():
            self.proc.stdout.close()


def run(
    args: Sequence[str],
    env: dict[str, str],
    timeout: float = 300,
    limits: dict[int, int] | None = None,
) -> tuple[int, str]:
    return Pgseed(args, env, limits).finish(timeout)


def alive(procs: Sequence[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie nobody reaps in a container counts as gone)."""
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def kill(procs: Sequence[psutil.Process]) -> None:
    """Clean up after a failed test: end what it left running, by pid."""
    for p in alive(procs):
        with contextlib.suppress(psutil.Error):
            p.kill()


def shm_inodes() -> set[int]:
    found = set()
    for entry in os.scandir(SHM):
        if entry.name.startswith("sem."):
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                found.add(entry.stat().st_ino)
    return found
