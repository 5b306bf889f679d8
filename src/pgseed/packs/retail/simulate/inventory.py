"""Stage 4, inventory: stock moves as ``on_hand(t+1) = on_hand(t) - sold(t) +
received(t)`` under an order-up-to policy; sales never exceed what is on hand, and a
missed delivery is how stockouts happen."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....rng import hashed_uniform
from .demand import Demand
from .series import Grid, Series, SimContext


@dataclass(frozen=True)
class Inventory:
    """Each (n, d), in units except ``stockout``; 0 (False) on days not generated."""

    opening: np.ndarray  # int64 units on hand when the day opens
    received: np.ndarray  # int64 units delivered at the end of the day
    ordered: np.ndarray  # int64 units ordered at the end of the day (arrive lead days later)
    sold: np.ndarray  # int64 units sold: demand (plus backlog) capped by the stock on hand
    stockout: np.ndarray  # bool: demand went unmet that day


def inventory(ctx: SimContext, s: Series, g: Grid, demand: Demand) -> Inventory:
    """Order up to ``forecast x (lead + cover_days)`` units when the stock position
    (on hand + in transit - backlog) falls below ``forecast x (lead + 1)``; an order
    arrives ``lead_time_days`` later unless that day's delivery is missed (probability
    ``stockout_probability``). A new series opens at the order-up-to level, an appended
    one with ``s.on_hand`` and its orders in transit. Nothing sells on gap days. One loop
    over days, vectorised across series: each day opens with the day before's stock."""
    rp = ctx.cfg.retail
    valid = g.valid
    n, d = valid.shape
    first_idx = np.clip(s.first_day - ctx.day0, 0, d)  # == d: nothing to generate
    lead = rp.lead_time_days
    reorder = np.ceil(demand.forecast * (lead + 1))
    up_to = np.ceil(demand.forecast * (lead + rp.cover_days))
    missed = hashed_uniform(ctx.seed, "delivery-missed", g.key, g.dd) < rp.stockout_probability
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
    units, gap = demand.units, demand.gap
    for j in range(d):
        starting = first_idx == j
        if starting.any():
            fresh = np.where(init >= 0, init, up_to[:, j].astype(np.int64))
            on_hand = np.where(starting, fresh, on_hand)
        v = valid[:, j]
        want = units[:, j] + (backlog if backlog_mode else 0)
        gj = gap[:, j]
        sell = np.where(v & ~gj, np.minimum(want, on_hand), 0)
        short = v & ~gj & (want > on_hand)
        if backlog_mode:
            backlog = np.where(v & ~gj, want - sell, backlog)
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
    return Inventory(open_qty, received, ordered, sold, stockout)
