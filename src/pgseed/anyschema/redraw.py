"""Redrawing rows PostgreSQL would refuse, before they are written (``run.Filler``'s part).

``redraw``: rows that fail a CHECK (``probe.py``) get new values in the columns that are
not keys, at row indices no first draw uses; FK columns that no other row depends on
may re-pick their parent (a CHECK across FK columns). ``avoid_existing``: rows whose
unique values the table already holds (judged by its own unique indexes) are redrawn
at row indices past every row of the run. After ``RETRIES`` the run stops, naming the
constraint and the fix.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..encode import encode_rows
from ..errors import GenerationError
from ..pg import Conn
from ..unique import ConflictFilter
from . import relations, values
from .block import Block
from .finish import FAR
from .graph import Edge
from .keys import KeyStore, parent_rows
from .model import Check, ForeignKey
from .plan import Plan, TablePlan
from .probe import CheckProbe

RETRIES = 100


class Redraws:
    """The redraw steps of a fill; ``run.Filler`` holds the state they use."""

    conn: Conn
    plan: Plan
    store: KeyStore
    waiting: list[Edge]
    spare: dict[str, int]

    def stored(self, tp: TablePlan) -> set[str]:
        """The table's columns whose values other rows depend on (drawn before the load)."""
        return {c for c in tp.columns if self.store.column(tp.table.key, c) is not None}

    def redraw(self, b: Block, probe: CheckProbe) -> None:
        """Redraw what a failing row's CHECK uses (only that), until every row passes."""
        tp = b.tp
        fixed = b.drawn_before(self.stored(tp)) | {
            c for c, cp in tp.columns.items() if cp.rule.unique or cp.rule.constant is not None
        }
        movable = self.movable_fks(tp, fixed)
        for attempt in range(RETRIES + 1):
            bad = probe.failing(b.columns(), b.n)
            if not bad:
                return
            if attempt == RETRIES:
                worst = max(
                    {c.name: c for c in bad.values()}.values(),
                    key=lambda c: sum(1 for v in bad.values() if v.name == c.name),
                )
                used = ", ".join(worst.columns) or "the columns it uses"
                raise GenerationError(
                    f"{tp.table.key}: {len(bad)} row(s) still fail CHECK {worst.name} after "
                    f"{RETRIES} redraws of {used}.\nFix: give {used} a rule in the config (tables: "
                    f"{tp.table.key}: columns: NAME: choices, range, constant or sql), or skip the table"
                )
            by_check: dict[str, tuple[Check, list[int]]] = {}
            for i, check in sorted(bad.items()):
                by_check.setdefault(check.name, (check, []))[1].append(i)
            for check, idx in by_check.values():
                self._redraw_rows(b, check, idx, attempt, fixed, movable)

    def _redraw_rows(
        self,
        b: Block,
        check: Check,
        idx: list[int],
        attempt: int,
        fixed: set[str],
        movable: list[tuple[ForeignKey, list[tuple[str, ...]]]],
    ) -> None:
        tp, cols, block, rows, pairs = b.tp, b.cols, b.values, b.rows, b.pairs
        used = set(check.columns)
        if used - {c.column for c in cols}:  # a generated column: redraw what it is made of
            used = set()
        again = FAR + (attempt + 1) * (1 << 32) + rows[idx]
        redo = [
            c
            for c in cols
            if c.column not in fixed and c.rule.null_rate < 1.0 and (not used or c.column in used)
        ]
        for cp in redo:
            new = values.generate(cp, again, self.plan.seed)
            for j, i in enumerate(idx):
                block[cp.column][i] = new[j]
        for fk, parents in movable:
            if used and not used & set(fk.columns):
                continue
            u = rng.hashed_uniform(
                self.plan.seed,
                f"{tp.table.key}/{fk.name}/redraw",
                again,
                np.zeros(len(idx), np.int64),
            )
            for j, i in enumerate(idx):
                chosen = parents[int(u[j] * len(parents))]
                for c, v in zip(fk.columns, chosen, strict=True):
                    block[c][i] = v
        sub = {c.column: [block[c.column][i] for i in idx] for c in cols}
        relations.apply(pairs, tp.columns, sub, again % FAR, self.plan.seed, tp.table.key)
        for c, vals in sub.items():
            for j, i in enumerate(idx):
                block[c][i] = vals[j]
        if attempt >= RETRIES // 2:  # a NULL satisfies a CHECK: nullable columns may take it
            for cp in redo:
                if cp.column not in tp.configured and (
                    cp.rule.null_rate > 0 or not tp.table.column(cp.column).not_null
                ):
                    for i in idx:
                        block[cp.column][i] = None

    def avoid_existing(self, b: Block, uniques: ConflictFilter, probe: CheckProbe | None) -> None:
        """Redraw the rows whose unique values the table already holds (``unique.ConflictFilter``
        judges them with the table's unique indexes), then re-test the CHECKs."""
        tp, cols, block = b.tp, b.cols, b.values
        key = tp.table.key
        fixed = b.drawn_before(self.stored(tp))
        for attempt in range(RETRIES + 1):
            data = encode_rows([*b.columns(), [str(i) for i in range(b.n)]])
            bad = uniques.conflicts(data)
            if not bad:
                return
            if attempt == RETRIES:
                raise GenerationError(
                    f"{key}: {len(bad)} new row(s) still collide with rows already there on unique "
                    f"index {next(iter(bad.values()))} after {RETRIES} redraws (its columns are keys "
                    "pgseed drew before the load).\nFix: give those columns a rule in the config "
                    "(choices, range or sql), or empty the table first"
                )
            idx = sorted(bad)
            # Unique values are distinct per row index: redraw at indices no row of this
            # run uses (past its last row), handed out in row order, so any batch size
            # gives the same rows.
            spare = self.spare.get(key, tp.table.rows + tp.rows)
            again = np.arange(spare, spare + len(idx), dtype=np.int64)
            self.spare[key] = spare + len(idx)
            for cp in cols:
                if cp.column in fixed or cp.rule.null_rate >= 1.0:
                    continue
                new = values.generate(cp, again, self.plan.seed)
                for j, i in enumerate(idx):
                    block[cp.column][i] = new[j]
            if probe is not None:
                self.redraw(b, probe)

    def movable_fks(
        self, tp: TablePlan, fixed: set[str]
    ) -> list[tuple[ForeignKey, list[tuple[str, ...]]]]:
        """FKs whose parent a failing row may change (a CHECK across FK columns, such as
        ``parent_id <> reference_id``): not referenced by other rows, not part of a
        unique key, not shared with another FK, not a self-reference, not waiting."""
        key = tp.table.key
        locked = {c for u in self.plan.fk_only.get(key, []) for c in u}
        locked |= self.stored(tp)
        locked |= {c for e in self.waiting if e.child == key for c in e.fk.columns}
        seen: dict[str, int] = {}
        for fk in tp.table.foreign_keys:
            for c in fk.columns:
                seen[c] = seen.get(c, 0) + 1
        out = []
        for fk in tp.table.foreign_keys:
            if fk.ref_table == key or fk.ref_table not in self.plan.tables:
                continue
            if any(c in locked or seen[c] > 1 or tp.columns[c].rule.unique for c in fk.columns):
                continue
            parents, _ = parent_rows(self.store, fk)
            if parents:
                out.append((fk, parents))
        return out
