"""What a schema holds: tables and the constructs that make filling it hard.

Counted from ``pg_catalog`` over every schema except the system ones, for the
table in docs/any-schema.md ("The corpus").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import psycopg

_USER_SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
)

QUERIES = {
    "tables": "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {user}",
    "schemas": "SELECT count(DISTINCT n.nspname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND {user}",
    "fks": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " WHERE co.contype = 'f' AND co.conparentid = 0 AND {user}",
    "composite_fks": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " WHERE co.contype = 'f' AND co.conparentid = 0 AND cardinality(co.conkey) > 1 AND {user}",
    "self_refs": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " WHERE co.contype = 'f' AND co.conrelid = co.confrelid AND {user}",
    "fk_to_non_pk": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " JOIN pg_index x ON x.indexrelid = co.conindid"
    " WHERE co.contype = 'f' AND co.conparentid = 0 AND NOT x.indisprimary AND {user}",
    "pk_is_fk": "SELECT count(DISTINCT co.conrelid) FROM pg_constraint co"
    " JOIN pg_namespace n ON n.oid = co.connamespace JOIN pg_constraint pk ON pk.conrelid = co.conrelid"
    " AND pk.contype = 'p' AND pk.conkey = co.conkey WHERE co.contype = 'f' AND {user}",
    "checks": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " WHERE co.contype = 'c' AND co.conrelid <> 0 AND co.conislocal AND {user}",
    "unique_partial": "SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
    " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE x.indisunique AND x.indpred IS NOT NULL AND {user}",
    "unique_expression": "SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
    " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE x.indisunique AND x.indexprs IS NOT NULL AND {user}",
    "exclusions": "SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
    " WHERE co.contype = 'x' AND {user}",
    "enums": "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    " WHERE t.typtype = 'e' AND {user}",
    "domains": "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
    " WHERE t.typtype = 'd' AND {user}",
    "array_columns": "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped"
    " AND t.typcategory = 'A' AND {user}",
    "json_columns": "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped"
    " AND a.atttypid IN ('json'::regtype, 'jsonb'::regtype) AND {user}",
    "triggers": "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND {user}",
    "partitioned": "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'p' AND {user}",
    "sequences": "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND {user}",
}

_EDGES = """
SELECT co.conrelid::regclass::text, co.confrelid::regclass::text
FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
WHERE co.contype = 'f' AND co.conparentid = 0 AND co.conrelid <> co.confrelid AND {user}
"""


@dataclass
class Census:
    tables: int = 0
    schemas: int = 0
    fks: int = 0
    composite_fks: int = 0
    self_refs: int = 0
    fk_to_non_pk: int = 0
    pk_is_fk: int = 0
    cycles: int = 0
    """FK cycles between different tables: strongly connected components of 2+ tables."""
    checks: int = 0
    unique_partial: int = 0
    unique_expression: int = 0
    exclusions: int = 0
    enums: int = 0
    domains: int = 0
    array_columns: int = 0
    json_columns: int = 0
    triggers: int = 0
    partitioned: int = 0
    sequences: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def census(dsn: str) -> Census:
    out = Census()
    with psycopg.connect(dsn) as c:
        for key, q in QUERIES.items():
            row = c.execute(q.replace("{user}", _USER_SCHEMAS)).fetchone()  # type: ignore[arg-type]
            setattr(out, key, int(row[0]) if row else 0)
        edges = c.execute(_EDGES.replace("{user}", _USER_SCHEMAS)).fetchall()  # type: ignore[arg-type]
    out.cycles = len([s for s in strongly_connected(edges) if len(s) > 1])
    return out


def strongly_connected(edges: list[tuple[str, str]]) -> list[set[str]]:
    """Tarjan's components of the FK graph (iterative: real graphs reach 170+ tables)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    comps: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(graph[node])):
                nxt = graph[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == node:
                        break
                comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comps
