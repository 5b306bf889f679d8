"""Sales, prices, promotions and inventory for a block of store x product series.

Arrays are (series x days). Every random value is keyed by (seed, namespace,
series, day) through ``hashed_uniform``, so a series' day draws the same numbers
in whichever block or date range it is generated. ``simulate`` runs five stages,
one module each, every one taking and returning (series x days) arrays whose units
its docstring gives:

    prices      shelf price in force (cents), price windows
    promotions  days a promotion covers, their discount (thousandths)
    demand      units wanted, the policy's forecast, random gap days (demand.py
                draws the model)
    inventory   opening stock, deliveries, orders, sales (units), stockouts
    rows        the four fact tables' columns

Two short loops run over days (vectorised across series), because each day
depends on the one before: promotions never overlap, and inventory moves as
``on_hand(t+1) = on_hand(t) - sold(t) + received(t)`` with an order-up-to
replenishment policy; sales never exceed what is on hand.

Workers import this package: it needs numpy and pgseed.rng only.
"""

from __future__ import annotations

from .demand import Demand, demand, gaps
from .inventory import Inventory, inventory
from .prices import Prices, pretty_cents, prices
from .promotions import NO_PROMOTION, Promotions, promotions
from .rows import FACT_TYPES, rows
from .series import Columns, Grid, Series, SimContext, grid, series_key

__all__ = [
    "FACT_TYPES",
    "NO_PROMOTION",
    "Columns",
    "Demand",
    "Grid",
    "Inventory",
    "Prices",
    "Promotions",
    "Series",
    "SimContext",
    "demand",
    "gaps",
    "grid",
    "inventory",
    "pretty_cents",
    "prices",
    "promotions",
    "rows",
    "series_key",
    "simulate",
]


def simulate(ctx: SimContext, s: Series) -> dict[str, Columns]:
    """The fact rows of series ``s`` over days ``ctx.day0..ctx.day1``."""
    g = grid(ctx, s)
    shelf = prices(ctx, s, g)
    promos = promotions(ctx, s, g)
    wanted = demand(ctx, s, g, shelf, promos)
    stock = inventory(ctx, s, g, wanted)
    return rows(s, g, shelf, promos, wanted, stock)
