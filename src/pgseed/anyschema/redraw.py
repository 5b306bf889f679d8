"""Redrawing rows PostgreSQL would refuse, before they are written (``run.Filler``'s part).

``redraw``: rows that fail a CHECK (``probe.py``) get new values in the columns that are
not keys, at row indices no first draw uses; FK columns that no other row depends on
may re-pick their parent (a CHECK across FK columns). ``avoid_existing``: rows whose
unique values the table already holds (judged by its own unique indexes) are redrawn
at row indices past every row of the run. ``avoid_exclusions``: rows an exclusion
constraint refuses (``exclusion.ExclusionProbe``) redraw the columns of its keys. A
CHECK on a generated column redraws the columns its expression uses, every other
attempt drawn closer to their lower bound (or zero), so ``price * qty < 1000`` is met
without a config rule. After ``RETRIES`` the run stops, naming the constraint and the fix.
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
from .exclusion import ExclusionProbe, Grid, grid_start, held_value, key_columns
from .finish import FAR
from .graph import Edge
from .keys import KeyStore, parent_rows
from .model import Check, ColumnPlan, Exclusion, ForeignKey
from .plan import Plan, TablePlan
from .probe import CheckProbe
from .rules import expression_columns

RETRIES = 100
CANDIDATES = 32
"""Candidates per failing row for a generated column's inputs, judged in one probe: a
band such as ``price * qty BETWEEN 100 AND 200`` is met by one try in 30 or so."""


class Redraws:
    """The redraw steps of a fill; ``run.Filler`` holds the state they use."""

    conn: Conn
    plan: Plan
    store: KeyStore
    waiting: list[Edge]
    spare: dict[str, int]
    starts: dict[tuple[str, str], int]
    held: dict[tuple[str, str], str | None]
    writes: bool
    """False when rows go to files (``--output``): nothing in the table is judged."""

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
                made, inputs = generated_inputs(tp, worst)
                used = (
                    ", ".join([c for c in worst.columns if c not in made] + inputs)
                    or "the columns it uses"
                )
                on = (
                    f" (on generated column {', '.join(made)}, made from {', '.join(inputs)})"
                    if made
                    else ""
                )
                raise GenerationError(
                    f"{tp.table.key}: {len(bad)} row(s) still fail CHECK {worst.name}{on} after "
                    f"{RETRIES} redraws of {used}.\nFix: give {used} a rule in the config (tables: "
                    f"{tp.table.key}: columns: NAME: choices, range, constant or sql), or skip the table"
                )
            by_check: dict[str, tuple[Check, list[int]]] = {}
            for i, check in sorted(bad.items()):
                by_check.setdefault(check.name, (check, []))[1].append(i)
            for check, idx in by_check.values():
                self._redraw_rows(b, check, idx, attempt, fixed, movable, probe)

    def _redraw_rows(
        self,
        b: Block,
        check: Check,
        idx: list[int],
        attempt: int,
        fixed: set[str],
        movable: list[tuple[ForeignKey, list[tuple[str, ...]]]],
        probe: CheckProbe,
    ) -> None:
        tp, cols, block, rows, pairs = b.tp, b.cols, b.values, b.rows, b.pairs
        made, inputs = generated_inputs(tp, check)
        used = (set(check.columns) - set(made)) | set(inputs)
        if used - {c.column for c in cols}:  # unknown to the block: redraw every column
            used = set()
        again = FAR + (attempt + 1) * (1 << 32) + rows[idx]
        redo = [
            c
            for c in cols
            if c.column not in fixed and c.rule.null_rate < 1.0 and (not used or c.column in used)
        ]
        found = self._search(b, probe, idx, [c for c in redo if c.column in inputs], attempt)
        for cp in redo:
            new = found.get(cp.column) or values.generate(cp, again, self.plan.seed)
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

    def _search(
        self, b: Block, probe: CheckProbe, idx: list[int], inputs: list[ColumnPlan], attempt: int
    ) -> dict[str, list[str | None]]:
        """New values of a generated column's inputs for rows ``idx``: ``CANDIDATES`` per
        row, most moved toward their low end (``values.closer``), tested together in one
        probe; each row takes its first candidate that passes every CHECK."""
        if not inputs:
            return {}
        n, k = len(idx), CANDIDATES
        again = (
            FAR
            + (attempt + 1) * (1 << 32)
            + np.arange(k, dtype=np.int64)[None, :] * (1 << 27)
            + b.rows[idx][:, None]
        ).ravel()
        share = rng.hashed_uniform(self.plan.seed, f"{b.tp.table.key}/closer", again, np.zeros(1))
        share[3::4] = 0.0  # a quarter keep the whole range (a CHECK such as total > 5000)
        new = {
            cp.column: values.closer(cp, values.generate(cp, again, self.plan.seed), share.tolist())
            for cp in inputs
        }
        cand = [
            new[c.column]
            if c.column in new
            else [b.values[c.column][i] for i in idx for _ in range(k)]
            for c in b.cols
        ]
        bad = probe.failing(cand, n * k)
        pick = [
            next((j * k + t for t in range(k) if j * k + t not in bad), j * k) for j in range(n)
        ]
        return {c: [v[p] for p in pick] for c, v in new.items()}

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

    def grid_slots(self, tp: TablePlan, g: Grid, rows: np.ndarray) -> np.ndarray:
        """A grid's slots for ``rows``: the run's first row in the first slot past
        every row the table holds."""
        key = (tp.table.key, g.constraint)
        if key not in self.starts:
            self.starts[key] = grid_start(self.conn, tp.table, g) if self.writes else 0
        return rows % FAR - tp.table.rows + self.starts[key]

    def same_values(self, tp: TablePlan, block: dict[str, list[str | None]]) -> None:
        """A ``<>`` exclusion key takes the value the rows already there hold."""
        for c in tp.alike:
            key = (tp.table.key, c)
            if key not in self.held:
                self.held[key] = held_value(self.conn, tp.table, c) if self.writes else None
            value = self.held[key]
            if value is not None:
                block[c] = [value] * len(block[c])

    def exclusion_probe(self, tp: TablePlan, columns: list[str]) -> ExclusionProbe | None:
        """Judges the table's exclusions no construction keeps, and every exclusion
        against rows already there; None when nothing needs judging."""
        there = tp.table.rows > 0 and self.writes
        against = list(tp.table.exclusions) if there else list(tp.judged)
        if not against:
            return None
        xp = ExclusionProbe(self.conn, tp.table, columns, against, list(tp.judged), not self.writes)
        tp.notes.extend(
            f"EXCLUDE {x.name} uses columns pgseed does not write: left to the database"
            for x in xp.unjudged
        )
        return xp

    def avoid_exclusions(self, b: Block, xp: ExclusionProbe, probe: CheckProbe | None) -> None:
        """Redraw the columns of the keys of the exclusions a row breaks, until none does."""
        tp, block, rows = b.tp, b.values, b.rows
        before = b.drawn_before(self.stored(tp))
        unique = {c for c, cp in tp.columns.items() if cp.rule.unique and c not in before}
        fixed = (
            before | unique | {c for c, cp in tp.columns.items() if cp.rule.constant is not None}
        )
        fixed |= {c for g in tp.disjoint for c in g.columns}
        written = {c.column: c for c in b.cols}
        for attempt in range(RETRIES + 1):
            bad = xp.conflicts(b.columns(), b.n)
            if not bad:
                return
            by_x: dict[str, tuple[Exclusion, list[int]]] = {}
            for i, x in sorted(bad.items()):
                by_x.setdefault(x.name, (x, []))[1].append(i)
            for x, idx in by_x.values():
                used = [c for c in key_columns(tp.table, x) if c in written]
                cols = [c for c in used if c not in fixed]
                if not cols and unique & set(used) and attempt < RETRIES:
                    # an `=` key drawing unique values meets a row already there: values
                    # no row of this run uses, as avoid_existing draws them
                    spare = self.spare.get(tp.table.key, tp.table.rows + tp.rows)
                    self.spare[tp.table.key] = spare + len(idx)
                    for c in unique & set(used):
                        new = values.generate(
                            written[c], np.arange(spare, spare + len(idx)), self.plan.seed
                        )
                        for j, i in enumerate(idx):
                            block[c][i] = new[j]
                    continue
                if not cols or attempt == RETRIES:
                    raise _exclusion_error(tp, x, len(idx), cols)
                # past the CHECK redraws' indices: a CHECK redraw never gives them back
                again = FAR + (attempt + 1) * (1 << 32) + (1 << 31) + rows[idx]
                for c in cols:
                    new = values.generate(written[c], again, self.plan.seed)
                    nullable = c not in tp.configured and not tp.table.column(c).not_null
                    for j, i in enumerate(idx):  # a NULL key conflicts with nothing
                        block[c][i] = None if attempt >= RETRIES // 2 and nullable else new[j]
            if probe is not None:
                self.redraw(b, probe)


def generated_inputs(tp: TablePlan, check: Check) -> tuple[list[str], list[str]]:
    """The generated columns a CHECK uses, and the columns their expressions use."""
    made = [c.name for c in tp.table.columns if c.generated and c.name in check.columns]
    inputs: list[str] = []
    for name in made:
        expr = tp.table.column(name).default or ""
        inputs += [c for c in expression_columns(tp.table, expr) if c not in inputs + made]
    return made, inputs


def _exclusion_error(tp: TablePlan, x: Exclusion, n: int, cols: list[str]) -> GenerationError:
    used = key_columns(tp.table, x)
    own = [c for c in used if c not in tp.fk_columns]
    why = (
        f"after {RETRIES} redraws of {', '.join(cols)}"
        if cols
        else f"and pgseed cannot move its columns ({', '.join(used)}: keys, FK values or a grid)"
    )
    table = tp.table.key
    fix = (
        f"give {', '.join(own)} a rule in the config (tables: {table}: columns: NAME: choices, "
        "range or sql) whose values avoid each other and the rows already there, or skip the table"
        if own
        else f"fewer rows (tables: {table}: rows: N) or skip the table (tables: {table}: skip: true)"
    )
    return GenerationError(
        f"{table}: {n} new row(s) conflict under EXCLUDE {x.name} ({x.definition}) with rows "
        f"already there or with each other, {why}.\nFix: {fix}"
    )
