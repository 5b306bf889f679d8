"""``--output DIR --format csv|json|parquet`` of seed-all and seed-profiles: the files hold
what the same command writes into an empty database (per table, as sets), and the
combinations that cannot be honoured are refused (exit 2, a Fix line) before any work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pyarrow.parquet as pq
import pytest
from psycopg import sql

from pgseed.packs.social.tables import COLUMNS
from tests.conftest import database_exists

pytestmark = pytest.mark.db

TINY = ["--runSeed", "out-1", "--count", "30", "--startDate", "2024-01-01"]

# (verb, its flags): each command's files against the same command into a database.
COMMANDS = {
    "seed-all": ("seed-all", ["--activityDays", "3"]),
    "seed-all --skipActivity": ("seed-all", ["--skipActivity"]),
    "seed-profiles": ("seed-profiles", []),
}


def _db_csv(conn: psycopg.Connection[Any], table: str, header: bytes) -> list[bytes]:
    q = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT WITH (FORMAT csv, HEADER)").format(
        sql.SQL(", ").join(map(sql.Identifier, header.decode().split(","))),
        sql.Identifier(table),
    )
    with conn.cursor().copy(q) as cp:
        return b"".join(bytes(c) for c in cp).split(b"\n")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_files_hold_what_the_database_gets(
    cli: Any, db_dsn: str, tmp_path: Path, command: str
) -> None:
    verb, flags = COMMANDS[command]
    out = tmp_path / "csv"
    files = cli("social", verb, *TINY, *flags, "--output", str(out))
    assert files.exit_code == 0, files.output
    # --output implies --skipJobs: the database run says so too, to compare like with like.
    jobs = ["--skipJobs"] if verb == "seed-all" else []
    real = cli("social", verb, "--database-url", db_dsn, *TINY, *flags, *jobs)
    assert real.exit_code == 0, real.output
    with psycopg.connect(db_dsn) as conn:
        for table in COLUMNS:
            lines = (out / f"{table}.csv").read_bytes().split(b"\n")
            db = _db_csv(conn, table, lines[0])
            assert db[0] == lines[0], table
            assert sorted(db[1:-1]) == sorted(lines[1:-1]), table
        users = conn.execute('SELECT count(*) FROM "User"').fetchone()
        likes = conn.execute('SELECT count(*) FROM "Like"').fetchone()
    assert users is not None and users[0] == 30
    assert likes is not None and (likes[0] > 0) == (command == "seed-all")


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_json_and_parquet_hold_the_same_rows(cli: Any, tmp_path: Path, fmt: str) -> None:
    csv_dir, other = tmp_path / "csv", tmp_path / fmt
    flags = [*TINY, "--activityDays", "2"]
    assert cli("social", "seed-all", *flags, "--output", str(csv_dir)).exit_code == 0
    result = cli("social", "seed-all", *flags, "--output", str(other), "--format", fmt)
    assert result.exit_code == 0, result.output
    for table in COLUMNS:
        n = len((csv_dir / f"{table}.csv").read_bytes().split(b"\n")) - 2
        if fmt == "json":
            rows = json.loads((other / f"{table}.json").read_text())
            assert len(rows) == n, table
            key = "interestId" if table == "InterestDirty" else "id"
            assert sorted(int(r[key]) for r in rows) == sorted(
                int(line.split(b",")[0])
                for line in (csv_dir / f"{table}.csv").read_bytes().split(b"\n")[1:-1]
            ), table
        else:
            assert pq.read_metadata(other / f"{table}.parquet").num_rows == n, table


def test_a_dry_run_with_output_writes_no_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "not-yet"
    result = cli(
        "social", "seed-all", *TINY, "--activityDays", "2", "--output", str(out), "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert not out.exists()
    assert f"would write to {out} (csv)" in result.output
    assert "--output implies --skipJobs" in result.output
    assert "sample rows of Like:" in result.output


@pytest.mark.parametrize(
    ("verb", "args", "says"),
    [
        ("seed-all", ["--database-url", "{dsn}"], "drop --database-url"),
        ("seed-profiles", ["--embedded"], "drop --database-url/--embedded"),
        ("seed-activity", ["--days", "2"], "seed-all --output DIR"),
        ("seed-activity", ["--days", "2", "--database-url", "{dsn}"], "no database to continue"),
        ("seed-all", ["--jobs-command", "npm run job -- {job}"], "drop --jobs-command"),
    ],
)
def test_output_with_a_database_is_refused(
    cli: Any,
    server_dsn: str,
    db_name: str,
    db_dsn: str,
    tmp_path: Path,
    verb: str,
    args: list[str],
    says: str,
) -> None:
    out = tmp_path / "files"
    flags = [a.replace("{dsn}", db_dsn) for a in args]
    result = cli("social", verb, "--runSeed", "x", *flags, "--output", str(out))
    assert result.exit_code == 2, result.output
    assert says in result.output and "Fix:" in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not database_exists(server_dsn, db_name)


@pytest.mark.parametrize("verb", ["seed-all", "seed-profiles", "seed-activity"])
def test_format_without_output_is_refused(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, verb: str
) -> None:
    result = cli("social", verb, "--database-url", db_dsn, "--runSeed", "x", "--format", "json")
    assert result.exit_code == 2, result.output
    assert "Fix: add --output DIR" in result.output
    assert not database_exists(server_dsn, db_name)
