"""What a new user hit trying to break the social verbs (the dry run refuses what the run
refuses; a stop while the application's job runner runs; the window's end; the safety
flag every pack has)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import dsn_for, scalar

pytestmark = pytest.mark.db


def test_a_dry_run_refuses_a_bad_copy_format_as_the_run_does(cli: Any, db_dsn: str) -> None:
    for extra in ((), ("--dry-run",)):
        r = cli(
            "social", "seed-all", "--database-url", db_dsn, "--runSeed", "r", "--count", "5",
            "--activityDays", "1", *extra, env={"PGSEED_SOCIAL_COPY": "junk"},
        )  # fmt: skip
        assert r.exit_code == 2, (extra, r.output)
        assert "PGSEED_SOCIAL_COPY" in r.output and "Fix:" in r.output


def test_a_dry_run_refuses_an_output_directory_of_foreign_files(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    for extra in ((), ("--dry-run",)):
        r = cli(
            "social", "seed-all", "--runSeed", "r", "--count", "5", "--activityDays", "1",
            "--output", str(tmp_path), *extra,
        )  # fmt: skip
        assert r.exit_code == 2, (extra, r.output)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_window_end_check_uses_days(cli: Any, db_dsn: str) -> None:
    """--days 5 from 2200-12-10 ends inside the allowed range; 30 days would not."""
    seeded = cli(
        "social", "seed-profiles", "--database-url", db_dsn, "--runSeed", "w", "--count", "20",
        "--startDate", "2200-12-01",
    )  # fmt: skip
    assert seeded.exit_code == 0, seeded.output
    ok = cli(
        "social", "seed-activity", "--database-url", db_dsn, "--runSeed", "w",
        "--startDate", "2200-12-10", "--days", "5", "--dry-run",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    late = cli(
        "social", "seed-activity", "--database-url", db_dsn, "--runSeed", "w",
        "--startDate", "2200-12-10", "--days", "30", "--dry-run",
    )  # fmt: skip
    assert late.exit_code == 2, late.output


def test_allow_database_is_a_social_flag_too(cli: Any, server_dsn: str) -> None:
    target = dsn_for(server_dsn, "socialprod")  # no _demo/_test: refused unless allowed
    refused = cli("social", "seed-all", "--database-url", target, "--runSeed", "a", "--dry-run")
    assert refused.exit_code == 3, refused.output
    assert "--allow-database socialprod" in refused.output
    allowed = cli(
        "social", "seed-all", "--database-url", target, "--runSeed", "a", "--count", "5",
        "--activityDays", "1", "--dry-run", "--allow-database", "socialprod",
    )  # fmt: skip
    assert allowed.exit_code == 0, allowed.output


def test_a_stop_while_the_job_runner_runs_says_the_seed_is_committed(db_dsn: str) -> None:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "pgseed", "social", "seed-all", "--database-url", db_dsn,
            "--runSeed", "j", "--count", "30", "--activityDays", "1",
            "--jobs-command", "sh -c 'sleep 60; echo {job}'",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the seed is committed and the runner waits
        try:
            if scalar(db_dsn, 'SELECT count(*) FROM "SeedRun"') == 2:
                break
        except Exception:  # the database or its schema is not there yet
            pass
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, out + err
    assert "the seeded data is committed" in out + err and "run-job" in out + err
    assert scalar(db_dsn, 'SELECT count(*) FROM "User"') == 30
