"""The retail pack's full-new plan: stores, products, calendar and the store x product
series over the date range, with the expected rows per table; and sample rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ...errors import ConfigError
from ...rng import stream
from ..contract import Samples
from . import dims
from .config import RetailConfig
from .dimcopy import money
from .simulate import FACT_TYPES, Series, SimContext, gaps, series_key, simulate
from .work import FACTS_ORDER, blocks

MAX_SERIES = 5_000_000


class Planned(Protocol):
    """What a plan shows samples from (``FullPlan``, ``append.AppendPlan``)."""

    @property
    def ctx(self) -> SimContext: ...
    @property
    def series(self) -> Series: ...


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


def sim_context(cfg: RetailConfig, day0: int, day1: int, *, anchor: int) -> SimContext:
    """The simulation of days ``day0..day1`` (epoch days); trends count from ``anchor``."""
    return SimContext(
        seed=cfg.seed,
        cfg=cfg,
        day0=day0,
        day1=day1,
        anchor=anchor,
        holiday_mult=_holiday_mult(cfg, day0, day1),
    )


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
    ctx = sim_context(cfg, day0, day1, anchor=day0)
    rows = {
        "store": len(st.id),
        "product": len(pr.id),
        "calendar": len(cal.days),
        **_estimate_rows(cfg, ctx, series),
    }
    return FullPlan(cfg, st, pr, cal, ctx, series, missing, rows)


def samples(p: Planned, k: int = 3) -> Samples:
    """The first ``k`` rows of each fact table (for --dry-run)."""
    first = p.series.part(0, k)
    out = simulate(p.ctx, first)
    result: Samples = {}
    for table in FACTS_ORDER:
        cols = out[table]
        types = FACT_TYPES[table]
        n = len(cols[next(iter(types))])
        rows = []
        for i in range(min(k, n)):
            row: dict[str, str | None] = {}
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
