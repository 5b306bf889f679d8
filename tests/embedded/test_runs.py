"""`pgseed runs --embedded`: every pack database of the embedded server, or one pack's."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.db


@pytest.mark.skipif(bool(os.environ.get("PGSEED_TEST_DSN")), reason="uses the embedded server")
def test_runs_reads_every_pack_database_of_the_embedded_server(cli: Any, tmp_path: Path) -> None:
    env = {"PGSEED_HOME": str(tmp_path / "pgs")}
    try:
        r = cli("runs", "--embedded", env=env)  # starts the server; no pack database yet
        assert r.exit_code == 0 and "no runs recorded" in r.output, r.output
        retail = ["--stores", "2", "--products", "3", "--end-date", "2024-01-10"]
        r = cli("retail", "generate", "--full-new", "--embedded", *retail, env=env)
        assert r.exit_code == 0, r.output
        social = ["--runSeed=e", "--count=20", "--activityDays=1", "--skipJobs"]
        r = cli("social", "seed-all", "--embedded", *social, env=env)
        assert r.exit_code == 0, r.output
        both = json.loads(cli("runs", "--embedded", "--json", env=env).output)
        assert [(x["database"], x["pack"]) for x in both] == [
            ("social_demo", "social"),
            ("retail_demo", "retail"),
        ]
        listed = cli("runs", "--embedded", env=env).output
        assert "social_demo" in listed and "retail_demo" in listed  # the database column
        one = json.loads(cli("runs", "--embedded", "--pack", "retail", "--json", env=env).output)
        assert [x["operation"] for x in one] == ["generate"]
        r = cli("runs", "show", "1", "--embedded", env=env)  # id 1 in both databases
        assert r.exit_code == 2 and "--pack" in r.output, r.output
        r = cli("runs", "show", "1", "--embedded", "--pack", "social", env=env)
        assert r.exit_code == 0 and "social seed-all, committed" in r.output, r.output
    finally:
        cli("db", "stop", env=env)
