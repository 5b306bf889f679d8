"""One rule per column, in layers (``plan.py`` says which wins): the type, the
name, domain and table CHECKs, keys and partitions, then the config."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from . import checks as check_rules
from . import values
from .config import ColumnRule
from .model import Check, Column, ColumnPlan, Rule, Table, UniqueKey

DEFAULT_NULL_RATE = 0.1


def from_config(rule: Rule, cfg: ColumnRule) -> Rule:
    if cfg.choices is not None:
        if isinstance(cfg.choices, dict):
            rule = replace(
                rule,
                choices=tuple(cfg.choices),
                weights=tuple(cfg.choices.values()),
                low=None,
                high=None,
                pattern=None,
            )
        else:
            rule = replace(
                rule,
                choices=tuple(text(c) for c in cfg.choices),
                weights=(),
                low=None,
                high=None,
                pattern=None,
            )
    if cfg.range is not None:
        rule = replace(
            rule,
            low=text(cfg.range[0]),
            high=text(cfg.range[1]),
            low_inclusive=True,
            high_inclusive=True,
            choices=(),
        )
    if cfg.regex is not None:
        rule = replace(rule, pattern=cfg.regex, choices=())
    if cfg.provider is not None:
        rule = replace(rule, provider=cfg.provider)
    if cfg.constant is not None:  # every row gets it, unless a null rate says otherwise
        rule = replace(rule, constant=text(cfg.constant), null_rate=0.0)
    if cfg.null_rate is not None:
        rule = replace(rule, null_rate=cfg.null_rate)
    return rule


def text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_IDENT = re.compile(r'"((?:[^"]|"")+)"|\b([a-z_][a-z0-9_$]*)\b')


def expression_columns(table: Table, expression: str) -> list[str]:
    """Columns an index expression mentions (``lower(email::text)`` -> email)."""
    names = {c.name for c in table.columns}
    found = []
    for m in _IDENT.finditer(re.sub(r"'(?:[^']|'')*'", "''", expression)):
        name = m.group(1).replace('""', '"') if m.group(1) else m.group(2)
        if name in names and name not in found:
            found.append(name)
    return found


def domain_residual(column: Column, exprs: tuple[str, ...]) -> list[Check]:
    ident = '"' + column.name.replace('"', '""') + '"'
    return [
        Check(
            f"{column.type.domain} on {column.name}",
            re.sub(r"\bVALUE\b", ident, e, flags=re.IGNORECASE),
            (column.name,),
        )
        for e in exprs
    ]


_RARE = re.compile(
    r"(^|_)(deleted|archived|removed|banned|blocked|cancell?ed|revoked|suspended|disabled)(_at|_on|_date)?$"
)


def null_rate_for(name: str) -> float:
    """Nullable columns are NULL 10% of the time, except marks of a rare event
    (``deleted_at``, ``archivedAt``, ``banned_on``...), NULL 95% of the time: most rows
    are not deleted."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return 0.95 if _RARE.search(snake) else DEFAULT_NULL_RATE


def base_rules(table: Table) -> tuple[dict[str, Rule], list[Check]]:
    rules: dict[str, Rule] = {}
    residual: list[Check] = []
    for col in table.columns:
        if col.generated:
            continue
        rule = Rule(
            null_rate=0.0 if col.not_null else null_rate_for(col.name),
            max_length=col.type.length if col.type.base in ("varchar", "bpchar") else None,
            provider=values.provider_for(col.name, col.type),
        )
        if col.type.domain_checks:
            rule, left = check_rules.parse_domain_checks(col.type, rule)
            residual.extend(domain_residual(col, left))
        rules[col.name] = rule
    return rules, residual


def partition_rule(table: Table, rules: dict[str, Rule]) -> None:
    part = table.partitioning
    if part is None or len(part.columns) != 1 or any(b == "DEFAULT" for b in part.bounds):
        return
    col = part.columns[0]
    if part.strategy == "l":
        allowed: list[str] = []
        for b in part.bounds:
            m = re.match(r"FOR VALUES IN \((.*)\)$", b)
            if m:
                allowed.extend(v for v in _literals(m.group(1)) if v != "NULL")
        if allowed:
            rules[col] = replace(rules[col], choices=tuple(allowed), weights=(), null_rate=0.0)
    elif part.strategy == "r":
        lows, highs = [], []
        for b in part.bounds:
            m = re.match(r"FOR VALUES FROM \((.*)\) TO \((.*)\)$", b)
            if m:
                lows.extend(_literals(m.group(1)))
                highs.extend(_literals(m.group(2)))
        if lows and highs and "MINVALUE" not in lows and "MAXVALUE" not in highs:
            rules[col] = replace(
                rules[col],
                low=min(lows, key=_sortable),
                high=max(highs, key=_sortable),
                low_inclusive=True,
                high_inclusive=False,
                null_rate=0.0,
            )


def _literals(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"'((?:[^']|'')*)'|([^,\s]+)", text):
        out.append(m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2))
    return out


def _sortable(v: str) -> tuple[int, float | str]:
    try:
        return (0, float(v))
    except ValueError:
        return (1, v)


def unique_rules(
    table: Table, rules: dict[str, Rule], fk_cols: set[str], extra: Sequence[UniqueKey] = ()
) -> list[tuple[str, ...]]:
    """Mark unique columns (``extra``: exclusion constraints one unique column keeps);
    return the unique keys made only of FK columns."""
    fk_only: list[tuple[str, ...]] = []
    keys = ([table.primary_key] if table.primary_key else []) + list(table.uniques)
    # an exclusion constraint whose operators are all equality is a unique key
    keys += [
        UniqueKey(x.name, x.columns)
        for x in table.exclusions
        if x.columns and x.operators and all(op == "=" for op in x.operators)
    ]
    keys += list(extra)
    for key in keys:
        cols = list(key.columns)
        for e in key.expressions:
            cols.extend(c for c in expression_columns(table, e) if c not in cols)
        if not cols:
            continue
        if all(c in fk_cols for c in cols):
            fk_only.append(tuple(cols))
            continue
        own = [c for c in cols if c not in fk_cols and c in rules]
        if not own:
            continue

        # the column with the most distinct values carries the key's uniqueness (a bool
        # first column would cap a (flag, n) key at two rows)
        def room(c: str) -> float:
            try:
                cap = values.capacity(
                    ColumnPlan(table.key, c, table.column(c).type, replace(rules[c], unique=True))
                )
            except values.Unsupported:
                return 0.0
            return float("inf") if cap is None else cap

        target = max(own, key=room)
        rules[target] = replace(
            rules[target],
            unique=True,
            null_rate=0.0,
            choices=()
            if len(own) == 1 and key.expressions == () and len(cols) == 1
            else rules[target].choices,
        )
        for c in own[1:]:
            rules[c] = replace(rules[c], null_rate=0.0)
    return fk_only
