"""One block of a table's new rows while it is drawn, checked and redrawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .model import ColumnPlan
from .plan import TablePlan
from .relations import Pair


@dataclass
class Block:
    """Rows ``lo..hi`` of the run's rows of ``tp`` (row indices ``rows``) and their values.

    ``fk_vals`` are the table's FK values drawn before the load (all its rows);
    ``waiting_null`` the FK columns written NULL and set after the load; ``pairs`` the
    related columns made consistent after every draw; ``ahead`` the generated columns
    a worker process already drew (``ahead.py``).
    """

    tp: TablePlan
    cols: Sequence[ColumnPlan]
    rows: np.ndarray
    lo: int
    hi: int
    fk_vals: dict[str, list[str | None]]
    waiting_null: set[str]
    pairs: Sequence[Pair]
    ahead: dict[str, list[str | None]] = field(default_factory=dict)
    values: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.hi - self.lo

    def columns(self) -> list[list[str | None]]:
        """The block's values in COPY column order."""
        return [self.values[c.column] for c in self.cols]

    def drawn_before(self, stored: set[str]) -> set[str]:
        """Columns a redraw must not change: FK values, keys other rows depend on
        (``stored``), waiting cycle edges and config ``sql:`` columns."""
        return set(self.fk_vals) | self.waiting_null | set(self.tp.sql_columns) | stored
