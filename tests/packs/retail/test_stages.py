"""The retail simulation's stages (issue 9): each hands the next (series x days)
arrays in the units its docstring gives, and ``simulate`` is their composition.
Parametrised over scenarios, for a new series and for an appended one (carried
stock, orders in transit, a running promotion, a price in force)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from pgseed.packs.retail.config import build
from pgseed.packs.retail.plan import plan_full, sim_context
from pgseed.packs.retail.simulate import (
    NO_PROMOTION,
    Series,
    SimContext,
    demand,
    grid,
    inventory,
    pretty_cents,
    prices,
    promotions,
    rows,
    simulate,
)

SMALL = {"dimensions.stores.count": 3, "dimensions.products.count": 5}
CASES: dict[str, tuple[str | None, dict[str, Any], tuple[str, ...]]] = {
    "standard": (None, {}, ()),
    "stockout_heavy_sparse": ("stockout_heavy", {"sparsity.missing_combinations_pct": 0.2}, ()),
    "new_launches": ("new_launches", {}, ()),
    "holiday_rush_backlog_gaps": (
        "holiday_rush",
        {"sparsity.random_gaps_per_series": 3},
        ("retail.stockout_behavior=backlog",),
    ),
    "high_variance_always_on_sale": (
        "high_variance",
        {},
        ("retail.promotion_probability=1", "retail.price_change_probability=0.5"),
    ),
}


def _appended(ctx: SimContext, s: Series) -> tuple[SimContext, Series]:
    """The 60 days after ``ctx``'s range, with a carried state like append.plan_append's."""
    n, lead = len(s), ctx.cfg.retail.lead_time_days
    r = np.random.default_rng(3)
    day0 = ctx.day1 + 1
    running = r.random(n) < 0.5
    actx = sim_context(ctx.cfg, day0, day0 + 59, anchor=ctx.day0)
    return actx, replace(
        s,
        price_cents=pretty_cents(s.base_cents * r.uniform(0.8, 1.2, n)),
        first_day=np.maximum(day0, s.launch),
        on_hand=r.integers(0, 200, n),
        in_transit=r.integers(0, 30, (n, lead)),
        promo_end=np.where(running, day0 + r.integers(0, 10, n), NO_PROMOTION),
        promo_disc=np.where(running, r.integers(1, 7, n) * 50, 0),
    )


@pytest.fixture(
    params=[(c, a) for c in CASES for a in (False, True)],
    ids=lambda p: f"{p[0]}{'-append' if p[1] else ''}",
)
def run(request: pytest.FixtureRequest) -> tuple[SimContext, Series]:
    name, append = request.param
    scenario, flags, sets = CASES[name]
    cfg = build(scenario=scenario, file=None, environ={}, flags={**SMALL, **flags}, sets=sets)
    p = plan_full(cfg)
    return _appended(p.ctx, p.series) if append else (p.ctx, p.series)


def test_stages_hand_on_series_by_days_arrays_in_their_units(
    run: tuple[SimContext, Series],
) -> None:
    ctx, s = run
    rp = ctx.cfg.retail
    g = grid(ctx, s)
    n, d = len(s), ctx.day1 - ctx.day0 + 1
    assert g.valid.shape == (n, d) and (g.days == np.arange(ctx.day0, ctx.day1 + 1)).all()
    valid = g.valid

    pr = prices(ctx, s, g)
    assert pr.shelf_cents.shape == (n, d) and pr.shelf_cents.dtype == np.int64
    assert (pr.shelf_cents[valid] % 10 == 9).all() and (pr.shelf_cents[valid] >= 9).all()
    assert not (pr.window_start & ~valid).any()
    # every generated series opens a window on its first day; a window changes the price
    first = g.days[None, :] == s.first_day[:, None]
    assert (pr.window_start[first]).all()
    si, sj = np.nonzero(pr.window_start)
    later = np.r_[False, si[1:] == si[:-1]]
    assert (pr.shelf_cents[si, sj][later] != pr.shelf_cents[si, sj - 1][later]).all()
    if s.in_transit is None:  # a new series starts at its base price
        on_first = pr.shelf_cents[first]
        assert (on_first == np.broadcast_to(s.base_cents[:, None], (n, d))[first]).all()

    pm = promotions(ctx, s, g)
    assert pm.on.shape == pm.discount_milli.shape == (n, d)
    assert pm.on.dtype == bool and pm.discount_milli.dtype == np.int64
    assert not (pm.on & ~valid).any() and (pm.discount_milli[~pm.on] == 0).all()
    lo, hi = round(rp.discount_min * 1000), round(rp.discount_max * 1000)
    assert ((pm.discount >= lo) & (pm.discount <= hi) & (pm.discount % 50 == 0)).all()
    assert (pm.start_day >= ctx.day0).all() and (pm.start_day <= ctx.day1).all()
    assert (pm.end_day >= pm.start_day).all()
    nxt = pm.series[1:] == pm.series[:-1]
    assert (pm.start_day[1:][nxt] > pm.end_day[:-1][nxt]).all()  # never overlapping
    assert len(pm.series) > 0

    dm = demand(ctx, s, g, pr, pm)
    assert dm.units.dtype == np.int64 and dm.forecast.dtype == np.float64
    assert dm.units.shape == dm.forecast.shape == dm.gap.shape == (n, d)
    assert (dm.units >= 0).all() and (dm.units[~valid] == 0).all()
    assert (dm.forecast >= 0).all() and not (dm.gap & ~valid).any()

    st = inventory(ctx, s, g, dm)
    for a in (st.opening, st.received, st.ordered, st.sold):
        assert a.shape == (n, d) and a.dtype == np.int64 and (a >= 0).all()
        assert (a[~valid] == 0).all()
    assert st.stockout.dtype == bool and not (st.stockout & ~valid).any()
    assert (st.sold <= st.opening).all() and (st.sold[dm.gap] == 0).all()
    # stock carries over: tomorrow opens with today's close
    both = valid[:, 1:] & valid[:, :-1]
    close = st.opening - st.sold + st.received
    assert (st.opening[:, 1:][both] == close[:, :-1][both]).all()
    if s.in_transit is not None:  # an append opens with the carried stock
        gen = s.first_day <= ctx.day1
        assert (st.opening[gen, s.first_day[gen] - ctx.day0] == s.on_hand[gen]).all()

    out = rows(s, g, pr, pm, dm, st)
    whole = simulate(ctx, s)
    for table, cols in whole.items():
        for col, v in cols.items():
            assert v.dtype == out[table][col].dtype and np.array_equal(v, out[table][col])
    sales = out["sales_daily"]
    assert len(sales["date"]) == int((valid & ~dm.gap).sum())
    assert (sales["total_amount"] == sales["quantity"] * sales["unit_price"]).all()
    assert (sales["unit_price"] <= pr.shelf_cents[valid & ~dm.gap]).all()
