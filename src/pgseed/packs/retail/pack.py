"""The retail pack's operations: full-new, append, delete (and the plan behind each).

Everything runs on the engine's connection inside one transaction that the
caller commits or rolls back; the pack never opens a connection itself.
Dimensions are written by the writer (text COPY); the fact tables' series are
simulated in worker processes and arrive as binary COPY tuples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from ... import binary
from ...catalog import serial_sequence
from ...encode import bool_field, encode_rows, int_field
from ...errors import ConfigError, GenerationError, SafetyError
from ...load import CopyLoader
from ...progress import Reporter
from ...rng import stream
from ...run import Task, WorkerPool, run_tasks
from . import dims
from .config import RetailConfig
from .models import DIMENSIONS, FACTS, TABLES
from .simulate import FACT_TYPES, Series, SimContext, gaps, series_key, simulate

Conn = psycopg.Connection[tuple[object, ...]]

DIM_COLUMNS = {
    "store": ("id", "code", "name", "region", "store_type", "city", "size_sqm", "opened_on"),
    "product": (
        "id",
        "sku",
        "name",
        "category",
        "brand",
        "base_price",
        "unit_cost",
        "launch_date",
    ),
    "calendar": (
        "date",
        "day_of_week",
        "day_of_month",
        "day_of_year",
        "week_of_year",
        "month",
        "quarter",
        "year",
        "is_weekend",
        "is_holiday",
        "holiday_name",
    ),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    **DIM_COLUMNS,
    **{t: tuple(FACT_TYPES[t]) for t in FACTS},
}
CELLS_PER_BLOCK = 65_536  # series x days per worker task: bounds a worker's memory
DEFAULT_DATABASE = "retail_demo"


# -- text encoding of the dimensions --------------------------------------------


def iso_dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.asarray(days).astype("datetime64[D]")).tolist()  # type: ignore[no-any-return]


def money(cents: np.ndarray) -> list[str]:
    c = np.asarray(cents, dtype=np.int64)
    return [f"{v // 100}.{v % 100:02d}" for v in c.tolist()]


def store_copy(s: dims.Stores) -> bytes:
    return encode_rows(
        [
            int_field(s.id),
            list(s.code),
            list(s.name),
            list(s.region),
            list(s.store_type),
            list(s.city),
            int_field(s.size_sqm),
            iso_dates(s.opened_on),
        ]
    )


def product_copy(p: dims.Products) -> bytes:
    return encode_rows(
        [
            int_field(p.id),
            list(p.sku),
            list(p.name),
            list(p.category),
            list(p.brand),
            money(p.base_cents),
            money(p.cost_cents),
            iso_dates(p.launch),
        ]
    )


def calendar_columns(c: dims.CalendarRows) -> dict[str, Any]:
    d = c.days.astype("datetime64[D]")
    dates = [dims.from_epoch_day(x) for x in c.days.tolist()]
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    dow = (c.days + 3) % 7
    return {
        "date": c.days,
        "day_of_week": dow,
        "day_of_month": np.array([x.day for x in dates], dtype=np.int64),
        "day_of_year": (d - d.astype("datetime64[Y]")).astype(np.int64) + 1,
        "week_of_year": np.array([x.isocalendar()[1] for x in dates], dtype=np.int64),
        "month": month,
        "quarter": (month - 1) // 3 + 1,
        "year": year,
        "is_weekend": dow >= 5,
        "is_holiday": np.array([n is not None for n in c.holiday_name], dtype=bool),
        "holiday_name": c.holiday_name,
    }


def calendar_copy(c: dims.CalendarRows) -> bytes:
    cols = calendar_columns(c)
    return encode_rows(
        [
            iso_dates(cols["date"]),
            *(int_field(cols[k]) for k in DIM_COLUMNS["calendar"][1:8]),
            bool_field(cols["is_weekend"]),
            bool_field(cols["is_holiday"]),
            list(cols["holiday_name"]),
        ]
    )


# -- the work of one block of series (in a worker process) ----------------------


@dataclass(frozen=True)
class Work:
    ctx: SimContext
    series: Series


def work(w: Work, block: tuple[int, int]) -> dict[str, tuple[int, bytes]]:
    lo, hi = block
    s = w.series
    part = s.part(lo, hi)
    out = simulate(w.ctx, part)
    check_bounds(out)
    result = {}
    for table in FACTS_ORDER:
        cols = out[table]
        types = FACT_TYPES[table]
        rows = len(cols[next(iter(types))])
        result[table] = (rows, binary.encode(list(types.values()), [cols[c] for c in types]))
    return result


FACTS_ORDER = ("price_history", "promotion", "sales_daily", "inventory_snapshot_daily")
INT4_MAX = 2**31 - 1
MONEY_MAX_CENTS = 10**10  # what the binary numeric encoder writes: below 100,000,000.00
MAX_SERIES = 5_000_000


def check_bounds(out: dict[str, dict[str, np.ndarray]]) -> None:
    """Refuse values the columns cannot hold, before they reach the encoder or the server."""
    for table, types in FACT_TYPES.items():
        for col, t in types.items():
            v = out[table][col]
            if not len(v):
                continue
            limit = INT4_MAX if t == "int4" else MONEY_MAX_CENTS - 1 if t == "numeric:2" else None
            if limit is not None and int(v.max()) > limit:
                raise GenerationError(
                    f"{table}.{col} would reach {int(v.max()):,} (the column holds up to "
                    f"{limit:,}{' cents' if t == 'numeric:2' else ''}): demand or stock grew "
                    "too far.\nFix: lower time_series.base_demand, the trend, the seasonality "
                    "or holiday multipliers, or retail.cover_days."
                )


def blocks(series: Series, days: int) -> list[tuple[int, int]]:
    per = max(1, CELLS_PER_BLOCK // max(days, 1))
    n = len(series)
    return [(i, min(i + per, n)) for i in range(0, n, per)]


# -- plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class FullPlan:
    cfg: RetailConfig
    stores: dims.Stores
    products: dims.Products
    calendar: dims.CalendarRows
    ctx: SimContext
    series: Series
    missing_pairs: int
    rows: dict[str, int]  # exact for all but price_history and promotion (estimates)


def _holiday_mult(cfg: RetailConfig, day0: int, day1: int) -> np.ndarray:
    hol = dims.holidays(cfg, dims.from_epoch_day(day0), dims.from_epoch_day(day1))
    return np.array([hol[d][1] if d in hol else 1.0 for d in range(day0, day1 + 1)])


def levels(
    cfg: RetailConfig,
    store_code: Sequence[str],
    store_name: Sequence[str],
    sku: Sequence[str],
    product_name: Sequence[str],
    s_idx: np.ndarray,
    p_idx: np.ndarray,
) -> np.ndarray:
    """Mean daily demand per series, from the stored fields (see dims.py)."""
    sf = np.array([dims.store_factor(c, n) for c, n in zip(store_code, store_name, strict=True)])
    pf = np.array([dims.product_factor(k, n) for k, n in zip(sku, product_name, strict=True)])
    store_keys = np.array([dims.entity_key("store", c) for c in store_code], dtype=np.uint64)
    product_keys = np.array([dims.entity_key("product", k) for k in sku], dtype=np.uint64)
    pair = dims.pair_factors(store_keys[s_idx], product_keys[p_idx])
    out: np.ndarray = cfg.time_series.base_demand * sf[s_idx] * pf[p_idx] * pair
    return out


def _estimate_rows(cfg: RetailConfig, ctx: SimContext, series: Series) -> dict[str, int]:
    days = np.maximum(ctx.day1 - series.first_day + 1, 0)
    cells = int(days.sum())
    gap_cells = 0
    for lo, hi in blocks(series, ctx.day1 - ctx.day0 + 1):
        rng_days = np.arange(ctx.day0, ctx.day1 + 1)
        key = series_key(series.store_id[lo:hi], series.product_id[lo:hi])
        mask = gaps(
            ctx.seed,
            key,
            series.first_day[lo:hi],
            ctx.day1,
            cfg.sparsity.random_gaps_per_series,
            cfg.sparsity.gap_max_days,
            rng_days,
        )
        gap_cells += int((mask & (rng_days[None, :] >= series.first_day[lo:hi, None])).sum())
    rp = cfg.retail
    mean_len = (rp.promotion_min_days + rp.promotion_max_days) / 2
    return {
        "price_history": int(len(series) + cells * rp.price_change_probability),
        "promotion": int(cells * rp.promotion_probability / mean_len),
        "sales_daily": cells - gap_cells,
        "inventory_snapshot_daily": cells,
    }


def plan_full(cfg: RetailConfig) -> FullPlan:
    st = dims.stores(cfg)
    pr = dims.products(cfg)
    start, end = cfg.date_range.start, cfg.date_range.end
    day0, day1 = dims.epoch_day(start), dims.epoch_day(end)
    cal = dims.calendar(cfg, start, end)
    n_pairs = len(st.id) * len(pr.id)
    if n_pairs > MAX_SERIES:
        raise ConfigError(
            f"{len(st.id):,} stores x {len(pr.id):,} products is {n_pairs:,} series; one run "
            f"generates at most {MAX_SERIES:,}.\nFix: fewer stores or products."
        )
    missing = round(cfg.sparsity.missing_combinations_pct * n_pairs)
    keep = np.ones(n_pairs, dtype=bool)
    if missing:
        keep[stream(cfg.seed, "sparsity").choice(n_pairs, size=missing, replace=False)] = False
    pairs = np.flatnonzero(keep)
    s_idx, p_idx = pairs // max(len(pr.id), 1), pairs % max(len(pr.id), 1)
    launch = pr.launch[p_idx]
    series = Series(
        store_id=st.id[s_idx],
        product_id=pr.id[p_idx],
        level=levels(cfg, st.code, st.name, pr.sku, pr.name, s_idx, p_idx),
        base_cents=pr.base_cents[p_idx],
        price_cents=pr.base_cents[p_idx],
        first_day=np.maximum(day0, launch),
        launch=launch,
        on_hand=np.full(len(pairs), -1, dtype=np.int64),
    )
    ctx = SimContext(
        seed=cfg.seed,
        cfg=cfg,
        day0=day0,
        day1=day1,
        anchor=day0,
        holiday_mult=_holiday_mult(cfg, day0, day1),
    )
    rows = {
        "store": len(st.id),
        "product": len(pr.id),
        "calendar": len(cal.days),
        **_estimate_rows(cfg, ctx, series),
    }
    return FullPlan(cfg, st, pr, cal, ctx, series, missing, rows)


def counts(conn: Conn, tables: Sequence[str] = TABLES) -> dict[str, int]:
    out = {}
    for t in tables:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()
        out[t] = int(str(row[0])) if row else 0
    return out


def truncate(conn: Conn, tables: Sequence[str]) -> None:
    conn.execute(
        sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
            sql.SQL(", ").join(map(sql.Identifier, tables))
        )
    )


def _load_series(
    loader: CopyLoader,
    ctx: SimContext,
    series: Series,
    batch_size: int,
    pool: WorkerPool,
) -> None:
    for t in FACTS:
        loader.binary[t] = binary.width(list(FACT_TYPES[t].values()))
    days = ctx.day1 - ctx.day0 + 1
    run_tasks(
        loader,
        [Task("inventory_snapshot_daily", b) for b in blocks(series, days)],
        work,
        Work(ctx, series),
        order=FACTS_ORDER,
        batch_sizes=dict.fromkeys(FACTS_ORDER, batch_size),
        pool=pool,
    )


def run_full(
    conn: Conn, p: FullPlan, loader: CopyLoader, reporter: Reporter, pool: WorkerPool
) -> None:
    """Fill all seven tables (already emptied by ``prepare_full``)."""
    reporter.begin(p.rows)
    loader.copy("store", store_copy(p.stores), len(p.stores.id))
    loader.copy("product", product_copy(p.products), len(p.products.id))
    loader.copy("calendar", calendar_copy(p.calendar), len(p.calendar.days))
    for table, n in (("store", len(p.stores.id)), ("product", len(p.products.id))):
        seq = serial_sequence(conn, table, "id")
        if seq is not None:
            conn.execute("SELECT setval(%s, %s, %s)", [seq, max(n, 1), n > 0])
    _load_series(loader, p.ctx, p.series, p.cfg.batch_size, pool)


def prepare_full(conn: Conn, *, replace: bool) -> None:
    """Lock the seven tables and empty them. Without ``replace`` (no --confirm), tables
    that hold rows are refused here, under the lock: a concurrent run that filled them
    after this run looked is not replaced unconfirmed."""
    _lock(conn, "ACCESS EXCLUSIVE")
    if not replace:
        held = {t: n for t, n in counts(conn).items() if n}
        if held:
            raise SafetyError(
                "--full-new into tables that hold rows ("
                + ", ".join(f"{t} {n:,}" for t, n in held.items())
                + ") is destructive and needs --confirm (another run filled them while this "
                "one was starting).\nFix: add --confirm (or --dry-run to preview)."
            )
    truncate(conn, TABLES)


# -- append ----------------------------------------------------------------------


@dataclass(frozen=True)
class AppendPlan:
    ctx: SimContext
    series: Series
    calendar: dims.CalendarRows
    rows: dict[str, int]

    @property
    def pairs(self) -> int:
        return len(self.series)


def append_range(conn: Conn, start: dt.date | None, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days an append really adds: from the day after the data's last day to ``end``.

    Appends extend series forward, day by day: a ``start`` after that day would
    leave a hole in every series (refused), one before the data's first day
    would backfill (refused). A range the data already covers (the same append
    run again, with or without ``start``) adds nothing: the returned start is
    then after the returned end, and the caller says so and exits 0.
    """
    row = conn.execute(
        "SELECT (SELECT min(date) FROM calendar), (SELECT max(date) FROM inventory_snapshot_daily)"
    ).fetchone()
    if row is None or row[0] is None or row[1] is None:
        raise GenerationError(
            "nothing to append to: the database holds no store x product series yet.\n"
            "Fix: run --full-new first (append only extends existing series)."
        )
    first, last = row[0], row[1]
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    nxt = last + dt.timedelta(days=1)
    if start is not None and end < start:
        raise ConfigError(f"--end-date {end} is before --start-date {start}.")
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


def _carried_state(
    conn: Conn, cfg: RetailConfig, sid: np.ndarray, pid: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each series carries past its last day: orders placed in its last
    ``lead_time_days`` days (still in transit), and a promotion that runs on."""
    lead = cfg.retail.lead_time_days
    pos = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(sid, pid, strict=True))}
    in_transit = np.zeros((len(sid), lead), dtype=np.int64)
    for a, b, day, qty in conn.execute(
        """
        SELECT i.store_id, i.product_id, i.date, i.ordered_qty
        FROM inventory_snapshot_daily i
        JOIN (SELECT store_id, product_id, max(date) AS last
              FROM inventory_snapshot_daily GROUP BY 1, 2) m USING (store_id, product_id)
        WHERE i.date > m.last - %s AND i.ordered_qty > 0
        """,
        [lead],
    ).fetchall():
        i = pos[(int(str(a)), int(str(b)))]
        # ordered at the end of day t, it arrives at the end of day t + lead, which is
        # column (t + lead) - (last + 1) of the appended days
        k = dims.epoch_day(day) + lead - int(last[i]) - 1  # type: ignore[arg-type]
        if 0 <= k < lead:
            in_transit[i, k] = int(str(qty))
    none = np.iinfo(np.int64).min // 2
    promo_end = np.full(len(sid), none, dtype=np.int64)
    promo_disc = np.zeros(len(sid), dtype=np.int64)
    for a, b, end, disc in conn.execute(
        """
        SELECT DISTINCT ON (p.store_id, p.product_id) p.store_id, p.product_id, p.end_date,
               round(p.discount_pct * 1000)::int
        FROM promotion p
        JOIN (SELECT store_id, product_id, max(date) AS last
              FROM inventory_snapshot_daily GROUP BY 1, 2) m USING (store_id, product_id)
        WHERE p.end_date > m.last AND p.start_date <= m.last
        ORDER BY p.store_id, p.product_id, p.end_date DESC
        """
    ).fetchall():
        i = pos[(int(str(a)), int(str(b)))]
        promo_end[i] = dims.epoch_day(end)  # type: ignore[arg-type]
        promo_disc[i] = int(str(disc))
    return in_transit, promo_end, promo_disc


def plan_append(conn: Conn, cfg: RetailConfig, start: dt.date, end: dt.date) -> AppendPlan:
    """Read what the database holds and plan sales and inventory for [start, end]."""
    stores = conn.execute("SELECT id, code, name FROM store ORDER BY id").fetchall()
    products = conn.execute(
        "SELECT id, sku, name, (base_price * 100)::bigint, launch_date FROM product ORDER BY id"
    ).fetchall()
    state = conn.execute(
        """
        SELECT i.store_id, i.product_id, i.date, i.on_hand_qty + i.received_qty
                 - coalesce(s.quantity, 0)
        FROM (SELECT store_id, product_id, max(date) AS date
              FROM inventory_snapshot_daily GROUP BY store_id, product_id) last
        JOIN inventory_snapshot_daily i USING (store_id, product_id, date)
        LEFT JOIN sales_daily s USING (store_id, product_id, date)
        ORDER BY i.store_id, i.product_id
        """
    ).fetchall()
    if not state:
        raise GenerationError(
            "nothing to append to: the database holds no store x product series yet.\n"
            "Fix: run --full-new first (append only extends existing series)."
        )
    prices = dict(
        ((int(str(r[0])), int(str(r[1]))), int(str(r[2])))
        for r in conn.execute(
            "SELECT DISTINCT ON (store_id, product_id) store_id, product_id, (price * 100)::bigint"
            " FROM price_history ORDER BY store_id, product_id, valid_to DESC, id DESC"
        ).fetchall()
    )
    first_row = conn.execute("SELECT min(date) FROM calendar").fetchone()
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
    in_transit, promo_end, promo_disc = _carried_state(conn, cfg, sid, pid, last)
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
            "SELECT date FROM calendar WHERE date BETWEEN %s AND %s", [start, end]
        ).fetchall()
    }
    full_cal = dims.calendar(cfg, start, end)
    keep = np.array([d not in have for d in full_cal.days.tolist()], dtype=bool)
    cal = dims.CalendarRows(
        days=full_cal.days[keep],
        holiday_name=[n for n, k in zip(full_cal.holiday_name, keep.tolist(), strict=True) if k],
    )
    ctx = SimContext(
        seed=cfg.seed,
        cfg=cfg,
        day0=day0,
        day1=day1,
        anchor=anchor,
        holiday_mult=_holiday_mult(cfg, day0, day1),
    )
    rows = {"calendar": len(cal.days), **_estimate_rows(cfg, ctx, series)}
    return AppendPlan(ctx, series, cal, rows)


def run_append(
    conn: Conn,
    p: AppendPlan,
    cfg: RetailConfig,
    loader: CopyLoader,
    reporter: Reporter,
    pool: WorkerPool,
) -> None:
    reporter.begin(p.rows)
    row = conn.execute("SELECT coalesce(max(id), 0) FROM price_history").fetchone()
    before = int(str(row[0])) if row else 0
    loader.copy("calendar", calendar_copy(p.calendar), len(p.calendar.days))
    _load_series(loader, p.ctx, p.series, cfg.batch_size, pool)
    # A series whose price did not change at the boundary keeps one window: the old
    # window is extended over the new days instead of a new row at the same price.
    merged = conn.execute(
        """
        WITH pairs AS (
            SELECT a.id AS old_id, b.id AS new_id, b.valid_to
            FROM price_history a JOIN price_history b
              ON b.store_id = a.store_id AND b.product_id = a.product_id
             AND b.valid_from = a.valid_to + 1 AND b.price = a.price
            WHERE a.id <= %(before)s AND b.id > %(before)s
        ), extended AS (
            UPDATE price_history p SET valid_to = pairs.valid_to
            FROM pairs WHERE p.id = pairs.old_id
        )
        DELETE FROM price_history p USING pairs WHERE p.id = pairs.new_id
        """,
        {"before": before},
    ).rowcount
    loader.written["price_history"] -= max(merged, 0)


LOCK_WAIT = "10s"


def _lock(conn: Conn, mode: str) -> None:
    """Lock the seven tables, waiting at most LOCK_WAIT for other sessions."""
    conn.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    try:
        conn.execute(
            sql.SQL("LOCK TABLE {} IN " + mode + " MODE").format(
                sql.SQL(", ").join(map(sql.Identifier, TABLES))
            )
        )
    except psycopg.errors.LockNotAvailable as exc:
        raise GenerationError(
            f"another session is using the retail tables (waited {LOCK_WAIT} for a lock).\n"
            "Fix: finish or stop that session (an open transaction in psql?), then run again."
        ) from exc
    conn.execute("SET LOCAL lock_timeout = 0")


def lock_all(conn: Conn) -> None:
    _lock(conn, "SHARE ROW EXCLUSIVE")


# -- delete ----------------------------------------------------------------------

SCOPES: Mapping[str, tuple[str, ...]] = {
    "all": TABLES,
    "facts": FACTS,
    "dimensions": DIMENSIONS,
}


def delete(conn: Conn, scope: str) -> dict[str, int]:
    """Empty the scope's tables (one statement, in the caller's transaction); rows removed."""
    tables = SCOPES[scope]
    lock_all(conn)
    before = counts(conn, TABLES)
    check_delete(scope, before)
    truncate(conn, TABLES if scope == "dimensions" else tables)
    return {t: before[t] for t in tables}


def check_delete(scope: str, before: Mapping[str, int]) -> None:
    """Refuse to empty the dimensions while fact rows still reference them."""
    if scope == "dimensions":
        held = {t: before[t] for t in FACTS if before[t]}
        if held:
            raise GenerationError(
                "the fact tables still reference the dimensions ("
                + ", ".join(f"{t} {n:,} rows" for t, n in held.items())
                + ").\nFix: delete --scope facts first, or --scope all."
            )


def samples(p: FullPlan | AppendPlan, k: int = 3) -> dict[str, list[dict[str, str]]]:
    """The first ``k`` rows of each fact table (for --dry-run)."""
    first = p.series.part(0, k)
    out = simulate(p.ctx, first)
    result: dict[str, list[dict[str, str]]] = {}
    for table in FACTS_ORDER:
        cols = out[table]
        types = FACT_TYPES[table]
        n = len(cols[next(iter(types))])
        rows = []
        for i in range(min(k, n)):
            row = {}
            for c, t in types.items():
                v = cols[c][i]
                if t == "date":
                    row[c] = str(dims.from_epoch_day(int(v)))
                elif t == "numeric:2":
                    row[c] = money(np.array([v]))[0]
                elif t == "numeric:3":
                    row[c] = f"{int(v) / 1000:.3f}"
                else:
                    row[c] = str(v)
            rows.append(row)
        result[table] = rows
    return result
