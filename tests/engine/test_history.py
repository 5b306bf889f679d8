"""Run history: every database operation of every pack leaves one row in pgseed.runs,
committed, failed or rolled back; ``--no-history`` leaves none; ``pgseed runs`` reads them.

(A run stopped by a signal is in tests/engine/test_signals.py: its row says "rolled back".)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import SMALL, dsn_for, query, scalar, write_config

pytestmark = pytest.mark.db

RETAIL = ["--stores", "2", "--products", "3", "--start-date", "2024-01-01"]
RETAIL += ["--end-date", "2024-01-20"]
SOCIAL = ["--runSeed=hist", "--count=30", "--activityDays=2", "--startDate=2024-03-01"]


def _runs(dsn: str) -> list[dict[str, Any]]:
    rows = query(
        dsn,
        "SELECT id, pack, operation, scenario, seed, config, version, outcome, error, rows, "
        "reproduce, ended_at IS NOT NULL FROM pgseed.runs ORDER BY id",
    )
    keys = "id pack operation scenario seed config version outcome error rows reproduce ended"
    return [dict(zip(keys.split(), r, strict=True)) for r in rows]


def _has_history(dsn: str) -> bool:
    return bool(scalar(dsn, "SELECT to_regclass('pgseed.runs') IS NOT NULL"))


def test_every_retail_operation_leaves_its_line(cli: Any, db_dsn: str) -> None:
    url = ["--database-url", db_dsn]
    steps = [
        (["generate", "--full-new", *RETAIL, "--confirm"], 0),
        (["generate", "--full-new", *RETAIL], 3),  # refused: rows and no --confirm
        (["generate", "--append", "--end-date", "2024-01-25", "--seed", "7"], 0),
        (["generate", "--delete", "--scope", "facts", "--confirm"], 0),
        (["generate", "--delete", "--scope", "all", "--dry-run"], 0),  # a preview: no line
    ]
    sales: list[int] = []
    for args, code in steps:
        r = cli("retail", *args, *url)
        assert r.exit_code == code, r.output
        sales.append(scalar(db_dsn, "SELECT count(*) FROM sales_daily"))
    runs = _runs(db_dsn)
    assert [(r["operation"], r["outcome"]) for r in runs] == [
        ("generate", "committed"),
        ("generate", "failed"),
        ("append", "committed"),
        ("delete", "committed"),
    ]
    full, refused, append, delete = runs
    assert full["pack"] == "retail" and full["scenario"] == "retail_standard"
    assert full["seed"] == "42" and full["config"]["dimensions"]["stores"]["count"] == 2
    assert full["rows"]["store"] == 2 and full["rows"]["calendar"] == 20
    assert full["rows"]["sales_daily"] == sales[0] > 0
    assert full["version"] and full["ended"] and full["error"] is None
    assert "--full-new" in full["reproduce"] and "--seed 42" in full["reproduce"]
    assert "--confirm" in refused["error"] and refused["ended"]
    assert append["seed"] == "7" and append["config"]["append"]["end"] == "2024-01-25"
    assert append["rows"]["calendar"] == 5
    assert append["rows"]["sales_daily"] == sales[2] - sales[1] > 0
    assert delete["config"] == {"scope": "facts"} and delete["seed"] is None
    assert delete["rows"]["sales_daily"] == sales[2] and "store" not in delete["rows"]


def test_genonaut_fill_and_social_verbs_leave_their_lines(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path
) -> None:
    cfg = str(write_config(tmp_path, SMALL))
    genonaut = dsn_for(server_dsn, db_name)
    r = cli("genonaut", "generate", "--database-url", genonaut, "--config", cfg, "--seed", "5")
    assert r.exit_code == 0, r.output
    users = scalar(genonaut, "SELECT count(*) FROM users")
    r = cli("fill", "--database-url", genonaut, "--rows", "10", "--seed", "9")
    assert r.exit_code == 0, r.output
    lines = _runs(genonaut)
    assert [(x["pack"], x["operation"], x["outcome"], x["seed"]) for x in lines] == [
        ("genonaut", "generate", "committed", "5"),
        ("fill", "fill", "committed", "9"),
    ]
    assert lines[0]["rows"]["users"] == users > 0
    assert lines[1]["rows"]["public.users"] == 10
    # fill reflects every schema but pgseed's own: it added no row to the history
    assert "pgseed.runs" not in json.dumps(lines[1]["rows"])
    assert scalar(genonaut, "SELECT count(*) FROM pgseed.runs") == 2

    social = dsn_for(server_dsn, db_name.replace("_test", "s_test"))
    try:
        url = ["--database-url", social]
        for args in (
            ["seed-all", *SOCIAL, "--skipJobs"],
            ["run-job", "trending"],
            ["reset", "--scope", "activity", "--confirm"],
        ):
            r = cli("social", *args, *url)
            assert r.exit_code == 0, r.output
        lines = _runs(social)
        assert [(x["operation"], x["outcome"]) for x in lines] == [
            ("seed-all", "committed"),
            ("run-job", "committed"),
            ("reset", "committed"),
        ]
        seed_all, job, reset = lines
        assert seed_all["seed"] == "hist" and seed_all["config"]["count"] == 30
        assert seed_all["rows"]["User"] == 30 and "--runSeed=hist" in seed_all["reproduce"]
        assert job["config"]["job"] == "trending" and list(job["rows"]) == ["trending"]
        assert reset["config"] == {"scope": "activity"} and sum(reset["rows"].values()) > 0
    finally:
        from tests.conftest import drop_database

        drop_database(server_dsn, db_name.replace("_test", "s_test"))


def test_a_failed_run_is_rolled_back_but_keeps_its_line(cli: Any, db_dsn: str) -> None:
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    # An application trigger that fails the next run half-way through its load.
    with psycopg.connect(db_dsn) as c:
        c.execute(
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the application refuses this row'; END $$;"
            "CREATE TRIGGER boom BEFORE INSERT ON promotion FOR EACH ROW EXECUTE FUNCTION boom()"
        )
    before = scalar(db_dsn, "SELECT count(*) FROM sales_daily")
    r = cli("retail", "generate", "--append", "--end-date", "2024-02-10", "--database-url", db_dsn)
    assert r.exit_code == 1, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM sales_daily") == before  # rolled back
    last = _runs(db_dsn)[-1]
    assert (last["operation"], last["outcome"], last["ended"]) == ("append", "failed", True)
    assert "the application refuses this row" in last["error"]


def test_no_history_records_nothing(cli: Any, db_dsn: str) -> None:
    r = cli("retail", "generate", "--full-new", *RETAIL, "--no-history", "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    assert not _has_history(db_dsn)  # not even the schema
    r = cli("retail", "generate", "--delete", "--confirm", "--no_history", "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    assert not _has_history(db_dsn)
    r = cli("runs", "--database-url", db_dsn)
    assert r.exit_code == 0 and "no runs recorded" in r.output, r.output


def test_the_password_never_reaches_the_history(cli: Any, db_dsn: str) -> None:
    # The test server trusts local connections, so any password gets in.
    url = f"{db_dsn} password=s3cr3t-pw"
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", url)
    assert r.exit_code == 0, r.output
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", url)  # refused
    assert r.exit_code == 3, r.output
    text = json.dumps(_runs(db_dsn), default=str)
    assert "s3cr3t-pw" not in text
    shown = cli("runs", "--database-url", db_dsn, "--json")
    assert shown.exit_code == 0 and "s3cr3t-pw" not in shown.output


def test_runs_lists_filters_and_shows_one(cli: Any, db_dsn: str) -> None:
    url = ["--database-url", db_dsn]
    assert cli("retail", "generate", "--full-new", *RETAIL, *url).exit_code == 0
    r = cli("fill", *url, "--rows", "5", "--seed", "3")
    assert r.exit_code == 0, r.output
    listed = cli("runs", *url)
    assert listed.exit_code == 0, listed.output
    assert "retail" in listed.output and "fill" in listed.output
    assert "committed" in listed.output
    only = json.loads(cli("runs", *url, "--pack", "retail", "--json").output)
    assert [(x["pack"], x["operation"]) for x in only] == [("retail", "generate")]
    everything = json.loads(cli("runs", *url, "--json").output)
    assert [x["pack"] for x in everything] == ["fill", "retail"]  # newest first
    assert everything[1]["rows"]["store"] == 2
    one = cli("runs", "show", str(only[0]["id"]), *url)
    assert one.exit_code == 0, one.output
    assert "retail generate, committed" in one.output
    assert "reproduce with:" in one.output and "--full-new" in one.output
    assert '"scenario": "retail_standard"' in one.output
    missing = cli("runs", "show", "999", *url)
    assert missing.exit_code == 2 and "no run 999" in missing.output
    assert "Traceback" not in missing.output
    unknown = cli("runs", "--embedded", "--pack", "retial")
    assert unknown.exit_code == 2 and "unknown pack" in unknown.output
