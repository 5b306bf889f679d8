"""Issue 8, kind 5: runs started at the same moment on a database that does not exist
yet. Creation and migration are serialised: later runs wait and go on (or, where
going on would destroy the first run's rows without --confirm, refuse with exit 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN, SMALL, scalar

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]

# Imports first (the slow part), then every process waits for the same start signal.
LAUNCHER = """
import os, sys, time
from pgseed.cli import main
go = sys.argv[1]
open(f"{go}.ready.{os.getpid()}", "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
sys.argv = ["pgseed", *sys.argv[2:]]
main()
"""


def race(tmp_path: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    go = tmp_path / "go"
    env = {**os.environ, "DB_USER_ADMIN_UUID": ADMIN, "APP_ENV": "",
           "PGSEED_HOME": str(tmp_path / "home")}  # fmt: skip
    procs = [
        subprocess.Popen([sys.executable, "-c", LAUNCHER, str(go), *cmd], cwd=REPO, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for cmd in commands
    ]  # fmt: skip
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready.*"))) < len(procs):
        assert time.monotonic() < deadline, "launchers did not start"
        time.sleep(0.05)
    go.touch()
    out = []
    for p in procs:
        stdout, _ = p.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, ""))
    return out


def test_genonaut_runs_at_once_on_a_missing_database(
    tmp_path: Path, db_dsn: str, small_config: Path
) -> None:
    runs = race(tmp_path, [["genonaut", "generate", "--database-url", db_dsn, "--config",
                            str(small_config), "--seed", str(s), "--max-workers", "1"]
                           for s in (1, 2, 3)])  # fmt: skip
    for r in runs:
        assert r.returncode == 0, r.stdout
        assert "CREATEDB" not in r.stdout and "already exists" not in r.stdout
    users = SMALL["seed_data_generator"]["target_rows_users"]
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 3 * users + 1
    assert scalar(db_dsn, "SELECT count(*) FROM alembic_version") == 1
    verify = subprocess.run(
        [sys.executable, "-m", "pgseed", "genonaut", "verify", "--database-url", db_dsn,
         "--config", str(small_config)],
        cwd=REPO, env={**os.environ, "DB_USER_ADMIN_UUID": ADMIN}, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


# No product launches inside the range, so every seed gives 2 x 3 x 31 snapshots.
RETAIL = ["retail", "generate", "--full-new", "--stores", "2", "--products", "3",
          "--end-date", "2024-01-31", "--max-workers", "1",
          "--set", "dimensions.products.new_product_share=0"]  # fmt: skip


@pytest.mark.parametrize(("confirm", "codes"), [(True, [0, 0, 0]), (False, [0, 3, 3])])
def test_retail_full_new_at_once(
    tmp_path: Path, db_dsn: str, confirm: bool, codes: list[int]
) -> None:
    extra = ["--confirm"] if confirm else []
    runs = race(tmp_path, [[*RETAIL, "--database-url", db_dsn, "--seed", str(s), *extra]
                           for s in (1, 2, 3)])  # fmt: skip
    assert sorted(r.returncode for r in runs) == codes, [r.stdout for r in runs]
    for r in runs:
        assert "Traceback" not in r.stdout and "CREATEDB" not in r.stdout
        if r.returncode == 3:
            assert "needs --confirm" in r.stdout
    # One whole data set, whichever run went last: 2 stores x 3 products x 31 days.
    assert scalar(db_dsn, "SELECT count(*) FROM inventory_snapshot_daily") == 2 * 3 * 31
    assert scalar(db_dsn, "SELECT count(*) FROM store") == 2


def test_waiting_run_says_whom_it_waits_for(
    cli: Any, tmp_path: Path, db_dsn: str, small_config: Path
) -> None:
    import psycopg

    from pgseed import locks

    assert cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(small_config),
               "--seed", "1", "--max-workers", "1").exit_code == 0  # fmt: skip
    with psycopg.connect(db_dsn) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [locks.RUN])
        (run,) = [
            subprocess.Popen(
                [sys.executable, "-m", "pgseed", "genonaut", "generate", "--database-url", db_dsn,
                 "--config", str(small_config), "--seed", "2", "--max-workers", "1"],
                cwd=REPO, env={**os.environ, "DB_USER_ADMIN_UUID": ADMIN},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
        ]  # fmt: skip
        deadline = time.monotonic() + 60
        while not scalar(db_dsn, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                         " AND NOT granted"):  # fmt: skip
            assert time.monotonic() < deadline and run.poll() is None
            time.sleep(0.1)
        holder.rollback()
    stdout, _ = run.communicate(timeout=300)
    assert run.returncode == 0, stdout
    assert "waiting for another pgseed run (server process" in stdout


def test_the_same_append_three_times_at_once(tmp_path: Path, db_dsn: str, cli: Any) -> None:
    """All three pass the first look (nothing appended yet) and queue on the run lock; one
    appends, the others find the days there under the lock and say so (exit 0)."""
    import psycopg

    from pgseed import locks

    assert cli(*RETAIL, "--database-url", db_dsn).exit_code == 0
    append = [a for a in RETAIL if a not in ("--full-new", "--end-date", "2024-01-31")]
    append += ["--append", "--end-date", "2024-02-10", "--database-url", db_dsn]
    env = {**os.environ, "APP_ENV": ""}
    with psycopg.connect(db_dsn) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [locks.RUN])
        procs = [
            subprocess.Popen([sys.executable, "-m", "pgseed", *append], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(3)
        ]  # fmt: skip
        deadline = time.monotonic() + 120
        while scalar(db_dsn, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                     " AND NOT granted") < 3:  # fmt: skip
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
            time.sleep(0.1)
        holder.rollback()
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    said = sorted("applied by another run" in out for out in outs)
    assert said == [False, True, True], outs
    assert scalar(db_dsn, "SELECT max(date)::text FROM inventory_snapshot_daily") == "2024-02-10"
    assert scalar(db_dsn, "SELECT count(*) FROM inventory_snapshot_daily") == 2 * 3 * 41


def test_both_packs_at_once_in_one_new_database(
    tmp_path: Path, db_dsn: str, small_config: Path
) -> None:
    """Each pack keeps its migration's revision in its own table, so they share a database."""
    runs = race(tmp_path, [
        ["genonaut", "generate", "--database-url", db_dsn, "--config", str(small_config),
         "--seed", "1", "--max-workers", "1"],
        [*RETAIL, "--database-url", db_dsn, "--seed", "1"],
    ])  # fmt: skip
    assert [r.returncode for r in runs] == [0, 0], [r.stdout for r in runs]
    assert scalar(db_dsn, "SELECT version_num FROM alembic_version") == "0001_genonaut"
    assert scalar(db_dsn, "SELECT count(*) FROM alembic_version_retail") == 1
    assert scalar(db_dsn, "SELECT count(*) FROM store") == 2
