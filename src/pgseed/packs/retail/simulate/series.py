"""What every stage of the simulation reads: the run's context, the block of series,
and the (series x days) grid they span.

Units used throughout the stages: epoch days (int64 days since 1970-01-01), cents
(int64), thousandths (int64, a discount of 0.25 is 250), units (int64 items) and
dimensionless float64 multipliers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # workers import this module: no pydantic at run time
    from ..config import RetailConfig

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class SimContext:
    seed: int
    cfg: RetailConfig
    day0: int  # first day of the range (epoch day)
    day1: int  # last day, inclusive
    anchor: int  # day the trend counts from (the data set's first calendar day)
    holiday_mult: np.ndarray  # per day of the range (multiplier)


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


@dataclass(frozen=True)
class Grid:
    """The (series x days) coordinates of one block: n series, d days."""

    days: np.ndarray  # (d,) epoch days, ctx.day0..ctx.day1
    key: np.ndarray  # (n, 1) series_key: with the day, the key of every draw
    valid: np.ndarray  # (n, d) bool: the series is generated that day (on or after first_day)

    @property
    def dd(self) -> np.ndarray:
        """(1, d) epoch days, to broadcast against (n, 1) per-series arrays."""
        return self.days[None, :]


def grid(ctx: SimContext, s: Series) -> Grid:
    days = np.arange(ctx.day0, ctx.day1 + 1, dtype=np.int64)
    key = series_key(s.store_id, s.product_id)[:, None]
    return Grid(days=days, key=key, valid=days[None, :] >= s.first_day[:, None])
