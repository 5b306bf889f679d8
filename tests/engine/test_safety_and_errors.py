"""Refusals, dry runs, rollbacks and bad input: clear message, exit code, nothing written."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import (
    ADMIN,
    SMALL,
    database_exists,
    dsn_for,
    query,
    scalar,
    write_config,
)

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]


def gen(cli: Any, dsn: str, *extra: str, env: dict[str, str] | None = None) -> Any:
    return cli("genonaut", "generate", "--database-url", dsn, *extra, env=env)


@pytest.mark.parametrize("name", ["genonaut", "genonaut_prod", "test", "demo_db"])
def test_refuses_names_without_demo_or_test(cli: Any, server_dsn: str, name: str) -> None:
    r = gen(cli, dsn_for(server_dsn, name), "--seed", "1")
    assert r.exit_code == 3, r.output
    assert f'refusing database "{name}"' in r.output and "_demo or _test" in r.output
    assert not database_exists(server_dsn, name)


def test_name_is_judged_however_the_url_is_written(cli: Any, server_dsn: str) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(server_dsn)
    params.pop("dbname", None)
    no_db = make_conninfo(**{k: str(v) for k, v in params.items()})
    # No database in the URL: libpq takes PGDATABASE.
    r = gen(cli, no_db, "--seed", "1", env={"PGDATABASE": "payroll"})
    assert r.exit_code == 3 and 'refusing database "payroll"' in r.output
    # ... or the user name.
    r = gen(cli, make_conninfo(no_db, user="postgres"), "--seed", "1", env={"PGDATABASE": ""})
    assert r.exit_code == 3 and 'refusing database "postgres"' in r.output
    # A URL whose path says _demo but whose dbname parameter says otherwise.
    if "host" in params:
        url = f"postgresql://postgres@/shop_demo?host={params['host']}&dbname=shop"
        r = gen(cli, url, "--seed", "1")
        assert r.exit_code == 3 and 'refusing database "shop"' in r.output


def test_app_env_production_refuses_every_write(
    cli: Any, db_dsn: str, server_dsn: str, db_name: str
) -> None:
    r = gen(cli, db_dsn, "--seed", "1", env={"APP_ENV": "production"})
    assert r.exit_code == 3 and "APP_ENV=production" in r.output
    assert not database_exists(server_dsn, db_name)


def test_database_url_is_required(cli: Any) -> None:
    r = cli("genonaut", "generate", "--seed", "1")
    assert r.exit_code == 2 and "--database-url is required" in r.output
    r = cli("genonaut", "generate", "--embedded", "--database-url", "x_demo")
    assert r.exit_code == 2 and "not both" in r.output


def test_schema_mismatch_is_refused(cli: Any, server_dsn: str, db_name: str, db_dsn: str) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    with psycopg.connect(db_dsn) as c:
        c.execute("CREATE TABLE users (id integer PRIMARY KEY, username text)")
    r = gen(cli, db_dsn, "--seed", "1")
    assert r.exit_code == 4, r.output
    assert "content_items, content_items_auto, generation_jobs missing" in r.output
    assert "alembic upgrade" not in r.output and "Fix:" in r.output
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 0


def test_missing_database_is_created_with_schema(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, small_config: Path
) -> None:
    r = gen(cli, db_dsn, "--seed", "1", "--config", str(small_config))
    assert r.exit_code == 0, r.output
    assert f'created database "{db_name}"' in r.output
    assert scalar(db_dsn, "SELECT count(*) FROM content_items") == 1200


def test_dry_run_writes_nothing(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, small_config: Path
) -> None:
    r = gen(cli, db_dsn, "--seed", "1", "--config", str(small_config), "--dry-run")
    assert r.exit_code == 0, r.output
    assert "does not exist yet" in r.output and "generation_jobs" in r.output
    assert "sample rows of content_items_auto" in r.output and "title=" in r.output
    assert not database_exists(server_dsn, db_name)
    assert gen(cli, db_dsn, "--seed", "1", "--config", str(small_config)).exit_code == 0
    before = scalar(db_dsn, "SELECT count(*) FROM generation_jobs")
    r = gen(cli, db_dsn, "--seed", "2", "--config", str(small_config), "--dry-run")
    assert r.exit_code == 0 and "schema matches the models" in r.output
    assert re.search(r"content_items +1,200\n", r.output)
    assert scalar(db_dsn, "SELECT count(*) FROM generation_jobs") == before


def test_failure_rolls_back_everything(cli: Any, db_dsn: str, small_config: Path) -> None:
    assert gen(cli, db_dsn, "--seed", "1", "--config", str(small_config)).exit_code == 0
    counts = {
        t: scalar(db_dsn, f"SELECT count(*) FROM {t}")
        for t in ("users", "content_items", "generation_jobs")
    }
    with psycopg.connect(db_dsn) as c:  # a constraint the generator does not know about
        c.execute(
            "ALTER TABLE content_items_auto ADD CONSTRAINT q CHECK (quality_score < 0.99) NOT VALID"
        )
    r = gen(cli, db_dsn, "--seed", "2", "--config", str(small_config))
    assert r.exit_code == 1, r.output
    assert (
        "the database refused the data" in r.output and 'violates check constraint "q"' in r.output
    )
    assert "rolled back" in r.output and "written before the failure: users 80" in r.output
    assert re.search(r"run failed after \d+\.\d\d s", r.output)  # spec 001: elapsed on error
    assert "reproduce with:" in r.output and "--seed 2" in r.output
    assert {t: scalar(db_dsn, f"SELECT count(*) FROM {t}") for t in counts} == counts


def test_too_many_admin_rows_already_is_refused(cli: Any, db_dsn: str, small_config: Path) -> None:
    assert gen(cli, db_dsn, "--seed", "1", "--config", str(small_config)).exit_code == 0
    with psycopg.connect(db_dsn) as c:
        c.execute(
            "UPDATE content_items SET creator_id = %s WHERE id IN (SELECT id FROM content_items WHERE creator_id <> %s LIMIT 3)",
            [ADMIN, ADMIN],
        )
    r = gen(cli, db_dsn, "--seed", "2", "--config", str(small_config))
    assert r.exit_code == 1 and "already has 53 rows owned by the admin" in r.output


BAD_INPUT = [
    (["--target-rows-users", "-3"], "target_rows_users (from command line)"),
    (["--batch_size_content_items", "lots"], "batch_size_content_items"),
    (["--target-rows-content-items", "10"], "admin-owned rows are needed"),
    (["--prompt-types", "Fashon"], "Did you mean 'Fashion'"),
    (["--target_rows_user", "5"], "Did you mean"),
    (["--config", "/nonexistent/config.json"], "does not exist"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_named(
    cli: Any,
    db_dsn: str,
    server_dsn: str,
    db_name: str,
    small_config: Path,
    args: list[str],
    message: str,
) -> None:
    extra = [] if "--config" in args else ["--config", str(small_config)]
    r = gen(cli, db_dsn, "--seed", "1", *extra, *args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not database_exists(server_dsn, db_name)


def test_admin_uuid_missing_prints_a_fresh_one(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    r = gen(
        cli,
        db_dsn,
        "--seed",
        "1",
        "--env-file",
        str(tmp_path / "none.env"),
        env={"DB_USER_ADMIN_UUID": ""},
    )
    assert r.exit_code == 2
    assert "DB_USER_ADMIN_UUID must be present" in r.output and "DB_USER_ADMIN_UUID=" in r.output


def _run(
    args: list[str], env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DB_USER_ADMIN_UUID": ADMIN, **(env or {})}
    return subprocess.run(
        args, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=300, **kw
    )


def test_spec_entry_point_and_no_tracebacks(db_dsn: str, small_config: Path) -> None:
    r = _run(
        [
            sys.executable,
            "-m",
            "genonaut.db.demo.seed_data_gen",
            "generate",
            "--database-url",
            db_dsn,
            "--config",
            str(small_config),
            "--seed",
            "3",
            "--dry-run",
        ]
    )
    assert r.returncode == 0, r.stderr
    assert "planned rows" in r.stdout
    r = _run(
        [
            sys.executable,
            "-m",
            "pgseed",
            "genonaut",
            "generate",
            "--database-url",
            "postgresql://x@/prod?host=/nonexistent",
        ]
    )
    assert r.returncode == 3 and "Traceback" not in r.stderr + r.stdout
    r = _run(
        [
            sys.executable,
            "-m",
            "pgseed",
            "genonaut",
            "generate",
            "--database-url",
            "postgresql://x@/a_test?host=/nonexistent",
        ]
    )
    assert r.returncode == 5 and "cannot connect" in r.stderr and "Traceback" not in r.stderr


def test_ctrl_c_rolls_back(server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path) -> None:
    big = dict(
        SMALL,
        seed_data_generator=dict(
            SMALL["seed_data_generator"], target_rows_content_items_auto=400_000
        ),
    )
    cfg = write_config(tmp_path, big)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pgseed",
            "genonaut",
            "generate",
            "--database-url",
            db_dsn,
            "--config",
            str(cfg),
            "--seed",
            "1",
        ],
        cwd=REPO,
        env={**os.environ, "DB_USER_ADMIN_UUID": ADMIN},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # A shell starting the suite in the background (`make test &`) ignores SIGINT,
        # and children inherit that; a terminal's Ctrl-C reaches a process that doesn't.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "content_items_auto:" in line:
            break
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    rest, _ = proc.communicate(timeout=120)
    out = "".join(lines) + rest
    assert proc.returncode == 130, out
    assert "rolled back" in out and "interrupted" in out and "Traceback" not in out
    assert database_exists(server_dsn, db_name)
    assert (
        scalar(db_dsn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'")
        == 0
    )


def _constraints(dsn: str) -> set[str]:
    rows = query(
        dsn,
        "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        " UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    )
    return {r[0] for r in rows}


def test_failed_bulk_run_keeps_indexes_and_keys(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, small_config: Path
) -> None:
    from pgseed.migrate import upgrade
    from pgseed.packs.genonaut.spec import MIGRATIONS

    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    with psycopg.connect(db_dsn) as c:  # an existing, empty schema: bulk mode applies
        upgrade(c, MIGRATIONS)
        c.execute("ALTER TABLE content_items_auto ADD CONSTRAINT q CHECK (quality_score < 0.99)")
    before = _constraints(db_dsn)
    assert "generation_jobs_result_content_id_fkey" in before
    assert "ix_generation_jobs_prompt_fts" in before
    r = gen(cli, db_dsn, "--seed", "2", "--config", str(small_config))
    assert r.exit_code == 1 and "rolled back" in r.output
    assert _constraints(db_dsn) == before
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 0
