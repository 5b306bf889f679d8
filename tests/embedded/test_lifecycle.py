"""The embedded server after unclean stops, through the real `pgseed db` verbs.

Each test gets its own PGSEED_HOME holding a copy of one cleanly shut down data
directory (initdb once per module), and starts and stops its own server. Every
verb's output is checked for tracebacks and for advice to delete the data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest
from click.testing import CliRunner

from pgseed import embedded
from pgseed.cli import main

from ..conftest import ADMIN, SMALL

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(bool(os.environ.get("PGSEED_TEST_DSN")), reason="uses the embedded server"),
    pytest.mark.skipif(os.name != "posix", reason="signals and process users are POSIX"),
]

# A line naming the data directory must not tell anyone to delete anything.
DELETE_ADVICE = re.compile(r"(?i)\b(rm|remov\w*|delet\w*|eras\w*|wip\w*)\b|re-?initiali[sz]")
SERVER_USER = "embedded_postgres" if os.geteuid() == 0 else None


@dataclass(frozen=True)
class Template:
    pgdata: Path  # initialised, cleanly shut down
    other_pid: int  # a postgres of another data directory, running


@dataclass
class Out:
    code: int
    text: str


def db_process(home: Path, *args: str) -> Out:
    """`python -m pgseed db ARGS` in a process of its own, as a person runs it."""
    env = {**os.environ, "PGSEED_HOME": str(home)}
    cmd = [sys.executable, "-m", "pgseed", "db", *args]
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert_safe(r.stdout, home / "pg")
    return Out(r.returncode, r.stdout)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """Where this module's servers live: not under tmp_path (see server_dsn in conftest)."""
    path = Path(tempfile.mkdtemp(prefix="pgseed-lifecycle-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def fresh(scratch: Path, name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=name[:40] + "-", dir=scratch))


@pytest.fixture(scope="module")
def template(scratch: Path) -> Iterator[Template]:
    base = fresh(scratch, "other")
    assert db_process(base, "start").code == 0
    assert db_process(base, "stop").code == 0
    clean = fresh(scratch, "template") / "pg"
    subprocess.run(["cp", "-a", str(embedded.data_dir(base)), str(clean)], check=True)
    assert db_process(base, "start").code == 0  # now "the postgres of another data directory"
    pid = embedded.status(base).pid
    assert pid is not None
    try:
        yield Template(clean, pid)
    finally:
        db_process(base, "stop")


@pytest.fixture
def home(scratch: Path, template: Template, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A PGSEED_HOME with an initialised, stopped server; stopped again afterwards."""
    home = fresh(scratch, request.node.name)
    subprocess.run(["cp", "-a", str(template.pgdata), str(home / "pg")], check=True)
    try:
        yield home
    finally:
        embedded.stop(home)


def pgseed(home: Path, *args: str) -> Out:
    """`pgseed ARGS` in-process; asserts no traceback and no advice to delete data."""
    env = {"PGSEED_HOME": str(home), "DB_USER_ADMIN_UUID": ADMIN, "APP_ENV": ""}
    r = CliRunner().invoke(main, list(args), env=env)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"pgseed {' '.join(args)} raised {r.exception!r}:\n{r.output}")
    assert_safe(r.output, home / "pg")
    return Out(r.exit_code, r.output)


def db(home: Path, *args: str) -> Out:
    return pgseed(home, "db", *args)


def assert_safe(text: str, pgdata: Path) -> None:
    assert "Traceback" not in text, text
    assert "rm -rf" not in text and not re.search(r"(?i)re-?initiali[sz]e", text), text
    for line in text.splitlines():
        if str(pgdata) in line:
            words = line.replace(str(pgdata), "<data directory>")
            assert not DELETE_ADVICE.search(words), f"advises deleting data: {line}"


def answers(home: Path) -> bool:
    url = db(home, "url", "postgres").text.strip()
    with psycopg.connect(url, connect_timeout=10) as c:
        return c.execute("SELECT 1").fetchone() == (1,)


def postmaster_pid(home: Path) -> int:
    return int((home / "pg" / "postmaster.pid").read_text().split("\n", 1)[0])


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# -- stale postmaster.pid --------------------------------------------------------


def pidfile_text(pid: int | str, pgdata: Path) -> str:
    # The layout PostgreSQL 18 writes; the shared-memory key names no segment.
    return f"{pid}\n{pgdata}\n{int(time.time())}\n5432\n{pgdata}\n\n        0         0\nready   \n"


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], **kw: Any) -> subprocess.Popen[bytes]:
        procs.append(subprocess.Popen(args, **kw))
        return procs[-1]

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def _dead_pid(spawn: Callable[..., subprocess.Popen[bytes]]) -> int:
    p = spawn(["true"])
    p.wait()
    return p.pid


def _zombie(spawn: Callable[..., subprocess.Popen[bytes]]) -> int:
    p = spawn(["true"])  # not waited for until the test ends: a zombie meanwhile
    deadline = time.monotonic() + 10
    while psutil.Process(p.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return p.pid


# What the stale postmaster.pid holds: (first line, the PID of a live process
# that must survive, or None). Live PIDs also go into the socket lock file, as a
# real unclean stop leaves both.
STALE: dict[str, Callable[[Callable[..., Any], Template], tuple[str, int | None]]] = {
    "unrelated_process": lambda spawn, t: (str(p := spawn(["sleep", "300"]).pid), p),
    "process_of_the_server_user": lambda spawn, t: (
        str(p := spawn(["sleep", "300"], user=SERVER_USER).pid),
        p,
    ),
    "this_test_process": lambda spawn, t: (str(os.getpid()), os.getpid()),
    "pid_1": lambda spawn, t: ("1", 1),
    "postgres_of_another_data_directory": lambda spawn, t: (str(t.other_pid), t.other_pid),
    "backend_of_another_server": lambda spawn, t: (
        str(p := psutil.Process(t.other_pid).children()[0].pid),
        p,
    ),
    "dead_pid": lambda spawn, t: (str(_dead_pid(spawn)), None),
    "zombie": lambda spawn, t: (str(_zombie(spawn)), None),
    "garbage": lambda spawn, t: ("\x00\xff not a pid \x01", None),
    "empty": lambda spawn, t: ("", None),
    "negative": lambda spawn, t: ("-4", None),
}


@pytest.mark.parametrize("kind", list(STALE))
def test_stale_pidfile(kind: str, home: Path, template: Template, spawn: Any) -> None:
    pgdata = home / "pg"
    first, live = STALE[kind](spawn, template)
    if kind == "empty":
        (pgdata / "postmaster.pid").write_text("")
    elif kind == "garbage":
        (pgdata / "postmaster.pid").write_bytes(first.encode("latin-1") + b"\n")
    else:
        (pgdata / "postmaster.pid").write_text(pidfile_text(first, pgdata))
        (pgdata / ".s.PGSQL.5432.lock").write_text(f"{first}\n{pgdata}\n")

    st = db(home, "status")
    assert st.code == 1, st.text
    assert "not running" in st.text and "stale postmaster.pid" in st.text, st.text
    out = db(home, "stop")
    assert out.code == 0 and "not running" in out.text, out.text
    assert (pgdata / "postmaster.pid").exists()  # only start removes it

    out = db(home, "start")
    assert out.code == 0, out.text
    assert "removed a stale postmaster.pid" in out.text, out.text
    assert answers(home)
    assert db(home, "status").code == 0
    if live is not None:
        assert not gone(live), "a process named by the stale file was touched"

    out = db(home, "stop")
    assert out.code == 0 and "stopped" in out.text, out.text
    assert db(home, "status").code == 1
    if live is not None:
        assert not gone(live)


def test_embedded_flag_with_a_stale_pidfile(home: Path, spawn: Any) -> None:
    """--embedded on a pack command goes through the same start."""
    sleeper = spawn(["sleep", "300"]).pid
    (home / "pg" / "postmaster.pid").write_text(pidfile_text(sleeper, home / "pg"))
    config = home / "config.json"
    config.write_text(json.dumps(SMALL))
    args = ["genonaut", "generate", "--embedded", "--dry-run", "--seed", "1"]
    out = pgseed(home, *args, "--config", str(config))
    assert out.code == 0, out.text
    assert "removed a stale postmaster.pid" in out.text, out.text
    assert not gone(sleeper)


# -- kill -9 of the postmaster ---------------------------------------------------


def kill_9(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while not gone(pid):
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _busy_backend(url: str) -> threading.Thread:
    """A backend in a loop that never checks for its postmaster's death."""

    def run() -> None:
        try:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(
                    "DO $$BEGIN WHILE clock_timestamp() < now() + interval '120 s' LOOP "
                    "END LOOP; END$$"
                )
        except psycopg.Error:
            pass  # ended by `db start`, as it should be

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def _pause_next_postmaster(pgdata: Path, old: int, seconds: float, seen: list[str]) -> None:
    """SIGSTOP the next postmaster as soon as it writes its pid file: a machine so loaded
    that starting (recovery included) takes longer than the wheel's 10 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            lines = (pgdata / "postmaster.pid").read_text().split("\n")
            pid = int(lines[0])
        except (OSError, ValueError):
            pid = 0
        if pid and pid != old:
            proc = psutil.Process(pid)
            proc.suspend()
            seen.append(lines[7].strip() if len(lines) > 7 else "")
            time.sleep(seconds)
            proc.resume()
            return
        time.sleep(0.005)


@pytest.mark.parametrize("how", ["idle", "busy_backend", "slow_start"])
def test_start_after_kill_9(how: str, home: Path) -> None:
    pgdata = home / "pg"
    assert db(home, "start").code == 0
    url = db(home, "url", "postgres").text.strip()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
        c.execute("INSERT INTO kept VALUES (1, 'committed before the crash')")
        # WAL with no checkpoint after it, for crash recovery to replay.
        c.execute("CREATE TABLE filler (a int, b text)")
        c.execute("INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 200000) g")
    busy = _busy_backend(url) if how == "busy_backend" else None
    if busy is not None:
        time.sleep(0.5)
    old = postmaster_pid(home)
    kill_9(old)

    paused: list[str] = []
    pauser = None
    if how == "slow_start":
        pauser = threading.Thread(target=_pause_next_postmaster, args=(pgdata, old, 10.5, paused))
        pauser.start()
    began = time.monotonic()
    out = db_process(home, "start")
    took = time.monotonic() - began
    if pauser is not None:
        pauser.join()
        assert paused and paused[0] != "ready", paused  # caught before it was up
        assert took > 10
    if busy is not None:
        busy.join(timeout=30)
        assert not busy.is_alive()
        assert "ended 1 leftover process" in out.text, out.text

    assert out.code == 0, out.text
    assert "recovering from the unclean stop" in out.text, out.text
    assert "recovery finished" in out.text, out.text
    url = db(home, "url", "postgres").text.strip()
    with psycopg.connect(url) as c:
        assert c.execute("SELECT note FROM kept").fetchall() == [("committed before the crash",)]
        assert c.execute("SELECT count(*) FROM filler").fetchone() == (200000,)
    out = db(home, "stop")
    assert out.code == 0 and "stopped" in out.text
    # A clean stop: the next start has nothing to recover.
    out = db(home, "start")
    assert out.code == 0 and "recover" not in out.text, out.text


def test_stop_ends_what_a_killed_server_left(home: Path) -> None:
    assert db(home, "start").code == 0
    url = db(home, "url", "postgres").text.strip()
    busy = _busy_backend(url)
    time.sleep(0.5)
    kill_9(postmaster_pid(home))
    out = db_process(home, "stop")
    assert out.code == 0 and "not running" in out.text, out.text
    assert "ended 1 leftover process" in out.text, out.text
    busy.join(timeout=30)
    assert not busy.is_alive()
    assert db(home, "start").code == 0 and answers(home)


# -- other ways a start can go wrong ---------------------------------------------


@pytest.mark.parametrize("leftover", ["no_pg_version", "only_a_log_file"])
def test_half_initialised_data_directory_is_left_alone(leftover: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    pgdata = home / "pg"
    if leftover == "no_pg_version":
        (pgdata / "global").mkdir(parents=True)
        (pgdata / "base" / "1").mkdir(parents=True)
        (pgdata / "base" / "1" / "1259").write_bytes(b"\0" * 8192)
    else:
        pgdata.mkdir(parents=True)
        (pgdata / "log").write_text("initdb was killed here\n")
    before = sorted(p.relative_to(pgdata) for p in pgdata.rglob("*"))
    assert db(home, "status").code == 1
    out = db(home, "start")
    assert out.code == 5, out.text
    assert "PG_VERSION" in out.text and "Fix:" in out.text, out.text
    assert sorted(p.relative_to(pgdata) for p in pgdata.rglob("*")) == before


def test_failed_start_shows_the_log_and_keeps_the_data(home: Path) -> None:
    pgdata = home / "pg"
    with (pgdata / "postgresql.auto.conf").open("a") as f:
        f.write("work_mem = 'lots'\n")
    out = db(home, "start")
    assert out.code == 5, out.text
    assert "server log" in out.text and "work_mem" in out.text, out.text
    assert "Fix:" in out.text and "pgseed db stop" in out.text, out.text
    assert (pgdata / "PG_VERSION").is_file()


def test_two_starts_at_once(scratch: Path) -> None:
    """Both on a fresh home: one initialises and starts, the other waits and finds it up."""
    home = fresh(scratch, "two-starts")
    env = {**os.environ, "PGSEED_HOME": str(home)}
    cmd = [sys.executable, "-m", "pgseed", "db", "start"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    try:
        outs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    try:
        _one_server(home, procs, outs)
    finally:
        embedded.stop(home)


def _one_server(home: Path, procs: list[subprocess.Popen[str]], outs: list[str]) -> None:
    for p, text in zip(procs, outs, strict=True):
        assert p.returncode == 0, text
        assert_safe(text, home / "pg")
    assert outs[0].splitlines()[-1] == outs[1].splitlines()[-1]  # the same URL
    servers = [
        p
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "postgres" and str(home / "pg") in (p.info["cmdline"] or [])
    ]
    assert len(servers) == 1
    assert answers(home)


def test_start_after_a_start_killed_during_initdb(scratch: Path) -> None:
    """A `db start` SIGKILLed while initdb runs leaves initdb writing into its scratch
    directory; the next start ends it, starts afresh and works (the review's case)."""
    home = fresh(scratch, "killed-initdb")
    env = {**os.environ, "PGSEED_HOME": str(home)}
    cmd = [sys.executable, "-m", "pgseed", "db", "start"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (home / "pg.initdb" / "base").exists():  # initdb is writing
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.01)
    first.kill()
    first.wait()
    try:
        out = db_process(home, "start")
        assert out.code == 0, out.text
        assert answers(home)
        assert not any(
            str(home / "pg.initdb") in " ".join(p.info["cmdline"] or [])
            for p in psutil.process_iter(["cmdline"])
        )
    finally:
        embedded.stop(home)
