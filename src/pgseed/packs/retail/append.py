"""Append: sales and inventory for more days, continuing every existing series exactly.

Each series carries over its closing stock, the orders still in transit, a running
promotion and the price in force (docs/retail.md, "Operations"). Runs on the
engine's connection, inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ...errors import ConfigError, GenerationError
from ...pg import Conn
from ..contract import RunContext
from . import dims
from .config import RetailConfig
from .dimcopy import calendar_copy
from .live import INV, PRICE, PROMOTION, Columns
from .pack import _load_series
from .plan import _estimate_rows, levels, sim_context
from .simulate import NO_PROMOTION, Series, SimContext


@dataclass(frozen=True)
class AppendPlan:
    ctx: SimContext
    series: Series
    calendar: dims.CalendarRows
    rows: dict[str, int]

    @property
    def pairs(self) -> int:
        return len(self.series)


APPEND_NEEDS_END = (
    "--append needs --end-date (and --start-date, else the day after the "
    "last calendar day).\nExample: --append --start-date 2025-01-01 "
    "--end-date 2025-03-31"
)


def check_append_dates(start: dt.date | None, end: dt.date | None) -> None:
    """The checks of an append's dates that need no database (ConfigError, exit 2): the
    CLI makes them before it connects, the dashboard before it starts a run."""
    if end is None:
        raise ConfigError(APPEND_NEEDS_END)
    if start is not None and end < start:
        raise ConfigError(
            f"--end-date {end} is before --start-date {start}.\n"
            "Fix: swap them (an append runs from --start-date to --end-date)."
        )


def append_range(
    conn: Conn, start: dt.date | None, end: dt.date, cols: Columns | None = None
) -> tuple[dt.date, dt.date]:
    """The days an append really adds: from the day after the data's last day to ``end``.

    Appends extend series forward, day by day: a ``start`` after that day would
    leave a hole in every series (refused), one before the data's first day
    would backfill (refused). A range the data already covers (the same append
    run again, with or without ``start``) adds nothing: the returned start is
    then after the returned end, and the caller says so and exits 0.
    """
    q = (cols or Columns()).sql(
        "SELECT (SELECT min({c.date}) FROM calendar), (SELECT max({i.date}) FROM "
        "inventory_snapshot_daily)",
        c="calendar",
        i=INV,
    )
    row = conn.execute(q).fetchone()
    if row is None or row[0] is None or row[1] is None:
        raise GenerationError(
            "nothing to append to: the database holds no store x product series yet.\n"
            "Fix: run --full-new first (append only extends existing series)."
        )
    first, last = row[0], row[1]
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    nxt = last + dt.timedelta(days=1)
    check_append_dates(start, end)
    if start is not None and start > nxt:
        raise ConfigError(
            f"--start-date {start} would leave a hole: the series end on {last}, so an append "
            f"continues on {nxt}.\nFix: --start-date {nxt} (or leave --start-date out)."
        )
    if (start or end) < first:
        raise ConfigError(
            f"--{'start' if start else 'end'}-date {start or end} is before the data's first "
            f"day ({first}): append only extends series forward.\nFix: use --full-new with the "
            "wider date range to regenerate."
        )
    return nxt, end


# The last day of each store x product series, as (sid, pid, last).
LAST = (
    "(SELECT {i.store_id} AS sid, {i.product_id} AS pid, max({i.date}) AS last "
    "FROM inventory_snapshot_daily GROUP BY 1, 2) m"
)


def _carried_state(
    conn: Conn,
    cfg: RetailConfig,
    cols: Columns,
    series: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each series (store ids, product ids, last days) carries past its last day:
    orders placed in its last ``lead_time_days`` days (still in transit), and a
    promotion that runs on. None of either where the database lacks their columns
    (``live.DERIVED``)."""
    sid, pid, last = series
    lead = cfg.retail.lead_time_days
    pos = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(sid, pid, strict=True))}
    in_transit = np.zeros((len(sid), lead), dtype=np.int64)
    ordered = []
    if cols.has(INV, "ordered_qty"):
        orders = cols.sql(
            "SELECT i.{i.store_id}, i.{i.product_id}, i.{i.date}, i.{i.ordered_qty} "
            f"FROM inventory_snapshot_daily i JOIN {LAST} "
            "ON i.{i.store_id} = m.sid AND i.{i.product_id} = m.pid "
            "WHERE i.{i.date} > m.last - %s AND i.{i.ordered_qty} > 0",
            i=INV,
        )
        ordered = conn.execute(orders, [lead]).fetchall()
    for a, b, day, qty in ordered:
        i = pos[(int(str(a)), int(str(b)))]
        # ordered at the end of day t, it arrives at the end of day t + lead, which is
        # column (t + lead) - (last + 1) of the appended days
        k = dims.epoch_day(day) + lead - int(last[i]) - 1  # type: ignore[arg-type]
        if 0 <= k < lead:
            in_transit[i, k] = int(str(qty))
    promo_end = np.full(len(sid), NO_PROMOTION, dtype=np.int64)
    promo_disc = np.zeros(len(sid), dtype=np.int64)
    running = []
    if cols.has("promotion", *PROMOTION):
        promos = cols.sql(
            "SELECT DISTINCT ON (m.sid, m.pid) m.sid, m.pid, p.{p.end_date}, "
            "round(p.{p.discount_pct} * 1000)::int "
            f"FROM promotion p JOIN {LAST} "
            "ON p.{p.store_id} = m.sid AND p.{p.product_id} = m.pid "
            "WHERE p.{p.end_date} > m.last AND p.{p.start_date} <= m.last "
            "ORDER BY m.sid, m.pid, p.{p.end_date} DESC",
            p="promotion",
            i=INV,
        )
        running = conn.execute(promos).fetchall()
    for a, b, end, disc in running:
        i = pos[(int(str(a)), int(str(b)))]
        promo_end[i] = dims.epoch_day(end)  # type: ignore[arg-type]
        promo_disc[i] = int(str(disc))
    return in_transit, promo_end, promo_disc


def _prices(conn: Conn, cols: Columns) -> dict[tuple[int, int], int]:
    """The price in force at each series' end (cents): its latest window; an open one
    (valid_to NULL: the application's "current") first. None where the database lacks
    price_history's columns (``live.DERIVED``)."""
    if not cols.has("price_history", *PRICE):
        return {}
    q = cols.sql(
        "SELECT DISTINCT ON ({h.store_id}, {h.product_id}) {h.store_id}, {h.product_id}, "
        "({h.price} * 100)::bigint FROM price_history WHERE {h.store_id} IS NOT NULL "
        "ORDER BY {h.store_id}, {h.product_id}, {h.valid_to} DESC NULLS FIRST, id DESC",
        h="price_history",
    )
    return {(int(str(a)), int(str(b))): int(str(c)) for a, b, c in conn.execute(q).fetchall()}


def plan_append(
    conn: Conn, cfg: RetailConfig, start: dt.date, end: dt.date, cols: Columns | None = None
) -> AppendPlan:
    """Read what the database holds and plan sales and inventory for [start, end]
    (``cols``: the live column names, ``live.Columns``)."""
    cols = cols or Columns()
    stores = conn.execute(
        cols.sql("SELECT {s.id}, {s.code}, {s.name} FROM store ORDER BY 1", s="store")
    ).fetchall()
    products = conn.execute(
        cols.sql(
            "SELECT {p.id}, {p.sku}, {p.name}, ({p.base_price} * 100)::bigint, {p.launch_date} "
            "FROM product ORDER BY 1",
            p="product",
        )
    ).fetchall()
    # Closing stock: the last day's opening, less its sales, plus its delivery where
    # the database records it (live.DERIVED).
    received = "i.{i.received_qty}" if cols.has(INV, "received_qty") else "0"
    state = conn.execute(
        cols.sql(
            "SELECT m.sid, m.pid, m.last, i.{i.on_hand_qty} + "
            + received
            + " - coalesce(s.{s.quantity}, 0) "
            f"FROM {LAST} JOIN inventory_snapshot_daily i "
            "ON i.{i.store_id} = m.sid AND i.{i.product_id} = m.pid AND i.{i.date} = m.last "
            "LEFT JOIN sales_daily s "
            "ON s.{s.store_id} = m.sid AND s.{s.product_id} = m.pid AND s.{s.date} = m.last "
            "ORDER BY 1, 2",
            i=INV,
            s="sales_daily",
        )
    ).fetchall()
    if not state:
        raise GenerationError(
            "nothing to append to: the database holds no store x product series yet.\n"
            "Fix: run --full-new first (append only extends existing series)."
        )
    prices = _prices(conn, cols)
    first_row = conn.execute(
        cols.sql("SELECT min({c.date}) FROM calendar", c="calendar")
    ).fetchone()
    anchor = dims.epoch_day(first_row[0]) if first_row and first_row[0] else dims.epoch_day(start)  # type: ignore[arg-type]
    s_pos = {int(str(r[0])): i for i, r in enumerate(stores)}
    p_pos = {int(str(r[0])): i for i, r in enumerate(products)}
    sid = np.array([int(str(r[0])) for r in state], dtype=np.int64)
    pid = np.array([int(str(r[1])) for r in state], dtype=np.int64)
    s_idx = np.array([s_pos[x] for x in sid.tolist()], dtype=np.int64)
    p_idx = np.array([p_pos[x] for x in pid.tolist()], dtype=np.int64)
    last = np.array([dims.epoch_day(r[2]) for r in state], dtype=np.int64)  # type: ignore[arg-type]
    closing = np.array([max(int(str(r[3])), 0) for r in state], dtype=np.int64)
    base = np.array([int(str(r[3])) for r in products], dtype=np.int64)[p_idx]
    launch = np.array([dims.epoch_day(r[4]) for r in products], dtype=np.int64)[p_idx]  # type: ignore[arg-type]
    day0, day1 = dims.epoch_day(start), dims.epoch_day(end)
    price = np.array(
        [
            prices.get((a, b), int(c))
            for a, b, c in zip(sid.tolist(), pid.tolist(), base, strict=True)
        ],
        dtype=np.int64,
    )
    in_transit, promo_end, promo_disc = _carried_state(conn, cfg, cols, (sid, pid, last))
    series = Series(
        store_id=sid,
        product_id=pid,
        level=levels(
            cfg,
            [str(r[1]) for r in stores],
            [str(r[2]) for r in stores],
            [str(r[1]) for r in products],
            [str(r[2]) for r in products],
            s_idx,
            p_idx,
        ),
        base_cents=base,
        price_cents=price,
        first_day=np.maximum.reduce([np.full_like(last, day0), last + 1, launch]),
        launch=launch,
        on_hand=closing,
        in_transit=in_transit,
        promo_end=promo_end,
        promo_disc=promo_disc,
    )
    have = {
        dims.epoch_day(r[0])  # type: ignore[arg-type]
        for r in conn.execute(
            cols.sql(
                "SELECT {c.date} FROM calendar WHERE {c.date} BETWEEN %s AND %s", c="calendar"
            ),
            [start, end],
        ).fetchall()
    }
    full_cal = dims.calendar(cfg, start, end)
    keep = np.array([d not in have for d in full_cal.days.tolist()], dtype=bool)
    cal = dims.CalendarRows(
        days=full_cal.days[keep],
        holiday_name=[n for n, k in zip(full_cal.holiday_name, keep.tolist(), strict=True) if k],
    )
    ctx = sim_context(cfg, day0, day1, anchor=anchor)
    rows = {"calendar": len(cal.days), **_estimate_rows(cfg, ctx, series)}
    return AppendPlan(ctx, series, cal, rows)


def run_append(ctx: RunContext, p: AppendPlan, cols: Columns | None = None) -> None:
    """Write the plan's days inside the engine's transaction (the tables locked by the
    caller), then merge each series' price window across the boundary."""
    conn, loader = ctx.conn, ctx.sink
    cols = cols or Columns()
    assert conn is not None, "an append extends a database; it has no file form"
    row = conn.execute("SELECT coalesce(max(id), 0) FROM price_history").fetchone()
    before = int(str(row[0])) if row else 0
    loader.copy("calendar", calendar_copy(p.calendar), len(p.calendar.days))
    _load_series(loader, p.ctx, p.series, ctx.cfg.batch_size, ctx.pool)
    if not cols.has("price_history", *PRICE):
        return
    # A series whose price did not change at the boundary keeps one window: the old
    # window is extended over the new days instead of a new row at the same price.
    merge = cols.sql(
        """
        WITH pairs AS (
            SELECT a.id AS old_id, b.id AS new_id, b.{h.valid_to} AS valid_to
            FROM price_history a JOIN price_history b
              ON b.{h.store_id} = a.{h.store_id} AND b.{h.product_id} = a.{h.product_id}
             AND b.{h.valid_from} = a.{h.valid_to} + 1 AND b.{h.price} = a.{h.price}
            WHERE a.id <= %(before)s AND b.id > %(before)s
        ), extended AS (
            UPDATE price_history p SET {h.valid_to} = pairs.valid_to
            FROM pairs WHERE p.id = pairs.old_id
        )
        DELETE FROM price_history p USING pairs WHERE p.id = pairs.new_id
        """,
        h="price_history",
    )
    merged = conn.execute(merge, {"before": before}).rowcount
    loader.written["price_history"] -= max(merged, 0)
    if merged > 0:
        ctx.reporter.info(
            f"price_history: {merged:,} window(s) extended over the new days (the price did "
            "not change): updated, not counted as rows written"
        )
