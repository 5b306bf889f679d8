"""Check a retail database: counts against the config, keys, every check
constraint, date coverage, sparsity, and that the data hangs together
(stock never oversold, inventory adds up day to day, prices follow
price_history and promotions). A list of (check, passed, detail).

Keys and constraints are checked with queries of their own, not taken on
trust from the schema: a database loaded some other way (or with a constraint
dropped) is caught too.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from .config import RetailConfig

Conn = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str


def _one(conn: Conn, query: str, params: list[object] | None = None) -> int:
    row = conn.execute(query, params or []).fetchone()
    return int(str(row[0])) if row and row[0] is not None else 0


FOREIGN_KEYS = [
    (child, col, parent, pcol)
    for child in ("sales_daily", "price_history", "promotion", "inventory_snapshot_daily")
    for col, parent, pcol in (("store_id", "store", "id"), ("product_id", "product", "id"))
] + [
    ("sales_daily", "date", "calendar", "date"),
    ("inventory_snapshot_daily", "date", "calendar", "date"),
]

CONSTRAINTS = [
    ("sales_daily", "quantity >= 0"),
    ("sales_daily", "unit_price >= 0"),
    ("inventory_snapshot_daily", "on_hand_qty >= 0"),
    ("calendar", "day_of_week BETWEEN 0 AND 6"),
    ("calendar", "month BETWEEN 1 AND 12"),
    ("calendar", "quarter BETWEEN 1 AND 4"),
    ("price_history", "price >= 0"),
    ("price_history", "valid_to >= valid_from"),
    ("promotion", "discount_pct BETWEEN 0 AND 1"),
    ("promotion", "end_date >= start_date"),
]

# (check, query counting offending rows)
CONSISTENCY = [
    (
        "calendar fields match their date (0 = Monday)",
        "SELECT count(*) FROM calendar WHERE day_of_week <> extract(isodow FROM date) - 1"
        " OR month <> extract(month FROM date) OR quarter <> extract(quarter FROM date)"
        " OR year <> extract(year FROM date) OR day_of_month <> extract(day FROM date)"
        " OR is_weekend <> (extract(isodow FROM date) >= 6)"
        " OR is_holiday <> (holiday_name IS NOT NULL)",
    ),
    (
        "calendar has no missing day between its first and last",
        "SELECT (max(date) - min(date) + 1) - count(*) FROM calendar",
    ),
    (
        "no sale exceeds the stock on hand that day",
        "SELECT count(*) FROM sales_daily s JOIN inventory_snapshot_daily i"
        " USING (date, store_id, product_id) WHERE s.quantity > i.on_hand_qty",
    ),
    (
        "every sale has that day's inventory snapshot",
        "SELECT count(*) FROM sales_daily s LEFT JOIN inventory_snapshot_daily i"
        " USING (date, store_id, product_id) WHERE i.date IS NULL",
    ),
    (
        "inventory adds up: on_hand(t+1) = on_hand(t) - sold(t) + received(t)",
        "SELECT count(*) FROM inventory_snapshot_daily i"
        " JOIN inventory_snapshot_daily n ON n.store_id = i.store_id"
        "  AND n.product_id = i.product_id AND n.date = i.date + 1"
        " LEFT JOIN sales_daily s ON s.store_id = i.store_id AND s.product_id = i.product_id"
        "  AND s.date = i.date"
        " WHERE n.on_hand_qty <> i.on_hand_qty - coalesce(s.quantity, 0) + i.received_qty",
    ),
    (
        "each series' snapshots run day by day with no hole",
        "SELECT count(*) FROM (SELECT store_id, product_id FROM inventory_snapshot_daily"
        " GROUP BY 1, 2 HAVING max(date) - min(date) + 1 <> count(*)) x",
    ),
    (
        "no row before the product's launch date",
        "SELECT (SELECT count(*) FROM sales_daily s JOIN product p ON p.id = s.product_id"
        " WHERE s.date < p.launch_date) + (SELECT count(*) FROM inventory_snapshot_daily i"
        " JOIN product p ON p.id = i.product_id WHERE i.date < p.launch_date)",
    ),
    (
        "price windows of a series never overlap",
        "SELECT count(*) FROM price_history a JOIN price_history b ON a.store_id = b.store_id"
        " AND a.product_id = b.product_id AND a.id < b.id"
        " AND a.valid_from <= b.valid_to AND b.valid_from <= a.valid_to",
    ),
    (
        "promotions of a series never overlap",
        "SELECT count(*) FROM promotion a JOIN promotion b ON a.store_id = b.store_id"
        " AND a.product_id = b.product_id AND a.id < b.id"
        " AND a.start_date <= b.end_date AND b.start_date <= a.end_date",
    ),
    (
        "every sale has exactly one price in force (price_history)",
        "SELECT count(*) FROM sales_daily s WHERE (SELECT count(*) FROM price_history p"
        " WHERE p.store_id = s.store_id AND p.product_id = s.product_id"
        " AND s.date BETWEEN p.valid_from AND p.valid_to) <> 1",
    ),
    (
        "unit_price = price in force less the promotion discount; on_promotion matches",
        "SELECT count(*) FROM sales_daily s"
        " JOIN price_history p ON p.store_id = s.store_id AND p.product_id = s.product_id"
        "  AND s.date BETWEEN p.valid_from AND p.valid_to"
        " LEFT JOIN promotion m ON m.store_id = s.store_id AND m.product_id = s.product_id"
        "  AND s.date BETWEEN m.start_date AND m.end_date"
        " WHERE s.unit_price <> round(p.price * (1 - coalesce(m.discount_pct, 0)), 2)"
        " OR s.on_promotion <> (m.id IS NOT NULL)",
    ),
    (
        "total_amount = quantity x unit_price",
        "SELECT count(*) FROM sales_daily WHERE total_amount <> quantity * unit_price",
    ),
    (
        "a stockout day has stock below demand: it sold everything on hand, or nothing",
        "SELECT count(*) FROM inventory_snapshot_daily i JOIN sales_daily s"
        " USING (date, store_id, product_id) WHERE i.is_stockout AND s.quantity <> i.on_hand_qty",
    ),
]


def verify(conn: Conn, cfg: RetailConfig) -> list[Check]:
    out: list[Check] = []

    def zero(rule: str, query: str) -> None:
        n = _one(conn, query)
        out.append(Check(rule, n == 0, "ok" if n == 0 else f"{n:,} offending rows"))

    stores = _one(conn, "SELECT count(*) FROM store")
    products = _one(conn, "SELECT count(*) FROM product")
    want_s, want_p = cfg.dimensions.stores.count, cfg.dimensions.products.count
    out.append(
        Check("stores match the config", stores == want_s, f"{stores:,} (config {want_s:,})")
    )
    out.append(
        Check("products match the config", products == want_p, f"{products:,} (config {want_p:,})")
    )
    start, end = cfg.date_range.start, cfg.date_range.end
    days = (end - start).days + 1
    covered = _one(conn, "SELECT count(*) FROM calendar WHERE date BETWEEN %s AND %s", [start, end])
    out.append(
        Check(
            "calendar covers the configured date range",
            covered == days,
            f"{covered:,} of {days:,} days from {start} to {end}",
        )
    )
    outside = _one(
        conn,
        "SELECT (SELECT count(*) FROM sales_daily WHERE date < %s)"
        " + (SELECT count(*) FROM inventory_snapshot_daily WHERE date < %s)",
        [start, start],
    )
    out.append(
        Check(
            "no fact row before the range's start",
            outside == 0,
            "ok" if outside == 0 else f"{outside:,} rows before {start}",
        )
    )
    n_rows = _one(conn, "SELECT count(*) FROM inventory_snapshot_daily")
    pairs = stores * products
    target = cfg.sparsity.missing_combinations_pct
    want_active = pairs - round(target * pairs)
    out.append(
        Check(
            "fact tables hold rows (unless the config asks for none)",
            n_rows > 0 or want_active == 0,
            f"{n_rows:,} inventory snapshots",
        )
    )
    # Coverage: every series has a snapshot for each day from its product's launch (or
    # the calendar's first day) to the calendar's last day.
    short = _one(
        conn,
        "SELECT count(*) FROM (SELECT i.store_id, i.product_id, min(i.date) AS lo,"
        " max(i.date) AS hi, count(*) AS n, min(p.launch_date) AS launch"
        " FROM inventory_snapshot_daily i JOIN product p ON p.id = i.product_id"
        " GROUP BY 1, 2) s, (SELECT min(date) AS c0, max(date) AS c1 FROM calendar) c"
        " WHERE s.lo <> greatest(c.c0, s.launch) OR s.hi <> c.c1 OR s.n <> s.hi - s.lo + 1",
    )
    out.append(
        Check(
            "date coverage: each series runs from its launch (or the first day) to the last day",
            short == 0,
            "ok" if short == 0 else f"{short:,} series start late, end early or have holes",
        )
    )
    gaps, max_len = cfg.sparsity.random_gaps_per_series, cfg.sparsity.gap_max_days
    cfg_days = max((cfg.date_range.end - cfg.date_range.start).days + 1, 1)
    # Days with a snapshot but no sales row are the gaps: at most gaps x max_len per
    # generated range (a series spanning more days than the config's range had appends).
    over = _one(
        conn,
        "SELECT count(*) FROM (SELECT i.store_id, i.product_id,"
        " count(*) - count(s.date) AS missing, count(*) AS n"
        " FROM inventory_snapshot_daily i LEFT JOIN sales_daily s"
        " USING (date, store_id, product_id) GROUP BY 1, 2) x"
        " WHERE missing > %s * %s * ceil(n::numeric / %s + 1)",
        [gaps, max_len, cfg_days],
    )
    out.append(
        Check(
            "days without a sales row are the configured gaps only",
            over == 0,
            "ok"
            if over == 0
            else f"{over:,} series miss more sales days than {gaps} gaps of up to {max_len} days",
        )
    )
    for child, col, parent, pcol in FOREIGN_KEYS:
        zero(
            f"FK {child}.{col} -> {parent}.{pcol}",
            f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p ON p.{pcol} = c.{col}"
            f" WHERE p.{pcol} IS NULL",
        )
    for table in ("sales_daily", "inventory_snapshot_daily"):
        zero(
            f"UNIQUE(date, store_id, product_id) on {table}",
            f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY date, store_id, product_id"
            " HAVING count(*) > 1) d",
        )
    for table, cond in CONSTRAINTS:
        zero(f"CHECK {table}: {cond}", f"SELECT count(*) FROM {table} WHERE NOT ({cond})")
    for rule, query in CONSISTENCY:
        zero(rule, query)
    lead = cfg.retail.lead_time_days
    zero(
        f"deliveries arrive {lead} day(s) after their order, or are missed",
        "SELECT count(*) FROM inventory_snapshot_daily i JOIN inventory_snapshot_daily o"
        " ON o.store_id = i.store_id AND o.product_id = i.product_id"
        f" AND o.date = i.date - {int(lead)}"
        " WHERE i.received_qty <> 0 AND i.received_qty <> o.ordered_qty",
    )
    active = _one(
        conn,
        "SELECT count(*) FROM (SELECT DISTINCT store_id, product_id FROM inventory_snapshot_daily) x",
    )
    observed = 1 - active / pairs if pairs else 0.0
    # pgseed drops exactly round(share x pairs) pairs, so the count must match exactly.
    out.append(
        Check(
            "sparsity: share of store x product pairs that never sell",
            active == want_active,
            f"{observed:.2%} of {pairs:,} pairs never sell: {active:,} sell, "
            f"{want_active:,} expected (target {target:.0%})",
        )
    )
    return out
