"""Stage 3, demand: what customers want each day, what the replenishment policy
expects them to want, and the days a series records no sale at all.

    demand = level x trend x weekly x weekend x monthly x holiday
             x promotion lift (days a promotion covers)
             x (price in force / base price) ^ elasticity
             x new-product ramp x noise x anomaly
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....rng import hashed_normal, hashed_uniform
from .prices import Prices
from .promotions import Promotions
from .series import Grid, Series, SimContext


@dataclass(frozen=True)
class Demand:
    units: np.ndarray  # (n, d) int64 units customers want; 0 on days not generated
    forecast: np.ndarray  # (n, d) float64 units a day the replenishment policy plans for
    gap: np.ndarray  # (n, d) bool: a random gap, no sale and no sales_daily row that day


@dataclass(frozen=True)
class Calendar:
    """Per-day multipliers of the range (float64, dimensionless), each (d,)."""

    trend: np.ndarray  # counted from ctx.anchor
    weekly: np.ndarray  # the weekday profile, weekend_spike on Saturday and Sunday
    monthly: np.ndarray


def calendar(ctx: SimContext, days: np.ndarray) -> Calendar:
    ts, rp = ctx.cfg.time_series, ctx.cfg.retail
    t = (days - ctx.anchor).astype(np.float64)
    slope = ts.trend_slope / 100.0
    if ts.trend == "linear":
        trend = np.maximum(1.0 + slope * t, 0.0)
    elif ts.trend == "exponential":
        trend = np.power(1.0 + slope, t)
    else:
        trend = np.ones(len(days))
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    weekly = np.asarray(ts.weekly_seasonality)[dow] * np.where(dow >= 5, rp.weekend_spike, 1.0)
    month = (days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12) + 1
    monthly = np.array([ts.monthly_seasonality.get(int(m), 1.0) for m in range(1, 13)])[month - 1]
    return Calendar(trend, weekly, monthly)


def demand(ctx: SimContext, s: Series, g: Grid, prices: Prices, promos: Promotions) -> Demand:
    """Units wanted: the product above (``s.level`` in units a day; the price effect
    compares ``prices.shelf_cents`` with ``s.base_cents``; the lift applies where
    ``promos.on``), rounded to whole units by a keyed uniform draw. The forecast is the
    smooth part (level, trend, month, price, ramp, promotion) at the week's average
    rhythm: holidays, the weekday, noise and anomalies surprise the policy."""
    cfg, ts, rp, seed = ctx.cfg, ctx.cfg.time_series, ctx.cfg.retail, ctx.seed
    key, dd, valid = g.key, g.dd, g.valid
    cal = calendar(ctx, g.days)
    calendar_effect = cal.trend * cal.weekly * cal.monthly * ctx.holiday_mult
    price = prices.shelf_cents
    elastic = np.power(price / np.maximum(s.base_cents[:, None], 1), rp.price_elasticity)
    lift = np.where(promos.on, rp.promotion_lift, 1.0)
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
    units = np.floor(mu + hashed_uniform(seed, "round", key, dd)).astype(np.int64)
    units = np.where(valid, np.maximum(units, 0), 0)

    profile = np.asarray(ts.weekly_seasonality) * np.r_[np.ones(5), [rp.weekend_spike] * 2]
    mean_week = float(profile.mean())
    forecast = s.level[:, None] * (cal.trend * cal.monthly)[None, :] * mean_week * elastic
    forecast = forecast * ramp * lift
    gap = (
        gaps(
            seed,
            key[:, 0],
            s.first_day,
            ctx.day1,
            cfg.sparsity.random_gaps_per_series,
            cfg.sparsity.gap_max_days,
            g.days,
        )
        & valid
    )
    return Demand(units=units, forecast=forecast, gap=gap)


def gaps(
    seed: int,
    key: np.ndarray,
    first: np.ndarray,
    day1: int,
    count: int,
    max_len: int,
    days: np.ndarray,
) -> np.ndarray:
    """(series x days) mask of random gaps: ``count`` stretches of 1..max_len days per
    series, starting between its first day (epoch day) and ``day1``."""
    mask = np.zeros((len(key), len(days)), dtype=bool)
    span = np.maximum(day1 - first + 1, 1)
    for k in range(count):
        kk = np.full_like(key, k)
        start = first + np.floor(hashed_uniform(seed, "gap-start", key, kk) * span).astype(np.int64)
        length = 1 + np.floor(hashed_uniform(seed, "gap-len", key, kk) * max_len).astype(np.int64)
        mask |= (days[None, :] >= start[:, None]) & (days[None, :] < (start + length)[:, None])
    return mask
