"""Stage 2, promotions: planned runs of discounted days that never overlap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....rng import hashed_uniform
from .series import Grid, Series, SimContext

NO_PROMOTION = np.iinfo(np.int64).min // 2  # "last promotion ended" long before any day


@dataclass(frozen=True)
class Promotions:
    on: np.ndarray  # (n, d) bool: a promotion covers the series that day
    discount_milli: np.ndarray  # (n, d) int64 thousandths off the shelf price; 0 when off
    # One entry per promotion that starts in the range, by series then start day:
    series: np.ndarray  # (k,) int64 index into the block's series
    start_day: np.ndarray  # (k,) epoch days
    end_day: np.ndarray  # (k,) epoch days, inclusive; may fall after the range
    discount: np.ndarray  # (k,) int64 thousandths, in steps of 50 (5%)


def promotions(ctx: SimContext, s: Series, g: Grid) -> Promotions:
    """About ``promotion_probability`` of a series' days are covered: on a day no
    promotion covers, one starts with probability q (chosen so that runs of the mean
    length fill that share), lasting ``promotion_min_days..max_days`` days at a discount
    of ``discount_min..max``. A promotion an append inherits (``s.promo_end``,
    ``s.promo_disc``) covers its remaining days first. One loop over days, vectorised
    across series: whether a day may start one depends on the days before."""
    rp, seed = ctx.cfg.retail, ctx.seed
    key, dd, valid = g.key, g.dd, g.valid
    n, d = valid.shape
    mean_len = (rp.promotion_min_days + rp.promotion_max_days) / 2
    p = rp.promotion_probability
    q = 1.0 if p >= 1 else min(1.0, p / (mean_len * (1 - p)))
    u_start = hashed_uniform(seed, "promo-start", key, dd)
    u_len = hashed_uniform(seed, "promo-len", key, dd)
    u_disc = hashed_uniform(seed, "promo-discount", key, dd)
    active = np.zeros((n, d), dtype=bool)
    discount = np.zeros((n, d), dtype=np.int64)
    promo_end = np.full(n, NO_PROMOTION, np.int64) if s.promo_end is None else s.promo_end.copy()
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
    if promos:
        p_idx, p_start, p_end, p_disc = (np.concatenate([x[k] for x in promos]) for k in range(4))
        by_series = np.lexsort((p_start, p_idx))
        p_idx, p_start, p_end, p_disc = (a[by_series] for a in (p_idx, p_start, p_end, p_disc))
    else:
        p_idx = p_start = p_end = p_disc = np.zeros(0, np.int64)
    return Promotions(active, discount, p_idx, p_start, p_end, p_disc)
