"""Shared fixtures: a real PostgreSQL (PGSEED_TEST_DSN, else an embedded server
started once per test session) and a fresh *_test database per test."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgseed import embedded
from pgseed.cli import main

ADMIN = "121e194b-4caa-4b81-ad4f-86ca3919d5b9"

SMALL = {
    "images_dir": "data/images",
    "seed_data_generator": {
        "batch_size_users": 40,
        "batch_size_content_items": 500,
        "batch_size_content_items_auto": 700,
        "batch_size_generation_jobs": 900,
        "target_rows_users": 80,
        "target_rows_content_items": 1200,
        "target_rows_content_items_auto": 2100,
    },
}


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    dsn = os.environ.get("PGSEED_TEST_DSN")
    if dsn:
        from pgseed.dsn import parse

        yield parse(dsn, "PGSEED_TEST_DSN")  # an application's SQLAlchemy URL too
        return
    # Not under tmp_path: as root the server runs as another user, and every pytest
    # session started meanwhile on the machine resets /tmp/pytest-of-root to 0700,
    # which locks that user out of a data directory below it.
    base = Path(tempfile.mkdtemp(prefix="pgseed-test-server-"))
    try:
        yield embedded.start(base, cleanup="delete")
    finally:
        embedded.stop(base)
        shutil.rmtree(base, ignore_errors=True)


def dsn_for(server_dsn: str, name: str) -> str:
    return make_conninfo(server_dsn, dbname=name)


def drop_database(server_dsn: str, name: str) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_exists(server_dsn: str, name: str) -> bool:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        return (
            c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        )


@pytest.fixture
def db_name(server_dsn: str) -> Iterator[str]:
    """A fresh database name ending in _test (not created); dropped afterwards."""
    name = f"pgseed_{uuid.uuid4().hex[:10]}_test"
    yield name
    drop_database(server_dsn, name)


@pytest.fixture
def bookshop() -> Iterator[None]:
    """docs/packs.md's example pack (examples/bookshop.py), registered as a third-party
    pack would be, for the test's duration."""
    from pgseed import packs

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(packs.BUILTIN, "bookshop", "examples.bookshop:PACK")
        packs.registry.cache_clear()
        yield
    packs.registry.cache_clear()


@pytest.fixture
def db_dsn(server_dsn: str, db_name: str) -> str:
    return dsn_for(server_dsn, db_name)


@pytest.fixture
def small_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(SMALL))
    return path


def write_config(tmp_path: Path, data: dict[str, Any], name: str = "config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``pgseed ARGS`` in-process with the admin UUID set; returns click's Result.
    ``sys.argv`` is set as a shell would set it: the reproduce line is read from it."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        monkeypatch.setattr("sys.argv", ["pgseed", *args])
        base_env = {
            "DB_USER_ADMIN_UUID": ADMIN,
            "APP_ENV": "",
            "PGSEED_HOME": str(tmp_path / "home"),
        }
        base_env.update(env or {})
        return CliRunner().invoke(main, list(args), env=base_env, catch_exceptions=True)

    return invoke


def query(dsn: str, q: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as c:
        return c.execute(q, params or []).fetchall()  # type: ignore[arg-type]


def scalar(dsn: str, q: str, params: list[Any] | None = None) -> Any:
    return query(dsn, q, params)[0][0]
