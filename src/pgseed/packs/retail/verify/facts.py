"""The fact tables hang together: stock, deliveries, prices and promotions.

Sales never exceed the stock on hand, inventory adds up day to day, deliveries
follow orders, every sale carries the price in force less its promotion, price
windows tile each series' days, promotions have the configured lengths and
discounts. Shares drawn at random (missed deliveries, days on promotion) are
compared with the config within a tolerance; everything else is exact.
"""

from __future__ import annotations

import math

from ....checks import Check, ZeroRule, share_ok, zeros
from ....pg import Conn
from ..config import RetailConfig

# Each series: first and last snapshot day (its days run without a hole: coverage.py).
SERIES = (
    "(SELECT store_id, product_id, min(date) AS lo, max(date) AS hi"
    " FROM inventory_snapshot_daily GROUP BY 1, 2)"
)

STOCK = [
    ZeroRule(
        "no sale exceeds the stock on hand that day",
        "SELECT count(*) FROM sales_daily s JOIN inventory_snapshot_daily i"
        " USING (date, store_id, product_id) WHERE s.quantity > i.on_hand_qty",
    ),
    ZeroRule(
        "every sale has that day's inventory snapshot",
        "SELECT count(*) FROM sales_daily s LEFT JOIN inventory_snapshot_daily i"
        " USING (date, store_id, product_id) WHERE i.date IS NULL",
    ),
    ZeroRule(
        "inventory adds up: on_hand(t+1) = on_hand(t) - sold(t) + received(t)",
        "SELECT count(*) FROM inventory_snapshot_daily i"
        " JOIN inventory_snapshot_daily n ON n.store_id = i.store_id"
        "  AND n.product_id = i.product_id AND n.date = i.date + 1"
        " LEFT JOIN sales_daily s ON s.store_id = i.store_id AND s.product_id = i.product_id"
        "  AND s.date = i.date"
        " WHERE n.on_hand_qty <> i.on_hand_qty - coalesce(s.quantity, 0) + i.received_qty",
    ),
    ZeroRule(
        "each series' snapshots run day by day with no hole",
        "SELECT count(*) FROM (SELECT store_id, product_id FROM inventory_snapshot_daily"
        " GROUP BY 1, 2 HAVING max(date) - min(date) + 1 <> count(*)) x",
    ),
    ZeroRule(
        "no row before the product's launch date",
        "SELECT (SELECT count(*) FROM sales_daily s JOIN product p ON p.id = s.product_id"
        " WHERE s.date < p.launch_date) + (SELECT count(*) FROM inventory_snapshot_daily i"
        " JOIN product p ON p.id = i.product_id WHERE i.date < p.launch_date)",
    ),
    ZeroRule(
        "a stockout day has stock below demand: it sold everything on hand, or nothing",
        "SELECT count(*) FROM inventory_snapshot_daily i JOIN sales_daily s"
        " USING (date, store_id, product_id) WHERE i.is_stockout AND s.quantity <> i.on_hand_qty",
    ),
    ZeroRule(
        # A gap: the store sold nothing there, so no demand went unmet.
        "inventory: a day without a sales row (a gap) is no stockout",
        "SELECT count(*) FROM inventory_snapshot_daily i LEFT JOIN sales_daily s"
        " USING (date, store_id, product_id) WHERE s.date IS NULL AND i.is_stockout",
    ),
    ZeroRule(
        "pairs that never sell have no price_history or promotion rows",
        "SELECT count(*) FROM (SELECT store_id, product_id FROM price_history UNION"
        " SELECT store_id, product_id FROM promotion) f WHERE NOT EXISTS (SELECT 1"
        " FROM inventory_snapshot_daily i WHERE i.store_id = f.store_id"
        " AND i.product_id = f.product_id)",
    ),
]

PRICES = [
    ZeroRule(
        "price windows of a series never overlap",
        "SELECT count(*) FROM price_history a JOIN price_history b ON a.store_id = b.store_id"
        " AND a.product_id = b.product_id AND a.id < b.id"
        " AND a.valid_from <= b.valid_to AND b.valid_from <= a.valid_to",
    ),
    ZeroRule(
        # With no overlap (above), days summing to the span means no gap either.
        "price_history: a series' windows run without a gap from its first day to its last",
        "SELECT count(*) FROM (SELECT store_id, product_id, min(valid_from) AS lo,"
        " max(valid_to) AS hi, sum(valid_to - valid_from + 1) AS n FROM price_history"
        f" GROUP BY 1, 2) w FULL JOIN {SERIES} s USING (store_id, product_id)"
        " WHERE w.lo IS DISTINCT FROM s.lo OR w.hi IS DISTINCT FROM s.hi"
        " OR w.n IS DISTINCT FROM s.hi - s.lo + 1",
    ),
    ZeroRule(
        "price_history: a window's price differs from the window before",
        "SELECT count(*) FROM price_history a JOIN price_history b USING (store_id, product_id)"
        " WHERE b.valid_from = a.valid_to + 1 AND b.price = a.price",
    ),
    ZeroRule(
        "price_history: each series starts at the product's base price",
        "SELECT count(*) FROM (SELECT DISTINCT ON (store_id, product_id) product_id, price"
        " FROM price_history ORDER BY store_id, product_id, valid_from, id) f"
        " JOIN product p ON p.id = f.product_id WHERE f.price <> p.base_price",
    ),
    ZeroRule(
        # simulate.pretty_cents(base x a move clipped to 0.7..1.4): floor to 10 cents, + 9
        "price_history: price 0.7 to 1.4 x the base price, ending in 9 cents",
        "SELECT count(*) FROM price_history h JOIN product p ON p.id = h.product_id"
        " WHERE (h.price * 100) %% 10 <> 9"
        " OR h.price * 100 < greatest(floor(p.base_price * 7) * 10 + 9, 9)"
        " OR h.price * 100 > floor(p.base_price * 14) * 10 + 9",
    ),
    ZeroRule(
        "every sale has exactly one price in force (price_history)",
        "SELECT count(*) FROM sales_daily s WHERE (SELECT count(*) FROM price_history p"
        " WHERE p.store_id = s.store_id AND p.product_id = s.product_id"
        " AND s.date BETWEEN p.valid_from AND p.valid_to) <> 1",
    ),
    ZeroRule(
        "unit_price = price in force less the promotion discount; on_promotion matches",
        "SELECT count(*) FROM sales_daily s"
        " JOIN price_history p ON p.store_id = s.store_id AND p.product_id = s.product_id"
        "  AND s.date BETWEEN p.valid_from AND p.valid_to"
        " LEFT JOIN promotion m ON m.store_id = s.store_id AND m.product_id = s.product_id"
        "  AND s.date BETWEEN m.start_date AND m.end_date"
        " WHERE s.unit_price <> round(p.price * (1 - coalesce(m.discount_pct, 0)), 2)"
        " OR s.on_promotion <> (m.id IS NOT NULL)",
    ),
    ZeroRule(
        "total_amount = quantity x unit_price",
        "SELECT count(*) FROM sales_daily WHERE total_amount <> quantity * unit_price",
    ),
]


def promotion_rules(cfg: RetailConfig) -> list[ZeroRule]:
    rp = cfg.retail
    lo, hi = round(rp.discount_min * 1000), round(rp.discount_max * 1000)
    return [
        ZeroRule(
            "promotions of a series never overlap",
            "SELECT count(*) FROM promotion a JOIN promotion b ON a.store_id = b.store_id"
            " AND a.product_id = b.product_id AND a.id < b.id"
            " AND a.start_date <= b.end_date AND b.start_date <= a.end_date",
        ),
        ZeroRule(
            # Planned ahead, a promotion keeps its length even past the range's last day.
            f"promotion: lasts {rp.promotion_min_days} to {rp.promotion_max_days} days"
            " (promotion_min_days..promotion_max_days)",
            "SELECT count(*) FROM promotion WHERE end_date - start_date + 1 NOT BETWEEN %s AND %s",
            [rp.promotion_min_days, rp.promotion_max_days],
        ),
        ZeroRule(
            # Drawn in 5% steps, then clipped to the bounds (which need not be steps).
            f"promotion: discount {rp.discount_min:.3g} to {rp.discount_max:.3g}"
            " (discount_min..discount_max) in 5% steps",
            "SELECT count(*) FROM promotion WHERE discount_pct * 1000 NOT BETWEEN %(lo)s AND %(hi)s"
            " OR (discount_pct * 1000 %% 50 <> 0 AND discount_pct * 1000 NOT IN (%(lo)s, %(hi)s))",
            {"lo": lo, "hi": hi},
        ),
        ZeroRule(
            "promotion: starts on a day of its series (launch or first day .. last day)",
            f"SELECT count(*) FROM promotion m LEFT JOIN {SERIES} s USING (store_id, product_id)"
            " WHERE s.lo IS NULL OR m.start_date NOT BETWEEN s.lo AND s.hi",
        ),
    ]


def inventory_rules(cfg: RetailConfig) -> list[ZeroRule]:
    lead = int(cfg.retail.lead_time_days)
    return [
        ZeroRule(
            # Nothing arrives that was not ordered lead_time_days before (the first days
            # of a series have nothing in transit).
            f"deliveries arrive {lead} day(s) after their order, or are missed",
            "SELECT count(*) FROM inventory_snapshot_daily i LEFT JOIN inventory_snapshot_daily o"
            " ON o.store_id = i.store_id AND o.product_id = i.product_id"
            f" AND o.date = i.date - {lead}"
            " WHERE i.received_qty <> 0 AND (o.date IS NULL OR i.received_qty <> o.ordered_qty)",
        ),
    ]


def missed_deliveries(conn: Conn, cfg: RetailConfig) -> Check:
    """Each delivery that falls due is missed with stockout_probability."""
    lead = int(cfg.retail.lead_time_days)
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE i.received_qty = 0), count(*)"
        " FROM inventory_snapshot_daily o JOIN inventory_snapshot_daily i"
        " ON i.store_id = o.store_id AND i.product_id = o.product_id"
        f" AND i.date = o.date + {lead} WHERE o.ordered_qty > 0"
    ).fetchone()
    missed, due = (int(str(v)) for v in row) if row else (0, 0)
    ok, detail = share_ok(missed, due, cfg.retail.stockout_probability)
    return Check("inventory: about stockout_probability of deliveries are missed", ok, detail)


def price_changes(conn: Conn, cfg: RetailConfig) -> Check:
    """A series' price changes on a day with price_change_probability, at most: a change
    to the price already in force is no change (no new window), so fewer may show."""
    rule = "price_history: the price changes on at most about price_change_probability of days"
    row = conn.execute(
        "SELECT (SELECT count(*) FROM price_history)"
        f" - (SELECT count(*) FROM {SERIES} s), (SELECT coalesce(sum(hi - lo), 0) FROM {SERIES} s)"
    ).fetchone()
    changes, days = (int(str(v)) for v in row) if row else (0, 0)
    p = cfg.retail.price_change_probability
    if days == 0:
        return Check(rule, changes <= 0, "no rows")
    ok, detail = share_ok(changes, days, p)
    return Check(rule, ok or changes / days <= p, f"{changes:,} changes: {detail}")


def promotion_cover(cfg: RetailConfig) -> tuple[float, float]:
    """Share of a series' days a promotion covers, as simulate() plans them, and the
    mean promotion length.

    A promotion starts on a free day with probability q, so a cycle is L promotion
    days plus (1 - q) / q free days on average; q is chosen to make that share
    about promotion_probability (q is capped at 1: back-to-back promotions).
    """
    rp = cfg.retail
    length = (rp.promotion_min_days + rp.promotion_max_days) / 2
    p = rp.promotion_probability
    q = 1.0 if p >= 1 else min(1.0, p / (length * (1 - p)))
    return (length * q / (length * q + 1 - q) if q > 0 else 0.0), length


def promotion_share(conn: Conn, cfg: RetailConfig) -> Check:
    """Days covered by a promotion, against promotion_probability.

    Covered days come in runs of a promotion's length, so the tolerance is wider
    than for independent days (4 standard errors of runs, not days), plus one
    promotion per series for the edges (a series starts with no promotion running).
    """
    rule = "promotion: about promotion_probability of a series' days are on promotion"
    # Promotions of a series never overlap (a rule of its own), so their days inside
    # the series' first..last day add up to the days covered.
    row = conn.execute(
        "SELECT (SELECT coalesce(sum(greatest(least(m.end_date, s.hi)"
        " - greatest(m.start_date, s.lo) + 1, 0)), 0)"
        f" FROM promotion m JOIN {SERIES} s USING (store_id, product_id)),"
        f" (SELECT coalesce(sum(hi - lo + 1), 0) FROM {SERIES} s), (SELECT count(*) FROM {SERIES} s)"
    ).fetchone()
    covered, days, series = (int(str(v)) for v in row) if row else (0, 0, 0)
    want, length = promotion_cover(cfg)
    if days == 0:
        return Check(rule, True, "no rows")
    share = covered / days
    if want in (0.0, 1.0):
        return Check(rule, share == want, f"{share:.2%} (target {want:.0%} exactly)")
    tol = 4 * math.sqrt(want * (1 - want) * 2 * length / days) + series * length / days
    return Check(
        rule,
        abs(share - want) <= tol,
        f"{share:.2%} (target {want:.1%} ± {tol:.2%}, {days:,} days)",
    )


def checks(conn: Conn, cfg: RetailConfig) -> list[Check]:
    return [
        *zeros(conn, STOCK),
        *zeros(conn, inventory_rules(cfg)),
        missed_deliveries(conn, cfg),
        *zeros(conn, PRICES),
        price_changes(conn, cfg),
        *zeros(conn, promotion_rules(cfg)),
        promotion_share(conn, cfg),
    ]
