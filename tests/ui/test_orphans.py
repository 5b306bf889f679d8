"""``pgseed ui`` SIGKILLed (the out-of-memory killer, ``kill -9``) while a run goes on:
the run's child notices its parent is gone, rolls back and exits, instead of running on
with nobody to see or cancel it. A child that writes progress dies of the broken pipe
anyway; the test's child is a quiet one, waiting for a lock."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from typing import Any

import psutil
import psycopg
import pytest

from pgseed.pg import LOCK_WAIT
from tests.conftest import scalar
from tests.support.procs import REPO, alive, kill

SMALL = ("--stores", "2", "--products", "3", "--start-date", "2024-01-01")
SMALL += ("--end-date", "2024-01-31")

# The dashboard's own Worker in a process of its own, which the test SIGKILLs. It prints
# the child's pid once the child has spoken (its signal handlers are in place).
DASHBOARD = textwrap.dedent(
    """
    import asyncio, sys
    from pgseed.ui.worker import Worker

    async def main():
        worker = Worker()
        argv = ("retail", "generate", "--full-new", *sys.argv[2:], "--confirm")
        run = worker.start("retail", "generate", [argv], sys.argv[1])
        while not run.seen_output:
            await asyncio.sleep(0.05)
        print(run.proc.pid, flush=True)
        await asyncio.sleep(600)

    asyncio.run(main())
    """
)


GONE_WITHIN_S = 5.0
assert float(LOCK_WAIT.removesuffix("s")) >= 2 * GONE_WITHIN_S


def _waiting_for_a_lock(dsn: str) -> bool:
    return bool(scalar(dsn, "SELECT count(*) FROM pg_locks WHERE NOT granted"))


@pytest.mark.db
def test_a_quiet_run_ends_when_its_dashboard_is_killed(db_dsn: str, cli: Any) -> None:
    r = cli("retail", "generate", "--full-new", *SMALL, "--database-url", db_dsn, "--confirm")
    assert r.exit_code == 0, r.output
    stores = scalar(db_dsn, "SELECT count(*) FROM store")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    child: list[psutil.Process] = []
    with psycopg.connect(db_dsn) as holder:  # the lock the run will wait for, silently
        holder.execute("LOCK TABLE store IN ACCESS EXCLUSIVE MODE")
        dashboard = subprocess.Popen(
            [sys.executable, "-c", DASHBOARD, db_dsn, *SMALL],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            assert dashboard.stdout is not None
            line = dashboard.stdout.readline()
            assert line.strip().isdigit(), line
            child = [psutil.Process(int(line))]
            deadline = time.monotonic() + 60
            while not _waiting_for_a_lock(db_dsn):
                assert time.monotonic() < deadline and alive(child), "the run never waited"
                time.sleep(0.1)
            dashboard.kill()
            dashboard.wait(10)
            # Well before the lock wait's own end (pg.LOCK_WAIT), which would also end it.
            deadline = time.monotonic() + GONE_WITHIN_S
            while alive(child):
                assert time.monotonic() < deadline, "the run went on after its dashboard died"
                time.sleep(0.1)
        finally:
            kill(child)
            if dashboard.poll() is None:
                dashboard.kill()
                dashboard.wait(10)
            if dashboard.stdout is not None:
                dashboard.stdout.close()
        holder.rollback()
    assert not _waiting_for_a_lock(db_dsn)
    assert scalar(db_dsn, "SELECT count(*) FROM store") == stores  # rolled back
