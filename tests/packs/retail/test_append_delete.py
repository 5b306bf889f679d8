"""Retail --append and --delete through the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import query, scalar
from tests.packs.retail.helpers import SMALL, counts, digest, gen, ok

pytestmark = pytest.mark.db


def test_append_continues_series_and_is_idempotent(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    before = counts(db_dsn)
    ok(
        gen(
            cli,
            db_dsn,
            "--append",
            "--start-date",
            "2024-04-01",
            "--end-date",
            "2024-04-30",
            "--seed",
            "43",
        )
    )
    after = counts(db_dsn)
    assert after["calendar"] == before["calendar"] + 30
    assert after["inventory_snapshot_daily"] == before["inventory_snapshot_daily"] + 12 * 30
    assert after["store"] == 3 and after["product"] == 4
    # Each series continues from its last day's stock.
    broken = scalar(
        db_dsn,
        "SELECT count(*) FROM inventory_snapshot_daily a JOIN inventory_snapshot_daily b"
        " USING (store_id, product_id) LEFT JOIN sales_daily s ON s.store_id = a.store_id"
        " AND s.product_id = a.product_id AND s.date = a.date"
        " WHERE a.date = '2024-03-31' AND b.date = '2024-04-01'"
        " AND b.on_hand_qty <> a.on_hand_qty - coalesce(s.quantity, 0) + a.received_qty",
    )
    assert broken == 0
    snapshot = digest(db_dsn)
    res = ok(
        gen(
            cli,
            db_dsn,
            "--append",
            "--start-date",
            "2024-04-01",
            "--end-date",
            "2024-04-30",
            "--seed",
            "43",
        )
    )
    assert digest(db_dsn) == snapshot, res.output
    ok(cli("retail", "verify", "--database-url", db_dsn, *SMALL))


def test_append_needs_existing_series(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    ok(gen(cli, db_dsn, "--delete", "--scope", "facts", "--confirm"))
    res = gen(cli, db_dsn, "--append", "--end-date", "2024-04-30")
    assert res.exit_code != 0 and "--full-new first" in res.output
    assert "Traceback" not in res.output


def test_delete_guards_scopes_and_dry_run(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    full = counts(db_dsn)
    res = gen(cli, db_dsn, "--delete")
    assert res.exit_code == 3 and "--confirm" in res.output
    res = ok(gen(cli, db_dsn, "--delete", "--dry-run"))
    assert "would delete" in res.output and f"{full['sales_daily']:,}" in res.output
    assert counts(db_dsn) == full
    res = gen(cli, db_dsn, "--delete", "--scope", "dimensions", "--confirm")
    assert res.exit_code != 0 and "--scope facts first" in res.output
    assert counts(db_dsn) == full
    ok(gen(cli, db_dsn, "--delete", "--scope", "facts", "--confirm"))
    n = counts(db_dsn)
    assert n["store"] == 3 and n["calendar"] == 91
    assert (
        n["sales_daily"]
        == n["price_history"]
        == n["promotion"]
        == n["inventory_snapshot_daily"]
        == 0
    )
    ok(gen(cli, db_dsn, "--delete", "--scope", "dimensions", "--confirm"))
    assert sum(counts(db_dsn).values()) == 0


def test_append_refuses_holes_and_backfills(cli: Any, server_dsn: str, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    before = digest(db_dsn)
    res = gen(cli, db_dsn, "--append", "--start-date", "2024-06-01", "--end-date", "2024-06-10")
    assert res.exit_code == 2 and "--start-date 2024-04-01" in res.output
    res = gen(cli, db_dsn, "--append", "--start-date", "2023-12-01", "--end-date", "2023-12-31")
    assert res.exit_code == 2 and "forward" in res.output
    res = ok(gen(cli, db_dsn, "--append", "--start-date", "2024-02-01", "--end-date", "2024-03-31"))
    assert "nothing to append" in res.output
    assert digest(db_dsn) == before
    # Overlapping start: only the new days are added.
    ok(gen(cli, db_dsn, "--append", "--start-date", "2024-03-20", "--end-date", "2024-04-10"))
    assert scalar(db_dsn, "SELECT max(date)::text FROM calendar") == "2024-04-10"
    # No price_history row repeats the price of the window it follows.
    assert (
        scalar(
            db_dsn,
            "SELECT count(*) FROM price_history a JOIN price_history b USING (store_id, product_id)"
            " WHERE b.valid_from = a.valid_to + 1 AND b.price = a.price",
        )
        == 0
    )
    ok(cli("retail", "verify", "--database-url", db_dsn, *SMALL))
    # An append never creates a database.
    from tests.conftest import database_exists, dsn_for

    res = gen(
        cli, dsn_for(server_dsn, "pgseed_nowhere_test"), "--append", "--end-date", "2024-05-01"
    )
    assert res.exit_code != 0 and "--full-new first" in res.output
    assert not database_exists(server_dsn, "pgseed_nowhere_test")


def test_append_continues_exactly_where_a_longer_run_would_have_gone(
    cli: Any, server_dsn: str, db_dsn: str
) -> None:
    """Jan-Mar plus an April append gives the rows a Jan-Apr run gives: stock in
    transit, running promotions and prices carry over the boundary."""
    from tests.conftest import dsn_for

    base = ("--stores", "3", "--products", "4", "--seed", "11", "--start-date", "2024-01-01",
            "--set", "retail.stockout_probability=0.2", "--set", "retail.promotion_probability=0.3")  # fmt: skip
    ok(gen(cli, db_dsn, "--full-new", *base, "--end-date", "2024-03-31"))
    ok(gen(cli, db_dsn, "--append", *base, "--end-date", "2024-04-30"))
    other = dsn_for(server_dsn, db_dsn.rsplit("dbname=", 1)[1].split()[0] + "x_test")
    try:
        ok(gen(cli, other, "--full-new", *base, "--end-date", "2024-04-30"))
        q = {
            "sales_daily": "SELECT date, store_id, product_id, quantity, unit_price, on_promotion"
            " FROM sales_daily ORDER BY 1, 2, 3",
            "inventory_snapshot_daily": "SELECT date, store_id, product_id, on_hand_qty,"
            " received_qty, ordered_qty, is_stockout FROM inventory_snapshot_daily ORDER BY 1, 2, 3",
            "promotion": "SELECT store_id, product_id, discount_pct, start_date, end_date"
            " FROM promotion ORDER BY 1, 2, 4",
            "price_history": "SELECT store_id, product_id, price, valid_from, valid_to"
            " FROM price_history ORDER BY 1, 2, 4",
        }
        for table, sql_text in q.items():
            assert query(db_dsn, sql_text) == query(other, sql_text), table
        ok(cli("retail", "verify", "--database-url", db_dsn, *base, "--end-date", "2024-03-31"))
    finally:
        from tests.conftest import drop_database

        drop_database(server_dsn, db_dsn.rsplit("dbname=", 1)[1].split()[0] + "x_test")


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (("--stores", "7"), "--stores ignored"),
        (("--products", "9"), "--products ignored"),
        (("--stores", "7", "--products", "9"), "--stores and --products ignored"),
    ],
)
def test_append_says_it_ignores_sizes(
    cli: Any, db_dsn: str, flags: tuple[str, ...], named: str
) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    for dry in (("--dry-run",), ()):
        r = ok(gen(cli, db_dsn, "--append", "--end-date", "2024-04-03", *flags, *dry))
        assert named in r.output and "12 store x product series" in r.output, r.output
        # price windows that continue are extended, and both the preview and the run say so
        said = "extends its last window" if dry else "window(s) extended over the new days"
        assert said in r.output, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM store") == 3
