"""Counts and coverage: the rows the config asks for, and no more or fewer.

Dimension counts, the calendar's days, which store x product pairs have data
(sparsity), which days of a series have rows (launches, gaps).
"""

from __future__ import annotations

from ....checks import Check, count
from ....pg import Conn
from ..config import RetailConfig


def checks(conn: Conn, cfg: RetailConfig) -> list[Check]:
    out: list[Check] = []
    stores = count(conn, "SELECT count(*) FROM store")
    products = count(conn, "SELECT count(*) FROM product")
    want_s, want_p = cfg.dimensions.stores.count, cfg.dimensions.products.count
    out.append(
        Check("stores match the config", stores == want_s, f"{stores:,} (config {want_s:,})")
    )
    out.append(
        Check("products match the config", products == want_p, f"{products:,} (config {want_p:,})")
    )
    start, end = cfg.date_range.start, cfg.date_range.end
    days = (end - start).days + 1
    covered = count(
        conn, "SELECT count(*) FROM calendar WHERE date BETWEEN %s AND %s", [start, end]
    )
    out.append(
        Check(
            "calendar covers the configured date range",
            covered == days,
            f"{covered:,} of {days:,} days from {start} to {end}",
        )
    )
    # Appends extend the calendar forward only, so it always starts on the range's start.
    early = count(conn, "SELECT count(*) FROM calendar WHERE date < %s", [start])
    out.append(
        Check(
            "calendar: no day before the range's start",
            early == 0,
            "ok" if early == 0 else f"{early:,} days before {start}",
        )
    )
    outside = count(
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
    n_rows = count(conn, "SELECT count(*) FROM inventory_snapshot_daily")
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
    short = count(
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
    over = count(
        conn,
        "SELECT count(*) FROM (SELECT i.store_id, i.product_id,"
        " count(*) - count(s.date) AS missing, count(*) AS n"
        " FROM inventory_snapshot_daily i LEFT JOIN sales_daily s"
        " USING (date, store_id, product_id) GROUP BY 1, 2) x"
        # one bigint parameter: psycopg sends small ints as int2, and int2 * int2
        # overflowed for 200 gaps of 200 days
        " WHERE missing > %s::bigint * ceil(n::numeric / %s + 1)",
        [gaps * max_len, cfg_days],
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
    active = count(
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
