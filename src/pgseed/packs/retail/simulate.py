"""Sales, prices, promotions and inventory for a block of store x product series.

Arrays are (series x days). Every random value is keyed by (seed, namespace,
series, day) through ``hashed_uniform``, so a series' day draws the same numbers
in whichever block or date range it is generated. The demand model:

    demand = level x trend x weekly x weekend x monthly x holiday
             x promotion lift (days a promotion covers)
             x (price in force / base price) ^ elasticity
             x new-product ramp x noise x anomaly

Two short loops run over days (vectorised across series), because each day
depends on the one before: promotions never overlap, and inventory moves as
``on_hand(t+1) = on_hand(t) - sold(t) + received(t)`` with an order-up-to
replenishment policy; sales never exceed what is on hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...rng import hashed_normal, hashed_uniform
from .config import RetailConfig

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class SimContext:
    seed: int
    cfg: RetailConfig
    day0: int  # first day of the range (epoch day)
    day1: int  # last day, inclusive
    anchor: int  # day the trend counts from (the data set's first calendar day)
    holiday_mult: np.ndarray  # per day of the range


@dataclass(frozen=True)
class Series:
    """One block of series; every array has one entry per series."""

    store_id: np.ndarray
    product_id: np.ndarray
    level: np.ndarray  # mean daily demand before the calendar and price effects
    base_cents: np.ndarray
    price_cents: np.ndarray  # shelf price in force on the first generated day
    first_day: np.ndarray  # first day to generate (launch, range start, or after the last day)
    launch: np.ndarray
    on_hand: np.ndarray  # opening stock on the first day; -1: stock up to the policy level
    # What an append inherits (None for a new series): orders in transit, (n, lead) with
    # column k arriving at the end of first day + k, and a promotion running on.
    in_transit: np.ndarray | None = None
    promo_end: np.ndarray | None = None  # last day of a running promotion (epoch day)
    promo_disc: np.ndarray | None = None  # its discount, thousandths

    def __len__(self) -> int:
        return len(self.store_id)

    def part(self, lo: int, hi: int) -> Series:
        """Series ``lo`` to ``hi`` (a worker's block)."""
        cut: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            cut[name] = None if v is None else v[lo:hi]
        return Series(**cut)


def series_key(store_id: np.ndarray, product_id: np.ndarray) -> np.ndarray:
    return (store_id.astype(np.int64) << 32) | product_id.astype(np.int64)


def pretty_cents(cents: np.ndarray) -> np.ndarray:
    """Shelf prices end in 9 cents (2.49, 12.99), never below 0.09."""
    return np.maximum((np.floor(cents / 10.0) * 10 + 9).astype(np.int64), 9)


def gaps(
    seed: int,
    key: np.ndarray,
    first: np.ndarray,
    day1: int,
    count: int,
    max_len: int,
    days: np.ndarray,
) -> np.ndarray:
    """(series x days) mask of random gaps: ``count`` stretches of 1..max_len days per series."""
    mask = np.zeros((len(key), len(days)), dtype=bool)
    span = np.maximum(day1 - first + 1, 1)
    for k in range(count):
        kk = np.full_like(key, k)
        start = first + np.floor(hashed_uniform(seed, "gap-start", key, kk) * span).astype(np.int64)
        length = 1 + np.floor(hashed_uniform(seed, "gap-len", key, kk) * max_len).astype(np.int64)
        mask |= (days[None, :] >= start[:, None]) & (days[None, :] < (start + length)[:, None])
    return mask


def simulate(ctx: SimContext, s: Series) -> dict[str, Columns]:
    cfg, ts, rp = ctx.cfg, ctx.cfg.time_series, ctx.cfg.retail
    seed = ctx.seed
    days = np.arange(ctx.day0, ctx.day1 + 1, dtype=np.int64)
    n, d = len(s), len(days)
    key = series_key(s.store_id, s.product_id)[:, None]
    dd = days[None, :]
    valid = dd >= s.first_day[:, None]
    first_idx = np.clip(s.first_day - ctx.day0, 0, d)  # == d: nothing to generate

    # -- prices: windows start on the first day and on random change days ------
    change = (hashed_uniform(seed, "price-change", key, dd) < rp.price_change_probability) & valid
    starts = change | (dd == s.first_day[:, None])
    z = hashed_normal(seed, "price", key, dd)
    new_price = pretty_cents(
        s.base_cents[:, None] * np.clip(np.exp(rp.price_change_sigma * z), 0.7, 1.4)
    )
    first = dd == s.first_day[:, None]
    if s.in_transit is not None:  # an appended series: its first day may bring a change too
        first &= ~change
    start_price = np.where(first, s.price_cents[:, None], new_price)
    # A "change" to the price already in force is no change: drop it, so windows of one
    # series always differ in price from the window before.
    ci, cj = np.nonzero(starts)
    if len(ci) > 1:
        cp = start_price[ci, cj]
        same = np.r_[False, (ci[1:] == ci[:-1]) & (cp[1:] == cp[:-1])]
        starts[ci[same], cj[same]] = False
    last_start = np.maximum.accumulate(np.where(starts, np.arange(d)[None, :], 0), axis=1)
    price = np.take_along_axis(start_price, last_start, axis=1)

    # -- promotions: never overlapping, about promotion_probability of the days --
    mean_len = (rp.promotion_min_days + rp.promotion_max_days) / 2
    p = rp.promotion_probability
    q = 1.0 if p >= 1 else min(1.0, p / (mean_len * (1 - p)))
    u_start = hashed_uniform(seed, "promo-start", key, dd)
    u_len = hashed_uniform(seed, "promo-len", key, dd)
    u_disc = hashed_uniform(seed, "promo-discount", key, dd)
    active = np.zeros((n, d), dtype=bool)
    discount = np.zeros((n, d), dtype=np.int64)  # thousandths
    none = np.iinfo(np.int64).min // 2  # no promotion yet
    promo_end = np.full(n, none, np.int64) if s.promo_end is None else s.promo_end.copy()
    promo_disc = np.zeros(n, np.int64) if s.promo_disc is None else s.promo_disc.copy()
    promos: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    span_days = rp.promotion_max_days - rp.promotion_min_days + 1
    lo_disc, hi_disc = rp.discount_min, rp.discount_max
    for j in range(d):
        day = ctx.day0 + j
        begin = (
            valid[:, j] & (promo_end < day) & (u_start[:, j] < q) if q > 0 else np.zeros(n, bool)
        )
        if begin.any():
            length = rp.promotion_min_days + np.floor(u_len[:, j] * span_days).astype(np.int64)
            promo_end = np.where(begin, day + length - 1, promo_end)
            disc = np.round((lo_disc + (hi_disc - lo_disc) * u_disc[:, j]) * 20) * 50  # 5% steps
            disc = np.clip(disc, round(lo_disc * 1000), round(hi_disc * 1000)).astype(np.int64)
            promo_disc = np.where(begin, disc, promo_disc)
            idx = np.flatnonzero(begin)
            promos.append(
                # Promotions are planned ahead: one may end after the range does.
                (idx, np.full(len(idx), day), promo_end[idx], disc[idx])
            )
        on = valid[:, j] & (promo_end >= day)
        active[:, j] = on
        discount[:, j] = np.where(on, promo_disc, 0)

    # -- expected demand ---------------------------------------------------------
    t = (days - ctx.anchor).astype(np.float64)
    slope = ts.trend_slope / 100.0
    if ts.trend == "linear":
        trend = np.maximum(1.0 + slope * t, 0.0)
    elif ts.trend == "exponential":
        trend = np.power(1.0 + slope, t)
    else:
        trend = np.ones(d)
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    weekly = np.asarray(ts.weekly_seasonality)[dow] * np.where(dow >= 5, rp.weekend_spike, 1.0)
    month = (days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12) + 1
    monthly = np.array([ts.monthly_seasonality.get(int(m), 1.0) for m in range(1, 13)])[month - 1]
    calendar_effect = trend * weekly * monthly * ctx.holiday_mult
    elastic = np.power(price / np.maximum(s.base_cents[:, None], 1), rp.price_elasticity)
    lift = np.where(active, rp.promotion_lift, 1.0)
    if rp.new_product_ramp_days > 0:
        ramp = np.clip((dd - s.launch[:, None] + 1) / rp.new_product_ramp_days, 0.0, 1.0)
    else:
        ramp = 1.0
    expected = s.level[:, None] * calendar_effect[None, :] * elastic * ramp
    sigma = ts.noise_sigma
    noise = np.exp(sigma * hashed_normal(seed, "noise", key, dd) - sigma * sigma / 2)
    u_anom = hashed_uniform(seed, "anomaly", key, dd)
    spike = hashed_uniform(seed, "anomaly-dir", key, dd) < 0.5
    anomaly = np.where(
        u_anom < ts.anomaly_probability,
        np.where(spike, ts.anomaly_magnitude, 1.0 / ts.anomaly_magnitude),
        1.0,
    )
    mu = expected * lift * noise * anomaly
    demand = np.floor(mu + hashed_uniform(seed, "round", key, dd)).astype(np.int64)
    demand = np.where(valid, np.maximum(demand, 0), 0)

    gap = (
        gaps(
            seed,
            key[:, 0],
            s.first_day,
            ctx.day1,
            cfg.sparsity.random_gaps_per_series,
            cfg.sparsity.gap_max_days,
            days,
        )
        & valid
    )

    # -- inventory: order-up-to policy; a missed delivery is how stockouts happen --
    # The policy's forecast: the smooth part of demand (level, trend, month, price,
    # ramp, promotion), at the week's average rhythm; holidays and noise surprise it.
    profile = np.asarray(ts.weekly_seasonality) * np.r_[np.ones(5), [rp.weekend_spike] * 2]
    mean_week = float(profile.mean())
    forecast = s.level[:, None] * (trend * monthly)[None, :] * mean_week * elastic * ramp * lift
    lead = rp.lead_time_days
    reorder = np.ceil(forecast * (lead + 1))
    up_to = np.ceil(forecast * (lead + rp.cover_days))
    missed = hashed_uniform(seed, "delivery-missed", key, dd) < rp.stockout_probability
    backlog_mode = rp.stockout_behavior == "backlog"
    on_hand = np.zeros(n, dtype=np.int64)
    pipeline = np.zeros((n, lead), dtype=np.int64) if s.in_transit is None else s.in_transit.copy()
    ordered = np.zeros((n, d), dtype=np.int64)
    backlog = np.zeros(n, dtype=np.int64)
    open_qty = np.zeros((n, d), dtype=np.int64)
    received = np.zeros((n, d), dtype=np.int64)
    sold = np.zeros((n, d), dtype=np.int64)
    stockout = np.zeros((n, d), dtype=bool)
    init = np.where(s.on_hand >= 0, s.on_hand, -1)
    for j in range(d):
        starting = first_idx == j
        if starting.any():
            fresh = np.where(init >= 0, init, up_to[:, j].astype(np.int64))
            on_hand = np.where(starting, fresh, on_hand)
        v = valid[:, j]
        want = demand[:, j] + (backlog if backlog_mode else 0)
        g = gap[:, j]
        sell = np.where(v & ~g, np.minimum(want, on_hand), 0)
        short = v & ~g & (want > on_hand)
        if backlog_mode:
            backlog = np.where(v & ~g, want - sell, backlog)
        arrive = pipeline[:, 0] if lead else np.zeros(n, np.int64)
        arrive = np.where(missed[:, j], 0, arrive) * v
        pipeline = np.roll(pipeline, -1, axis=1)
        pipeline[:, -1] = 0
        closing = on_hand - sell + arrive
        # Demand still owed (backlog mode) is stock already spoken for.
        position = closing + pipeline.sum(axis=1) - (backlog if backlog_mode else 0)
        order = np.where(v & (position < reorder[:, j]), up_to[:, j] - position, 0).astype(np.int64)
        pipeline[:, -1] += np.maximum(order, 0)
        ordered[:, j] = np.maximum(order, 0)
        open_qty[:, j] = on_hand
        received[:, j] = arrive
        sold[:, j] = sell
        stockout[:, j] = short
        on_hand = np.where(v, closing, on_hand)

    # -- rows ---------------------------------------------------------------------
    unit = (price * (1000 - discount) + 500) // 1000  # half up, as PostgreSQL's round()
    sales = valid & ~gap
    si, sj = np.nonzero(sales)
    ii, ij = np.nonzero(valid)
    starts &= valid
    pi, pj = np.nonzero(starts)
    # A window ends the day before the next one starts, or on the range's last day.
    nxt = np.empty(len(pi), dtype=np.int64)
    if len(pi):
        same = np.append(pi[1:] == pi[:-1], False)
        nxt = np.where(same, np.append(pj[1:], 0) - 1, d - 1)
    if promos:
        p_idx, p_start, p_end, p_disc = (np.concatenate([x[k] for x in promos]) for k in range(4))
        by_series = np.lexsort((p_start, p_idx))
        p_idx, p_start, p_end, p_disc = (a[by_series] for a in (p_idx, p_start, p_end, p_disc))
    else:
        p_idx = p_start = p_end = p_disc = np.zeros(0, np.int64)
    return {
        "price_history": {
            "store_id": s.store_id[pi],
            "product_id": s.product_id[pi],
            "price": price[pi, pj],
            "valid_from": days[pj],
            "valid_to": days[nxt],
        },
        "promotion": {
            "store_id": s.store_id[p_idx],
            "product_id": s.product_id[p_idx],
            "discount_pct": p_disc,
            "start_date": p_start,
            "end_date": p_end,
        },
        "sales_daily": {
            "date": days[sj],
            "store_id": s.store_id[si],
            "product_id": s.product_id[si],
            "quantity": sold[si, sj],
            "unit_price": unit[si, sj],
            "total_amount": sold[si, sj] * unit[si, sj],
            "on_promotion": active[si, sj],
        },
        "inventory_snapshot_daily": {
            "date": days[ij],
            "store_id": s.store_id[ii],
            "product_id": s.product_id[ii],
            "on_hand_qty": open_qty[ii, ij],
            "received_qty": received[ii, ij],
            "ordered_qty": ordered[ii, ij],
            "is_stockout": stockout[ii, ij],
        },
    }


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
