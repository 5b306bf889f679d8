"""Shared helpers of the retail pack's CLI tests."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import psycopg

from pgseed.packs.retail.models import TABLES
from tests.conftest import scalar

SMALL = (
    "--stores",
    "3",
    "--products",
    "4",
    "--start-date",
    "2024-01-01",
    "--end-date",
    "2024-03-31",
)


def gen(cli: Any, dsn: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return cli("retail", "generate", "--database-url", dsn, *args, env=env)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def digest(dsn: str) -> dict[str, str]:
    """md5 of each table's COPY TO text, in a stable order."""
    out = {}
    with psycopg.connect(dsn) as c:
        for t in TABLES:
            buf = io.BytesIO()
            order = "date, store_id, product_id" if "daily" in t else "1"
            with c.cursor().copy(f"COPY (SELECT * FROM {t} ORDER BY {order}, 1) TO STDOUT") as cp:
                for chunk in cp:
                    buf.write(chunk)
            out[t] = hashlib.md5(buf.getvalue()).hexdigest()
    return out


def counts(dsn: str) -> dict[str, int]:
    return {t: scalar(dsn, f"SELECT count(*) FROM {t}") for t in TABLES}
