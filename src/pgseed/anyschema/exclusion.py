"""Exclusion constraints: built where a construction exists, judged by PostgreSQL otherwise.

Two rows conflict under ``EXCLUDE (k1 WITH op1, k2 WITH op2)`` only when every
operator holds between them, so one key whose operator never holds between two new
rows keeps the whole constraint. ``plan_exclusions`` picks that key:

1. ``&&`` or ``-|-`` on a range, a multirange, a box, circle or polygon, an integer
   array (intarray), or a range built from two columns (``tsrange(starts, ends)``):
   a **grid** (``Grid``), row ``i`` in slot ``i``, slots apart and never adjacent;
2. ``=`` on a column pgseed draws: that column draws **unique** values;
3. ``<>`` on a column pgseed draws: one **constant** value.

What has none of these (a config rule on the column, an FK column, another
operator) is **judged** (``ExclusionProbe``): each block of candidates is tested in
PostgreSQL against the rows the table holds and against each other, and the rows
that conflict are redrawn (``redraw.Redraws.avoid_exclusions``). Rows already in the
table are judged for every exclusion, and a grid starts past them (``grid_start``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg import sql

from ..encode import encode_rows
from ..pg import Conn
from .model import Column, Exclusion, Table, UniqueKey
from .rules import expression_columns

ORD = "pgseed_ord"
OVERLAPPING = ("&&", "-|-")
GEOMETRY = ("box", "circle", "polygon")
GRID_SUBTYPES = (
    "int2",
    "int4",
    "int8",
    "numeric",
    "float4",
    "float8",
    "date",
    "timestamp",
    "timestamptz",
)
"""Range subtypes whose grid slots are numbers or points in time (a text range is judged)."""
RANGE_TYPES = {
    "int4range": "int4",
    "int8range": "int8",
    "numrange": "numeric",
    "tsrange": "timestamp",
    "tstzrange": "timestamptz",
    "daterange": "date",
}
_PAIR = re.compile(r"^(\w+)\((.+?), (.+?)(?:, '[\[\(][\]\)]'::text)?\)$")
LATTICE = 1000
"""Geometric slots per lattice row (10 units apart): shapes spread in two dimensions."""


@dataclass(frozen=True)
class Grid:
    """A construction for one exclusion constraint: row ``i`` takes slot ``i``."""

    constraint: str
    columns: tuple[str, ...]
    """One column, or the (lower, upper) columns of a range expression."""
    kind: str
    """``range``, ``multirange``, ``geometry``, ``array`` or ``pair``."""
    sub: str
    """The range's subtype, the geometric type, or the pair columns' type."""


@dataclass(frozen=True)
class ExclusionPlan:
    grids: tuple[Grid, ...] = ()
    unique: tuple[UniqueKey, ...] = ()
    """Exclusions kept by one ``=`` column drawing unique values."""
    constant: tuple[str, ...] = ()
    """Columns drawing one value for every row (a ``<>`` key)."""
    judged: tuple[Exclusion, ...] = ()
    """Exclusions no construction keeps: judged per block, within the new rows too."""


def _column(table: Table, key: str) -> Column | None:
    """The column a key names (``pg_get_indexdef`` quotes a name when it must)."""
    return next(
        (c for c in table.columns if key in (c.name, '"' + c.name.replace('"', '""') + '"')), None
    )


def key_columns(table: Table, x: Exclusion) -> list[str]:
    """The columns an exclusion's keys and predicate use."""
    out: list[str] = []
    for text in (*x.keys, x.predicate or ""):
        out += [c for c in expression_columns(table, text) if c not in out]
    return out or list(x.columns)


def _grid(table: Table, x: Exclusion, key: str, op: str, free: set[str]) -> Grid | None:
    if op not in OVERLAPPING:
        return None
    col = _column(table, key)
    if col is not None:
        if col.name not in free:
            return None
        t = col.type
        if t.kind in ("r", "m") and t.element is not None and t.element.base in GRID_SUBTYPES:
            kind = "range" if t.kind == "r" else "multirange"
            return Grid(x.name, (col.name,), kind, t.element.base)
        if t.base in GEOMETRY:
            return Grid(x.name, (col.name,), "geometry", t.base)
        if t.base == "_int4" and op == "&&":
            return Grid(x.name, (col.name,), "array", "int4")
        return None
    m = _PAIR.match(key)
    if m is None or m.group(1) not in RANGE_TYPES:
        return None
    lo, hi = _column(table, m.group(2)), _column(table, m.group(3))
    if lo is None or hi is None or not {lo.name, hi.name} <= free or lo.name == hi.name:
        return None
    sub = RANGE_TYPES[m.group(1)]
    if lo.type.base != sub or hi.type.base != sub:
        return None
    return Grid(x.name, (lo.name, hi.name), "pair", sub)


def plan_exclusions(table: Table, free: set[str]) -> ExclusionPlan:
    """How each of ``table``'s exclusion constraints holds; ``free`` are the columns
    pgseed draws with no config rule (not FK, not generated)."""
    grids: list[Grid] = []
    unique: list[UniqueKey] = []
    constant: list[str] = []
    judged: list[Exclusion] = []
    taken: set[str] = set()
    for x in table.exclusions:
        keys = x.keys or x.columns
        pairs = list(zip(keys, x.operators, strict=False))
        found = next(
            (g for k, op in pairs if (g := _grid(table, x, k, op, free - taken)) is not None),
            None,
        )
        if found is not None:
            grids.append(found)
            taken.update(found.columns)
            continue
        if all(op == "=" for op in x.operators):
            continue  # a unique key (rules.unique_rules)
        named = [(c.name, op) for k, op in pairs if (c := _column(table, k)) is not None]
        eq = [c for c, op in named if op == "=" and c in free]
        ne = [c for c, op in named if op == "<>" and c in free - taken]
        if eq:
            unique.append(UniqueKey(x.name, (eq[0],)))
        elif ne:
            constant.append(ne[0])
            taken.add(ne[0])
        else:
            judged.append(x)
    return ExclusionPlan(tuple(grids), tuple(unique), tuple(constant), tuple(judged))


def _range_text(sub: str, s: int) -> tuple[str, str]:
    """Slot ``s`` of a one-dimensional grid: its lower and upper bound."""
    if sub in ("timestamp", "timestamptz"):
        base = np.datetime64("2024-01-01T00:00:00", "s")
        lo = base + np.timedelta64(s * 3600, "s")
        hi = lo + np.timedelta64(45 * 60, "s")
        tz = "+00" if sub == "timestamptz" else ""
        return str(lo).replace("T", " ") + tz, str(hi).replace("T", " ") + tz
    if sub == "date":  # a day in three: '[]' bounds still leave a day between (-|-)
        d = np.datetime64("2024-01-01", "D") + np.timedelta64(3 * s, "D")
        return str(d), str(d + np.timedelta64(1, "D"))
    return str(s * 10), str(s * 10 + 5)


def grid_values(g: Grid, slots: np.ndarray) -> dict[str, list[str | None]]:
    """The grid's columns for rows in ``slots``: no two slots overlap or touch."""
    out: list[list[str | None]] = [[] for _ in g.columns]
    for s in slots.tolist():
        if g.kind == "geometry":
            x, y = (s % LATTICE) * 10, (s // LATTICE) * 10
            text = {
                "box": f"({x + 4},{y + 4}),({x},{y})",
                "circle": f"<({x + 2},{y + 2}),2>",
                "polygon": f"(({x},{y}),({x},{y + 4}),({x + 4},{y + 4}),({x + 4},{y}))",
            }[g.sub]
            out[0].append(text)
        elif g.kind == "array":
            out[0].append(f"{{{2 * s + 1},{2 * s + 2}}}")
        else:
            lo, hi = _range_text(g.sub, s)
            if g.kind == "pair":
                out[0].append(lo)
                out[1].append(hi)
            else:
                text = f'["{lo}","{hi}")'
                out[0].append("{" + text + "}" if g.kind == "multirange" else text)
    return dict(zip(g.columns, out, strict=True))


_REACH = {
    "circle": "(center({c}))[1] + radius({c})",  # box(circle) is the inscribed box
    "geometry": "((box({c}))[0])[1]",
    "array": "(SELECT max(e) FROM unnest({c}) e)",
    "pair": "{c}",
    "range": "upper({c})",
    "multirange": "upper({c})",
}
"""SQL of how far a row reaches along the grid (the upper bound, the box's top)."""


def grid_start(conn: Conn, table: Table, g: Grid) -> int:
    """The first slot past every row the table holds (0 when it holds none)."""
    if table.rows == 0:
        return 0
    reach = _REACH["circle" if g.sub == "circle" else g.kind]
    value = sql.SQL(reach).format(c=sql.Identifier(g.columns[-1]))
    if g.kind in ("geometry", "array") or g.sub in ("int4", "int8", "numeric"):
        per = "2" if g.kind == "array" else "10"
        slot = sql.SQL("ceil(max({})::numeric / ({}))").format(value, sql.SQL(per))
    elif g.sub == "date":
        slot = sql.SQL("ceil((max({}) - date '2024-01-01') / 3.0)").format(value)
    else:
        zone = " +00" if g.sub == "timestamptz" else ""
        slot = sql.SQL("ceil(extract(epoch FROM max({}) - {}::{}) / 3600)").format(
            value, sql.Literal(f"2024-01-01 00:00{zone}"), sql.SQL(g.sub)
        )
    try:
        with conn.transaction():
            row = conn.execute(
                sql.SQL("SELECT greatest(0, {} + 1)::bigint FROM {}").format(
                    slot, sql.Identifier(table.schema, table.name)
                )
            ).fetchone()
    except psycopg.Error:  # an unbounded range (infinity): the probe judges every row
        return 0
    if row is None or row[0] is None:
        return 0
    return int(str(row[0])) * (LATTICE if g.kind == "geometry" else 1)


def held_value(conn: Conn, table: Table, column: str) -> str | None:
    """A value of ``column`` the table's rows hold (None: it holds none)."""
    if table.rows == 0:
        return None
    row = conn.execute(
        sql.SQL("SELECT {c}::text FROM {t} WHERE {c} IS NOT NULL LIMIT 1").format(
            c=sql.Identifier(column), t=sql.Identifier(table.schema, table.name)
        )
    ).fetchone()
    return None if row is None else str(row[0])


class ExclusionProbe:
    """``conflicts(block)`` -> {row position: the exclusion it breaks}.

    A candidate conflicts with a row of ``target`` (the table, holding the rows that
    were there and the blocks already COPYed; or, when nothing is written, a shadow
    that ``accept`` fills) under any exclusion, and with an earlier candidate under
    an exclusion in ``within`` (the others are kept by construction)."""

    def __init__(
        self,
        conn: Conn,
        table: Table,
        columns: list[str],
        against: list[Exclusion],
        within: list[Exclusion],
        shadow: bool,
    ) -> None:
        self.conn = conn
        self.columns = columns
        self.cand = sql.Identifier(f"pgseed_xcand_{table.oid}")
        names = sql.SQL(", ").join(map(sql.Identifier, columns))
        real = sql.Identifier(table.schema, table.name)
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                self.cand, names, real
            )
        )
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN {} int").format(self.cand, sql.Identifier(ORD))
        )
        self.target: sql.Composable = real
        self.shadow = shadow
        if shadow:
            self.target = sql.Identifier(f"pgseed_xseen_{table.oid}")
            conn.execute(
                sql.SQL(
                    "CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
                ).format(self.target, names, real)
            )
        self.checks = [(x, False) for x in against] + [(x, True) for x in within]
        self.unjudged = [x for x, _ in self.checks if not self._judgeable(x)]
        self.checks = [(x, w) for x, w in self.checks if x not in self.unjudged]
        for x in {x.name: x for x, w in self.checks if w}.values():
            self._index(table, x)

    def _query(self, x: Exclusion, within: bool) -> sql.Composed:
        """The candidates that conflict with a row of the target (``within``: with an
        earlier candidate), each judged through an index (the table's own, or the one
        ``_index`` builds on the candidates) rather than against every row."""
        keys = [sql.Identifier(f"pgseed_k{i}") for i in range(len(x.keys))]
        where = sql.SQL(x.predicate or "true")
        # Unqualified names in the subquery are its table's: c has only pgseed_* columns.
        return sql.SQL(
            "WITH c AS (SELECT {ord}, {keys} FROM {cand} WHERE {where})"
            " SELECT c.{ord} FROM c WHERE EXISTS (SELECT 1 FROM {target} WHERE {where} AND {earlier}"
            " AND {match})"
        ).format(
            ord=sql.Identifier(ORD),
            keys=sql.SQL(", ").join(
                sql.SQL("({}) AS {}").format(sql.SQL(k), a)
                for k, a in zip(x.keys, keys, strict=True)
            ),
            cand=self.cand,
            where=where,
            target=self.cand if within else self.target,
            earlier=sql.SQL("{} < c.{}").format(sql.Identifier(ORD), sql.Identifier(ORD))
            if within
            else sql.SQL("true"),
            match=sql.SQL(" AND ").join(
                sql.SQL("({}) {} c.{}").format(sql.SQL(k), sql.SQL(op), a)
                for k, a, op in zip(x.keys, keys, x.operator_sql, strict=True)
            ),
        )

    def _index(self, table: Table, x: Exclusion) -> None:
        """The exclusion's index (its method, operator classes, expressions and WHERE)
        on the candidates, so a block is judged against itself in n log n, not n**2."""
        row = self.conn.execute(
            "SELECT pg_get_indexdef(conindid) FROM pg_constraint WHERE conrelid = %s AND conname = %s",
            [table.oid, x.name],
        ).fetchone()
        if row is None:
            return
        definition = str(row[0])
        at = definition.find(" USING ")
        if at < 0:
            return
        try:  # without it the judgement is the same, only slower
            with self.conn.transaction():
                self.conn.execute(
                    sql.SQL("CREATE INDEX ON {} {}").format(self.cand, sql.SQL(definition[at:]))
                )
        except psycopg.Error:
            pass

    def _judgeable(self, x: Exclusion) -> bool:
        """False when its keys use a column pgseed does not write (a generated one)."""
        try:
            with self.conn.transaction():
                self.conn.execute(sql.SQL("EXPLAIN {}").format(self._query(x, True)))
        except psycopg.Error:
            return False
        return True

    def conflicts(self, block: list[list[str | None]], rows: int) -> dict[int, Exclusion]:
        if not self.checks or rows == 0:
            return {}
        conn = self.conn
        conn.execute(sql.SQL("TRUNCATE {}").format(self.cand))
        data = encode_rows([*block, [str(i) for i in range(rows)]])
        with conn.cursor().copy(
            sql.SQL("COPY {} ({}, {}) FROM STDIN").format(
                self.cand,
                sql.SQL(", ").join(map(sql.Identifier, self.columns)),
                sql.Identifier(ORD),
            )
        ) as cp:
            cp.write(data)
        conn.execute(sql.SQL("ANALYZE {}").format(self.cand))  # a plan that uses the indexes
        bad: dict[int, Exclusion] = {}
        for x, within in self.checks:
            for (row,) in conn.execute(self._query(x, within)).fetchall():
                bad.setdefault(int(str(row)), x)
        return bad

    def accept(self, data: bytes) -> None:
        """The rows kept (COPY text): judged against from now on when nothing is written."""
        if not self.shadow:
            return
        with self.conn.cursor().copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                self.target, sql.SQL(", ").join(map(sql.Identifier, self.columns))
            )
        ) as cp:
            cp.write(data)
