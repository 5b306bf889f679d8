"""Step 6 of a fill, after every table is loaded: the waiting FK edges and the sequences.

``fill_waiting`` sets the nullable cycle edges that went in as NULL (one UPDATE per
edge, matched on the child's primary key, through a temporary table);
``advance_sequences`` moves every sequence a filled column uses past the largest
value in any column that uses it, so the application's next INSERT succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from ..encode import encode_rows
from ..pg import Conn
from .graph import NULLABLE, Edge
from .keyphase import INTS
from .plan import Plan

FAR = 1 << 40
"""Row indices from here on are redraws: never an index a first draw uses."""


def _ident(plan: Plan, key: str) -> sql.Identifier:
    t = plan.tables[key].table
    return sql.Identifier(t.schema, t.name)


def fill_waiting(
    conn: Conn,
    plan: Plan,
    waiting: Sequence[Edge],
    pending_by_table: dict[str, dict[str, list[str | None]]],
) -> None:
    """Nullable cycle edges: UPDATE the FK columns, matched on the child's primary key."""
    for edge in waiting:
        if edge.kind != NULLABLE:
            continue
        tp = plan.tables[edge.child]
        pk = tp.table.primary_key
        pending = pending_by_table.get(edge.child)
        if pk is None or pending is None:
            tp.notes.append(
                f"{edge.fk.name}: left NULL (the table has no primary key to match rows on)"
            )
            continue
        keys, cols = list(pk.columns), list(edge.fk.columns)
        tmp = sql.Identifier(f"pgseed_fill_{tp.table.oid}_{edge.fk.name}")
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                tmp,
                sql.SQL(", ").join(map(sql.Identifier, keys + cols)),
                _ident(plan, edge.child),
            )
        )
        data = encode_rows([pending[c] for c in keys + cols])
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(tmp)) as cp:
            cp.write(data)
        conn.execute(
            sql.SQL("UPDATE {t} AS t SET {sets} FROM {tmp} AS s WHERE {match}").format(
                t=_ident(plan, edge.child),
                tmp=tmp,
                sets=sql.SQL(", ").join(
                    sql.SQL("{0} = s.{0}").format(sql.Identifier(c)) for c in cols
                ),
                match=sql.SQL(" AND ").join(
                    sql.SQL("t.{0} = s.{0}").format(sql.Identifier(k)) for k in keys
                ),
            )
        )


def advance_sequences(conn: Conn, plan: Plan) -> dict[str, int]:
    """Every sequence a filled column uses ends past the largest value in any of them;
    returns the sequences moved, with their next value."""
    moved: dict[str, int] = {}
    users: dict[str, list[tuple[str, str]]] = {}
    for key, tp in plan.tables.items():
        for col in tp.table.columns:
            if col.sequence and col.type.base in INTS:
                users.setdefault(col.sequence, []).append((key, col.name))
    for seq, cols in users.items():
        parts = [
            sql.SQL("SELECT max({}) AS m FROM {}").format(sql.Identifier(c), _ident(plan, k))
            for k, c in cols
        ]
        row = conn.execute(
            sql.SQL("SELECT max(m) FROM ({}) s").format(sql.SQL(" UNION ALL ").join(parts))
        ).fetchone()
        if row is None or row[0] is None:
            continue
        top = int(str(row[0]))
        step = conn.execute(
            "SELECT seqincrement FROM pg_sequence WHERE seqrelid = %s::regclass", [seq]
        ).fetchone()
        if step is not None and int(str(step[0])) < 0:
            continue  # a descending sequence hands out ids below max(id): nothing to move
        current = conn.execute(
            sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(seq))
        ).fetchone()
        assert current is not None
        next_value = int(str(current[0])) + (1 if current[1] else 0)
        if next_value <= top:
            conn.execute("SELECT setval(%s::regclass, %s, true)", [seq, top])
            moved[seq] = top + 1
    return moved
