"""``pgseed retail report``: five PNG pictures and an index.html, or a clear refusal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pgseed.packs.retail.models import TABLES
from tests.conftest import scalar

pytestmark = pytest.mark.db

PICTURES = (
    "daily_sales.png",
    "weekly_profile.png",
    "promotions.png",
    "inventory.png",
    "prices.png",
)


def full_new(cli: Any, dsn: str) -> None:
    r = cli(
        "retail", "generate", "--full-new", "--database-url", dsn,
        "--stores", "2", "--products", "3",
        "--start-date", "2024-01-01", "--end-date", "2024-03-31", "--confirm",
    )  # fmt: skip
    assert r.exit_code == 0, r.output


def test_report_writes_pictures_and_page(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    full_new(cli, db_dsn)
    out = tmp_path / "r"  # does not exist yet: report creates it
    r = cli("retail", "report", "--database-url", db_dsn, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "index.html" in r.output
    for name in PICTURES:
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert len(data) > 10_000, f"{name} is only {len(data)} bytes"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 1000 and height >= 400, (name, width, height)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for name in PICTURES:
        assert f'src="{name}"' in page
    # Self-contained: nothing fetched from elsewhere.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    for table in TABLES:
        n = scalar(db_dsn, f"SELECT count(*) FROM {table}")
        assert n > 0, table
        assert f"<tr><td>{table}</td><td>{n:,}</td></tr>" in page, table
    assert "2024-01-01 .. 2024-03-31 (91 days)" in page
    assert "share of stockout days" in page and "share of promotion days" in page


def test_report_draws_the_asked_number_of_series(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    full_new(cli, db_dsn)
    small, big = tmp_path / "one", tmp_path / "six"
    for out, n in ((small, "1"), (big, "6")):
        r = cli("retail", "report", "--database-url", db_dsn, "--out", str(out), "--series", n)
        assert r.exit_code == 0, r.output
    for name in ("inventory.png", "prices.png"):
        one, six = (d / name for d in (small, big))
        # Two columns of subplots: six series take three rows, a taller picture.
        assert int.from_bytes(six.read_bytes()[20:24], "big") > int.from_bytes(
            one.read_bytes()[20:24], "big"
        )


def test_report_on_empty_tables_says_what_to_do(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    full_new(cli, db_dsn)
    r = cli(
        "retail", "generate", "--delete", "--scope", "all", "--database-url", db_dsn, "--confirm"
    )
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM sales_daily") == 0
    out = tmp_path / "r"
    r = cli("retail", "report", "--database-url", db_dsn, "--out", str(out))
    assert r.exit_code == 1, r.output
    assert "no sales to draw: run `pgseed retail generate --full-new` first" in r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert not (out / "index.html").exists()
