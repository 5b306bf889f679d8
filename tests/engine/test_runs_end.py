"""Issue 10, how every writing verb ends: the reproduce line once, at the end (after the
summary of a run that succeeded, after the failure report of one that failed), and
``--output`` into a directory that holds one export (pgseed's earlier one is replaced
whole, a directory holding files pgseed did not write is refused with exit 2)."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.sinks import MANIFEST, formats
from tests.conftest import dsn_for

pytestmark = pytest.mark.db

GENONAUT = (
    "--target-rows-users", "6", "--target-rows-content-items", "60",
    "--target-rows-content-items-auto", "60", "--admin-items-per-table", "5",
    "--max-workers", "1",
)  # fmt: skip
RETAIL = ("--stores", "2", "--products", "3", "--end-date", "2024-01-10", "--max-workers", "1")
FILL_DDL = """
CREATE TABLE customers (id serial PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                     amount numeric(8,2) CHECK (amount > 0));
CREATE TABLE old_table (id int PRIMARY KEY, note text);
"""
# A run that the database refuses part-way: every table of the schema raises on INSERT.
SABOTAGE = """
CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$;
DO $$DECLARE t text; BEGIN
  FOR t IN SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE 'CREATE TRIGGER refuse BEFORE INSERT ON ' || t
         || ' FOR EACH ROW EXECUTE FUNCTION refuse_insert()';
  END LOOP; END$$;
"""

# verb -> its arguments for a database run (the target appended), without the seed
RUNS: dict[str, tuple[str, ...]] = {
    "fill": ("fill", "--rows", "5"),
    "genonaut generate": ("genonaut", "generate", *GENONAUT),
    "retail full-new": ("retail", "generate", "--full-new", "--confirm", *RETAIL),
    "bookshop generate": (
        "bookshop",
        "generate",
        "--confirm",
        "--authors",
        "3",
        "--books-per-author",
        "2",
    ),
}


@pytest.fixture(autouse=True)
def _bookshop(bookshop: None) -> None:
    """Every test here may run the example pack."""


@pytest.fixture
def target(server_dsn: str, db_name: str, request: pytest.FixtureRequest) -> str:
    """The run's database: fill's holds FILL_DDL; a pack's is empty (the pack creates it)."""
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    dsn = dsn_for(server_dsn, db_name)
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("verb") == "fill":
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(FILL_DDL)
    return dsn


def _sabotage(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(SABOTAGE)


def _args(verb: str, *extra: str) -> list[str]:
    return [*RUNS[verb], *extra]


def _once_at_the_end(output: str, after: str) -> None:
    """One reproduce line, after ``after`` (the summary or the failure report)."""
    assert output.count("reproduce with:") == 1, output
    assert "--seed" in output.split("reproduce with:")[1].splitlines()[0], output
    assert output.index(after) < output.index("reproduce with:"), output


# -- the reproduce line: once --------------------------------------------------------


@pytest.mark.parametrize("verb", list(RUNS))
def test_a_run_prints_its_reproduce_line_once(cli: Any, target: str, verb: str) -> None:
    """Drawn seed, success: once, after the summary. Failed: once, after the report."""
    ok = cli(*_args(verb), "--database-url", target)
    assert ok.exit_code == 0, ok.output
    _once_at_the_end(ok.output, "rows created")
    _sabotage(target)
    failed = cli(*_args(verb), "--database-url", target, "--seed", "4")
    assert failed.exit_code == 1, failed.output
    assert "refused by the test" in failed.output and "Traceback" not in failed.output
    _once_at_the_end(failed.output, "failed after")


def test_an_append_prints_its_reproduce_line_once(cli: Any, target: str) -> None:
    assert cli(*_args("retail full-new"), "--seed", "1", "--database-url", target).exit_code == 0
    more = ("retail", "generate", "--append", "--stores", "2", "--products", "3",
            "--database-url", target)  # fmt: skip
    ok = cli(*more, "--start-date", "2024-01-11", "--end-date", "2024-01-12", "--seed", "2")
    assert ok.exit_code == 0, ok.output
    _once_at_the_end(ok.output, "rows appended")
    _sabotage(target)
    failed = cli(*more, "--start-date", "2024-01-13", "--end-date", "2024-01-14", "--seed", "3")
    assert failed.exit_code == 1, failed.output
    _once_at_the_end(failed.output, "failed after")


def _full_disk(*_: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("verb", list(RUNS))
def test_an_export_prints_its_reproduce_line_once(
    cli: Any, target: str, tmp_path: Path, verb: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--database-url", target) if verb == "fill" else ()
    args = [*_args(verb), *db, "--output", str(tmp_path / "out"), "--format", "csv"]
    args = [a for a in args if a != "--confirm"]
    ok = cli(*args)
    assert ok.exit_code == 0, ok.output
    _once_at_the_end(ok.output, "rows written to")
    monkeypatch.setattr(formats.CsvFile, "write", _full_disk)
    failed = cli(*args, "--seed", "4")
    assert failed.exit_code == 1, failed.output
    assert "No space left on device" in failed.output and "Traceback" not in failed.output
    _once_at_the_end(failed.output, "failed after")
    assert "partial files were removed" in failed.output


# -- --output: one export per directory ----------------------------------------------


def _exported(directory: Path) -> dict[str, int]:
    files: dict[str, int] = json.loads((directory / MANIFEST).read_text())["files"]
    return files


@pytest.mark.parametrize("verb", list(RUNS))
def test_each_verb_replaces_its_earlier_export_whole(
    cli: Any, target: str, tmp_path: Path, verb: str
) -> None:
    out = tmp_path / "out"
    db = ("--database-url", target) if verb == "fill" else ()
    args = [a for a in _args(verb, *db, "--seed", "1") if a != "--confirm"]
    assert cli(*args, "--output", str(out), "--format", "csv").exit_code == 0
    first = _exported(out)
    if verb == "fill":  # a table dropped since the first export
        with psycopg.connect(target, autocommit=True) as c:
            c.execute("DROP TABLE old_table")
        assert "public.old_table.csv" in first
    r = cli(*args, "--output", str(out), "--format", "json")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([MANIFEST, *_exported(out)])
    assert all(n.endswith(".json") for n in names), names  # no csv of the first export left
    assert len(_exported(out)) == len(first) - (verb == "fill")


@pytest.mark.parametrize("verb", list(RUNS))
@pytest.mark.parametrize("foreign", ["notes.txt", "public.stale_table.csv", "data/"])
def test_each_verb_refuses_a_directory_with_foreign_files(
    cli: Any, target: str, tmp_path: Path, verb: str, foreign: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if foreign.endswith("/"):
        (out / foreign).mkdir()
    else:
        (out / foreign).write_text("not pgseed's")
    before = sorted(p.name for p in out.iterdir())
    db = ("--database-url", target) if verb == "fill" else ()
    args = [a for a in _args(verb, *db, "--seed", "1") if a != "--confirm"]
    r = cli(*args, "--output", str(out), "--format", "csv")
    assert r.exit_code == 2, r.output
    assert foreign in r.output and "pgseed did not write" in r.output
    assert "\nFix: choose a new or empty directory for --output" in r.output
    assert "Traceback" not in r.output and "reproduce with:" not in r.output
    assert sorted(p.name for p in out.iterdir()) == before
    if not foreign.endswith("/"):
        assert (out / foreign).read_text() == "not pgseed's"
