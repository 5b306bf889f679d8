"""A pack's models bound to the live tables of an application's own, evolved schema.

The pack's rules bind to the reflected schema by table and column name
(``../shared/ARCHITECTURE.md``, rule 8):

- a model column the table lacks is dropped from the load, with a warning naming it
  (the rules that read it are skipped by ``verify``);
- a model column the user renamed (``--map table.old=new``, or the config's ``map``)
  is written to its new name;
- a live column the models do not know is left to the database when it has a default
  or may be NULL (the application's own meaning: NULL is "chain-wide", "current"...),
  and filled by the generic engine (``anyschema.values``) within its CHECKs, length
  and uniqueness when it is NOT NULL without a default;
- a pack table that is not there at all, or a model column whose type cannot be cast
  to the live one, cannot be satisfied: SchemaMismatchError (exit 4) naming it.

A table whose columns are the models' exactly (names and types) and that needs no
generated column keeps the direct COPY path (``BoundLoader`` in ``staging.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from .config import did_you_mean
from .errors import ConfigError, SchemaMismatchError
from .pg import Conn

if TYPE_CHECKING:
    from .anyschema.model import ColumnPlan, Table
    from .run import SchemaSpec

__all__ = ["Binding", "TableBinding", "bind", "parse_maps", "shadow", "shadowed"]


@dataclass(frozen=True)
class TableBinding:
    """How one pack table's COPY columns land in the live table.

    ``columns``: the pack's COPY columns in order; ``targets``: the live column each
    goes to (None: the table lacks it, its values are dropped); ``types``: each
    model column's type as SQL (the staging table's); ``live_types``: each target's
    live type (``format_type``); ``extras``: live NOT NULL columns without a default
    that the models do not know, generated per row.
    """

    table: str
    columns: tuple[str, ...]
    targets: tuple[str | None, ...]
    types: tuple[str, ...]
    live_types: tuple[str | None, ...]
    extras: tuple[ColumnPlan, ...] = ()

    @property
    def exact(self) -> bool:
        """The pack's COPY can go straight into the table."""
        return (
            not self.extras
            and self.targets == self.columns
            and all(a == b for a, b in zip(self.types, self.live_types, strict=True))
        )


@dataclass(frozen=True)
class Binding:
    """Every pack table's binding, and what was dropped or renamed (for the warnings)."""

    tables: dict[str, TableBinding]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)

    def warnings(self) -> list[str]:
        out = []
        for table, cols in self.missing.items():
            for c in cols:
                out.append(
                    f"{table}.{c} is not in the database: the pack's values for it are not "
                    f"written and the rules that read it are skipped (rename it with --map "
                    f"{table}.{c}=NEW if the application renamed it)"
                )
        for table, names in self.renamed.items():
            for old, new in names.items():
                out.append(f"{table}.{old} is written to {table}.{new} (--map)")
        return out

    @property
    def exact(self) -> bool:
        return all(t.exact for t in self.tables.values())


def parse_maps(items: Iterable[str]) -> dict[str, dict[str, str]]:
    """``table.old=new`` items -> ``{table: {old: new}}``; ConfigError (exit 2) for a
    malformed one."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        left, eq, new = item.partition("=")
        table, dot, old = left.strip().partition(".")
        new = new.strip()
        if not eq or not dot or not table or not old.strip() or not new:
            raise ConfigError(
                f"--map {item!r}: expected TABLE.OLD=NEW (a model column and the column the "
                "application renamed it to).\nFix: e.g. --map posts.text=body."
            )
        before = out.setdefault(table, {}).get(old.strip())
        if before is not None and before != new:
            raise ConfigError(
                f"--map {table}.{old.strip()} is given twice, to {before} and to {new}: a "
                "column is written to one place.\nFix: keep the one the application uses."
            )
        out[table][old.strip()] = new
    return out


def _model_type(spec: SchemaSpec, table: str, column: str) -> str:
    from sqlalchemy.dialects import postgresql

    from .schema import normalized_type

    t = spec.metadata.tables[table].c[column].type
    return normalized_type(t.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]


def _live_tables(conn: Conn) -> dict[str, Table]:
    """The reflected tables of the current schema by name, partitions as their root
    (a partition has its parent's columns)."""
    from .anyschema.reflect import reflect

    row = conn.execute("SELECT current_schema()").fetchone()
    schema = str(row[0]) if row else "public"
    tables = {t.name: t for t in reflect(conn, [schema]).tables.values() if t.schema == schema}
    for name, root in conn.execute(
        "SELECT c.relname, r.relname FROM pg_class c "
        "JOIN pg_class r ON r.oid = pg_partition_root(c.oid) "
        "WHERE c.relispartition AND c.relnamespace = current_schema()::regnamespace"
    ).fetchall():
        if str(root) in tables:
            tables[str(name)] = tables[str(root)]
    return tables


def _check_maps(
    spec: SchemaSpec, live: Mapping[str, Table], maps: Mapping[str, Mapping[str, str]]
) -> None:
    for table, names in maps.items():
        if table not in spec.columns:
            raise ConfigError(
                f"--map {table}...: {table!r} is not a table of the pack."
                f"{did_you_mean(table, spec.columns)}\nFix: one of "
                f"{', '.join(spec.columns)}."
            )
        for old, new in names.items():
            if old not in spec.columns[table]:
                raise ConfigError(
                    f"--map {table}.{old}={new}: the pack writes no column {old!r} in {table}."
                    f"{did_you_mean(old, spec.columns[table])}\nFix: one of "
                    f"{', '.join(spec.columns[table])}."
                )
            have = [c.name for c in live[table].columns] if table in live else []
            if table in live and new not in have:
                raise ConfigError(
                    f"--map {table}.{old}={new}: the database's {table} has no column {new!r}."
                    f"{did_you_mean(new, have)}\nFix: one of {', '.join(have)}."
                )
    for table, names in maps.items():
        for old, new in names.items():
            # Two model columns written to one live column: the database would refuse
            # the INSERT ("specified more than once"); say so before anything runs.
            others = [o for o, n in names.items() if n == new and o != old]
            if new != old and new in spec.columns[table] and new not in names:
                others.append(new)
            if others:
                raise ConfigError(
                    f"--map {table}.{old}={new}: {table}.{new} is already where the pack "
                    f"writes {table}.{others[0]}.\nFix: map {table}.{old} to another column, "
                    f"or map {table}.{others[0]} elsewhere too."
                )


def _extras(table: Table, known: set[str]) -> tuple[ColumnPlan, ...]:
    from .anyschema import rules as anyrules
    from .anyschema.checks import parse_checks
    from .anyschema.model import ColumnPlan
    from .anyschema.rules import base_rules, unique_rules

    rules, _ = base_rules(table)
    # The table's CHECKs narrow the generated values (a range, a list, a pattern), as
    # ``pgseed fill`` plans them; a CHECK it cannot read is left to the server to judge.
    # CHECKs that admit no value at all are left to the server, which names them.
    parsed = parse_checks(table, rules)
    if not parsed.conflicts:
        rules = {**rules, **{k: v for k, v in parsed.rules.items() if k in rules}}
    anyrules.partition_rule(table, rules)
    unique_rules(table, rules, set())
    out = []
    for col in table.columns:
        if col.name in known or col.generated or col.identity or not col.not_null:
            continue
        if col.default is not None:
            continue
        if table.partitioning is not None and col.name in table.partitioning.columns:
            continue  # a partition's key: the partition's own default or bound decides
        out.append(ColumnPlan(table.key, col.name, col.type, replace(rules[col.name])))
    return tuple(out)


def _no_foreign_extras(
    name: str, table: Table, extras: Sequence[ColumnPlan], gone: Sequence[str]
) -> None:
    """An added NOT NULL column without a default that references another table cannot
    be generated (which parent row is the application's business): SchemaMismatchError
    (exit 4) naming it, with the ``--map`` a rename needs (a key column renamed but not
    mapped looks exactly like this)."""
    fk_cols = {c: fk.ref_table for fk in table.foreign_keys for c in fk.columns}
    bad = [p.column for p in extras if p.column in fk_cols]
    if not bad:
        return
    hint = (
        f"if the application renamed {', '.join(gone)}, say so: "
        + " ".join(f"--map {name}.{old}={bad[0]}" for old in gone[:1])
        if gone
        else "give it a default or let it be NULL"
    )
    raise SchemaMismatchError(
        f"{name}.{', '.join(bad)} is NOT NULL without a default and references "
        f"{', '.join(sorted({fk_cols[c].split('.')[-1] for c in bad}))}: pgseed cannot "
        "choose which row the application's column points at.\nFix: " + hint + "."
    )


def _castable(conn: Conn, table: str, pairs: Sequence[tuple[str, str, str]]) -> None:
    """SchemaMismatchError naming each model column whose type cannot become the live one."""
    bad = []
    for col, model, live in pairs:
        if model == live:
            continue
        try:
            with conn.transaction():
                conn.execute(sql.SQL("SELECT NULL::{}::{}").format(sql.SQL(model), sql.SQL(live)))
        except psycopg.Error:
            bad.append(f"{table}.{col} is {live} in the database; the pack writes {model}")
    if bad:
        raise SchemaMismatchError(
            "the pack cannot write these columns: "
            + "; ".join(bad)
            + " (no cast between the types).\nFix: map the column to one of a compatible type "
            "with --map TABLE.COLUMN=OTHER, or seed a new *_demo/*_test database."
        )


def bind(conn: Conn, spec: SchemaSpec, maps: Mapping[str, Mapping[str, str]]) -> Binding:
    """Bind ``spec``'s COPY columns to the live tables (see the module docstring)."""
    live = _live_tables(conn)
    absent = [t for t in spec.columns if t not in live]
    if absent:
        raise SchemaMismatchError(
            f"the database has no table {', '.join(absent)}, which the pack fills "
            f"(it has {len(live)} other tables). A pack binds to an application's own "
            "schema, but it cannot write a table that is not there.\nFix: map the pack to "
            "a database that holds those tables, or seed a new *_demo/*_test database "
            "(pgseed creates it with the pack's schema)."
        )
    _check_maps(spec, live, maps)
    tables: dict[str, TableBinding] = {}
    missing: dict[str, tuple[str, ...]] = {}
    renamed: dict[str, dict[str, str]] = {}
    for name, columns in spec.columns.items():
        table = live[name]
        have = {c.name: c.type.name for c in table.columns if not c.generated}
        names = maps.get(name, {})
        targets = tuple((names.get(c, c) if names.get(c, c) in have else None) for c in columns)
        types = tuple(_model_type(spec, name, c) for c in columns)
        lives = tuple(None if t is None else have[t] for t in targets)
        _castable(
            conn,
            name,
            [(c, m, lt) for c, m, lt in zip(columns, types, lives, strict=True) if lt is not None],
        )
        gone = tuple(c for c, t in zip(columns, targets, strict=True) if t is None)
        if gone:
            missing[name] = gone
        moved = {o: n for o, n in names.items() if o in columns and o != n}
        if moved:  # an identity map (userId=userId) renames nothing
            renamed[name] = moved
        known = {t for t in targets if t is not None}
        extras = _extras(table, known)
        _no_foreign_extras(name, table, extras, gone)
        tables[name] = TableBinding(name, tuple(columns), targets, types, lives, extras)
    return Binding(tables, missing, renamed)


def shadow(conn: Conn, binding: Binding) -> None:
    """Temporary views, in the caller's transaction, that show each renamed table
    under the models' column names as well (``pg_temp`` is searched first, so the
    pack's queries read them): ``verify`` reads ``parameters`` where the application
    has ``params``. Rolled back with the transaction."""
    for table, names in binding.renamed.items():
        row = conn.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass(%s)",
            [sql.Identifier(table).as_string(conn)],
        ).fetchone()
        assert row is not None
        qualified = sql.Identifier(str(row[0]), table)
        # The view shows every live column but those named like a model column it aliases:
        # an application halfway through a rename still has "text" beside "body", and an
        # identity map (userId=userId) aliases a column to its own name.
        live = [
            str(r[0])
            for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum",
                [qualified.as_string(conn)],
            ).fetchall()
        ]
        shown = [sql.Identifier(c) for c in live if c not in names] + [
            sql.SQL("{} AS {}").format(sql.Identifier(new), sql.Identifier(old))
            for old, new in names.items()
        ]
        conn.execute(
            sql.SQL("CREATE TEMP VIEW {} AS SELECT {} FROM {}").format(
                sql.Identifier(table), sql.SQL(", ").join(shown), qualified
            )
        )


@contextmanager
def shadowed(conn: Conn, binding: Binding | None) -> Iterator[None]:
    """``shadow``'s views for the statements of the ``with`` block only, in a write
    transaction: a pack's own SQL (reads, and INSERTs that name model columns) sees its
    models' names there, and once the block ends the tables are plain tables again for
    what must name the table itself (COPY, bulk mode's ALTER TABLE). No-op for None or
    a binding without renames."""
    if binding is None or not binding.renamed:
        yield
        return
    shadow(conn, binding)
    try:
        yield
    finally:
        if not conn.broken and conn.info.transaction_status != psycopg.pq.TransactionStatus.INERROR:
            for table in binding.renamed:
                conn.execute(sql.SQL("DROP VIEW pg_temp.{}").format(sql.Identifier(table)))
