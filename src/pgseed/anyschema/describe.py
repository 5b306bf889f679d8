"""``pgseed fill --dry-run``: the plan as a YAML config a user can edit and pass back.

Each column's line is the rule pgseed inferred (from the type, the name, the CHECKs
and the keys) written in the config's own terms (``config.py``), with a comment
saying where it came from; FK columns show their parent instead. Passing the file
back with ``--config`` reproduces the same plan, and editing a line changes only
that column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import yaml

from .model import Rule
from .plan import Plan, TablePlan


def _flow(value: object) -> str:
    text = str(yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True))
    return text.removesuffix("\n").removesuffix("\n...").strip()


def rule_config(rule: Rule) -> dict[str, object]:
    """A rule in the config's terms: at most one value source, plus the null rate."""
    out: dict[str, object] = {}
    if rule.constant is not None:
        out["constant"] = rule.constant
    elif rule.choices:
        out["choices"] = (
            dict(zip(rule.choices, rule.weights, strict=True))
            if rule.weights
            else list(rule.choices)
        )
    elif (
        rule.low is not None
        and rule.high is not None
        and rule.low_inclusive
        and rule.high_inclusive
    ):
        out["range"] = [rule.low, rule.high]
    elif rule.pattern is not None:
        out["regex"] = rule.pattern
    elif rule.provider is not None:
        out["provider"] = rule.provider
    if rule.null_rate:
        out["null_rate"] = round(rule.null_rate, 4)
    return out


def _column_notes(tp: TablePlan, name: str) -> str:
    col = tp.table.column(name)
    rule = tp.columns[name].rule
    bits = [col.type.domain or col.type.name]
    if col.not_null:
        bits.append("NOT NULL")
    if rule.unique:
        bits.append("unique")
    if rule.low is not None and not (
        rule.low_inclusive and rule.high_inclusive and rule.high is not None
    ):
        bits.append(f"{'>=' if rule.low_inclusive else '>'} {rule.low}")
    if rule.high is not None and not (
        rule.low_inclusive and rule.high_inclusive and rule.low is not None
    ):
        bits.append(f"{'<=' if rule.high_inclusive else '<'} {rule.high}")
    if rule.max_length is not None:
        bits.append(f"length <= {rule.max_length}")
    grid = next((g for g in tp.disjoint if name in g.columns), None)
    if grid is not None:
        bits.append(f"values on a grid that never overlap (exclusion {grid.constraint})")
    return ", ".join(bits)


def plan_yaml(
    plan: Plan, dbname: str, samples: Mapping[str, Sequence[Mapping[str, str | None]]] = {}
) -> str:
    lines = [
        f"# pgseed fill plan for database {dbname!r}: nothing was written.",
        "# Edit and pass back with --config FILE; every key is optional (docs/any-schema.md).",
        f"seed: {plan.seed}",
        f"rows: {plan.default_rows}  # per table unless a table says otherwise; --rows wins over it",
        "tables:",
    ]
    for key in plan.order.tables:
        tp = plan.tables[key]
        lines.append(f"  {_flow(key)}:")
        there = f"{tp.table.rows} already there" if tp.table.rows else ""
        if tp.requested != plan.default_rows:
            lines.append(f"    rows: {tp.requested}" + (f"  # {there}" if there else ""))
        capped = f"capped at {tp.rows}" if tp.rows < tp.requested else ""
        note = ", ".join(x for x in (there, capped) if x)
        if note and tp.requested == plan.default_rows:
            lines.append(f"    # {note}")
        for n in tp.notes:
            lines.append(f"    # {n}")
        fk_cols = tp.fk_columns
        lines.append("    columns:")
        for name, cp in tp.columns.items():
            if name in fk_cols:
                fk = next(f for f in tp.table.foreign_keys if name in f.columns)
                lines.append(f"      # {_flow(name)}: from {fk.ref_table} ({fk.name})")
                continue
            if name in tp.sql_columns:
                rule: dict[str, object] = {"sql": tp.sql_columns[name]}
            else:
                rule = rule_config(cp.rule)
            lines.append(f"      {_flow(name)}: {_flow(rule)}  # {_column_notes(tp, name)}")
        if tp.table.foreign_keys:
            lines.append("    foreign_keys:")
            for fk in tp.table.foreign_keys:
                choice = tp.fk_choices.get(fk.name)
                body: dict[str, object] = {}
                if choice is not None and choice.low is not None:
                    body = {
                        "min": choice.low,
                        "max": choice.high,
                        "distribution": choice.distribution,
                    }
                kind = plan.order.kind_of(key, fk)
                extra = f", cycle: {kind}" if kind else ""
                lines.append(
                    f"      {_flow(fk.name)}: {_flow(body)}  # ({', '.join(fk.columns)}) -> "
                    f"{fk.ref_table} ({', '.join(fk.ref_columns)}){extra}"
                )
        if samples.get(key):
            lines.append("    # sample rows:")
            for row in samples[key]:
                text = ", ".join(f"{k}={'NULL' if v is None else v[:40]}" for k, v in row.items())
                lines.append(f"    #   {text}")
    if plan.skipped:
        lines.append("  # skipped: " + ", ".join(plan.skipped))
        for s in plan.skipped:
            lines.append(f"  {_flow(s)}: {{skip: true}}")
    return "\n".join(lines) + "\n"
