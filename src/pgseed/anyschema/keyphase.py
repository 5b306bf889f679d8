"""Step 2 and 3 of a fill: rows already there, and every table's key columns drawn.

Key columns are drawn for all tables before any row is loaded (``keys.py`` says
why): first each table's own keys (primary keys, referenced columns, sequence-fed
integers, which continue the sequence and are reserved from it), then the FK
columns, parents first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from psycopg import sql

from ..pg import Conn
from . import values
from .keys import KeyStore, assign_foreign_keys, combinations, combo_groups
from .model import Table
from .plan import Plan, TablePlan

INTS = ("int2", "int4", "int8")


def referenced_columns(plan: Plan) -> dict[str, set[str]]:
    """Per table, the columns some FK points at (its drawn keys)."""
    out: dict[str, set[str]] = {k: set() for k in plan.tables}
    for tp in plan.tables.values():
        for fk in tp.table.foreign_keys:
            if fk.ref_table in out:
                out[fk.ref_table].update(fk.ref_columns)
    return out


def existing_values(
    conn: Conn, table: Table, columns: Sequence[str]
) -> dict[str, list[str | None]]:
    if not columns or table.rows == 0:
        return {c: [] for c in columns}
    rows = conn.execute(
        sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns),
            sql.Identifier(table.schema, table.name),
            sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        )
    ).fetchall()
    return {c: [None if r[i] is None else str(r[i]) for r in rows] for i, c in enumerate(columns)}


def _sequence_start(
    conn: Conn, table: Table, column: str, sequence: str | None, empty: bool = False
) -> int:
    """The first id this run may use: past max(column) and the sequence's last value
    (``empty``: the sequence's START, as an empty database would number rows)."""
    if empty:
        got = (
            conn.execute(
                "SELECT seqstart FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence]
            ).fetchone()
            if sequence
            else None
        )
        return int(str(got[0])) if got else 1
    row = conn.execute(
        sql.SQL("SELECT max({}) FROM {}").format(
            sql.Identifier(column), sql.Identifier(table.schema, table.name)
        )
    ).fetchone()
    start = int(str(row[0])) + 1 if row and row[0] is not None else 1
    if sequence:
        seq = conn.execute(
            sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(sequence))
        ).fetchone()
        if seq is not None:
            start = max(start, int(str(seq[0])) + (1 if seq[1] else 0))
    return start


def _is_serial_key(tp: TablePlan, column: str) -> bool:
    col = tp.table.column(column)
    rule = tp.columns[column].rule
    return (
        col.type.base in INTS
        and col.type.domain is None
        and rule.low is None
        and rule.high is None
        and not rule.choices
        and rule.constant is None
    )


_TYPE_MAX = {"int2": 2**15 - 1, "int4": 2**31 - 1, "int8": 2**63 - 1}


def _serial_room(
    conn: Conn, tp: TablePlan, column: str, sequence: str | None, start: int
) -> int | None:
    """How many ids past ``start`` the column's type and its sequence admit; None when
    the sequence counts down (its ids are drawn like any unique values)."""
    top = _TYPE_MAX[tp.table.column(column).type.base]
    if sequence:
        row = conn.execute(
            "SELECT seqincrement, seqmax FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence]
        ).fetchone()
        if row is not None:
            if int(str(row[0])) < 0:
                return None
            top = min(top, int(str(row[1])))
    return max(0, top - start + 1)


def outside_parents(conn: Conn | None, plan: Plan, store: KeyStore) -> None:
    """FKs to tables this run does not fill (skipped, or in other schemas): their rows
    already there are the parents, read once."""
    for tp in plan.tables.values():
        for fk in tp.table.foreign_keys:
            if fk.ref_table in plan.tables or fk.ref_table == tp.table.key:
                continue
            if all(store.column(fk.ref_table, c) is not None for c in fk.ref_columns):
                continue
            if conn is None or not fk.ref_ident[0]:
                got: dict[str, list[str | None]] = {c: [] for c in fk.ref_columns}
            else:
                rows = conn.execute(
                    sql.SQL("SELECT {} FROM {}").format(
                        sql.SQL(", ").join(
                            sql.SQL("{}::text").format(sql.Identifier(c)) for c in fk.ref_columns
                        ),
                        sql.Identifier(*fk.ref_ident),
                    )
                ).fetchall()
                got = {
                    c: [None if r[i] is None else str(r[i]) for r in rows]
                    for i, c in enumerate(fk.ref_columns)
                }
            for c, vals in got.items():
                store.put(fk.ref_table, c, vals)


def draw_own_keys(
    conn: Conn | None,
    plan: Plan,
    store: KeyStore,
    *,
    reserve: bool = True,
    empty: bool = False,
    reserved: list[tuple[str, int, bool, int]] | None = None,
) -> None:
    """Step 3a: the referenced columns that are not FK columns, for every table.

    ``reserved`` collects (sequence, last value, is_called, value set) for every
    sequence this moved, so a failed run can put it back."""
    outside_parents(conn, plan, store)
    refs = referenced_columns(plan)
    for key, tp in plan.tables.items():
        pk = tp.table.primary_key.columns if tp.table.primary_key else ()
        if len(pk) == 1:  # a composite key's other columns stay free (a partition key)
            refs[key] |= {c for c in pk if c in tp.columns}
        refs[key] |= {
            c.name
            for c in tp.table.columns
            if c.sequence and c.name in tp.columns and _is_serial_key(tp, c.name)
        }
        own = sorted(c for c in refs[key] if c not in tp.fk_columns)
        existing = (
            existing_values(conn, tp.table, sorted(refs[key]))
            if conn is not None
            else {c: [] for c in refs[key]}
        )
        for c, vals in existing.items():
            store.put(key, c, list(vals))
        for u in plan.fk_only.get(key, []):
            held = (
                existing_values(conn, tp.table, list(u)) if conn is not None else {c: [] for c in u}
            )
            store.existing_keys.setdefault(key, {})[u] = set(
                zip(*(held[c] for c in u), strict=True)
            )
        first = tp.table.rows
        serial = [c for c in own if _is_serial_key(tp, c)]
        starts: dict[str, int] = {}
        for c in serial:  # the rows first: every own key of the table is drawn for them
            col = tp.table.column(c)
            starts[c] = (
                _sequence_start(conn, tp.table, c, col.sequence, empty) if conn is not None else 1
            )
            room = _serial_room(conn, tp, c, col.sequence, starts[c]) if conn is not None else None
            if room is not None and room < tp.rows:
                tp.notes.append(
                    f"{c}: its type or sequence admits {room} more id(s): {room} row(s)"
                )
                tp.rows = room
        for c in own:
            col = tp.table.column(c)
            if c in starts and (
                conn is None or _serial_room(conn, tp, c, col.sequence, starts[c]) is not None
            ):
                start = starts[c]
                new: list[str | None] = list(map(str, range(start, start + tp.rows)))
                if reserve and conn is not None and col.sequence and tp.rows:
                    # Reserve the ids now: a trigger or default that calls nextval() during
                    # the load (an audit table's serial) must not hand out one of them.
                    before = conn.execute(
                        sql.SQL("SELECT last_value, is_called FROM {}").format(
                            sql.SQL(col.sequence)
                        )
                    ).fetchone()
                    conn.execute(
                        "SELECT setval(%s::regclass, %s, true)", [col.sequence, start + tp.rows - 1]
                    )
                    if reserved is not None and before is not None:
                        reserved.append(
                            (
                                col.sequence,
                                int(str(before[0])),
                                bool(before[1]),
                                start + tp.rows - 1,
                            )
                        )
            else:
                cp = tp.columns[c]
                cp = replace(cp, rule=replace(cp.rule, unique=True, null_rate=0.0))
                new = values.generate(
                    cp, np.arange(first, first + tp.rows, dtype=np.int64), plan.seed
                )
            store.put(key, c, list(store.column(key, c) or []) + new)


def draw_foreign_keys(plan: Plan, store: KeyStore) -> dict[str, dict[str, list[str | None]]]:
    """Step 3b: FK columns, parents first; caps link tables at their parent combinations."""
    fk_values: dict[str, dict[str, list[str | None]]] = {}
    for key in plan.order.tables:
        tp = plan.tables[key]
        fks = list(tp.table.foreign_keys)
        unique_sets = plan.fk_only.get(key, [])
        if not fks:
            fk_values[key] = {}
            continue
        existing = {u: store.existing_keys.get(key, {}).get(u, set()) for u in unique_sets}
        for group in combo_groups(fks, unique_sets, key):
            room = combinations(store, group, existing)
            if room < tp.rows:
                tp.notes.append(
                    f"{' x '.join(f.ref_table for f in group[1])}: {room} new distinct parent "
                    f"combination(s) for the unique key ({', '.join(group[0])}): {room} row(s)"
                )
                tp.rows = room
        for c, col_values in store.values.get(key, {}).items():  # rows capped above
            store.values[key][c] = col_values[: tp.table.rows + tp.rows]
        vals = assign_foreign_keys(
            plan.seed,
            tp.table,
            fks,
            tp.rows,
            tp.table.rows,
            store,
            tp.fk_choices,
            unique_sets,
            existing,
        )
        for c, v in vals.items():
            if c in plan_refs(plan, key):
                prior = store.column(key, c) or []
                store.put(key, c, prior[: tp.table.rows] + v)
        fk_values[key] = vals
        dropped = store.dropped.get(key, set())
        if dropped:
            tp.notes.append(f"{len(dropped)} row(s) dropped: no parent agrees with every FK")
            for c in plan_refs(plan, key):
                col = store.column(key, c)
                if col is not None:
                    for r in dropped:
                        col[tp.table.rows + r] = None
    return fk_values


def plan_refs(plan: Plan, key: str) -> set[str]:
    return referenced_columns(plan)[key]
