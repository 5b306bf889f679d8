"""Issue 10: ``money`` under a server whose ``lc_monetary`` writes a decimal comma.

Money's text follows lc_monetary (under de_DE ``12.34`` reads as 1.234,00 EUR), while
its stored value, an int64 of cents, does not. A fill of a database whose
``lc_monetary`` is de_DE, fr_FR, ... must write the same amounts as one under C, keep
every CHECK, and read the CHECK's money constants as bounds.

The machine's server may lack those locales (the embedded one uses the C library's,
and a slim image holds C and POSIX only): this module then compiles them with
``localedef`` into a directory of its own and starts a server of its own with
``LOCPATH`` pointing there. It skips only when neither the server nor the machine can
give a locale.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed import embedded
from tests.conftest import drop_database, dsn_for

pytestmark = pytest.mark.db

# Decimal comma; thousands as "." (de, nl) or a narrow space (fr); symbol after or before.
LOCALES = ["de_DE.UTF-8", "fr_FR.UTF-8", "nl_NL.UTF-8"]
DDL = """
CREATE TABLE payment (
  id serial PRIMARY KEY,
  amount money NOT NULL CHECK (amount > 0::money),
  fee money NOT NULL CHECK (fee >= '0,50'::money AND fee <= '20,00'::money),
  total money NOT NULL CHECK (total BETWEEN '10'::money AND '1000'::money),
  refund money CHECK (refund < amount)
);
"""
"""Run in a session with the database's locale, as its owner would: ``'0,50'`` is 50
cents there. (Under C the same text would be 50 dollars: C's DDL writes ``'0.50'``.)"""


def _accepts(dsn: str, locale: str) -> bool:
    with psycopg.connect(dsn, autocommit=True) as c:
        try:
            c.execute(sql.SQL("SET lc_monetary TO {}").format(sql.Literal(locale)))
        except psycopg.Error:
            return False
    return True


def _compile(where: Path) -> list[str]:
    """The LOCALES localedef can build from the machine's sources, into ``where``."""
    if shutil.which("localedef") is None:
        return []
    built = []
    for loc in LOCALES:
        name, charset = loc.split(".")
        proc = subprocess.run(
            ["localedef", "-i", name, "-f", charset, str(where / loc)],
            capture_output=True,
            check=False,
        )
        if (where / loc).is_dir():  # localedef warns (exit 1) about some sources, yet builds
            built.append(loc)
        elif proc.returncode not in (0, 1):
            continue
    return built


@pytest.fixture(scope="module")
def locale_server(server_dsn: str) -> Iterator[tuple[str, list[str]]]:
    """(a server URL, the LOCALES it accepts as lc_monetary)."""
    admin = dsn_for(server_dsn, "postgres")
    have = [loc for loc in LOCALES if _accepts(admin, loc)]
    if have or os.environ.get("PGSEED_TEST_DSN"):
        yield server_dsn, have
        return
    base = Path(tempfile.mkdtemp(prefix="pgseed-test-locales-"))
    locales = base / "locales"
    locales.mkdir()
    for system in Path("/usr/lib/locale").glob("*"):  # keep the machine's own (C.utf8)
        if system.is_dir():
            shutil.copytree(system, locales / system.name)
    built = _compile(locales)
    if not built:
        shutil.rmtree(base, ignore_errors=True)
        yield server_dsn, []
        return
    os.chmod(base, 0o755)  # as root the server runs as another user
    for path in locales.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    locales.chmod(0o755)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCPATH", str(locales))  # the server's C library reads it at setlocale
        url = embedded.start(base / "server", cleanup="delete")
    try:
        yield url, [loc for loc in built if _accepts(dsn_for(url, "postgres"), loc)]
    finally:
        embedded.stop(base / "server")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def database(locale_server: tuple[str, list[str]]) -> Iterator[Any]:
    """``make(locale)`` -> DSN of a fresh database whose lc_monetary is ``locale``."""
    url, _ = locale_server
    made: list[str] = []

    def make(locale: str) -> str:
        name = f"pgseed_money_{uuid.uuid4().hex[:8]}_test"
        made.append(name)
        with psycopg.connect(dsn_for(url, "postgres"), autocommit=True) as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            c.execute(
                sql.SQL("ALTER DATABASE {} SET lc_monetary TO {}").format(
                    sql.Identifier(name), sql.Literal(locale)
                )
            )
        dsn = dsn_for(url, name)
        ddl = (
            DDL if locale != "C" else DDL.replace("'0,50'", "'0.50'").replace("'20,00'", "'20.00'")
        )
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(ddl)  # type: ignore[arg-type]
        return dsn

    yield make
    for name in made:
        drop_database(url, name)


def _amounts(dsn: str) -> list[tuple[Decimal | None, ...]]:
    with psycopg.connect(dsn) as c:
        rows = c.execute(
            "SELECT amount::numeric, fee::numeric, total::numeric, refund::numeric "
            "FROM payment ORDER BY id"
        ).fetchall()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("locale", LOCALES)
def test_fill_writes_the_same_amounts_whatever_lc_monetary(
    cli: Any, database: Any, locale_server: tuple[str, list[str]], locale: str
) -> None:
    if locale not in locale_server[1]:
        pytest.skip(f"the server has no {locale} locale and localedef could not build it")
    under_c, under_locale = database("C"), database(locale)
    for dsn in (under_c, under_locale):
        r = cli("fill", "--database-url", dsn, "--rows", "100", "--seed", "11")
        assert r.exit_code == 0, r.output
        assert "no generator" not in r.output, r.output  # the CHECKs' bounds were read
    expected, got = _amounts(under_c), _amounts(under_locale)
    assert len(got) == 100 and got == expected
    for amount, fee, total, refund in got:
        assert amount is not None and amount > 0
        assert fee is not None and Decimal("0.50") <= fee <= Decimal("20.00")
        assert total is not None and Decimal(10) <= total <= Decimal(1000)
        assert refund is None or refund < amount
    assert any(a != a.to_integral_value() for a, *_ in got if a is not None)  # cents written


@pytest.mark.parametrize("locale", LOCALES)
def test_the_plan_and_the_files_hold_the_same_amounts_whatever_lc_monetary(
    cli: Any, database: Any, locale_server: tuple[str, list[str]], locale: str, tmp_path: Path
) -> None:
    if locale not in locale_server[1]:
        pytest.skip(f"the server has no {locale} locale and localedef could not build it")
    out: dict[str, tuple[str, bytes]] = {}
    for loc in ("C", locale):
        dsn = database(loc)
        plan = cli("fill", "--database-url", dsn, "--rows", "20", "--seed", "5", "--dry-run")
        assert plan.exit_code == 0, plan.output
        r = cli("fill", "--database-url", dsn, "--rows", "20", "--seed", "5",
                "--output", str(tmp_path / loc), "--format", "csv")  # fmt: skip
        assert r.exit_code == 0, r.output
        files = (tmp_path / loc / "public.payment.csv").read_bytes()
        out[loc] = (plan.output.split("sample rows:")[1], files)
    assert out[locale] == out["C"]
    assert "range: [$0.50, $20.00]" in plan.output  # the CHECK's constants as bounds
