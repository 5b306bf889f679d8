"""Issue 8, kind 8: no message ever contains a password, whatever the URL looks like;
a malformed URL exits 2 and says how to percent-encode."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.conftest import database_exists

pytestmark = pytest.mark.db

# (URL, its password as the user meant it): each one libpq cannot read as meant.
MALFORMED = [
    ("postgresql://me:100%pure@127.0.0.1:1/x_test", "100%pure"),
    ("postgresql://me:p@ssw0rd@127.0.0.1:1/x_test", "p@ssw0rd"),
    ("postgresql://me:zq/xv9kw@127.0.0.1:1/x_test", "zq/xv9kw"),
    ("postgresql://me:zq xv kw9@127.0.0.1:1/x_test", "zq xv kw9"),
    ("postgresql://me:hunter2:x@127.0.0.1:x1/x_test", "hunter2:x"),
    ("postgresql://me@127.0.0.1:1/x_test?password=abc%zz&sslmode=disable", "abc%zz"),
    ("host=127.0.0.1 port=1 password=kq9 rxtzw dbname=x_test", "kq9 rxtzw"),
    ("postgresql+asyncpg://me:50%off@127.0.0.1:1/x_test", "50%off"),
    ("postgresql://postgres:p@ssWq9@/pa_test?host=/tmp/nowhere", "p@ssWq9"),
    ("postgresql://me@127.0.0.1:1/x_test?sslpassword=abc%zz9", "abc%zz9"),
]

COMMANDS = [
    ("genonaut", "generate", "--seed", "1"),
    ("genonaut", "verify"),
    ("retail", "generate", "--full-new", "--confirm"),
    ("retail", "verify"),
    ("retail", "report", "--out", "{tmp}/report"),
]


def _pieces(secret: str) -> list[str]:
    """The password and every run of 4+ characters of it (a fragment leaks too)."""
    out = {secret, quote(secret, safe="")}
    out |= {secret[i : i + 4] for i in range(len(secret) - 3)}
    return [p for p in out if p.strip() and p not in ("x_test", "127.", "0.0.")]


def _no_secret(output: str, secret: str) -> None:
    for piece in _pieces(secret):
        assert piece not in output, f"{piece!r} of the password is in:\n{output}"


def _args(command: tuple[str, ...], tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in command]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize(("url", "secret"), MALFORMED)
def test_malformed_url_exits_2_without_the_password(
    cli: Any, tmp_path: Path, command: tuple[str, ...], url: str, secret: str
) -> None:
    r = cli(*_args(command, tmp_path), "--database-url", url)
    assert r.exit_code == 2, r.output
    assert "percent-encode" in r.output and "%40" in r.output
    assert "Traceback" not in r.output
    _no_secret(r.output, secret)


@pytest.mark.parametrize(("url", "secret"), MALFORMED[:3])
def test_malformed_database_url_variable(cli: Any, tmp_path: Path, url: str, secret: str) -> None:
    for command in COMMANDS[2:]:
        r = cli(*_args(command, tmp_path), env={"DATABASE_URL": url})
        assert r.exit_code == 2, r.output
        assert "DATABASE_URL" in r.output and "percent-encode" in r.output
        _no_secret(r.output, secret)


SECRETS = ["S3cr%t@pw/x", "p@ss w0rd:#?", "Vq7-zqx-1234"]


def _with_password(dsn: str, password: str, dbname: str, *, as_url: bool) -> str:
    params = {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    params.update(password=password, dbname=dbname)
    if not as_url:
        return make_conninfo(**params)
    host = params.pop("host", "")
    user = params.pop("user", "postgres")
    port = params.pop("port", "")
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    query = f"?host={quote(host, safe='/')}" + (f"&port={port}" if port else "")
    return f"postgresql://{netloc}/{dbname}{query}"


@pytest.mark.parametrize("as_url", [True, False], ids=["url", "keywords"])
@pytest.mark.parametrize("secret", SECRETS)
def test_valid_url_with_a_password_never_shows_it(
    cli: Any,
    server_dsn: str,
    db_name: str,
    small_config: Path,
    tmp_path: Path,
    secret: str,
    as_url: bool,
) -> None:
    """The embedded server trusts local connections, so any password connects: a refused
    name (exit 3), a run, its failure report and verify must all hide it."""
    refused = _with_password(server_dsn, secret, "payroll", as_url=as_url)
    r = cli("genonaut", "generate", "--database-url", refused, "--seed", "1")
    assert r.exit_code == 3, r.output
    _no_secret(r.output, secret)
    good = _with_password(server_dsn, secret, db_name, as_url=as_url)
    r = cli(
        "genonaut", "generate", "--database-url", good, "--seed", "1", "--config", str(small_config)
    )
    assert r.exit_code == 0, r.output
    assert "***" in r.output  # the seeding line and the reproduce line show it masked
    _no_secret(r.output, secret)
    r = cli("genonaut", "verify", "--database-url", good, "--config", str(small_config))
    assert r.exit_code == 0, r.output
    _no_secret(r.output, secret)
    # A run that fails inside the transaction prints its rollback report and reproduce line.
    r = cli(
        "genonaut", "generate", "--database-url", good, "--seed", "2", "--config",
        str(small_config), "--target-rows-content-items", "3",
    )  # fmt: skip
    assert r.exit_code != 0
    _no_secret(r.output, secret)
    assert database_exists(server_dsn, db_name)


@pytest.mark.parametrize(
    "args",
    [
        ["genonaut", "generate", "postgresql://me:TopSecret42@127.0.0.1:1/x_test"],
        ["retail", "generate", "--full-new", "--stores", "postgresql://me:TopSecret42@h/x_test"],
        ["genonaut", "generate", "--seed", "postgres://me:TopSecret42@h/x_test"],
        ["genonaut", "generate", "--target-rows-users", "postgresql://me:TopSecret42@h/x_test",
         "--database-url", "postgresql://me:TopSecret42@h/x_test"],
        ["retail", "verify", "--database-url=postgresql://me:TopSecret42@h:bad/x_test"],
    ],
    ids=["no flag", "wrong flag", "int flag", "config key", "flag=value"],
)  # fmt: skip
def test_a_url_in_the_wrong_place_is_not_echoed(cli: Any, args: list[str]) -> None:
    """click's own errors and config errors print the offending value: masked."""
    r = cli(*args)
    assert r.exit_code == 2, r.output
    _no_secret(r.output, "TopSecret42")


@pytest.mark.parametrize("as_url", [True, False], ids=["url", "keywords"])
def test_ssl_key_passphrase_is_a_secret(
    cli: Any, server_dsn: str, db_name: str, small_config: Path, as_url: bool
) -> None:
    """sslpassword (the client key's passphrase) is hidden like password."""
    params = {k: str(v) for k, v in conninfo_to_dict(server_dsn).items()}
    params.update(dbname=db_name, sslpassword="Kq7zWx9vB")
    dsn = make_conninfo(**params)
    if as_url:
        dsn = f"postgresql://postgres@/{db_name}?host={quote(params['host'], safe='/')}&sslpassword=Kq7zWx9vB"
    r = cli(
        "genonaut", "generate", "--database-url", dsn, "--seed", "1", "--config", str(small_config)
    )
    assert r.exit_code == 0, r.output
    _no_secret(r.output, "Kq7zWx9vB")
    r = cli("retail", "verify", env={"DATABASE_URL": dsn.replace(db_name, "nowhere_test")})
    _no_secret(r.output, "Kq7zWx9vB")


def test_a_short_password_quoted_back_by_libpq_is_hidden(cli: Any) -> None:
    r = cli("genonaut", "generate", "--database-url", "postgresql://postgres:a%@127.0.0.1/x_test")
    assert r.exit_code == 2 and '"a%"' not in r.output, r.output
