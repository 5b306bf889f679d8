"""Stage 1, prices: the shelf price in force each day, in windows of one price."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....rng import hashed_normal, hashed_uniform
from .series import Grid, Series, SimContext


@dataclass(frozen=True)
class Prices:
    shelf_cents: np.ndarray  # (n, d) int64 cents: the shelf price in force that day
    window_start: np.ndarray  # (n, d) bool: a price_history window starts that day


def pretty_cents(cents: np.ndarray) -> np.ndarray:
    """Shelf prices end in 9 cents (2.49, 12.99), never below 0.09."""
    return np.maximum((np.floor(cents / 10.0) * 10 + 9).astype(np.int64), 9)


def paid_cents(shelf_cents: np.ndarray, discount_milli: np.ndarray) -> np.ndarray:
    """(n, d) int64 cents a customer pays: the shelf price less the discount in
    thousandths, rounded half up as PostgreSQL's round() does."""
    out: np.ndarray = (shelf_cents * (1000 - discount_milli) + 500) // 1000
    return out


def prices(ctx: SimContext, s: Series, g: Grid) -> Prices:
    """Windows start on a series' first day and on random change days (probability
    ``price_change_probability`` a day); a new price is the base price in cents times
    a lognormal move clipped to 0.7..1.4, made pretty. A series' first window keeps the
    price in force before the range (``s.price_cents``) unless that day draws a change
    in an append."""
    rp, seed = ctx.cfg.retail, ctx.seed
    key, dd, valid = g.key, g.dd, g.valid
    d = len(g.days)
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
    return Prices(shelf_cents=price, window_start=starts & valid)
