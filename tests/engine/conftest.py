"""Fixtures of the engine's tests."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.conftest import dsn_for


@pytest.fixture
def conn(server_dsn: str, db_name: str) -> Iterator[psycopg.Connection]:
    """A connection to a new empty database (dropped after the test by ``db_name``)."""
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    with psycopg.connect(dsn_for(server_dsn, db_name)) as c:
        yield c
