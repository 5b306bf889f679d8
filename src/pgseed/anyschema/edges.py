"""Step 4 of a fill (``run.Filler``'s part): the FK cycle edges before the load.

``prepare_edges`` defers the deferrable edges and drops the NOT NULL, non-deferrable
ones (added back, validated, after the load); ``begin_bulk`` drops the secondary
indexes and outgoing FKs of the tables that are empty, for bulk mode (``bulk.py``).
"""

from __future__ import annotations

from psycopg import sql

from .. import bulk
from ..pg import Conn
from ..progress import Reporter
from .graph import DEFERRABLE, HARD, Edge
from .plan import Plan


class EdgeSteps:
    """The edge steps of a fill; ``run.Filler`` holds the state they use."""

    conn: Conn
    plan: Plan
    reporter: Reporter
    waiting: list[Edge]
    freeze: set[str]
    dropped_fks: list[tuple[str, str, str]]

    def ident(self, key: str) -> sql.Identifier:
        t = self.plan.tables[key].table
        return sql.Identifier(t.schema, t.name)

    def prepare_edges(self) -> None:
        """Defer the deferrable cycle edges and drop the hard ones (step 4)."""
        conn = self.conn
        for edge in self.waiting:
            if edge.kind == DEFERRABLE:
                conn.execute(
                    sql.SQL("SET CONSTRAINTS {} DEFERRED").format(
                        sql.Identifier(self.plan.tables[edge.child].table.schema, edge.fk.name)
                    )
                )
            elif edge.kind == HARD:
                row = conn.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s AND conname = %s",
                    [self.plan.tables[edge.child].table.oid, edge.fk.name],
                ).fetchone()
                assert row is not None
                conn.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        self.ident(edge.child), sql.Identifier(edge.fk.name)
                    )
                )
                self.dropped_fks.append((edge.child, edge.fk.name, str(row[0])))
                self.reporter.info(
                    f"{edge.child}: {edge.fk.name} is part of a NOT NULL cycle: dropped for the load, added back (validated) after it"
                )

    def begin_bulk(self) -> bulk.BulkPlan:
        """Bulk mode for the tables that are empty (``bulk.py``): their secondary indexes
        and outgoing FKs are dropped for the load and rebuilt (validated) after it, so
        rows are not checked one by one; an FK cycle edge whose constraint is dropped
        is written directly instead of waiting."""
        names = [(tp.table.schema, tp.table.name) for tp in self.plan.tables.values()]
        found = bulk.begin(self.conn, bulk.empty_tables(self.conn, names))
        gone = {(f"{k.schema}.{k.table}", k.name) for k in found.foreign_keys}
        self.waiting = [e for e in self.waiting if (e.child, e.fk.name) not in gone]
        partitioned = {k for k, tp in self.plan.tables.items() if tp.table.partitioning is not None}
        self.freeze = {f"{t[0]}.{t[1]}" for t in found.tables if isinstance(t, tuple)} - partitioned
        return found
