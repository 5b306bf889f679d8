"""Drawing one block's values: where each column's values come from, and the rules that
tie columns together (``run.Filler``'s part; ``redraw.py`` fixes what PostgreSQL refuses)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import psycopg
from psycopg import sql

from ..errors import GenerationError
from ..load import Sink
from ..pg import Conn
from . import relations, values
from .block import Block
from .exclusion import Grid, grid_values
from .finish import FAR
from .graph import NULLABLE, Edge
from .keys import KeyStore
from .model import ColumnPlan
from .plan import Plan, TablePlan
from .times import ParentTimes


class Drawing(ParentTimes):
    """Draws blocks for ``run.Filler``, which holds the state used here."""

    conn: Conn
    plan: Plan
    store: KeyStore
    waiting: list[Edge]
    sink: Sink | None

    # From redraw.Redraws, the other half of run.Filler.
    grid_slots: Callable[[TablePlan, Grid, np.ndarray], np.ndarray]
    same_values: Callable[[TablePlan, dict[str, list[str | None]]], None]

    def waiting_null(self, key: str) -> set[str]:
        """The table's FK columns written NULL now and set after the load (cycle edges)."""
        if self.sink is not None:
            return set()
        return {
            c for e in self.waiting if e.child == key and e.kind == NULLABLE for c in e.fk.columns
        }

    def source(
        self,
        tp: TablePlan,
        cp: ColumnPlan,
        fk_vals: dict[str, list[str | None]],
        waiting_null: set[str],
    ) -> str:
        """Where a column's values come from: ``waiting`` (NULL, set after the load),
        ``fk`` and ``stored`` (drawn before the load), ``sql`` (the config's expression),
        ``null`` (a type pgseed cannot draw, planned NULL) or ``generated``."""
        c = cp.column
        if c in waiting_null:
            return "waiting"
        if c in fk_vals:
            return "fk"
        if self.store.column(tp.table.key, c) is not None:
            return "stored"
        if c in tp.sql_columns:
            return "sql"
        if cp.rule.null_rate >= 1.0:
            return "null"
        return "generated"

    def draw(self, b: Block) -> None:
        """Every column of the block: FK and key values drawn before the load, config
        ``sql:`` values, generated values; then related columns and exclusion grids."""
        tp, cols, rows, lo, hi, fk_vals = b.tp, b.cols, b.rows, b.lo, b.hi, b.fk_vals
        key = tp.table.key
        first = tp.table.rows
        block = b.values
        for cp in cols:
            c = cp.column
            where = self.source(tp, cp, fk_vals, b.waiting_null)
            if where in ("waiting", "null"):  # null: a type pgseed cannot draw (planned so)
                block[c] = [None] * (hi - lo)
            elif where == "fk":
                block[c] = fk_vals[c][lo:hi]
            elif where == "stored":
                block[c] = self.store.column(key, c)[first + lo : first + hi]  # type: ignore[index]
            elif where == "sql":
                block[c] = self.sql_values(tp, c, rows)
            elif c in b.ahead:
                block[c] = b.ahead[c]
            else:
                block[c] = values.generate(cp, rows, self.plan.seed)
        created = relations.created_column(cols)
        if (
            created is not None
            and created.column not in fk_vals
            and created.column not in tp.configured
        ):
            parents = self.parent_times(tp, block, hi - lo)
            if parents is not None:
                block[created.column] = relations.after_parent(
                    created, block[created.column], parents, rows % FAR, self.plan.seed
                )
        relations.apply(b.pairs, tp.columns, block, rows % FAR, self.plan.seed, key)
        for g in tp.disjoint:  # last: nothing moves a grid's values
            block.update(grid_values(g, self.grid_slots(tp, g, rows)))
        self.same_values(tp, block)

    def sql_values(self, tp: TablePlan, column: str, rows: np.ndarray) -> list[str | None]:
        expr = tp.sql_columns[column]
        try:
            with self.conn.transaction():
                got = self.conn.execute(
                    sql.SQL(
                        "SELECT ({})::text FROM unnest(%s::bigint[]) AS g(i) ORDER BY i"
                    ).format(sql.SQL(expr.replace("%", "%%"))),
                    [(rows + 1).tolist()],
                ).fetchall()
        except psycopg.Error as exc:
            raise GenerationError(
                f"{tp.table.key}.{column}: the config's sql expression failed: {str(exc).strip()}\n"
                "Fix: correct the expression (i is the row's number, 1-based)"
            ) from exc
        return [None if r[0] is None else str(r[0]) for r in got]
