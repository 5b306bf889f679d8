"""Each promise of the retail generator has a verify rule that catches its breach.

One small dataset is seeded per module; each case corrupts it inside a
transaction (constraints dropped, so verify's own queries must catch it), runs
verify in-process and asserts that verify fails and names the rule. Then clean
data of every kind pgseed generates (each scenario, appends, custom holidays,
new launches, sparse data, no stores) passes every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.packs.retail.config import RetailConfig, build
from pgseed.packs.retail.verify import verify
from tests.conftest import drop_database
from tests.support.mutation import (
    Mutator,
    assert_names,
    failed_rules,
    mutator_on,
    new_database,
    run_cli,
    seeded_with_copy,
    uncovered,
)

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[3]
START, END = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
ARGS = ("--stores", "3", "--products", "6", "--start-date", str(START), "--end-date", str(END),
        "--seed", "1")  # fmt: skip


def config(**flags: Any) -> RetailConfig:
    named = {
        "dimensions.stores.count": 3,
        "dimensions.products.count": 6,
        "date_range.start": START,
        "date_range.end": END,
        "seed": 1,
        **flags,
    }
    return build(scenario=None, file=None, environ={}, flags=named)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def seeded(server_dsn: str, home: Path) -> Iterator[tuple[str, str]]:
    """The dataset, and an untouched copy for the CLI."""
    yield from seeded_with_copy(
        server_dsn, home, "r", ("retail", "generate", "--full-new", *ARGS, "--max-workers", "1")
    )


@pytest.fixture(scope="module")
def mutator(seeded: tuple[str, str]) -> Iterator[Mutator]:
    yield from mutator_on(seeded)


def fk(child: str, col: str, value: str) -> str:
    return f"UPDATE {child} SET {col} = {value} WHERE id = (SELECT min(id) FROM {child})"


def dup(table: str, cols: str) -> str:
    return f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {table} WHERE id = (SELECT min(id) FROM {table})"


def one(table: str, assignment: str, where: str = "true") -> str:
    """Change one row of ``table``: the lowest id matching ``where``."""
    return f"UPDATE {table} SET {assignment} WHERE id = (SELECT min(id) FROM {table} WHERE {where})"


SALE_COLS = "date, store_id, product_id, quantity, unit_price, total_amount, on_promotion"
SNAP_COLS = "date, store_id, product_id, on_hand_qty, received_qty, ordered_qty, is_stockout"
SERIES_11 = "store_id = 1 AND product_id = 1"
# A price window followed by another window of its series (with the next one's id).
HAS_NEXT = (
    "EXISTS (SELECT 1 FROM price_history n WHERE n.store_id = price_history.store_id"
    " AND n.product_id = price_history.product_id AND n.valid_from = price_history.valid_to + 1)"
)
NOT_FIRST = (
    "EXISTS (SELECT 1 FROM price_history b WHERE b.store_id = price_history.store_id"
    " AND b.product_id = price_history.product_id AND b.valid_to = price_history.valid_from - 1)"
)
CAL_ROW = "INSERT INTO calendar VALUES ({})"

# (the rule verify must name (a prefix of it), one corruption)
CASES: list[tuple[str, str]] = [
    # -- counts and coverage
    ("stores match the config", "INSERT INTO store VALUES (4, 'S0004', 'Dover Supermarket',"
     " 'North', 'supermarket', 'Dover', 2000, '2020-01-01')"),
    ("products match the config", "INSERT INTO product VALUES (7, 'BEV-000007',"
     " 'BrandA Light Cola 1L', 'Beverage', 'BrandA', 1.99, 1.00, '2020-01-01')"),
    ("calendar covers the configured date range", "DELETE FROM calendar WHERE date = '2024-03-31'"),
    ("calendar: no day before the range's start",
     CAL_ROW.format("'2023-12-31', 6, 31, 365, 52, 12, 4, 2023, true, true, 'New Year''s Eve'")),
    ("no fact row before the range's start", one("inventory_snapshot_daily", "date = '2023-12-31'")),
    ("fact tables hold rows", "TRUNCATE sales_daily, inventory_snapshot_daily, price_history, promotion"),
    ("date coverage: each series runs", f"DELETE FROM sales_daily WHERE {SERIES_11} AND date = '2024-03-31';"
     f" DELETE FROM inventory_snapshot_daily WHERE {SERIES_11} AND date = '2024-03-31'"),
    ("days without a sales row are the configured gaps only",
     "DELETE FROM sales_daily WHERE id = (SELECT min(id) FROM sales_daily)"),
    ("sparsity: share of store x product pairs", " ".join(
        f"DELETE FROM {t} WHERE {SERIES_11};"
        for t in ("sales_daily", "inventory_snapshot_daily", "price_history", "promotion"))),
    # -- keys and constraints
    ("FK sales_daily.store_id -> store.id", fk("sales_daily", "store_id", "999")),
    ("FK sales_daily.product_id -> product.id", fk("sales_daily", "product_id", "999")),
    ("FK price_history.store_id -> store.id", fk("price_history", "store_id", "999")),
    ("FK price_history.product_id -> product.id", fk("price_history", "product_id", "999")),
    ("FK promotion.store_id -> store.id", fk("promotion", "store_id", "999")),
    ("FK promotion.product_id -> product.id", fk("promotion", "product_id", "999")),
    ("FK inventory_snapshot_daily.store_id -> store.id", fk("inventory_snapshot_daily", "store_id", "999")),
    ("FK inventory_snapshot_daily.product_id -> product.id",
     fk("inventory_snapshot_daily", "product_id", "999")),
    ("FK sales_daily.date -> calendar.date", fk("sales_daily", "date", "'2031-01-01'")),
    ("FK inventory_snapshot_daily.date -> calendar.date", fk("inventory_snapshot_daily", "date", "'2031-01-01'")),
    ("UNIQUE(id) on store", "INSERT INTO store SELECT * FROM store WHERE id = 1"),
    ("UNIQUE(id) on product", "INSERT INTO product SELECT * FROM product WHERE id = 1"),
    ("UNIQUE(date) on calendar", "INSERT INTO calendar SELECT * FROM calendar WHERE date = '2024-01-07'"),
    ("UNIQUE(date, store_id, product_id) on sales_daily", dup("sales_daily", SALE_COLS)),
    ("UNIQUE(date, store_id, product_id) on inventory_snapshot_daily", dup("inventory_snapshot_daily", SNAP_COLS)),
    ("UNIQUE(code) on store", "UPDATE store SET code = 'S0001' WHERE id = 2"),
    ("UNIQUE(sku) on product", "UPDATE product SET sku = (SELECT sku FROM product WHERE id = 1) WHERE id = 2"),
    ("CHECK sales_daily: quantity >= 0", one("sales_daily", "quantity = -1, total_amount = -unit_price")),
    ("CHECK sales_daily: unit_price >= 0", one("sales_daily", "unit_price = -1, total_amount = -quantity")),
    ("CHECK inventory_snapshot_daily: on_hand_qty >= 0", one("inventory_snapshot_daily", "on_hand_qty = -1")),
    ("CHECK calendar: day_of_week BETWEEN 0 AND 6", "UPDATE calendar SET day_of_week = 7 WHERE date = '2024-01-07'"),
    ("CHECK calendar: month BETWEEN 1 AND 12", "UPDATE calendar SET month = 13 WHERE date = '2024-01-07'"),
    ("CHECK calendar: quarter BETWEEN 1 AND 4", "UPDATE calendar SET quarter = 5 WHERE date = '2024-01-07'"),
    ("CHECK price_history: price >= 0", one("price_history", "price = -0.01")),
    ("CHECK price_history: valid_to >= valid_from", one("price_history", "valid_to = valid_from - 1")),
    ("CHECK promotion: discount_pct BETWEEN 0 AND 1", one("promotion", "discount_pct = 1.5")),
    ("CHECK promotion: end_date >= start_date", one("promotion", "end_date = start_date - 1")),
    ("CHECK product: base_price >= 0", "UPDATE product SET base_price = -1.01 WHERE id = 1"),
    ("CHECK inventory_snapshot_daily: received_qty >= 0", one("inventory_snapshot_daily", "received_qty = -3")),
    ("CHECK inventory_snapshot_daily: ordered_qty >= 0", one("inventory_snapshot_daily", "ordered_qty = -3")),
    # -- stores
    ("store: ids run 1..n", "UPDATE store SET code = 'S001' WHERE id = 1"),
    ("store: ids run 1..n", "UPDATE store SET id = 7, code = 'S0007' WHERE id = 3"),
    ("store: region is one of the configured regions", "UPDATE store SET region = 'Atlantis' WHERE id = 1"),
    ("store: region is one of the configured regions", "UPDATE store SET region = 'north' WHERE id = 2"),
    ("store: store_type is one of the configured types", "UPDATE store SET store_type = 'kiosk' WHERE id = 1"),
    ("store: city is one of pgseed's cities", "UPDATE store SET city = 'Gotham',"
     " name = 'Gotham ' || initcap(store_type) WHERE id = 1"),
    ("store: name = '{city} {Store_type}'", "UPDATE store SET name = name || ' Plaza' WHERE id = 1"),
    ("store: name = '{city} {Store_type}'", "UPDATE store SET name = lower(name) WHERE id = 2"),
    ("store: size_sqm within its type's range", "UPDATE store SET size_sqm = 99999 WHERE id = 1"),
    ("store: size_sqm within its type's range", "UPDATE store SET size_sqm = 149 WHERE id = 2"),
    ("store: opened_on", "UPDATE store SET opened_on = '2024-01-01' WHERE id = 1"),
    ("store: opened_on", "UPDATE store SET opened_on = '1990-01-01' WHERE id = 2"),
    # -- products
    ("product: ids run 1..n; sku", "UPDATE product SET sku = 'XYZ-000001' WHERE id = 1"),
    ("product: ids run 1..n; sku", "UPDATE product SET sku = replace(sku, '-00000', '-') WHERE id = 2"),
    ("product: category is one of the configured categories", "UPDATE product SET category = 'Toys' WHERE id = 1"),
    ("product: brand is one of the configured brands", "UPDATE product SET brand = 'BrandZ',"
     " name = 'BrandZ' || substr(name, length(brand) + 1) WHERE id = 1"),
    ("product: name = ", "UPDATE product SET name = brand || ' Tasty Cola 1L' WHERE id = 1"),
    ("product: name = ", "UPDATE product SET name = name || ' XL' WHERE id = 2"),
    ("product: base_price in its category's range",
     "UPDATE product SET base_price = base_price + 0.01, unit_cost = unit_cost WHERE id = 1"),
    ("product: base_price in its category's range", "UPDATE product SET base_price = 99.99 WHERE id = 2"),
    ("product: unit_cost 45% to 70% of base_price", "UPDATE product SET unit_cost = base_price WHERE id = 1"),
    ("product: unit_cost 45% to 70% of base_price", "UPDATE product SET unit_cost = 0.01 WHERE id = 2"),
    ("product: launch_date", "UPDATE product SET launch_date = '2023-12-15' WHERE id = 1"),
    ("product: launch_date", "UPDATE product SET launch_date = '2024-03-25' WHERE id = 2"),
    ("product: about new_product_share", "UPDATE product SET launch_date = '2024-01-01'"),
    # -- the calendar (the example first)
    ("calendar: holidays are exactly the configured list",
     "UPDATE calendar SET is_holiday = true, holiday_name = 'Fake Day' WHERE date = '2024-02-13'"),
    ("calendar: holidays are exactly the configured list",
     "UPDATE calendar SET is_holiday = false, holiday_name = NULL WHERE date = '2024-02-14'"),
    ("calendar: holidays are exactly the configured list",
     "UPDATE calendar SET holiday_name = 'Valentines Day' WHERE date = '2024-02-14'"),
    ("calendar: holidays are exactly the configured list",
     "UPDATE calendar SET is_holiday = false, holiday_name = NULL WHERE date = '2024-03-31'"),
    ("calendar fields match their date", "UPDATE calendar SET week_of_year = week_of_year + 1 WHERE date = '2024-02-13'"),
    ("calendar fields match their date", "UPDATE calendar SET day_of_year = day_of_year + 1 WHERE date = '2024-03-01'"),
    ("calendar fields match their date", "UPDATE calendar SET is_weekend = NOT is_weekend WHERE date = '2024-01-06'"),
    ("calendar fields match their date", "UPDATE calendar SET day_of_month = 1 WHERE date = '2024-01-31'"),
    ("calendar fields match their date", "UPDATE calendar SET year = 2023 WHERE date = '2024-01-01'"),
    ("calendar fields match their date", "UPDATE calendar SET is_holiday = true WHERE date = '2024-01-02'"),
    ("calendar has no missing day between its first and last", "DELETE FROM calendar WHERE date = '2024-02-15'"),
    # -- stock and deliveries
    ("no sale exceeds the stock on hand", one("sales_daily", "quantity = quantity + 100000,"
     " total_amount = (quantity + 100000) * unit_price")),
    ("every sale has that day's inventory snapshot",
     "DELETE FROM inventory_snapshot_daily WHERE id = (SELECT min(id) FROM inventory_snapshot_daily)"),
    ("inventory adds up", one("inventory_snapshot_daily", "on_hand_qty = on_hand_qty + 1")),
    ("each series' snapshots run day by day with no hole",
     f"DELETE FROM sales_daily WHERE {SERIES_11} AND date = '2024-02-01';"
     f" DELETE FROM inventory_snapshot_daily WHERE {SERIES_11} AND date = '2024-02-01'"),
    ("no row before the product's launch date", "UPDATE product SET launch_date = '2024-02-01' WHERE id = 1"),
    ("a stockout day has stock below demand", one("inventory_snapshot_daily", "is_stockout = true",
     "EXISTS (SELECT 1 FROM sales_daily s WHERE s.date = inventory_snapshot_daily.date"
     " AND s.store_id = inventory_snapshot_daily.store_id"
     " AND s.product_id = inventory_snapshot_daily.product_id"
     " AND s.quantity < inventory_snapshot_daily.on_hand_qty)")),
    ("inventory: a day without a sales row (a gap) is no stockout",
     f"UPDATE inventory_snapshot_daily SET is_stockout = true WHERE {SERIES_11} AND date = '2024-01-01';"
     f" DELETE FROM sales_daily WHERE {SERIES_11} AND date = '2024-01-01'"),
    ("pairs that never sell have no price_history or promotion rows",
     f"DELETE FROM sales_daily WHERE {SERIES_11}; DELETE FROM inventory_snapshot_daily WHERE {SERIES_11}"),
    ("deliveries arrive", one("inventory_snapshot_daily", "received_qty = received_qty + 5", "received_qty > 0")),
    ("deliveries arrive", f"UPDATE inventory_snapshot_daily SET received_qty = 7 WHERE {SERIES_11}"
     " AND date = '2024-01-01'"),
    ("inventory: about stockout_probability of deliveries are missed",
     "UPDATE inventory_snapshot_daily SET received_qty = 0 WHERE received_qty > 0 AND id % 3 = 0"),
    # -- prices
    ("price windows of a series never overlap", one("price_history", "valid_to = valid_to + 1", HAS_NEXT)),
    ("price_history: a series' windows run without a gap",
     one("price_history", "valid_to = valid_to - 1", f"{HAS_NEXT} AND valid_to > valid_from")),
    ("price_history: a series' windows run without a gap",
     one("price_history", "valid_to = valid_to - 1", f"NOT {HAS_NEXT} AND valid_to > valid_from")),
    ("price_history: a window's price differs from the window before",
     one("price_history", "price = (SELECT b.price FROM price_history b WHERE b.store_id ="
         " price_history.store_id AND b.product_id = price_history.product_id"
         " AND b.valid_to = price_history.valid_from - 1)", NOT_FIRST)),
    ("price_history: each series starts at the product's base price",
     one("price_history", "price = price + 1", f"NOT {NOT_FIRST}")),
    ("price_history: price 0.7 to 1.4 x the base price", one("price_history", "price = price + 0.01", NOT_FIRST)),
    ("price_history: price 0.7 to 1.4 x the base price",
     one("price_history", "price = (SELECT floor(base_price * 20) / 10 + 0.09 FROM product p"
         " WHERE p.id = price_history.product_id)", NOT_FIRST)),
    ("price_history: the price changes on at most about price_change_probability",
     f"DELETE FROM price_history WHERE {SERIES_11}; INSERT INTO price_history (store_id, product_id,"
     " price, valid_from, valid_to) SELECT 1, 1, CASE WHEN extract(doy FROM c.date)::int % 2 = 0"
     " THEN p.base_price ELSE p.base_price + 0.10 END, c.date, c.date FROM calendar c, product p"
     " WHERE p.id = 1"),
    ("every sale has exactly one price in force", one("price_history", "valid_from = valid_from - 1", NOT_FIRST)),
    ("unit_price = price in force less the promotion discount",
     one("sales_daily", "unit_price = unit_price + 0.01, total_amount = quantity * (unit_price + 0.01)")),
    ("unit_price = price in force less the promotion discount", one("sales_daily", "on_promotion = NOT on_promotion")),
    ("total_amount = quantity x unit_price", one("sales_daily", "total_amount = total_amount + 1")),
    # -- promotions
    ("promotions of a series never overlap", dup("promotion", "store_id, product_id, discount_pct, start_date, end_date")),
    ("promotion: lasts", one("promotion", "end_date = start_date + 30")),
    ("promotion: lasts", one("promotion", "end_date = start_date + 1")),
    ("promotion: discount", one("promotion", "discount_pct = 0.333")),
    ("promotion: discount", one("promotion", "discount_pct = 0.5")),
    ("promotion: discount", one("promotion", "discount_pct = 0")),
    ("promotion: starts on a day of its series",
     one("promotion", "start_date = '2023-12-20', end_date = '2023-12-25'")),
    ("promotion: about promotion_probability of a series' days are on promotion",
     "DELETE FROM promotion; INSERT INTO promotion (store_id, product_id, discount_pct, start_date,"
     " end_date) SELECT store_id, product_id, 0.1, min(date), max(date)"
     " FROM inventory_snapshot_daily GROUP BY 1, 2"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "statements"), CASES)
def test_verify_names_the_corrupted_rule(mutator: Mutator, rule: str, statements: str) -> None:
    with mutator.mutated(statements) as conn:
        assert_names(rule, verify(conn, config()))


def test_clean_data_passes_and_every_rule_has_a_case(mutator: Mutator) -> None:
    with mutator.mutated("SELECT 1") as conn:
        checks = verify(conn, config())
    assert failed_rules(checks) == []
    assert len(checks) >= 81
    assert uncovered([c.rule for c in checks], [rule for rule, _ in CASES]) == []


def test_cli_exits_6_and_names_the_rule(home: Path, seeded: tuple[str, str]) -> None:
    dsn = seeded[1]
    with psycopg.connect(dsn) as c:
        c.execute("UPDATE calendar SET is_holiday = true, holiday_name = 'Fake Day'"
                  " WHERE date = '2024-02-13'")  # fmt: skip
    res = run_cli(home, "retail", "verify", "--database-url", dsn, *ARGS)
    assert res.exit_code == 6, res.output
    line = next(ln for ln in res.output.splitlines() if "calendar: holidays" in ln)
    assert "FAIL" in line
    assert "2024-02-13: 'Fake Day'" in res.output
    assert "1 of " in res.output and " checks failed" in res.output


@pytest.fixture(scope="module")
def scratch(server_dsn: str) -> Iterator[str]:
    name, dsn = new_database(server_dsn, "rclean")
    yield dsn
    drop_database(server_dsn, name)


HOLIDAY_YAML = str(REPO / "examples" / "seed" / "config_holiday.yaml")
# (generate flags, append flags or None, flags verify is given)
CLEAN: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]]] = {
    **{
        s: ((*ARGS, "--scenario", s), None, (*ARGS, "--scenario", s))
        for s in ("retail_standard", "holiday_rush", "high_variance", "stockout_heavy",
                  "new_launches", "sparse")
    },
    "append across a year end": (ARGS, ("--end-date", "2025-01-10", "--seed", "2"), ARGS),
    "custom holidays YAML": (("--config", HOLIDAY_YAML, "--stores", "2", "--products", "4"), None,
                             ("--config", HOLIDAY_YAML, "--stores", "2", "--products", "4")),
    "no stores": ((*ARGS, "--stores", "0"), None, (*ARGS, "--stores", "0")),
    "backlog, gaps, odd discount bounds, custom lists": (
        (*ARGS, "--set", "retail.stockout_behavior=backlog", "--set",
         "sparsity.random_gaps_per_series=3", "--set", "retail.discount_min=0.07", "--set",
         "retail.discount_max=0.33", "--set", "dimensions.stores.types=[big-box,24hour]", "--set",
         "dimensions.products.categories=[Pet Food,Gift,Gift]", "--set", "dimensions.stores.regions=[]"),
        None, ()),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(CLEAN))
def test_clean_data_of_every_kind_passes(scratch: str, home: Path, kind: str) -> None:
    gen, append, check = CLEAN[kind]
    res = run_cli(home, "retail", "generate", "--full-new", "--confirm", "--database-url", scratch,
                  *gen, "--max-workers", "1")  # fmt: skip
    assert res.exit_code == 0, res.output
    if append:
        res = run_cli(home, "retail", "generate", "--append", "--database-url", scratch, *append,
                      "--max-workers", "1")  # fmt: skip
        assert res.exit_code == 0, res.output
    res = run_cli(home, "retail", "verify", "--database-url", scratch, *(check or gen))
    assert res.exit_code == 0, res.output
