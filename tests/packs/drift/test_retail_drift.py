"""Issue 10 B: the retail pack on spec 003's application as it stands today
(``retail.sql``): timestamps with defaults on every table, chain-wide (nullable)
store_id, an open-ended valid_to, a NOT NULL promotion name without a default,
on_order_qty instead of received/ordered, two of our columns gone, the
application's own forecast tables referencing the pack's. generate fills it and
verify passes for the rules whose columns exist."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import query, scalar
from tests.packs.drift.support import create, fingerprint

pytestmark = pytest.mark.db

RANGES = {  # a short range, and one long enough for promotions
    "five days": ("2024-01-01", "2024-01-05"),
    "two months": ("2024-01-01", "2024-02-29"),
}
TABLES = ["store", "product", "calendar", "sales_daily", "price_history", "promotion",
          "inventory_snapshot_daily"]  # fmt: skip
SKIPPED = ["received_qty", "ordered_qty", "store_type", "brand"]  # what verify cannot read


def _args(verb: str, lo: str, hi: str, dsn: str) -> list[str]:
    head = ["retail", "generate", "--full-new", "--confirm"] if verb == "generate" else [
        "retail", "verify"]  # fmt: skip
    return [*head, "--stores", "2", "--products", "3", "--start-date", lo, "--end-date", hi,
            "--seed", "1", *(["--max-workers", "1"] if verb == "generate" else []),
            "--database-url", dsn]  # fmt: skip


@pytest.mark.parametrize("span", list(RANGES))
def test_generate_and_verify_on_the_drifted_application(
    cli: Any, server_dsn: str, db_name: str, span: str
) -> None:
    lo, hi = RANGES[span]
    dsn = create(server_dsn, db_name, "retail")
    others = fingerprint(dsn, ["forecast", "forecast_run"])
    for run in range(2):  # the second replaces the first (--confirm), past the app's FKs
        r = cli(*_args("generate", lo, hi, dsn))
        assert r.exit_code == 0, (run, r.output)
        assert "alembic upgrade" not in r.output
        for col in ("store.store_type", "product.brand", "inventory_snapshot_daily.received_qty"):
            assert f"{col} is not in the database" in r.output
    days = scalar(dsn, "SELECT count(*) FROM calendar")
    assert days == (5 if span == "five days" else 60)
    assert scalar(dsn, "SELECT count(*) FROM store") == 2
    assert scalar(dsn, "SELECT count(*) FROM sales_daily") > 0
    for t in TABLES:  # the application's own defaults
        assert scalar(dsn, f"SELECT count(*) FROM {t} WHERE created_at IS NULL"
                           " OR updated_at IS NULL") == 0  # fmt: skip
    assert scalar(dsn, "SELECT count(*) FROM price_history WHERE store_id IS NULL") == 0
    # NOT NULL without a default: generated, within varchar(120); nullable: left NULL
    promo = query(dsn, "SELECT count(*), count(name), max(length(name)), count(discount_amount)"
                       " FROM promotion")[0]  # fmt: skip
    assert promo[0] == promo[1] and (promo[2] or 0) <= 120 and promo[3] == 0
    if span == "two months":
        assert promo[0] > 0
    assert scalar(dsn, "SELECT count(DISTINCT on_order_qty) FROM inventory_snapshot_daily") == 1
    assert fingerprint(dsn, ["forecast", "forecast_run"]) == others
    # sequences end past max(id): an application-style INSERT works
    with psycopg.connect(dsn) as c:
        c.execute("INSERT INTO store (code, name, region, city, size_sqm, opened_on)"
                  " VALUES ('APP-1', 'x', 'x', 'x', 1, '2024-01-01')")  # fmt: skip
        c.execute("INSERT INTO forecast_run (model) VALUES ('prophet')")
        c.rollback()
    r = cli(*_args("verify", lo, hi, dsn))
    assert r.exit_code == 0, r.output
    assert "FAIL" not in r.output
    skipped = [line for line in r.output.splitlines() if "skipped" in line]
    for col in SKIPPED:
        assert any(col in line for line in skipped), (col, r.output)


REFERENCED = {  # the application's rows that reference what a replacing run removes
    "a forecast of a store": "INSERT INTO forecast VALUES (1, 1, 1, '2024-02-01', 5)",
    "a chain-wide forecast of a product": "INSERT INTO forecast VALUES (1, NULL, 3, '2024-02-01', 5)",
}


@pytest.mark.parametrize("case", list(REFERENCED))
def test_a_replace_the_application_still_references_rolls_back(
    cli: Any, server_dsn: str, db_name: str, case: str
) -> None:
    lo, hi = RANGES["five days"]
    dsn = create(server_dsn, db_name, "retail")
    r = cli(*_args("generate", lo, hi, dsn))
    assert r.exit_code == 0, r.output
    with psycopg.connect(dsn) as c:
        c.execute("INSERT INTO forecast_run (model) VALUES ('prophet')")
        c.execute(REFERENCED[case].encode())
    before = fingerprint(dsn, [*TABLES, "forecast", "forecast_run"])
    r = cli(*_args("generate", lo, hi, dsn))
    assert r.exit_code == 1, r.output
    assert "forecast" in r.output and "rolled back" in r.output
    assert "Traceback" not in r.output
    assert fingerprint(dsn, [*TABLES, "forecast", "forecast_run"]) == before


MISSING = {
    "promotion dropped": ("DROP TABLE promotion", "promotion"),
    "calendar renamed": ("ALTER TABLE calendar RENAME TO dim_date", "calendar"),
}


@pytest.mark.parametrize("case", list(MISSING))
def test_a_missing_pack_table_is_exit_4_naming_it(
    cli: Any, server_dsn: str, db_name: str, case: str
) -> None:
    statement, named = MISSING[case]
    dsn = create(server_dsn, db_name, "retail", statement)
    before = fingerprint(dsn)
    lo, hi = RANGES["five days"]
    r = cli(*_args("generate", lo, hi, dsn))
    assert r.exit_code == 4, r.output
    assert named in r.output and "Fix:" in r.output and "Traceback" not in r.output
    assert fingerprint(dsn) == before
