"""Run history against what a new user does: URLs with passwords given anywhere, options
given to ``pgseed runs`` before ``show``, a mistyped ``--pack``, roles without the
grants, a ``pgseed.runs`` that is not pgseed's, and two first runs racing to create the
``pgseed`` schema."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed import dsn as dsn_module
from pgseed import history
from pgseed.packs.retail.rag import index
from tests.conftest import drop_database, dsn_for, query

pytestmark = pytest.mark.db

RETAIL = ["--stores", "1", "--products", "1", "--start-date", "2024-01-01"]
RETAIL += ["--end-date", "2024-01-03", "--max-workers", "1"]
SECRET = "Hush-4q8z"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"http://bob:{SECRET}@h:8/x", "http://bob:***@h:8/x"),
        (f"rag.embedding_url=https://k:{SECRET}@h/v1", "rag.embedding_url=https://k:***@h/v1"),
        (f"postgresql://me:p@{SECRET}@db/app_test", "postgresql://me:***@db/app_test"),
        (
            f"see ftp://a:{SECRET}@c/ and http://d:{SECRET}@e",
            "see ftp://a:***@c/ and http://d:***@e",
        ),
        ("http://h/x?y=1", "http://h/x?y=1"),
    ],
)
def test_redact_urls_hides_the_password_of_any_url(text: str, shown: str) -> None:
    assert dsn_module.redact_urls(text) == shown


def _file(tmp_path: Path) -> list[str]:
    path = tmp_path / "seed.yaml"
    path.write_text(f'rag:\n  embedding_url: "http://k:{SECRET}@127.0.0.1:9/v1"\n')
    return ["--config", str(path), "--verbose"]


URL_GIVERS: dict[str, Callable[[Path], list[str]]] = {
    "set": lambda _: ["--set", f"rag.embedding_url=http://k:{SECRET}@127.0.0.1:9/v1"],
    "set-verbose": lambda _: ["--set", f"rag.embedding_url=https://k:{SECRET}@h/v1", "--verbose"],
    "config-file": _file,
}


@pytest.mark.parametrize("given", list(URL_GIVERS))
def test_a_url_password_in_the_config_reaches_neither_output_nor_history(
    cli: Any, db_dsn: str, tmp_path: Path, given: str
) -> None:
    extra = URL_GIVERS[given](tmp_path)
    r = cli("retail", "generate", "--full-new", *RETAIL, *extra, "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    assert SECRET not in r.output
    recorded = json.dumps(query(db_dsn, "SELECT row_to_json(r) FROM pgseed.runs r"), default=str)
    assert "embedding_url" in recorded and SECRET not in recorded
    shown = cli("runs", "--database-url", db_dsn, "--json")
    assert shown.exit_code == 0 and SECRET not in shown.output


def _other(server_dsn: str, db_name: str) -> Iterator[str]:
    name = db_name.replace("_test", "_other_test")
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield dsn_for(server_dsn, name)
    drop_database(server_dsn, name)


other_db = pytest.fixture(_other)


@pytest.mark.parametrize(
    "shape",
    [
        ("runs", "--database-url", "{db}", "show", "1"),
        ("runs", "--json", "--database-url", "{db}", "show", "1"),
        ("runs", "--database-url", "{db}", "show", "1", "--json"),
        ("runs", "--pack", "retail", "--database-url", "{db}", "show", "1"),
    ],
)
def test_runs_show_reads_the_database_given_to_runs(
    cli: Any, db_dsn: str, other_db: str, shape: tuple[str, ...]
) -> None:
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    args = [a.replace("{db}", db_dsn) for a in shape]
    # $DATABASE_URL names another database: the one given to `runs` must win.
    shown = cli(*args, env={"DATABASE_URL": other_db})
    assert shown.exit_code == 0, shown.output
    assert "retail" in shown.output and "generate" in shown.output
    if "--json" in shape:
        assert json.loads(shown.output)["id"] == 1


def test_runs_show_refuses_two_different_targets(cli: Any, db_dsn: str, other_db: str) -> None:
    r = cli("runs", "--database-url", db_dsn, "show", "1", "--database-url", other_db)
    assert r.exit_code == 2 and "--database-url" in r.output and "Fix:" in r.output


@pytest.mark.parametrize(
    "args",
    [
        ("runs", "--pack", "retial"),
        ("runs", "--pack", "socail", "--json"),
        ("runs", "show", "1", "--pack", "genonat"),
        ("runs", "--pack", "fil", "show", "1"),
    ],
)
def test_a_mistyped_pack_is_exit_2_not_an_empty_history(
    cli: Any, db_dsn: str, args: tuple[str, ...]
) -> None:
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    shown = cli(*args, "--database-url", db_dsn)
    assert shown.exit_code == 2, shown.output
    assert "unknown pack" in shown.output and "Did you mean" in shown.output


@pytest.fixture
def weak(server_dsn: str, db_dsn: str, cli: Any) -> Iterator[tuple[str, str]]:
    """Retail data made by the superuser, and a role that may append to its tables
    (and nothing more): (its dsn, its name)."""
    role = f"weak_{uuid.uuid4().hex[:8]}"
    r = cli("retail", "generate", "--full-new", *RETAIL, "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        for grant in (
            "GRANT USAGE ON SCHEMA public TO {}",
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO {}",
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {}",
        ):
            c.execute(sql.SQL(grant).format(sql.Identifier(role)))
    yield psycopg.conninfo.make_conninfo(db_dsn, user=role), role
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    drop_database(server_dsn, db_dsn.split("dbname=")[1].split()[0])
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


GRANTS = {
    "none": [],
    "usage": ["GRANT USAGE ON SCHEMA pgseed TO {}"],
    "insert-no-update": [
        "GRANT USAGE ON SCHEMA pgseed TO {}",
        "GRANT SELECT, INSERT ON pgseed.runs TO {}",
    ],
    "update-no-insert": [
        "GRANT USAGE ON SCHEMA pgseed TO {}",
        "GRANT SELECT, UPDATE ON pgseed.runs TO {}",
    ],
}


@pytest.mark.parametrize("grants", list(GRANTS))
def test_a_role_without_the_grants_gets_a_warning_and_no_line_left_running(
    cli: Any, db_dsn: str, weak: tuple[str, str], grants: str
) -> None:
    dsn, role = weak
    with psycopg.connect(db_dsn, autocommit=True) as c:
        for grant in GRANTS[grants]:
            c.execute(sql.SQL(grant).format(sql.Identifier(role)))
    before = query(db_dsn, "SELECT count(*) FROM pgseed.runs")[0][0]
    args = ["--append", "--start-date", "2024-01-04", "--end-date", "2024-01-04", "--confirm"]
    r = cli("retail", "generate", *args, "--database-url", dsn)
    assert r.exit_code == 0, r.output
    assert "run history not recorded" in r.output and "GRANT" in r.output
    assert "GRANT CREATE ON DATABASE" not in r.output  # the schema is there: not the fix
    lines = query(db_dsn, "SELECT outcome FROM pgseed.runs ORDER BY id")
    assert len(lines) == before and ("running",) not in lines
    if grants != "insert-no-update":  # a role that may read it (or not) reads or is told
        shown = cli("runs", "--database-url", dsn)
        assert shown.exit_code in (0, 1), shown.output
        assert "unexpected" not in shown.output
        if shown.exit_code == 1:
            assert "pgseed.runs" in shown.output and "Fix: GRANT" in shown.output


@pytest.mark.parametrize(
    "foreign",
    [
        "CREATE TABLE pgseed.runs (id int, note text)",
        "CREATE TABLE pgseed.runs (id bigint, pack text, started_at timestamptz)",
    ],
)
def test_a_pgseed_runs_that_is_not_the_history_is_named(
    cli: Any, db_dsn: str, foreign: str
) -> None:
    r = cli("retail", "generate", "--full-new", *RETAIL, "--no-history", "--database-url", db_dsn)
    assert r.exit_code == 0, r.output
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute("CREATE SCHEMA pgseed")
        c.execute(foreign)
    for args in (("runs",), ("runs", "show", "1")):
        shown = cli(*args, "--database-url", db_dsn)
        assert shown.exit_code == 1, shown.output
        assert "pgseed.runs" in shown.output and "Fix:" in shown.output
        assert "unexpected" not in shown.output


def _begin(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        warned: list[str] = []

        class Warn:
            def warn(self, message: str) -> None:
                warned.append(message)

        history.begin(conn, history.record("retail", "generate", {}), Warn())  # type: ignore[arg-type]
        assert not warned, warned


def _ensure(dsn: str) -> None:
    with psycopg.connect(dsn) as conn, conn.transaction():
        index.ensure(conn, 8, local=True)


RACERS = {
    "history": [_begin] * 4,
    "rag": [_ensure] * 4,
    "both": [_begin, _ensure, _begin, _ensure],
}


@pytest.mark.parametrize("racers", list(RACERS))
def test_first_runs_racing_create_the_pgseed_schema_once(
    server_dsn: str, db_name: str, racers: str
) -> None:
    errors: list[BaseException] = []
    for trial in range(3):
        name = f"{db_name[:-5]}_race{trial}_test"
        drop_database(server_dsn, name)
        with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        dsn = dsn_for(server_dsn, name)
        start = threading.Barrier(len(RACERS[racers]))

        def run(step: Callable[[str], None], dsn: str = dsn, start: Any = start) -> None:
            start.wait()
            try:
                step(dsn)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f,)) for f in RACERS[racers]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        drop_database(server_dsn, name)
    assert not errors, errors


def test_an_outcome_that_cannot_be_written_is_said(
    server_dsn: str, db_name: str, db_dsn: str, tmp_path: Path
) -> None:
    """The run's connection is lost and the server cannot be reached again: the line
    stays `running`, and the run says so instead of leaving it silently."""
    from io import StringIO

    from pgseed.progress import Reporter

    with psycopg.connect(server_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    out = StringIO()
    rec = history.record("retail", "generate")
    assert rec is not None
    with psycopg.connect(db_dsn) as conn:
        history.begin(conn, rec, Reporter(out, progress=False))
        assert rec.id is not None
    gone = f"host={tmp_path} dbname=nowhere_test user=postgres"  # no server listens there
    history.end(conn, rec, {"store": 1}, None, gone)
    assert f"the outcome of run {rec.id} could not be written" in out.getvalue(), out.getvalue()
    assert query(db_dsn, "SELECT outcome FROM pgseed.runs WHERE id = %s", [rec.id]) == [
        ("running",)
    ]
    out.truncate(0)
    history.end(None, rec, {"store": 1}, None, db_dsn)  # reachable again: written, no word
    assert out.getvalue().strip("\x00") == "", out.getvalue()
    assert query(db_dsn, "SELECT outcome FROM pgseed.runs WHERE id = %s", [rec.id]) == [
        ("committed",)
    ]
