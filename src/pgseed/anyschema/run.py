"""``pgseed fill``: read the catalog, plan, draw keys, COPY every table, in one transaction.

Order of work inside the transaction:

1. lock the tables (no other session writes while rows are planned against them);
2. read existing key values (FK targets) and where each sequence stands;
3. draw every table's key columns (``keys.py``);
4. defer the deferrable cycle edges, drop the hard ones (added back in step 6);
5. per table, parents first, per block of rows: draw the other columns, make
   related columns agree, test the CHECKs in PostgreSQL and redraw what fails,
   COPY;
6. fill the nullable cycle edges, add back dropped constraints (PostgreSQL
   validates them), move every sequence past the largest id written.

Any error rolls everything back: nothing is half-written.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np
from psycopg import sql

from .. import bulk
from ..encode import encode_rows
from ..load import Sink
from ..pg import Conn
from ..pool import WorkerPool
from ..progress import Reporter
from ..unique import ConflictFilter
from . import relations
from .ahead import Ahead, Context, Span
from .block import Block
from .copying import TableWriter
from .drawing import Drawing
from .edges import EdgeSteps
from .exclusion import ExclusionProbe
from .finish import advance_sequences, fill_waiting
from .graph import NULLABLE
from .keyphase import draw_foreign_keys, draw_own_keys
from .keys import KeyStore
from .model import ColumnPlan
from .plan import Plan, TablePlan
from .probe import CheckProbe
from .redraw import Redraws

BLOCK = 10_000
STREAM_COPY = os.environ.get("PGSEED_FILL_COPY", "stream") == "stream"
"""One streaming COPY per table where nothing needs the connection between blocks
(``copying.py``); ``PGSEED_FILL_COPY=block`` (a ``make bench-fill`` lever) sends one
COPY per block everywhere."""
BINARY_COPY = os.environ.get("PGSEED_FILL_COPY", "stream") == "binary"
"""Binary COPY for the blocks whose types allow it (``binary_rows.py``): a lever of
``make bench-fill`` (``PGSEED_FILL_COPY=binary``), off by default. Values are drawn as
text literals, and turning them into binary costs the client ten times what escaping
them for text COPY does, more than the server saves (docs/any-schema.md, "Speed")."""
SAMPLE_KEYS = 10_000
"""Rows per table whose keys a dry run draws to pick its sample rows' parents."""


@dataclass
class FillResult:
    written: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Filler(Redraws, Drawing, EdgeSteps):
    """Steps 4-6 on one connection, inside the caller's transaction."""

    def __init__(
        self,
        conn: Conn,
        plan: Plan,
        reporter: Reporter,
        sink: Sink | None = None,
        *,
        bulk: bool = True,
        pool: WorkerPool | None = None,
    ) -> None:
        self.conn = conn
        self.pool = pool or WorkerPool(1)
        """Draws the generated columns ahead (``ahead.py``); one worker: in this process."""
        self.ahead: Ahead | None = None
        self.bulk = bulk and sink is None
        self.waiting = list(plan.order.waiting)
        """The cycle edges that wait (bulk mode writes some directly)."""
        self.freeze: set[str] = set()
        """Tables truncated in this transaction: COPY FREEZE."""
        self.reserved: list[tuple[str, int, bool, int]] = []
        """Sequences moved before the load (setval is not transactional): (sequence, last
        value, is_called, value set), so a failed run puts them back."""
        self.spare: dict[str, int] = {}
        self.starts: dict[tuple[str, str], int] = {}
        """Per (table, exclusion), the first grid slot past the rows already there."""
        self.held: dict[tuple[str, str], str | None] = {}
        self.writes = sink is None
        """Per table, the next row index no row of this run uses (unique redraws)."""
        self.sink = sink
        """Files instead of the database (``--output``): rows as an empty database
        would get them; FK values written directly, nothing changed in the database."""
        self.plan = plan
        self.reporter = reporter
        self.store = KeyStore()
        self.result = FillResult()
        self.dropped_fks: list[tuple[str, str, str]] = []
        self.pending: dict[str, dict[str, list[str | None]]] = {}
        self.times: dict[str, list[str | None]] = {}
        """Per FK target with a created-at column: its values, existing rows first."""
        """Per child of a nullable cycle edge: its primary key and the FK values to set."""

    def run(self) -> FillResult:
        plan, conn = self.plan, self.conn
        if self.sink is None:
            self.read_times()
        draw_own_keys(
            conn,
            plan,
            self.store,
            reserve=self.sink is None,
            empty=self.sink is not None,
            reserved=self.reserved,
        )
        fk_values = draw_foreign_keys(plan, self.store)
        if self.sink is not None:
            self.reporter.begin({k: tp.rows for k, tp in plan.tables.items()})
            self.load_all(fk_values)
            self.reporter.end()
            self.result.notes.extend(
                f"{tp.table.key}: {n}" for tp in plan.tables.values() for n in tp.notes
            )
            return self.result
        bulk_plan = self.begin_bulk() if self.bulk else None
        self.prepare_edges()
        for edge in self.waiting:
            if edge.kind == NULLABLE:
                plan.tables[edge.child].notes.append(
                    f"{edge.fk.name}: part of an FK cycle, filled by an UPDATE after the load"
                )
        self.reporter.begin({k: tp.rows for k, tp in plan.tables.items()})
        self.load_all(fk_values)
        self.reporter.end()
        fill_waiting(conn, plan, self.waiting, self.pending)
        for child, name, definition in self.dropped_fks:
            conn.execute(
                sql.SQL(
                    "ALTER TABLE {} ADD CONSTRAINT {} "
                    + definition.replace("{", "{{").replace("}", "}}")
                ).format(self.ident(child), sql.Identifier(name))
            )
        if bulk_plan is not None and (bulk_plan.indexes or bulk_plan.foreign_keys):
            started = time.perf_counter()
            bulk.finish(conn, bulk_plan)
            self.reporter.info(
                f"rebuilt {len(bulk_plan.indexes)} indexes and {len(bulk_plan.foreign_keys)} "
                f"foreign keys in {time.perf_counter() - started:.2f} s"
            )
        self.result.sequences = advance_sequences(conn, plan)
        for tp in plan.tables.values():
            self.result.notes.extend(f"{tp.table.key}: {n}" for n in tp.notes)
        return self.result

    def load_all(self, fk_values: dict[str, dict[str, list[str | None]]]) -> None:
        """Every table in load order, the generated columns drawn ahead by the pool."""
        plan = self.plan
        drawn: dict[str, list[ColumnPlan]] = {}
        spans: list[Span] = []
        for key in plan.order.tables:
            tp = plan.tables[key]
            fk_vals = fk_values.get(key, {})
            drawn[key] = [
                cp
                for cp in self.columns_of(tp)
                if self.source(tp, cp, fk_vals, self.waiting_null(key)) == "generated"
            ]
            if tp.rows and tp.columns:
                first = tp.table.rows
                spans += [
                    (key, first + lo, first + min(tp.rows, lo + BLOCK))
                    for lo in range(0, tp.rows, BLOCK)
                ]
        self.ahead = Ahead(self.pool, Context(plan.seed, drawn), spans)
        try:
            for key in plan.order.tables:
                self.load_table(plan.tables[key], fk_values.get(key, {}))
        finally:
            self.ahead.close()
            self.ahead = None

    def samples(self, n: int = 3) -> dict[str, list[dict[str, str | None]]]:
        """The first ``n`` rows of each table, drawn as a run would (before the CHECK
        probe), writing nothing: sequences are read, not reserved.

        Keys are drawn for at most ``SAMPLE_KEYS`` rows per table, so a preview of
        ``--rows 100000000`` stays small; parents are then picked among those rows.
        The plan's row counts (and their caps) are those of the real run."""
        plan = self.plan
        wanted = {k: tp.rows for k, tp in plan.tables.items()}
        for tp in plan.tables.values():
            tp.rows = min(tp.rows, SAMPLE_KEYS)
        draw_own_keys(self.conn, plan, self.store, reserve=False)
        fk_values = draw_foreign_keys(plan, self.store)
        drawn = {name: tp.rows for name, tp in plan.tables.items()}
        for name, tp in plan.tables.items():  # a cap below the sample size is the run's too
            if drawn[name] >= min(wanted[name], SAMPLE_KEYS):
                tp.rows = wanted[name]
        out: dict[str, list[dict[str, str | None]]] = {}
        for key in plan.order.tables:
            tp = plan.tables[key]
            k = min(n, tp.rows)
            if k == 0:
                continue
            cols = self.columns_of(tp)
            rows = np.arange(tp.table.rows, tp.table.rows + k, dtype=np.int64)
            b = Block(
                tp, cols, rows, 0, k, fk_values.get(key, {}), set(), relations.name_pairs(cols)
            )
            self.draw(b)
            out[key] = [{c.column: b.values[c.column][i] for c in cols} for i in range(k)]
        return out

    def columns_of(self, tp: TablePlan) -> list[ColumnPlan]:
        return list(tp.columns.values())

    def load_table(self, tp: TablePlan, fk_vals: dict[str, list[str | None]]) -> None:
        key = tp.table.key
        self.result.written[key] = 0
        self.result.seconds[key] = 0.0
        if tp.rows == 0:
            return
        cols = self.columns_of(tp)
        waiting_null = self.waiting_null(key)
        pairs = relations.name_pairs(cols) + [
            relations.Pair(r.left, r.right, r.op == ">")
            if r.op in (">", ">=")
            else relations.Pair(r.right, r.left, r.op == "<")
            for r in tp.relations
            if r.op in (">", ">=", "<", "<=")
        ]
        grid = {c for g in tp.disjoint for c in g.columns}
        pairs = [p for p in pairs if p.later not in tp.configured | grid]
        checks = [*tp.table.checks, *tp.residual, *tp.partition_checks]
        generated = [
            (c.name, c.type.name, c.default or "NULL") for c in tp.table.columns if c.generated
        ]
        probe = (
            CheckProbe(self.conn, key, tp.table.oid, cols, checks, generated) if checks else None
        )
        first = tp.table.rows
        # Rows already there: new unique values must avoid theirs, judged by the table's
        # own unique indexes in the database (this run's rows are distinct by construction).
        uniques = (
            ConflictFilter(
                self.conn, (tp.table.schema, tp.table.name), [c.column for c in cols], self.reporter
            )
            if first > 0 and self.sink is None and (tp.table.primary_key or tp.table.uniques)
            else None
        )
        xprobe = self.exclusion_probe(tp, [c.column for c in cols]) if cols else None
        if not cols:  # nothing to write but the rows themselves (defaults, or no columns)
            if self.sink is None:
                self.conn.execute(
                    sql.SQL("INSERT INTO {} SELECT FROM generate_series(1, %s)").format(
                        self.ident(key)
                    ),
                    [tp.rows],
                )
                self.result.written[key] = tp.rows
                self.reporter.advance(key, tp.rows)
            return
        # Nothing needs the connection between blocks: one COPY streams them all.
        stream = (
            STREAM_COPY
            and probe is None
            and uniques is None
            and xprobe is None
            and not tp.sql_columns
        )
        writer = TableWriter(
            self.conn,
            key,
            self.ident(key),
            cols,
            freeze=key in self.freeze,
            stream=stream,
            binary=BINARY_COPY,
            sink=self.sink,
        )
        with writer:
            self.load_blocks(tp, cols, fk_vals, waiting_null, pairs, probe, uniques, xprobe, writer)
        self.result.seconds[key] = writer.seconds
        if writer.streaming:  # the server has every row only now
            self.result.written[key] += writer.sent

    def load_blocks(
        self,
        tp: TablePlan,
        cols: list[ColumnPlan],
        fk_vals: dict[str, list[str | None]],
        waiting_null: set[str],
        pairs: list[relations.Pair],
        probe: CheckProbe | None,
        uniques: ConflictFilter | None,
        xprobe: ExclusionProbe | None,
        writer: TableWriter,
    ) -> None:
        key, first = tp.table.key, tp.table.rows
        dropped = self.store.dropped.get(key, set())
        for lo in range(0, tp.rows, BLOCK):
            hi = min(tp.rows, lo + BLOCK)
            rows = np.arange(first + lo, first + hi, dtype=np.int64)
            b = Block(tp, cols, rows, lo, hi, fk_vals, waiting_null, pairs)
            if self.ahead is not None:
                b.ahead = self.ahead.take(key, first + lo, first + hi)
            self.draw(b)
            if probe is not None:
                self.redraw(b, probe)
            if uniques is not None:
                self.avoid_existing(b, uniques, probe)
            if xprobe is not None:
                self.avoid_exclusions(b, xprobe, probe)
            block = b.values
            whole = not dropped or not any((lo + i) in dropped for i in range(hi - lo))
            keep = (
                list(range(hi - lo))
                if whole
                else [i for i in range(hi - lo) if (lo + i) not in dropped]
            )
            if key in self.times:
                col = relations.created_column(cols)
                assert col is not None
                self.times[key].extend(
                    block[col.column]
                    if whole
                    else (
                        None if (lo + i) in dropped else block[col.column][i]
                        for i in range(hi - lo)
                    )
                )
            if waiting_null and tp.table.primary_key is not None:
                pending = self.pending.setdefault(key, {})
                for c in (*tp.table.primary_key.columns, *sorted(waiting_null)):
                    src = fk_vals[c][lo:hi] if c in waiting_null else block[c]
                    pending.setdefault(c, []).extend(src[i] for i in keep)
            out = [block[c.column] if whole else [block[c.column][i] for i in keep] for c in cols]
            text = None
            if xprobe is not None and xprobe.shadow:  # --output: judged against from now on
                text = encode_rows(out)
                xprobe.accept(text)
            writer.write(out, len(keep), text=text)
            if not writer.streaming:
                self.result.written[key] += len(keep)
            self.reporter.advance(key, len(keep))
