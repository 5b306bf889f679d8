"""The retail pack's full-new run, and the loading of series shared with append.

Everything runs through the engine's run context (one connection, one transaction
the engine commits or rolls back; or files). Dimensions are written by the writer
(text COPY); the fact tables' series are simulated in worker processes
(``work.py``) and arrive as binary COPY tuples.
"""

from __future__ import annotations

from ...catalog import serial_sequence
from ...load import Sink
from ...pool import Task, WorkerPool, run_tasks
from ..contract import RunContext
from .dimcopy import DIM_COLUMNS, calendar_copy, product_copy, store_copy
from .models import FACTS
from .plan import FullPlan
from .simulate import FACT_TYPES, Series, SimContext
from .work import FACTS_ORDER, blocks, work

COLUMNS: dict[str, tuple[str, ...]] = {
    **DIM_COLUMNS,
    **{t: tuple(FACT_TYPES[t]) for t in FACTS},
}
DEFAULT_DATABASE = "retail_demo"


def _load_series(
    loader: Sink,
    ctx: SimContext,
    series: Series,
    batch_size: int,
    pool: WorkerPool,
) -> None:
    days = ctx.day1 - ctx.day0 + 1
    run_tasks(
        loader,
        (Task("inventory_snapshot_daily", series.part(lo, hi)) for lo, hi in blocks(series, days)),
        work,
        ctx,
        order=FACTS_ORDER,
        batch_sizes=dict.fromkeys(FACTS_ORDER, batch_size),
        pool=pool,
    )


def run_full(ctx: RunContext, p: FullPlan) -> None:
    """Fill all seven tables (the engine has locked and emptied them; with no connection,
    files start from empty tables too)."""
    loader = ctx.sink
    loader.copy("store", store_copy(p.stores), len(p.stores.id))
    loader.copy("product", product_copy(p.products), len(p.products.id))
    loader.copy("calendar", calendar_copy(p.calendar), len(p.calendar.days))
    if ctx.conn is not None:
        for table, n in (("store", len(p.stores.id)), ("product", len(p.products.id))):
            seq = serial_sequence(ctx.conn, table, "id")
            if seq is not None:
                ctx.conn.execute("SELECT setval(%s, %s, %s)", [seq, max(n, 1), n > 0])
    _load_series(loader, p.ctx, p.series, p.cfg.batch_size, ctx.pool)
