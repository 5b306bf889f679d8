"""Fixtures for ``pgseed fill``: databases holding the synthetic schema (synthetic.sql)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import drop_database, dsn_for

SYNTHETIC = Path(__file__).with_name("synthetic.sql")
SCHEMAS = ["Odd Schema", "app", "billing", "public"]


def create_db(server_dsn: str, ddl: str, prefix: str = "fill") -> tuple[str, str]:
    name = f"pgseed_{prefix}_{uuid.uuid4().hex[:8]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    dsn = dsn_for(server_dsn, name)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(ddl)  # type: ignore[arg-type]
    return name, dsn


@pytest.fixture
def make_db(server_dsn: str) -> Iterator[Callable[[str], str]]:
    """``make_db(ddl)`` -> DSN of a fresh *_test database holding ``ddl``."""
    made: list[str] = []

    def make(ddl: str) -> str:
        name, dsn = create_db(server_dsn, ddl)
        made.append(name)
        return dsn

    yield make
    for name in made:
        drop_database(server_dsn, name)


@pytest.fixture(scope="module")
def synthetic(server_dsn: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh databases with the synthetic schema (dropped at module end)."""
    made: list[str] = []

    def make() -> str:
        name, dsn = create_db(server_dsn, SYNTHETIC.read_text(), "synth")
        made.append(name)
        return dsn

    yield make
    for name in made:
        drop_database(server_dsn, name)
