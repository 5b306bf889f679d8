"""Issue 10 B: ``--allow-database NAME`` (and PGSEED_ALLOW_DATABASE) lets every verb of
every pack target a local development database whose name lacks _demo/_test, named
exactly, and never under APP_ENV=production."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import database_exists, drop_database, dsn_for, scalar

pytestmark = pytest.mark.db

RETAIL = ("--stores", "2", "--products", "3", "--end-date", "2024-01-10", "--seed", "1")
SMALL_GENONAUT = (
    "--target-rows-users", "6", "--target-rows-content-items", "60",
    "--target-rows-content-items-auto", "60", "--admin-items-per-table", "5",
    "--seed", "1", "--max-workers", "1",
)  # fmt: skip

# Every writing verb of every pack, then the reading ones (they judge the name too).
WRITES = {
    "genonaut generate": ("genonaut", "generate", *SMALL_GENONAUT),
    "retail full-new": ("retail", "generate", "--full-new", "--confirm", *RETAIL),
    "bookshop generate": ("bookshop", "generate", "--authors", "3", "--seed", "1"),
}
AFTER = {  # run on the database the write filled
    "genonaut generate": [("genonaut", "verify", *SMALL_GENONAUT[:-2])],
    "retail full-new": [
        ("retail", "generate", "--append", "--start-date", "2024-01-11",
         "--end-date", "2024-01-12", "--seed", "2", "--stores", "2", "--products", "3"),
        ("retail", "verify", "--stores", "2", "--products", "3", "--end-date", "2024-01-12",
         "--seed", "1"),
        ("retail", "report", "--out", "{tmp}/report"),
        ("retail", "generate", "--delete", "--scope", "facts", "--confirm"),
    ],
    "bookshop generate": [("bookshop", "verify", "--authors", "3")],
}  # fmt: skip
NAMES = ["forecastlab", "Genonaut Dev", "shop"]


@pytest.fixture(autouse=True)
def _bookshop(bookshop: None) -> None:
    """Every test here may run the example pack."""


@pytest.fixture
def dev_db(server_dsn: str, request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A database without _demo/_test, as an application's local one: (name, dsn)."""
    base = getattr(request, "param", "forecastlab")
    name = f"{base}{uuid.uuid4().hex[:6]}"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name, dsn_for(server_dsn, name)
    drop_database(server_dsn, name)


def _args(args: tuple[str, ...], tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in args]


@pytest.mark.parametrize("verb", list(WRITES))
def test_every_verb_refuses_it_and_names_the_flag(
    cli: Any, dev_db: tuple[str, str], verb: str, tmp_path: Path
) -> None:
    name, dsn = dev_db
    for args in [WRITES[verb], *AFTER[verb]]:
        r = cli(*_args(args, tmp_path), "--database-url", dsn)
        assert r.exit_code == 3, (args, r.output)
        assert f'refusing database "{name}"' in r.output
        assert f"--allow-database {name}" in r.output and "PGSEED_ALLOW_DATABASE" in r.output
    assert scalar(dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0


@pytest.mark.parametrize("verb", list(WRITES))
@pytest.mark.parametrize("how", ["flag", "env"])
def test_every_verb_runs_on_the_named_database(
    cli: Any, dev_db: tuple[str, str], verb: str, how: str, tmp_path: Path
) -> None:
    name, dsn = dev_db
    for args in [WRITES[verb], *AFTER[verb]]:
        if how == "flag":
            r = cli(*_args(args, tmp_path), "--database-url", dsn, "--allow-database", name)
        else:
            env = {"PGSEED_ALLOW_DATABASE": f"other_db, {name}"}
            r = cli(*_args(args, tmp_path), "--database-url", dsn, env=env)
        assert r.exit_code == 0, (args, r.output)
    assert scalar(dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") > 0


@pytest.mark.parametrize("dev_db", NAMES, indirect=True)
@pytest.mark.parametrize("verb", ["genonaut generate", "retail full-new"])
def test_never_under_app_env_production(cli: Any, dev_db: tuple[str, str], verb: str) -> None:
    name, dsn = dev_db
    for env in (
        {"APP_ENV": "production"},
        {"APP_ENV": "production", "PGSEED_ALLOW_DATABASE": name},
    ):
        r = cli(*WRITES[verb], "--database-url", dsn, "--allow-database", name, env=env)
        assert r.exit_code == 3, r.output
        assert "APP_ENV=production" in r.output
    assert scalar(dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0


@pytest.mark.parametrize("dev_db", NAMES, indirect=True)
def test_reading_is_refused_under_production_too(cli: Any, dev_db: tuple[str, str]) -> None:
    name, dsn = dev_db
    r = cli("retail", "verify", "--database-url", dsn, "--allow-database", name,
            env={"APP_ENV": "production"})  # fmt: skip
    assert r.exit_code == 3, r.output
    assert "APP_ENV=production" in r.output and "never applies" in r.output


@pytest.mark.parametrize("dev_db", NAMES, indirect=True)
@pytest.mark.parametrize("other", ["{name}2", "{upper}", "{name}_x", "*"])
def test_only_the_exact_name(cli: Any, dev_db: tuple[str, str], other: str) -> None:
    name, dsn = dev_db
    allowed = other.format(name=name, upper=name.upper())
    r = cli(*WRITES["retail full-new"], "--database-url", dsn, "--allow-database", allowed)
    assert r.exit_code == 3, r.output
    assert f'refusing database "{name}"' in r.output and allowed in r.output
    assert scalar(dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0


def test_the_allowance_ends_with_its_command(cli: Any, dev_db: tuple[str, str]) -> None:
    name, dsn = dev_db
    r = cli(*WRITES["retail full-new"], "--database-url", dsn, "--allow-database", name)
    assert r.exit_code == 0, r.output
    r = cli("retail", "verify", "--database-url", dsn, "--stores", "2", "--products", "3")
    assert r.exit_code == 3, r.output


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "empty database name"),
        ("forecastlab,", "empty database name"),
        ("postgresql://me@localhost/forecastlab", "expected a database name"),
        ("dbname=forecastlab", "expected a database name"),
    ],
)
def test_a_bad_allowance_is_exit_2(cli: Any, server_dsn: str, value: str, says: str) -> None:
    dsn = dsn_for(server_dsn, "forecastlab")
    r = cli(*WRITES["retail full-new"], "--database-url", dsn, "--allow-database", value)
    assert r.exit_code == 2, r.output
    assert says in r.output and "Traceback" not in r.output
    r = cli(
        *WRITES["retail full-new"],
        "--database-url",
        dsn,
        env={"PGSEED_ALLOW_DATABASE": value or ","},
    )
    assert r.exit_code == 2, r.output
    assert says in r.output and "PGSEED_ALLOW_DATABASE" in r.output
    assert not database_exists(server_dsn, "forecastlab")


def test_the_library_allows_it_in_a_block(dev_db: tuple[str, str]) -> None:
    import pgseed
    from pgseed.safety import allowing

    name, dsn = dev_db
    pack = pgseed.get_pack("bookshop")
    cfg = pack.config_model.model_validate({"seed": 1, "authors": 3})
    with pytest.raises(pgseed.SafetyError):
        pgseed.generate(pack, cfg, dsn, workers=1)
    with allowing([name]):
        pgseed.generate(pack, cfg, dsn, workers=1)
    assert scalar(dsn, "SELECT count(*) FROM authors") == 3
    with pytest.raises(pgseed.SafetyError):
        pgseed.verify(pack, cfg, dsn)
