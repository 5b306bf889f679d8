"""Keys and constraints, each checked with a query of its own.

Not taken on trust from the schema: a database loaded some other way (or with a
constraint dropped) is caught too.
"""

from __future__ import annotations

from ....checks import Check, ZeroRule, zeros
from ....pg import Conn

FOREIGN_KEYS = [
    (child, col, parent, pcol)
    for child in ("sales_daily", "price_history", "promotion", "inventory_snapshot_daily")
    for col, parent, pcol in (("store_id", "store", "id"), ("product_id", "product", "id"))
] + [
    ("sales_daily", "date", "calendar", "date"),
    ("inventory_snapshot_daily", "date", "calendar", "date"),
]

# (table, the columns that identify a row: primary and unique keys)
UNIQUE = [
    ("store", "id"),
    ("product", "id"),
    ("calendar", "date"),
    ("sales_daily", "date, store_id, product_id"),
    ("inventory_snapshot_daily", "date, store_id, product_id"),
    ("store", "code"),
    ("product", "sku"),
]

# The schema's CHECK constraints, and the ones pgseed promises without a constraint
# (deliveries and orders are quantities: never negative).
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
    ("product", "base_price >= 0"),
    ("inventory_snapshot_daily", "received_qty >= 0"),
    ("inventory_snapshot_daily", "ordered_qty >= 0"),
]


def rules() -> list[ZeroRule]:
    out = [
        ZeroRule(
            f"FK {child}.{col} -> {parent}.{pcol}",
            f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p ON p.{pcol} = c.{col}"
            f" WHERE p.{pcol} IS NULL",
        )
        for child, col, parent, pcol in FOREIGN_KEYS
    ]
    out += [
        ZeroRule(
            f"UNIQUE({cols}) on {table}",
            f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY {cols} HAVING count(*) > 1) d",
        )
        for table, cols in UNIQUE
    ]
    out += [
        ZeroRule(f"CHECK {table}: {cond}", f"SELECT count(*) FROM {table} WHERE NOT ({cond})")
        for table, cond in CONSTRAINTS
    ]
    return out


def checks(conn: Conn) -> list[Check]:
    return zeros(conn, rules())
