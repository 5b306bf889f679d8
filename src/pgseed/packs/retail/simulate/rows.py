"""Stage 5, rows: the (series x days) arrays of the stages before, cut into the four
fact tables' columns."""

from __future__ import annotations

import numpy as np

from .demand import Demand
from .inventory import Inventory
from .prices import Prices, paid_cents
from .promotions import Promotions
from .series import Columns, Grid, Series

# Column order and binary COPY types of the fact tables (ids come from sequences).
FACT_TYPES: dict[str, dict[str, str]] = {
    "price_history": {
        "store_id": "int4",
        "product_id": "int4",
        "price": "numeric:2",
        "valid_from": "date",
        "valid_to": "date",
    },
    "promotion": {
        "store_id": "int4",
        "product_id": "int4",
        "discount_pct": "numeric:3",
        "start_date": "date",
        "end_date": "date",
    },
    "sales_daily": {
        "date": "date",
        "store_id": "int4",
        "product_id": "int4",
        "quantity": "int4",
        "unit_price": "numeric:2",
        "total_amount": "numeric:2",
        "on_promotion": "bool",
    },
    "inventory_snapshot_daily": {
        "date": "date",
        "store_id": "int4",
        "product_id": "int4",
        "on_hand_qty": "int4",
        "received_qty": "int4",
        "ordered_qty": "int4",
        "is_stockout": "bool",
    },
}


def rows(
    s: Series, g: Grid, prices: Prices, promos: Promotions, demand: Demand, stock: Inventory
) -> dict[str, Columns]:
    """The fact tables' columns, in FACT_TYPES' units: dates as epoch days, money
    (``numeric:2``) as cents, ``discount_pct`` (``numeric:3``) as thousandths,
    quantities as units. Every table's rows run series by series (the block's order),
    days ascending within a series."""
    days, valid = g.days, g.valid
    d = len(days)
    unit = paid_cents(prices.shelf_cents, promos.discount_milli)
    si, sj = np.nonzero(valid & ~demand.gap)
    ii, ij = np.nonzero(valid)
    pi, pj = np.nonzero(prices.window_start)
    # A window ends the day before the next one starts, or on the range's last day.
    nxt = np.empty(len(pi), dtype=np.int64)
    if len(pi):
        same = np.append(pi[1:] == pi[:-1], False)
        nxt = np.where(same, np.append(pj[1:], 0) - 1, d - 1)
    sold = stock.sold
    return {
        "price_history": {
            "store_id": s.store_id[pi],
            "product_id": s.product_id[pi],
            "price": prices.shelf_cents[pi, pj],
            "valid_from": days[pj],
            "valid_to": days[nxt],
        },
        "promotion": {
            "store_id": s.store_id[promos.series],
            "product_id": s.product_id[promos.series],
            "discount_pct": promos.discount,
            "start_date": promos.start_day,
            "end_date": promos.end_day,
        },
        "sales_daily": {
            "date": days[sj],
            "store_id": s.store_id[si],
            "product_id": s.product_id[si],
            "quantity": sold[si, sj],
            "unit_price": unit[si, sj],
            "total_amount": sold[si, sj] * unit[si, sj],
            "on_promotion": promos.on[si, sj],
        },
        "inventory_snapshot_daily": {
            "date": days[ij],
            "store_id": s.store_id[ii],
            "product_id": s.product_id[ii],
            "on_hand_qty": stock.opening[ii, ij],
            "received_qty": stock.received[ii, ij],
            "ordered_qty": stock.ordered[ii, ij],
            "is_stockout": stock.stockout[ii, ij],
        },
    }
