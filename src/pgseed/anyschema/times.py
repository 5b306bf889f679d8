"""A child created after its parent: the parents' created-at values a fill keeps.

``read_times`` reads the created-at column (``relations.created_column``) of every
table some FK points at, for the rows already there; ``run.Filler`` appends its own
rows' values as it loads them, and ``parent_times`` gives each new row the latest
created-at of its parents, which ``relations.after_parent`` moves the row past.
"""

from __future__ import annotations

from .. import pg
from . import relations
from .keyphase import existing_values
from .keys import KeyStore
from .plan import Plan, TablePlan


class ParentTimes:
    """The created-at half of ``run.Filler``."""

    conn: pg.Conn
    plan: Plan
    store: KeyStore
    times: dict[str, list[str | None]]

    def read_times(self) -> None:
        targets = {fk.ref_table for tp in self.plan.tables.values() for fk in tp.table.foreign_keys}
        for key in targets & set(self.plan.tables):
            tp = self.plan.tables[key]
            col = relations.created_column(list(tp.columns.values()))
            if col is not None:
                self.times[key] = list(
                    existing_values(self.conn, tp.table, [col.column])[col.column]
                )

    def parent_times(
        self, tp: TablePlan, block: dict[str, list[str | None]], n: int
    ) -> list[str | None] | None:
        """For each row, the latest created-at of its parents (None where unknown)."""
        latest: list[str | None] | None = None
        for fk in tp.table.foreign_keys:
            times = self.times.get(fk.ref_table)
            if times is None or fk.ref_table == tp.table.key:
                continue
            keys = [self.store.column(fk.ref_table, c) for c in fk.ref_columns]
            if any(k is None for k in keys):
                continue
            lookup = dict(zip(zip(*keys, strict=True), times, strict=False))
            mine = [lookup.get(tuple(block[c][i] for c in fk.columns)) for i in range(n)]
            latest = (
                mine
                if latest is None
                else [b if a is None else a for a, b in zip(mine, latest, strict=True)]
            )
        return latest
