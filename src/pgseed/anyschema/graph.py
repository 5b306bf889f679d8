"""FK order for any schema: parents first, and how each cycle is broken.

A table's rows reference rows of tables loaded before it. Where foreign keys form
a cycle, one edge of it must wait, and how it waits depends on the edge (issue 10,
"FK cycles"), cheapest first:

    nullable     the column goes in as NULL and an UPDATE fills it after the load
    deferrable   ``SET CONSTRAINTS ... DEFERRED``: values go in directly and are
                 checked at commit
    hard         NOT NULL and not deferrable: the constraint is dropped inside the
                 run's transaction and added back (validated) once both tables are in

Self-references never wait: a row references only rows drawn before it (or
itself), so every COPY statement's rows are satisfied whatever the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ForeignKey, Table

NULLABLE, DEFERRABLE, HARD = "nullable", "deferrable", "hard"
_COST = {NULLABLE: 0, DEFERRABLE: 1, HARD: 2}


@dataclass(frozen=True)
class Edge:
    child: str
    parent: str
    fk: ForeignKey
    kind: str


@dataclass
class Order:
    """``tables`` parents-first; ``waiting`` the broken edges by kind."""

    tables: list[str]
    waiting: list[Edge] = field(default_factory=list)

    def kind_of(self, child: str, fk: ForeignKey) -> str | None:
        for e in self.waiting:
            if e.child == child and e.fk.name == fk.name:
                return e.kind
        return None

    def cycles(self) -> list[str]:
        return [f"{e.child} -> {e.parent} ({e.fk.name}: {e.kind})" for e in self.waiting]


def edge_kind(table: Table, fk: ForeignKey) -> str:
    if all(not table.column(c).not_null for c in fk.columns):
        return NULLABLE
    if fk.deferrable:
        return DEFERRABLE
    return HARD


def load_order(tables: dict[str, Table]) -> Order:
    """Kahn's algorithm over the FK graph of ``tables``; when it is stuck on a cycle,
    the cheapest edge into the stuck set waits (ties by table and constraint name, so
    the order is the same on every run)."""
    edges: list[Edge] = []
    for key, t in tables.items():
        for fk in t.foreign_keys:
            if fk.ref_table == key or fk.ref_table not in tables:
                continue
            edges.append(Edge(key, fk.ref_table, fk, edge_kind(t, fk)))
    live = list(edges)
    done: list[str] = []
    waiting: list[Edge] = []
    remaining = sorted(tables)
    while remaining:
        ready = [
            t for t in remaining if not any(e.child == t and e.parent in remaining for e in live)
        ]
        if ready:
            done.extend(ready)
            remaining = [t for t in remaining if t not in ready]
            continue
        stuck = [e for e in live if e.child in remaining and e.parent in remaining]
        cheapest = min(stuck, key=lambda e: (_COST[e.kind], e.child, e.fk.name))
        live.remove(cheapest)
        waiting.append(cheapest)
    return Order(done, waiting)
