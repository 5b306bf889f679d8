"""What ``pgseed fill`` will write: rows per table and one rule per column.

A column's rule is built in layers, later ones winning:

1. the type (varchar length, NOT NULL -> no NULLs, nullable -> 10% NULLs);
2. the name (``provider_for``: email, city, ...) - the type still decides the form;
3. the domain's CHECKs and the table's CHECKs (``checks.py``: bounds, IN lists,
   lengths, regexes, one-row tables); what cannot be parsed is tested in PostgreSQL
   per block (``probe.py``);
4. keys: a column of a unique key, a partition key, the key of an exclusion
   constraint that keeps it (``exclusion.py``);
5. the config (``config.py``).

Rows: the config's or ``--rows``, capped by what the constraints admit (a one-row
table, an enum-valued unique column, the parent combinations of a link table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches

import numpy as np

from ..errors import ConfigError
from . import checks as check_rules
from . import values
from .config import FillConfig, TableRule
from .exclusion import Grid, plan_exclusions
from .graph import Order, load_order
from .keys import FkChoice
from .model import Check, Column, ColumnPlan, Exclusion, Rule, Schema, Table
from .rules import (
    DEFAULT_NULL_RATE,
    base_rules,
    from_config,
    partition_rule,
    unique_rules,
)


@dataclass
class TablePlan:
    table: Table
    rows: int
    columns: dict[str, ColumnPlan]
    """Every column COPY writes, in table order (FK columns included, their rule unused)."""
    sql_columns: dict[str, str] = field(default_factory=dict)
    """Columns computed by a config ``sql:`` expression."""
    relations: tuple[check_rules.Relation, ...] = ()
    residual: tuple[Check, ...] = ()
    """CHECKs (and domain CHECKs rewritten on their column) tested in PostgreSQL."""
    fk_choices: dict[str, FkChoice] = field(default_factory=dict)
    disjoint: tuple[Grid, ...] = ()
    """Exclusion constraints kept by a grid (``exclusion.py``): slots that never overlap."""
    judged: tuple[Exclusion, ...] = ()
    alike: tuple[str, ...] = ()
    """Columns of a ``<>`` exclusion key: one value in every row (the rows' already there)."""
    """Exclusion constraints no construction keeps: judged in PostgreSQL per block."""
    requested: int = 0
    """The rows asked for (config or --rows) before any cap."""
    configured: frozenset[str] = frozenset()
    """Columns the config gives a rule: related-column adjustments leave them alone."""
    partition_checks: tuple[Check, ...] = ()
    """A partitioned table's routing condition, tested like a CHECK (a row no partition
    takes is redrawn)."""
    notes: list[str] = field(default_factory=list)

    @property
    def fk_columns(self) -> set[str]:
        return {c for fk in self.table.foreign_keys for c in fk.columns}


@dataclass
class Plan:
    schema: Schema
    order: Order
    tables: dict[str, TablePlan]
    seed: int
    skipped: list[str] = field(default_factory=list)
    default_rows: int = 100
    """Rows per table when the config names no count for a table."""
    fk_only: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    """Per table, its unique keys made only of FK columns (distinct parent combinations)."""


def _resolve_name(name: str, schema: Schema, what: str = "table") -> str:
    if name in schema.tables:
        return name
    bare = [k for k, t in schema.tables.items() if t.name == name]
    if len(bare) == 1:
        return bare[0]
    if len(bare) > 1:
        raise ConfigError(
            f"{what} {name!r} is in several schemas: {', '.join(bare)}.\nFix: write it as schema.table"
        )
    close = get_close_matches(
        name, list(schema.tables) + [t.name for t in schema.tables.values()], 1
    )
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(
        f"no {what} {name!r} in the schemas being filled{hint}.\nFix: check the name in the config or --rows flag"
    )


def _check_column(table: Table, name: str) -> Column:
    try:
        return table.column(name)
    except KeyError:
        close = get_close_matches(name, [c.name for c in table.columns], 1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"{table.key} has no column {name!r}{hint}") from None


Accepts = Callable[[ColumnPlan, str], bool]
"""Whether the server takes a sample value for a column's type (an ``xml`` column on a
server built without libxml takes none)."""


def _unsupported(cp: ColumnPlan, accepts: Accepts | None) -> str | None:
    """Why pgseed cannot draw values for ``cp`` (None: it can)."""
    if cp.rule.constant is not None or cp.rule.null_rate >= 1.0:
        return None
    try:
        sample = values.generate(
            replace(cp, rule=replace(cp.rule, null_rate=0.0)), np.arange(1, dtype=np.int64), 0
        )
    except values.Unsupported as exc:
        return str(exc)
    if accepts is None or sample[0] is None or accepts(cp, sample[0]):
        return None
    return f"the server takes no value of type {cp.type.name} (e.g. xml without libxml)"


def plan_table(
    table: Table,
    cfg: FillConfig,
    rule_cfg: TableRule | None,
    order: Order,
    accepts: Accepts | None = None,
) -> tuple[TablePlan, list[tuple[str, ...]], bool]:
    rules, residual = base_rules(table)
    parsed = check_rules.parse_checks(table, rules)
    if parsed.conflicts:
        raise ConfigError(
            f"{table.key}: its CHECKs admit no value: {'; '.join(parsed.conflicts)}.\n"
            "Fix: skip the table in the config (tables: {NAME: {skip: true}}) or fix the constraint"
        )
    rules = {**rules, **{k: v for k, v in parsed.rules.items() if k in rules}}
    residual.extend(parsed.residual)
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    partition_rule(table, rules)
    configured = set(rule_cfg.columns) if rule_cfg is not None else set()
    free = {c.name for c in table.columns if not c.generated} - fk_cols - configured
    xplan = plan_exclusions(table, free)
    fk_only = unique_rules(table, rules, fk_cols, xplan.unique)
    for name in xplan.constant:  # a `<>` key: every row takes the same value
        cp = ColumnPlan(
            table.key, name, table.column(name).type, replace(rules[name], null_rate=0.0)
        )
        try:
            one = values.generate(cp, np.arange(1, dtype=np.int64), 0)[0]
        except values.Unsupported:
            continue
        rules[name] = replace(cp.rule, constant=one)
    sql_columns: dict[str, str] = {}
    fk_choices: dict[str, FkChoice] = {}
    notes: list[str] = []
    if rule_cfg is not None:
        for name, col_cfg in rule_cfg.columns.items():
            col = _check_column(table, name)
            if col.generated:
                raise ConfigError(
                    f"{table.key}.{name} is a generated column: PostgreSQL computes it.\nFix: remove it from the config"
                )
            if name in fk_cols:
                fk = next(f for f in table.foreign_keys if name in f.columns)
                raise ConfigError(
                    f"{table.key}.{name} takes its values from {fk.ref_table} (FK {fk.name}).\n"
                    f"Fix: remove it from columns; shape it under foreign_keys: {fk.name}: "
                    "{min, max, distribution, null_rate}"
                )
            if col.not_null and (col_cfg.null_rate or 0) > 0:
                raise ConfigError(
                    f"{table.key}.{name} is NOT NULL: null_rate {col_cfg.null_rate} cannot be met.\n"
                    "Fix: remove null_rate for this column"
                )
            known = (*values.providers(), *values._providers.ALIASES)
            if col_cfg.provider is not None and col_cfg.provider not in known:
                close = get_close_matches(col_cfg.provider, values.providers(), 1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(
                    f"{table.key}.{name}: no provider {col_cfg.provider!r}{hint}.\n"
                    f"Fix: use one of: {', '.join(values.providers())}"
                )
            if col_cfg.sql is not None:
                sql_columns[name] = col_cfg.sql
            rules[name] = from_config(rules[name], col_cfg)
        fk_names = {fk.name: fk for fk in table.foreign_keys}
        for name, fk_cfg in rule_cfg.foreign_keys.items():
            if name not in fk_names:
                close = get_close_matches(name, list(fk_names), 1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(
                    f"{table.key} has no foreign key {name!r}{hint}; it has: {', '.join(fk_names) or 'none'}"
                )
            fk_choices[name] = FkChoice(
                null_rate=DEFAULT_NULL_RATE if fk_cfg.null_rate is None else fk_cfg.null_rate,
                low=fk_cfg.min,
                high=fk_cfg.max,
                distribution=fk_cfg.distribution,
            )
    columns: dict[str, ColumnPlan] = {}
    for c in table.columns:
        if c.generated:
            continue
        cp = ColumnPlan(table.key, c.name, c.type, rules[c.name])
        why = None if c.name in fk_cols or c.name in sql_columns else _unsupported(cp, accepts)
        if why is not None and c.name in configured:
            raise ConfigError(
                f"{table.key}.{c.name}: its config rule cannot be met: {why}.\n"
                "Fix: correct the rule in the config (tables: ... columns: ...)"
            )
        if why is not None:
            if c.default is not None or c.identity:
                notes.append(f"{c.name}: no generator for type {c.type.name}: left to its default")
                continue
            if not c.not_null:
                notes.append(f"{c.name}: no generator for type {c.type.name}: NULL")
                cp = replace(cp, rule=Rule(constant=None, null_rate=1.0))
            else:
                raise ConfigError(
                    f"{table.key}.{c.name}: pgseed has no generator for type {c.type.name}, and the "
                    "column is NOT NULL without a default.\nFix: give it a rule in the config: "
                    f"tables: {{{table.key}: {{columns: {{{c.name}: {{sql: '<expression>'}}}}}}}} "
                    "(or constant:), or skip the table"
                )
        columns[c.name] = cp
    requested = cfg.rows if rule_cfg is None or rule_cfg.rows is None else rule_cfg.rows
    plan = TablePlan(
        table=table,
        rows=requested,
        columns=columns,
        sql_columns=sql_columns,
        relations=parsed.relations,
        residual=tuple(residual),
        fk_choices=fk_choices,
        disjoint=xplan.grids,
        judged=xplan.judged,
        alike=tuple(c for c in xplan.constant if c in columns),
        notes=notes,
    )
    part = table.partitioning
    if part is not None and part.routes is not None:
        plan.partition_checks = (
            Check(f"the partitions of {table.key}", part.routes, part.columns),
        )
    plan.requested = requested
    if rule_cfg is not None:
        plan.configured = frozenset(rule_cfg.columns)
    return plan, fk_only, parsed.one_row


def cap_rows(plan: TablePlan, one_row: bool) -> None:
    """Cap the rows at what the table's unique keys and one-row CHECKs admit."""
    table = plan.table
    if one_row:
        room = max(0, 1 - table.rows)
        if plan.rows > room:
            plan.notes.append(f"one-row table (a CHECK pins its key): {room} row(s)")
            plan.rows = room
    for name, cp in plan.columns.items():
        if not cp.rule.unique or name in plan.fk_columns or name in plan.sql_columns:
            continue
        cap = values.capacity(cp)
        if cap is not None and cap - table.rows < plan.rows:
            room = max(0, cap - table.rows)
            plan.notes.append(f"{name}: unique with {cap} possible values: {room} row(s)")
            plan.rows = room


def build(schema: Schema, cfg: FillConfig, seed: int, accepts: Accepts | None = None) -> Plan:
    """The plan for ``schema`` under ``cfg``; ConfigError (exit 2) names any unknown
    table, column or FK in the config, with a did-you-mean."""
    rules_by_table: dict[str, TableRule] = {}
    for name, rule in cfg.tables.items():
        rules_by_table[_resolve_name(name, schema)] = rule
    skipped = [k for k, r in rules_by_table.items() if r.skip]
    tables = {k: t for k, t in schema.tables.items() if k not in skipped}
    order = load_order(tables)
    plans: dict[str, TablePlan] = {}
    fk_only: dict[str, list[tuple[str, ...]]] = {}
    for key in order.tables:
        plan, only, one_row = plan_table(tables[key], cfg, rules_by_table.get(key), order, accepts)
        cap_rows(plan, one_row)
        plans[key] = plan
        fk_only[key] = only
    return Plan(Schema(tables=tables), order, plans, seed, skipped, cfg.rows, fk_only)
