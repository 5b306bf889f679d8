"""The retail pack's unit of work: one block of store x product series, simulated and
encoded as binary COPY tuples, in a worker process (numpy only: no database stack)."""

from __future__ import annotations

import numpy as np

from ... import binary
from ...errors import GenerationError
from .simulate import FACT_TYPES, Series, SimContext, simulate

CELLS_PER_BLOCK = 65_536  # series x days per worker task: bounds a worker's memory


def work(ctx: SimContext, part: Series) -> dict[str, tuple[int, bytes]]:
    """One block of series, simulated and encoded (in a worker process). The block's
    series travel with the task; the shared context holds no per-series array, so a
    worker's memory does not grow with the number of series (issue 8, kind 12)."""
    out = simulate(ctx, part)
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
