"""SIGINT, SIGTERM and SIGHUP stop a run like Ctrl-C; SIGKILL leaves nothing running.

Real ``python -m pgseed`` processes against the test server, signalled while they load:
the exit code is 128 + the signal, the output has the rollback summary, the database
holds nothing, no worker or helper process is left, and no temporary file, partial
file or semaphore of the run is left either.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.conftest import SMALL, dsn_for, query, scalar, write_config
from tests.support.procs import Pgseed, alive, env_for, kill, poll, run, shm_inodes

pytestmark = pytest.mark.db

GENONAUT_BIG = dict(
    SMALL,
    seed_data_generator=dict(SMALL["seed_data_generator"], target_rows_content_items_auto=400_000),
)
RETAIL_BIG = ("--stores", "10", "--products", "50", "--seed", "3")


@dataclass(frozen=True)
class Case:
    name: str
    loading: str  # a progress line that shows the run is writing rows
    database: bool  # writes a database (else files into --output)


GENONAUT = Case("genonaut", "content_items_auto:", True)
FILL = Case("fill", "public.events:", True)
FILL_SCHEMA = """
CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,
                       created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE TABLE events (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts,
                     kind text NOT NULL, payload jsonb, at timestamptz NOT NULL);
"""
RETAIL = Case("retail", "sales_daily:", True)
EXPORT = Case("export", "sales_daily:", False)


def _args(case: Case, db_dsn: str, tmp_path: Path) -> list[str]:
    two = ["--max-workers", "2"]
    if case is GENONAUT:
        cfg = str(write_config(tmp_path, GENONAUT_BIG))
        return [
            "genonaut",
            "generate",
            "--database-url",
            db_dsn,
            "--config",
            cfg,
            "--seed",
            "1",
            *two,
        ]
    if case is FILL:
        rows = ["--rows", "accounts=20000", "--rows", "events=400000"]
        return ["fill", "--database-url", db_dsn, *rows, "--seed", "1", *two]
    if case is RETAIL:
        return ["retail", "generate", "--full-new", "--database-url", db_dsn, *RETAIL_BIG, *two]
    return ["retail", "generate", "--full-new", *RETAIL_BIG, "--output", str(tmp_path / "out")]


def _fill_database(server_dsn: str, db_name: str, db_dsn: str) -> None:
    """The database of an application that has its schema (FILL_SCHEMA) and no rows."""
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{db_name}"')
    with psycopg.connect(db_dsn) as c:
        c.execute(FILL_SCHEMA)


def _tables(db_dsn: str) -> int:
    return int(
        scalar(
            db_dsn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    )


def _parts(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("case", "sig", "group"),
    [
        (GENONAUT, signal.SIGTERM, False),  # kill -TERM <pid>
        (GENONAUT, signal.SIGINT, True),  # Ctrl-C reaches the whole process group
        (GENONAUT, signal.SIGHUP, True),  # the terminal closed
        (RETAIL, signal.SIGTERM, False),
        (FILL, signal.SIGINT, True),
        (FILL, signal.SIGTERM, False),
        (EXPORT, signal.SIGTERM, False),
        (EXPORT, signal.SIGHUP, True),
    ],
    ids=lambda v: v.name if isinstance(v, Case | signal.Signals) else ("group" if v else "pid"),
)
def test_a_stop_signal_rolls_back_and_leaves_nothing(
    case: Case,
    sig: signal.Signals,
    group: bool,
    server_dsn: str,
    db_name: str,
    db_dsn: str,
    tmp_path: Path,
) -> None:
    if case is FILL:  # fill writes into an application's existing schema
        _fill_database(server_dsn, db_name, db_dsn)
    env = env_for(tmp_path)
    shm_before = shm_inodes()
    p = Pgseed(_args(case, db_dsn, tmp_path), env)
    children: list[psutil.Process] = []
    try:
        p.wait_for(case.loading)
        children = p.descendants()
        sems = p.semaphores()
        if case.database:  # two workers and multiprocessing's resource tracker
            assert len(children) >= 2, [c.cmdline() for c in children]
            assert sems, "a spawn pool maps named semaphores"
        p.signal(sig, group=group)
        rc, out = p.finish()
        _check_stopped(case, sig, rc, out, db_dsn, tmp_path, env, children, sems, shm_before)
    finally:
        p.stop(children)


def _check_stopped(
    case: Case,
    sig: signal.Signals,
    rc: int,
    out: str,
    db_dsn: str,
    tmp_path: Path,
    env: dict[str, str],
    children: list[psutil.Process],
    sems: set[int],
    shm_before: set[int],
) -> None:
    assert rc == 128 + sig, out
    assert f"interrupted ({sig.name})" in out and "Traceback" not in out, out
    assert "reproduce with:" in out, out
    if case.database:  # the run history keeps the line of the run it rolled back
        line = query(db_dsn, "SELECT outcome, error, ended_at IS NOT NULL FROM pgseed.runs")
        assert [(o, e is not None and sig.name in e, ended) for o, e, ended in line] == [
            ("rolled back", True, True)
        ], line
    if case is FILL:  # the schema was there before: its tables are as they were, empty
        assert "All of it was rolled back: the database is as it was." in out, out
        assert scalar(db_dsn, "SELECT count(*) FROM accounts") == 0
        assert scalar(db_dsn, "SELECT count(*) FROM events") == 0
    elif case.database:  # the run created the database: it says what stays of it
        assert "All of it was rolled back. The database" in out, out
        assert "was created by this run and holds none of its rows (pgseed.runs" in out, out
        assert _tables(db_dsn) == 0
    else:
        assert "partial files were removed" in out, out
        assert not list((tmp_path / "out").glob("*.csv"))
    poll(lambda: not alive(children), 20, "the run's child processes to exit")
    assert not list(Path(env["TMPDIR"]).iterdir())  # no pgseed-PID-* directory, no context
    assert not _parts(tmp_path)
    assert not (sems & shm_inodes() - shm_before)


@pytest.mark.parametrize("case", [GENONAUT, EXPORT], ids=lambda c: c.name)
def test_after_sigkill_nothing_runs_on_and_the_next_run_cleans_up(
    case: Case, server_dsn: str, db_dsn: str, db_name: str, tmp_path: Path
) -> None:
    env = env_for(tmp_path)
    p = Pgseed(_args(case, db_dsn, tmp_path), env)
    children: list[psutil.Process] = []
    try:
        p.wait_for(case.loading)
        children = p.descendants()
        sems = p.semaphores()
        p.signal(signal.SIGKILL)
        assert p.finish()[0] == -signal.SIGKILL
        poll(lambda: not alive(children), 20, "the workers to die with their parent")
    finally:
        p.stop(children)
    poll(lambda: not (sems & shm_inodes()), 20, "the semaphores to be removed")

    if case.database:
        left = list(Path(env["TMPDIR"]).glob(f"pgseed-{p.proc.pid}-*"))
        assert left, "SIGKILL gives no chance to clean up: the next run must"
        assert _tables(db_dsn) == 0
        # Nothing could say how it ended: its history line still says running.
        assert query(db_dsn, "SELECT outcome, ended_at FROM pgseed.runs") == [("running", None)]
        nxt = db_name.replace("_test", "_next_test")
        try:
            if case is GENONAUT:
                cfg = write_config(tmp_path, SMALL, "small.json")
                args = ["genonaut", "generate", "--config", str(cfg), "--max-workers", "2"]
            else:
                args = ["retail", "generate", "--full-new", "--stores", "2", "--products", "3"]
                args += ["--end-date", "2024-01-31", "--max-workers", "2"]
            rc, out = run([*args, "--database-url", dsn_for(server_dsn, nxt)], env)
            assert rc == 0, out
        finally:
            from tests.conftest import drop_database

            drop_database(server_dsn, nxt)
        assert not any(d.exists() for d in left)
    else:
        out_dir = tmp_path / "out"
        assert _parts(tmp_path), "SIGKILL gives no chance to clean up: the next export must"
        small = ["--stores", "2", "--products", "3", "--end-date", "2024-01-31"]
        # The other format: none of its files has the name of a partial file left behind.
        args = ["retail", "generate", "--full-new", *small, "--output", str(out_dir)]
        rc, out = run([*args, "--format", "json"], env)
        assert rc == 0, out
        assert not _parts(tmp_path)
        assert (out_dir / "sales_daily.json").exists()


def test_a_worker_whose_parent_dies_exits_without_prctl(tmp_path: Path) -> None:
    """The portable fallback alone (a thread polling getppid) ends an orphaned worker."""
    child = (
        "import os, threading, time; from pgseed.pool import _watch_parent; "
        "threading.Thread(target=_watch_parent, args=(os.getppid(), 0.05), daemon=True).start(); "
        "print('watching', flush=True); time.sleep(120)"
    )
    parent = (
        "import subprocess, sys, time; "
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}]); "
        "print(p.pid, flush=True); time.sleep(120)"
    )
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    orphan = psutil.Process(int(proc.stdout.readline()))
    assert proc.stdout.readline().strip() == "watching"
    proc.kill()
    proc.wait()
    proc.stdout.close()
    try:
        poll(lambda: not alive([orphan]), 20, "the orphaned process to exit")
    finally:
        kill([orphan])


COMMIT_SIGNALLED = """
import os, signal, sys
import psycopg
from pgseed.cli import main

commit = psycopg.Connection.commit

def commit_signalled(self):
    if sys._getframe(1).f_globals["__name__"] == "pgseed.run":  # the run's commit
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while it is in progress
    commit(self)

psycopg.Connection.commit = commit_signalled
sys.argv[0] = "pgseed"
main()
"""


def test_a_signal_during_the_commit_waits_for_it(
    db_dsn: str, small_config: Path, tmp_path: Path
) -> None:
    """A signal that lands while the run commits does not cut the commit in two, and the
    report does not claim a rollback of rows that were committed."""
    args = ["genonaut", "generate", "--database-url", db_dsn, "--config", str(small_config)]
    r = subprocess.run(
        [sys.executable, "-c", COMMIT_SIGNALLED, *args],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 143, out
    assert "interrupted after the commit" in out and "rolled back" not in out, out
    assert "Traceback" not in out
    assert scalar(db_dsn, "SELECT count(*) FROM users") > 0


def test_a_worker_killed_mid_fill_fails_the_run_and_leaves_nothing(
    server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path
) -> None:
    # The out-of-memory killer takes one worker: the run must end (exit 1, named), not
    # wait forever for the surviving worker, and roll everything back.
    _fill_database(server_dsn, db_name, db_dsn)
    env = env_for(tmp_path, PYTHONFAULTHANDLER="1")
    p = Pgseed(_args(FILL, db_dsn, tmp_path), env)
    children: list[psutil.Process] = []
    try:
        p.wait_for(FILL.loading)
        children = p.descendants()
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2, [c.cmdline() for c in children]
        workers[0].kill()
        try:
            rc, out = p.finish(timeout=120)
        except (subprocess.TimeoutExpired, psutil.TimeoutExpired):  # show where it waits
            p.signal(signal.SIGABRT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.proc.wait(20)
            raise AssertionError(f"no exit 120 s after the kill:\n{p.output}") from None
        assert rc == 1, out
        assert "a worker process died" in out and "Traceback" not in out, out
        assert "All of it was rolled back" in out, out
        assert scalar(db_dsn, "SELECT count(*) FROM accounts") == 0
        assert scalar(db_dsn, "SELECT count(*) FROM events") == 0
        poll(lambda: not alive(children), 20, "the run's child processes to exit")
    finally:
        p.stop(children)


def test_a_script_without_a_main_guard_is_told_not_deadlocked(
    server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path
) -> None:
    # Worker processes import the caller's script (spawn); one that calls pgseed at import
    # time would run it again in every worker, each waiting for the parent's run lock.
    _fill_database(server_dsn, db_name, db_dsn)
    script = tmp_path / "seed_it.py"
    script.write_text(
        "import pgseed\n"
        f"pgseed.fill({db_dsn!r}, rows={{'accounts': 1000, 'events': 60000}}, seed=1, workers=2)\n"
    )
    env = env_for(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "a worker process died" in out and '__name__ == "__main__"' in out, out
    assert scalar(db_dsn, "SELECT count(*) FROM events") == 0
