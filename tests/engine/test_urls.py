"""Issue 10 B: the URL an application hands SQLAlchemy (``postgresql+asyncpg://``,
``+psycopg://``, ``+psycopg2://``, ``+pg8000://``, ``postgres://``, with asyncpg's query
options) is accepted wherever pgseed takes a database URL; another database's URL, or an
option libpq does not know, is exit 2 with the fix; no message shows the password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from tests.conftest import database_exists, dsn_for, scalar

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]

SCHEMES = [
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg2",
    "postgresql+pg8000",
    "postgres",
    "postgres+asyncpg",
]
# Query options an application's URL carries: asyncpg's ssl=, its driver-only tuning.
OPTIONS = [
    "",
    "ssl=disable",
    "ssl=prefer&prepared_statement_cache_size=0",
    "command_timeout=60&statement_cache_size=0",
    "ssl=false&application_name=myapp",
]
RETAIL = ["retail", "generate", "--full-new", "--confirm", "--stores", "2", "--products", "3",
          "--end-date", "2024-01-10", "--seed", "1"]  # fmt: skip


def sqlalchemy_url(server_dsn: str, scheme: str, dbname: str, options: str = "") -> str:
    """The server's address as an application's SQLAlchemy URL."""
    p = {k: str(v) for k, v in conninfo_to_dict(server_dsn).items()}
    user = quote(p.get("user", "postgres"), safe="")
    password = f":{quote(p['password'], safe='')}" if p.get("password") else ""
    query = []
    host = p.get("host", "")
    if host.startswith("/") or not host:
        netloc = f"{user}{password}@"
        if host:
            query.append(f"host={quote(host, safe='/')}")
        if p.get("port"):
            query.append(f"port={p['port']}")
    else:
        netloc = f"{user}{password}@{host}" + (f":{p['port']}" if p.get("port") else "")
    if options:
        query.append(options)
    return f"{scheme}://{netloc}/{dbname}" + ("?" + "&".join(query) if query else "")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_sqlalchemy_urls_are_accepted_by_flag_and_variable(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, scheme: str
) -> None:
    options = OPTIONS[SCHEMES.index(scheme) % len(OPTIONS)]
    url = sqlalchemy_url(server_dsn, scheme, db_name, options)
    r = cli(*RETAIL, "--database-url", url)
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM store") == 2
    r = cli("retail", "verify", "--stores", "2", "--products", "3", "--end-date", "2024-01-10",
            "--seed", "1", env={"DATABASE_URL": url})  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli("genonaut", "generate", "--dry-run", "--seed", "1", "--database-url", url)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("options", OPTIONS[1:])
def test_asyncpg_options_on_the_library_path(
    server_dsn: str, db_name: str, db_dsn: str, options: str
) -> None:
    import pgseed

    url = sqlalchemy_url(server_dsn, "postgresql+asyncpg", db_name, options)
    pack = pgseed.get_pack("retail")
    cfg = pack.config_model.model_validate(
        {"seed": 1, "dimensions": {"stores": {"count": 2}, "products": {"count": 3}},
         "date_range": {"start": "2024-01-01", "end": "2024-01-05"}}
    )  # fmt: skip
    result = pgseed.generate(pack, cfg, url, confirm=True, workers=1)
    assert result.written["store"] == 2
    assert scalar(db_dsn, "SELECT count(*) FROM product") == 3
    assert not pgseed.verify(pack, cfg, url).failed


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql+pymysql://me:Qz9secretpw@localhost/shop_test", "mysql+pymysql://"),
        ("mysql://me:Qz9secretpw@localhost/shop_test", "mysql://"),
        ("sqlite:///shop_test.db", "sqlite://"),
        ("mssql+pyodbc://me:Qz9secretpw@dsn_test", "mssql+pyodbc://"),
        ("postgressql+asyncpg://me:Qz9secretpw@localhost/shop_test", "Did you mean 'postgresql'"),
    ],
)
def test_another_database_is_exit_2(cli: Any, url: str, says: str) -> None:
    for command in (
        RETAIL,
        ["genonaut", "verify"],
        ["retail", "generate", "--delete", "--confirm"],
    ):
        r = cli(*command, "--database-url", url)
        assert r.exit_code == 2, r.output
        assert says in r.output and "PostgreSQL databases only" in r.output
        assert "Fix: give a postgresql:// URL" in r.output
        assert "Qz9secretpw" not in r.output and "Traceback" not in r.output
        r = cli(*command, env={"DATABASE_URL": url})
        assert r.exit_code == 2 and "DATABASE_URL" in r.output, r.output
        assert "Qz9secretpw" not in r.output


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ("ssl=maybe", "ssl='maybe'"),
        ("ssl=", "ssl=''"),
        ("prepared_statment_cache_size=0", "'prepared_statment_cache_size'"),
        ("sslmod=require", "Did you mean 'sslmode'"),
        ("server_settings=x", "'server_settings'"),
    ],
)
def test_an_unknown_option_is_exit_2_by_name(
    cli: Any, server_dsn: str, db_name: str, options: str, says: str
) -> None:
    url = sqlalchemy_url(server_dsn, "postgresql+asyncpg", db_name, options)
    url = url.replace("postgres@", "postgres:Qz9secretpw@", 1)
    r = cli(*RETAIL, "--database-url", url)
    assert r.exit_code == 2, r.output
    assert says in r.output and "Fix:" in r.output
    assert "percent-encode" not in r.output  # not mistaken for a malformed password
    assert "Qz9secretpw" not in r.output
    assert not database_exists(server_dsn, db_name)


@pytest.mark.parametrize("scheme", ["postgresql+asyncpg", "postgresql+pg8000", "postgres"])
def test_password_is_masked_in_a_connection_failure(cli: Any, scheme: str) -> None:
    url = f"{scheme}://me:Qz9secretpw@127.0.0.1:1/shop_test?ssl=disable&command_timeout=5"
    r = cli(*RETAIL, "--database-url", url)
    assert r.exit_code == 5, r.output
    assert "Qz9secretpw" not in r.output and "***" in r.output


@pytest.mark.parametrize("scheme", ["postgresql+asyncpg", "postgresql+psycopg2"])
def test_the_migration_from_a_shell_takes_the_application_url(
    server_dsn: str, db_name: str, db_dsn: str, scheme: str
) -> None:
    """``alembic upgrade head`` at the repo root with the application's DATABASE_URL."""
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    url = sqlalchemy_url(server_dsn, scheme, db_name, "ssl=disable&prepared_statement_cache_size=0")
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert scalar(db_dsn, "SELECT version_num FROM alembic_version") == "0001_genonaut"
