"""Retail data that looks like real use, and verify catching what does not."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import query, scalar
from tests.packs.retail.helpers import SMALL, gen, ok

pytestmark = pytest.mark.db


def test_verify_catches_broken_data(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    with psycopg.connect(db_dsn) as c:
        c.execute("ALTER TABLE sales_daily DROP CONSTRAINT ck_sales_daily_unit_price")
        c.execute(
            "UPDATE sales_daily SET quantity = quantity + 100000, unit_price = -1"
            " WHERE id = (SELECT min(id) FROM sales_daily)"
        )
    res = cli("retail", "verify", "--database-url", db_dsn, *SMALL)
    assert res.exit_code == 6
    out = res.output
    for rule in (
        "no sale exceeds the stock on hand",
        "unit_price >= 0",
        "inventory adds up",
        "total_amount = quantity x unit_price",
    ):
        line = next(ln for ln in out.splitlines() if rule in ln)
        assert "FAIL" in line, line


def test_realism_weekends_promotions_prices(cli: Any, db_dsn: str) -> None:
    ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            "--stores",
            "4",
            "--products",
            "10",
            "--start-date",
            "2024-01-01",
            "--end-date",
            "2024-06-30",
            "--set",
            "retail.stockout_probability=0",
            "--set",
            "retail.promotion_probability=0.2",
        )
    )
    wk = query(
        db_dsn,
        "SELECT c.day_of_week >= 5, avg(s.quantity) FROM sales_daily s"
        " JOIN calendar c USING (date) WHERE NOT c.is_holiday GROUP BY 1",
    )
    by = {bool(k): float(v) for k, v in wk}
    # Profile: weekdays average 0.96, weekends 1.25 x 1.2 = 1.5 -> ~1.56x.
    assert 1.35 < by[True] / by[False] < 1.8
    # Promotion days sell more than the same series' other days.
    lift = scalar(
        db_dsn,
        "SELECT avg(p / n) FROM (SELECT store_id, product_id,"
        " avg(quantity) FILTER (WHERE on_promotion) p, avg(quantity) FILTER (WHERE NOT on_promotion) n"
        " FROM sales_daily GROUP BY 1, 2) x WHERE p IS NOT NULL AND n > 0",
    )
    assert 1.1 < float(lift) < 1.8
    promo_price = scalar(
        db_dsn,
        "SELECT avg(unit_price) FILTER (WHERE on_promotion)"
        " / avg(unit_price) FILTER (WHERE NOT on_promotion) FROM sales_daily",
    )
    assert float(promo_price) < 0.95
    ok(
        cli(
            "retail",
            "verify",
            "--database-url",
            db_dsn,
            "--stores",
            "4",
            "--products",
            "10",
            "--start-date",
            "2024-01-01",
            "--end-date",
            "2024-06-30",
            # verify holds the data to the config it was generated with
            "--set",
            "retail.stockout_probability=0",
            "--set",
            "retail.promotion_probability=0.2",
        )
    )
    # A profile with quiet weekends flips it.
    ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            "--stores",
            "4",
            "--products",
            "10",
            "--confirm",
            "--set",
            "time_series.weekly_seasonality=[1.2,1.2,1.2,1.2,1.2,0.5,0.5]",
            "--set",
            "retail.weekend_spike=1.0",
            "--set",
            "retail.stockout_probability=0",
        )
    )
    wk = query(
        db_dsn,
        "SELECT c.day_of_week >= 5, avg(s.quantity) FROM sales_daily s"
        " JOIN calendar c USING (date) WHERE NOT c.is_holiday GROUP BY 1",
    )
    by = {bool(k): float(v) for k, v in wk}
    assert by[True] < 0.6 * by[False]


def test_scenarios_shape_the_data(cli: Any, db_dsn: str) -> None:
    shares = {}
    for scenario in ("retail_standard", "stockout_heavy"):
        ok(gen(cli, db_dsn, "--full-new", *SMALL, "--scenario", scenario, "--confirm"))
        shares[scenario] = float(
            scalar(db_dsn, "SELECT avg(is_stockout::int) FROM inventory_snapshot_daily")
        )
    assert shares["stockout_heavy"] > 2 * shares["retail_standard"]
    ok(gen(cli, db_dsn, "--full-new", *SMALL, "--scenario", "sparse", "--confirm"))
    pairs = scalar(
        db_dsn, "SELECT count(DISTINCT (store_id, product_id)) FROM inventory_snapshot_daily"
    )
    assert pairs == 6  # half of 12
    ok(cli("retail", "verify", "--database-url", db_dsn, *SMALL, "--scenario", "sparse"))


def test_verify_catches_missing_facts(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL, "--set", "dimensions.products.new_product_share=0"))
    args = (*SMALL, "--set", "dimensions.products.new_product_share=0")
    ok(cli("retail", "verify", "--database-url", db_dsn, *args))
    with psycopg.connect(db_dsn) as c:
        for t in ("sales_daily", "inventory_snapshot_daily"):
            c.execute(
                f"DELETE FROM {t} WHERE store_id = 1 AND product_id = 1 AND date > '2024-03-01'"
            )
    res = cli("retail", "verify", "--database-url", db_dsn, *args)
    assert res.exit_code == 6
    assert "FAIL" in next(ln for ln in res.output.splitlines() if "date coverage" in ln)
    with psycopg.connect(db_dsn) as c:
        for t in ("sales_daily", "inventory_snapshot_daily", "price_history", "promotion"):
            c.execute(f"DELETE FROM {t} WHERE store_id = 1 AND product_id = 1")
    res = cli("retail", "verify", "--database-url", db_dsn, *args)
    assert "FAIL" in next(ln for ln in res.output.splitlines() if "sparsity" in ln)
