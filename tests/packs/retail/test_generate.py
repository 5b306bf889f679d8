"""Retail full-new through the CLI: counts, --confirm, production, dry runs, --output, constraints, the spec's script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.packs.retail.models import TABLES
from pgseed.sinks import MANIFEST
from tests.conftest import query, scalar
from tests.packs.retail.helpers import SMALL, counts, digest, gen, ok

pytestmark = pytest.mark.db


def test_full_new_then_verify_passes_with_exact_counts(cli: Any, db_dsn: str) -> None:
    res = ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            *SMALL,
            "--sparsity",
            "0.25",
            "--set",
            "sparsity.random_gaps_per_series=2",
        )
    )
    assert "rows created" in res.output
    n = counts(db_dsn)
    assert (n["store"], n["product"], n["calendar"]) == (3, 4, 91)
    pairs = scalar(
        db_dsn, "SELECT count(DISTINCT (store_id, product_id)) FROM inventory_snapshot_daily"
    )
    assert pairs == 12 - 3  # exactly round(0.25 * 12) pairs never sell
    # One snapshot per series per day from launch (or the range start) to the end.
    expected = scalar(
        db_dsn,
        "SELECT sum('2024-03-31'::date - greatest('2024-01-01'::date, p.launch_date) + 1)"
        " FROM (SELECT DISTINCT store_id, product_id FROM inventory_snapshot_daily) s"
        " JOIN product p ON p.id = s.product_id",
    )
    assert n["inventory_snapshot_daily"] == expected
    assert 0 < n["inventory_snapshot_daily"] - n["sales_daily"] <= 9 * 2 * 7  # the gaps
    gaps = ("--set", "sparsity.random_gaps_per_series=2")
    ok(cli("retail", "verify", "--database-url", db_dsn, *SMALL, "--sparsity", "0.25", *gaps))
    # verify holds the data to the config: without the gaps it fails, as it should
    res = cli("retail", "verify", "--database-url", db_dsn, *SMALL, "--sparsity", "0.25")
    assert res.exit_code == 6 and "configured gaps" in res.output
    # The schema's constraints are there (not just respected by the data).
    names = {r[0] for r in query(db_dsn, "SELECT conname FROM pg_constraint")}
    assert {
        "uq_sales_daily_grain",
        "uq_inventory_snapshot_daily_grain",
        "ck_calendar_day_of_week",
        "ck_price_history_window",
        "ck_promotion_discount",
        "ck_inventory_on_hand",
    } <= names


def test_full_new_over_data_needs_confirm(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    before = digest(db_dsn)
    res = gen(cli, db_dsn, "--full-new", *SMALL, "--seed", "9")
    assert res.exit_code == 3 and "--confirm" in res.output
    assert digest(db_dsn) == before
    res = gen(
        cli, db_dsn, "--full-new", *SMALL, "--seed", "9", env={"SEEDER_REQUIRE_CONFIRM": "false"}
    )
    ok(res)
    assert digest(db_dsn) != before


def test_production_is_blocked(cli: Any, db_dsn: str) -> None:
    for env in (
        {"APP_ENV": "production"},
        {"APP_ENV": "production", "SEEDER_ALLOW_PRODUCTION": "true"},
    ):
        res = gen(cli, db_dsn, "--full-new", *SMALL, "--confirm", env=env)
        assert res.exit_code == 3 and "production" in res.output
        res = gen(cli, db_dsn, "--delete", "--confirm", env=env)
        assert res.exit_code == 3


def test_dry_run_writes_nothing(cli: Any, server_dsn: str, db_name: str, db_dsn: str) -> None:
    from tests.conftest import database_exists

    res = ok(gen(cli, db_dsn, "--full-new", *SMALL, "--dry-run"))
    assert "planned rows" in res.output and "sample rows of sales_daily" in res.output
    assert not database_exists(server_dsn, db_name)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_output_writes_every_table_through_the_cli(cli: Any, tmp_path: Path, fmt: str) -> None:
    """``--output`` (``--full-new`` implied) writes one file per table, nothing else; that
    the files hold what the database gets is the pack contract's
    (tests/packs/contract.py, test_output_files_hold_what_the_database_gets)."""
    out = tmp_path / fmt
    ok(cli("retail", "generate", *SMALL, "--seed", "5", "--output", str(out), "--format", fmt))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, *(f"{t}.{fmt}" for t in TABLES)]
    )


BAD_ROWS = [
    (
        "INSERT INTO calendar SELECT '2030-01-01', 7, 1, 1, 1, 1, 1, 2030, false, false, NULL",
        "ck_calendar_day_of_week",
    ),
    (
        "INSERT INTO calendar SELECT '2030-01-01', 1, 1, 1, 1, 13, 1, 2030, false, false, NULL",
        "ck_calendar_month",
    ),
    (
        "INSERT INTO calendar SELECT '2030-01-01', 1, 1, 1, 1, 1, 5, 2030, false, false, NULL",
        "ck_calendar_quarter",
    ),
    (
        "INSERT INTO sales_daily (date, store_id, product_id, quantity, unit_price, total_amount, on_promotion) SELECT date, store_id, product_id, -1, 1, 1, false FROM sales_daily LIMIT 1",
        "ck_sales_daily_quantity",
    ),
    ("UPDATE sales_daily SET unit_price = -0.01 WHERE id = 1", "ck_sales_daily_unit_price"),
    (
        "INSERT INTO sales_daily (date, store_id, product_id, quantity, unit_price, total_amount, on_promotion) SELECT date, store_id, product_id, 1, 1, 1, false FROM sales_daily LIMIT 1",
        "uq_sales_daily_grain",
    ),
    (
        "INSERT INTO inventory_snapshot_daily (date, store_id, product_id, on_hand_qty, received_qty, ordered_qty, is_stockout) SELECT date, store_id, product_id, 1, 0, 0, false FROM inventory_snapshot_daily LIMIT 1",
        "uq_inventory_snapshot_daily_grain",
    ),
    ("UPDATE inventory_snapshot_daily SET on_hand_qty = -1 WHERE id = 1", "ck_inventory_on_hand"),
    ("UPDATE price_history SET price = -1 WHERE id = 1", "ck_price_history_price"),
    ("UPDATE price_history SET valid_to = valid_from - 1 WHERE id = 1", "ck_price_history_window"),
    (
        "INSERT INTO promotion (store_id, product_id, discount_pct, start_date, end_date) VALUES (1, 1, 1.5, '2024-01-01', '2024-01-02')",
        "ck_promotion_discount",
    ),
    (
        "INSERT INTO promotion (store_id, product_id, discount_pct, start_date, end_date) VALUES (1, 1, 0.1, '2024-01-02', '2024-01-01')",
        "ck_promotion_window",
    ),
    (
        "INSERT INTO promotion (store_id, product_id, discount_pct, start_date, end_date) VALUES (999, 1, 0.1, '2024-01-01', '2024-01-02')",
        "promotion_store_id_fkey",
    ),
    ("UPDATE sales_daily SET date = '2031-01-01' WHERE id = 1", "sales_daily_date_fkey"),
    (
        "UPDATE inventory_snapshot_daily SET product_id = 999 WHERE id = 1",
        "inventory_snapshot_daily_product_id_fkey",
    ),
    ("UPDATE price_history SET store_id = 999 WHERE id = 1", "price_history_store_id_fkey"),
]


def test_every_constraint_rejects_bad_rows(cli: Any, db_dsn: str) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    with psycopg.connect(db_dsn, autocommit=True) as c:
        for stmt, name in BAD_ROWS:
            with pytest.raises(psycopg.errors.IntegrityError) as err:
                c.execute(stmt)
            assert err.value.diag.constraint_name == name, stmt


def test_binary_copy_round_trips_through_postgres(
    server_dsn: str, db_dsn: str, db_name: str
) -> None:
    import numpy as np

    from pgseed import binary
    from tests.conftest import dsn_for

    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {db_name}")
    cols = [
        np.array([1, -2, 2**31 - 1]),
        np.array(["2024-01-01", "1999-12-31", "2099-06-15"], dtype="datetime64[D]"),
        np.array([0, 123456, 9_999_999_999]),
        np.array([True, False, True]),
        np.array([0, 125, 1000]),
        np.array([2**40, 0, -5]),
    ]
    data = binary.encode(["int4", "date", "numeric:2", "bool", "numeric:3", "int8"], cols)
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute(
            "CREATE TABLE t (a int4, b date, c numeric(10,2), d bool, e numeric(4,3), f int8)"
        )
        with c.cursor().copy("COPY t FROM STDIN WITH (FORMAT binary)") as cp:
            cp.write(binary.HEADER + data + binary.TRAILER)
        got = c.execute("SELECT a, b::text, c::text, d, e::text, f FROM t").fetchall()
    assert got == [
        (1, "2024-01-01", "0.00", True, "0.000", 2**40),
        (-2, "1999-12-31", "1234.56", False, "0.125", 0),
        (2**31 - 1, "2099-06-15", "99999999.99", True, "1.000", -5),
    ]
    with pytest.raises(ValueError, match="numeric"):
        binary.encode(["numeric:2"], [np.array([-1])])


def test_seed_random_script_takes_the_spec_flags(db_dsn: str) -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "APP_ENV": "", "DATABASE_URL": db_dsn}
    run = subprocess.run(
        [sys.executable, "scripts/seed_random.py", "--full-new", "--seed", "42", "--stores", "2",
         "--products", "2", "--start-date", "2024-01-01", "--end-date", "2024-01-31", "--confirm"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert scalar(db_dsn, "SELECT count(*) FROM calendar") == 31
    bad = subprocess.run(
        [sys.executable, "scripts/seed_random.py", "--delete"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 3 and "--confirm" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    assert "Usage: seed_random.py [OPTIONS]" in subprocess.run(
        [sys.executable, "scripts/seed_random.py", "--help"], cwd=repo, capture_output=True,
        text=True, timeout=120,
    ).stdout  # fmt: skip


def test_values_too_big_for_the_columns_are_refused_and_rolled_back(cli: Any, db_dsn: str) -> None:
    res = gen(cli, db_dsn, "--full-new", "--stores", "2", "--products", "2", "--set",
              "time_series.base_demand=100000", "--set", "time_series.monthly_seasonality={1: 500}")  # fmt: skip
    assert res.exit_code == 1 and "column holds up to" in res.output
    assert "rolled back" in res.output and "Traceback" not in res.output
    assert (
        scalar(db_dsn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store'")
        == 0
    )


def test_dates_before_1970(cli: Any, db_dsn: str) -> None:
    rng = (
        "--stores",
        "2",
        "--products",
        "2",
        "--start-date",
        "1969-11-01",
        "--end-date",
        "1970-02-28",
    )
    ok(gen(cli, db_dsn, "--full-new", *rng))
    ok(cli("retail", "verify", "--database-url", db_dsn, *rng))
    share = scalar(
        db_dsn, "SELECT avg(on_promotion::int) FROM sales_daily WHERE date < '1970-01-01'"
    )
    assert float(share) < 0.5
