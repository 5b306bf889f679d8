"""`pgseed db start|status|url|stop` on a throwaway embedded server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest

pytestmark = pytest.mark.db


@pytest.mark.skipif(bool(os.environ.get("PGSEED_TEST_DSN")), reason="uses the embedded server")
def test_db_verbs(cli: Any, tmp_path: Path) -> None:
    env = {"PGSEED_HOME": str(tmp_path / "pgs")}
    r = cli("db", "status", env=env)
    assert r.exit_code == 1 and "not running" in r.output
    r = cli("db", "url", env=env)
    assert r.exit_code == 5 and "pgseed db start" in r.output
    try:
        r = cli("db", "start", env=env)
        assert r.exit_code == 0, r.output
        r = cli("db", "status", env=env)
        assert r.exit_code == 0 and "running (pid" in r.output
        url = cli("db", "url", "postgres", env=env).output.strip()
        with psycopg.connect(url) as c:
            assert str(c.execute("SHOW server_version").fetchone()[0]).startswith("18")  # type: ignore[index]
    finally:
        r = cli("db", "stop", env=env)
    assert r.exit_code == 0 and "stopped" in r.output
    assert cli("db", "status", env=env).exit_code == 1
