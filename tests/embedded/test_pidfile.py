"""postmaster.pid contents that must never be believed (no server needed)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from pgseed import embedded
from pgseed.embedded import postmaster
from pgseed.errors import DatabaseUnavailable

GARBLED = {
    "empty": b"",
    "blank_lines": b"\n\n\n",
    "spaces": b"   \n",
    "words": b"postgres\n",
    "negative": b"-1\n",
    "zero": b"0\n",
    "decimal": b"12.5\n",
    "digits_then_junk": b"123abc\n",
    "superscript_digit": "\u00b2\n".encode(),
    "out_of_range": b"99999999999999999999999\n",
    "nul_bytes": b"\x00\x00\x00\x00",
    "not_utf8": b"\xff\xfe\xfd\n",
}


@pytest.mark.parametrize("content", list(GARBLED.values()), ids=list(GARBLED))
def test_garbled_file_is_stale(content: bytes, tmp_path: Path) -> None:
    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    (pgdata / "postmaster.pid").write_bytes(content)
    pm = postmaster.read(pgdata)
    assert pm is not None and not pm.running and pm.stale, pm
    st = embedded.status(tmp_path)
    assert not st.running and st.stale == pm.stale and st.pid is None
    with pytest.raises(DatabaseUnavailable, match="pgseed db start"):
        embedded.url("postgres", tmp_path)


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def _sleep(procs: list[subprocess.Popen[bytes]]) -> int:
    procs.append(subprocess.Popen(["sleep", "300"]))
    return procs[-1].pid


def _zombie(procs: list[subprocess.Popen[bytes]]) -> int:
    procs.append(subprocess.Popen(["true"]))  # not waited for until teardown
    pid = procs[-1].pid
    while psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.01)
    return pid


PIDS: dict[str, Callable[[list[subprocess.Popen[bytes]]], int]] = {
    "this_process": lambda procs: os.getpid(),
    "pid_1": lambda procs: 1,
    "a_sleep": _sleep,
    "a_zombie": _zombie,
}


@pytest.mark.parametrize("which", list(PIDS))
@pytest.mark.parametrize("lines", ["full", "pid_only"])
def test_pid_of_another_process_is_stale(
    which: str, lines: str, tmp_path: Path, spawn: list[subprocess.Popen[bytes]]
) -> None:
    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    pid = PIDS[which](spawn)
    rest = f"{pgdata}\n{int(time.time())}\n5432\n{pgdata}\n\n 0 0\nready   \n"
    (pgdata / "postmaster.pid").write_text(f"{pid}\n" + (rest if lines == "full" else ""))
    pm = postmaster.read(pgdata)
    assert pm is not None and not pm.running, pm
    assert pm.stale and str(pid) in pm.stale
    assert psutil.pid_exists(pid)  # judged, not touched
