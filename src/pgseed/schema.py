"""SQLAlchemy MetaData -> load order, and the live database checked against it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import ForeignKeyConstraint

from .errors import SchemaMismatchError
from .pg import Conn


@dataclass(frozen=True)
class LoadOrder:
    """Tables parents-first; FK columns to insert as NULL and fill after the load.

    A cycle is broken at a nullable foreign key: its rows go in with NULL there
    and an UPDATE fills the column once every table of the cycle is loaded.
    """

    tables: tuple[Table, ...]
    deferred: tuple[tuple[str, tuple[str, ...]], ...]  # (table, fk columns)


_FLOAT4_MAX_PRECISION = 24  # float(p): PostgreSQL takes p <= 24 as real, else double
_BINARY = {"int2", "int4", "int8", "bool", "date"}


def type_name(t: sa.types.TypeEngine[Any]) -> str:
    """The PostgreSQL type family of a SQLAlchemy column type (``int4``, ``numeric``,
    ``timestamptz``, ``jsonb``, ``text``, ...; ``other`` for the rest)."""
    if isinstance(t, sa.SmallInteger):
        return "int2"
    if isinstance(t, sa.BigInteger):
        return "int8"
    if isinstance(t, sa.Integer):
        return "int4"
    if isinstance(t, sa.Float):
        if isinstance(t, sa.REAL) or (
            t.precision is not None
            and not isinstance(t, sa.Double)
            and t.precision <= _FLOAT4_MAX_PRECISION
        ):
            return "float4"
        return "float8"
    if isinstance(t, sa.Numeric):
        return "numeric"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.DateTime):
        return "timestamptz" if t.timezone else "timestamp"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Uuid):
        return "uuid"
    if isinstance(t, postgresql.JSONB):
        return "jsonb"
    if isinstance(t, sa.JSON):
        return "json"
    if isinstance(t, sa.CHAR) and not isinstance(t, sa.Enum):
        return "char"
    if isinstance(t, sa.String) and not isinstance(t, sa.Enum):
        return "text"
    return "other"


def binary_types(table: Table, columns: Sequence[str]) -> list[str]:
    """The ``binary.py`` type of each column, from its SQLAlchemy type (``type_name``):
    ``int2``, ``int4``, ``int8``, ``bool``, ``date``, and ``numeric:S`` for numeric(p, S).
    SchemaMismatchError names a column of another type (binary COPY cannot carry it)."""
    out = []
    for name in columns:
        t = table.c[name].type
        kind = type_name(t)
        scale = getattr(t, "scale", None)
        if kind in _BINARY:
            out.append(kind)
        elif kind == "numeric" and scale is not None:
            out.append(f"numeric:{scale}")
        else:
            raise SchemaMismatchError(
                f"{table.name}.{name} is {t}, which binary COPY does not support here "
                "(int2/int4/int8, bool, date, numeric(p,s)).\nFix: declare the table as text COPY."
            )
    return out


def load_order(metadata: MetaData) -> LoadOrder:
    """Parents first; cycles broken at nullable FKs only (never at a NOT NULL one)."""
    tables = sorted(metadata.tables.values(), key=lambda t: t.name)
    fks = sorted(
        (fkc for t in tables for fkc in t.foreign_key_constraints),
        key=lambda f: (f.parent.name, [c.name for c in f.columns]),
    )
    deferred: list[ForeignKeyConstraint] = []
    for fkc in fks:  # a nullable self-reference is filled after the table is loaded
        if fkc.referred_table is fkc.parent and all(c.nullable for c in fkc.columns):
            deferred.append(fkc)
    while True:
        graph: dict[str, set[str]] = {t.name: set() for t in tables}
        for fkc in fks:
            if fkc not in deferred and fkc.referred_table is not fkc.parent:
                graph[fkc.parent.name].add(fkc.referred_table.name)
        try:
            order = list(TopologicalSorter(graph).static_order())
            break
        except CycleError as exc:
            cycle = set(exc.args[1])
            inside = [
                f for f in fks
                if f not in deferred and f.parent.name in cycle and f.referred_table.name in cycle
            ]  # fmt: skip
            breakable = [f for f in inside if all(c.nullable for c in f.columns)]
            if not breakable:
                names = " -> ".join(exc.args[1])
                raise SchemaMismatchError(
                    f"foreign keys form a cycle ({names}) through NOT NULL columns only: no "
                    "insert order can satisfy it.\nFix: make one FK of the cycle nullable or "
                    "DEFERRABLE."
                ) from None
            deferred.append(breakable[0])
    by_name = {t.name: t for t in tables}
    return LoadOrder(
        tuple(by_name[n] for n in order),
        tuple((f.parent.name, tuple(c.name for c in f.columns)) for f in deferred),
    )


def _norm_model_type(table: Table, column: str) -> str:
    return normalized_type(table.c[column].type.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]


def normalized_type(compiled: str) -> str:
    """A model type compiled for PostgreSQL, spelled as ``format_type`` prints it."""
    if compiled.startswith('"'):  # a quoted type name (an enum "Gender"): kept as written
        return compiled
    compiled = compiled.lower()
    compiled = re.sub(r"^varchar", "character varying", compiled)
    if re.fullmatch(r"timestamp(\(\d\))?", compiled):  # timestamp(3) too
        compiled += " without time zone"
    if compiled == "float":
        compiled = "double precision"
    compiled = re.sub(r",\s+", ",", compiled)  # numeric(10, 2) -> numeric(10,2)
    return {"date": "date", "bigint": "bigint", "smallint": "smallint"}.get(compiled, compiled)


def mismatches(conn: Conn, metadata: MetaData) -> list[str]:
    """What differs between the live database and the models (empty: they match).

    Compares each model table's presence, columns, types and nullability, and names
    each live column the models do not know: the application added it (a NOT NULL one
    without a default must be generated, ``binding.py``), so the tables are its own.
    """
    rows = conn.execute(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY(%s)
        """,
        [[t.name for t in metadata.sorted_tables]],
    ).fetchall()
    live: dict[str, dict[str, tuple[str, bool]]] = {}
    for rel, col, typ, notnull in rows:
        live.setdefault(str(rel), {})[str(col)] = (str(typ), bool(notnull))
    problems: list[str] = []
    for table in metadata.sorted_tables:
        have = live.get(table.name)
        if have is None:
            problems.append(f"table {table.name} is missing")
            continue
        for col in table.columns:
            if col.name not in have:
                problems.append(f"{table.name}.{col.name} is missing")
                continue
            typ, notnull = have[col.name]
            want = _norm_model_type(table, col.name)
            if typ != want:
                problems.append(f"{table.name}.{col.name} is {typ}, the models say {want}")
            if notnull != (not col.nullable):
                want_null = "NOT NULL" if not col.nullable else "nullable"
                problems.append(f"{table.name}.{col.name} should be {want_null}")
        known = {c.name for c in table.columns}
        for extra in sorted(set(have) - known):
            problems.append(f"{table.name}.{extra} is not in the models")
    return problems


def schema_state(conn: Conn, metadata: MetaData) -> str:
    """'absent' (none of the tables exist), 'ok' (the models exactly), 'bind' (every
    table is there, but the application's schema has moved on from the models: the
    pack binds to it, ``binding.py``), or SchemaMismatchError naming the tables that
    are missing when only some are."""
    problems = mismatches(conn, metadata)
    n_tables = len(metadata.sorted_tables)
    gone = [p for p in problems if p.startswith("table ") and p.endswith(" is missing")]
    if len(gone) == n_tables:
        return "absent"
    if gone:
        raise SchemaMismatchError(
            "the database holds some of the pack's tables but not all: "
            + ", ".join(p.removeprefix("table ").removesuffix(" is missing") for p in gone)
            + " missing. A pack binds to an application's own schema, but it cannot write "
            "a table that is not there, and pgseed never migrates a database that holds "
            "tables already: an application's schema and its migrations are its owner's."
            "\nFix: seed a new database whose name ends in _demo or _test (pgseed creates "
            "it with the pack's schema), or point pgseed at a database that holds every "
            "table of the pack."
        )
    return "bind" if problems else "ok"
