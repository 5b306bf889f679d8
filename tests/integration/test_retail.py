"""The retail pack end to end on a real PostgreSQL: every operation, every
constraint, append idempotency, reproducibility, and the realism properties."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.packs.retail.models import TABLES
from tests.conftest import query, scalar

pytestmark = pytest.mark.db

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


def test_same_seed_same_data_whatever_batch_size_and_workers(
    cli: Any, server_dsn: str, db_dsn: str
) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL, "--seed", "7"))
    first = digest(db_dsn)
    ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            *SMALL,
            "--seed",
            "7",
            "--confirm",
            "--batch-size",
            "97",
            "--max-workers",
            "1",
            "--no-bulk",
        )
    )
    assert digest(db_dsn) == first
    ok(gen(cli, db_dsn, "--full-new", *SMALL, "--seed", "8", "--confirm"))
    assert digest(db_dsn)["sales_daily"] != first["sales_daily"]


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


def test_yaml_config_env_and_flags_layer(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "seed_config.yaml"
    cfg.write_text(
        "dimensions:\n  stores:\n    count: 5\n  products:\n    count: 2\n"
        "date_range:\n  start: '2024-02-01'\n  end: '2024-02-29'\n"
        "holidays:\n  - date: '2024-02-14'\n    name: Heart Day\n    multiplier: 2.0\n"
    )
    ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            "--config",
            str(cfg),
            "--stores",
            "2",
            env={"SEEDER_DEFAULT_PRODUCTS": "3"},
        )
    )
    n = counts(db_dsn)
    assert (n["store"], n["product"], n["calendar"]) == (2, 3, 29)
    assert query(db_dsn, "SELECT date::text, holiday_name FROM calendar WHERE is_holiday") == [
        ("2024-02-14", "Heart Day")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--full-new", "--set", "time_series.noise_sigm=1"),
            "Did you mean 'time_series.noise_sigma'",
        ),
        (("--full-new", "--scenario", "holiday_rsh"), "Did you mean 'holiday_rush'"),
        (("--full-new", "--start-date", "2024-05-01", "--end-date", "2024-01-01"), "before start"),
        (("--full-new", "--set", "retail.stockout_behavior=sometimes"), "stockout_behavior"),
        (("--stores", "2"), "pick one operation"),
        (("--full-new", "--append"), "cannot be combined"),
        (("--append",), "--end-date"),
    ],
)
def test_bad_input_is_a_clear_error(
    cli: Any, db_dsn: str, args: tuple[str, ...], message: str
) -> None:
    res = gen(cli, db_dsn, *args, "--confirm")
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output


def test_bad_yaml_key_names_the_key(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("time_series:\n  noise_sigmaa: 0.2\n")
    res = gen(cli, db_dsn, "--full-new", "--config", str(cfg))
    assert res.exit_code == 2 and "time_series.noise_sigmaa" in res.output
    assert "Did you mean 'time_series.noise_sigma'" in res.output


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_output_writes_every_table_through_the_cli(cli: Any, tmp_path: Path, fmt: str) -> None:
    """``--output`` (``--full-new`` implied) writes one file per table, nothing else; that
    the files hold what the database gets is the pack contract's
    (tests/packs/contract.py, test_output_files_hold_what_the_database_gets)."""
    out = tmp_path / fmt
    ok(cli("retail", "generate", *SMALL, "--seed", "5", "--output", str(out), "--format", fmt))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)


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

    repo = Path(__file__).resolve().parents[2]
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


def test_values_too_big_for_the_columns_are_refused_and_rolled_back(cli: Any, db_dsn: str) -> None:
    res = gen(cli, db_dsn, "--full-new", "--stores", "2", "--products", "2", "--set",
              "time_series.base_demand=100000", "--set", "time_series.monthly_seasonality={1: 500}")  # fmt: skip
    assert res.exit_code == 1 and "column holds up to" in res.output
    assert "rolled back" in res.output and "Traceback" not in res.output
    assert (
        scalar(db_dsn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store'")
        == 0
    )


@pytest.mark.parametrize(
    ("setup", "args", "env", "needle"),
    [
        ("scenario: [1]\n", ("--full-new",), {}, "expected a name"),
        ("holidays:\n  - {date: '2024-01-01', name: a}\n  - {date: '2024-01-01', name: b}\n",
         ("--full-new",), {}, "listed twice"),
        ("", ("--full-new",), {"SEEDER_DEFAULT_PRODUCTS": "[1"}, "SEEDER_DEFAULT_PRODUCTS"),
        ("", ("--full-new", "--set", "time_series.monthly_seasonality={1: .inf}"), {}, "finite"),
        ("", ("--full-new", "--start-date", "1850-01-01"), {}, "1900-01-01"),
        ("", ("--full-new", "--stores", "100000", "--products", "1000000", "--dry-run"), {}, "at most"),
        ("", ("--output", "/proc/pgseed-nowhere"), {}, "cannot write to --output"),
    ],
)  # fmt: skip
def test_more_bad_input(
    cli: Any, db_dsn: str, tmp_path: Path, setup: str, args: tuple[str, ...], env: dict[str, str],
    needle: str,
) -> None:  # fmt: skip
    extra: tuple[str, ...] = ()
    if setup:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(setup)
        extra = ("--config", str(cfg))
    res = gen(cli, db_dsn, *args, *extra, env=env)
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output


def test_non_utf8_config(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "bin.yaml"
    cfg.write_bytes(b"\xff\xfe\x00garbage")
    res = gen(cli, db_dsn, "--full-new", "--config", str(cfg))
    assert res.exit_code == 2 and "UTF-8" in res.output


def test_dry_runs_match_the_real_refusals(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    res = gen(cli, db_dsn, "--delete", "--scope", "dimensions", "--dry-run")
    assert res.exit_code == 1 and "--scope facts first" in res.output
    res = ok(cli("retail", "generate", *SMALL, "--output", str(tmp_path / "o"), "--dry-run"))
    assert "would write" in res.output and not (tmp_path / "o").exists()
    res = gen(cli, db_dsn, "--delete", "--dry-run", env={"APP_ENV": "production"})
    assert res.exit_code == 3


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
