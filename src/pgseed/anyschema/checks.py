"""A table's CHECK constraints (and a domain's) -> value rules, relations, residuals.

``parse_checks`` reads each CHECK as ``pg_get_constraintdef`` prints it (see
``check_terms``), splits it at its top-level ANDs and turns every conjunct it
understands EXACTLY into a tightened ``Rule`` for one column (range, choices,
constant, length, pattern, NOT NULL) or a ``Relation`` between two columns. A
rule may be stricter than the CHECK (``~*`` becomes a case-sensitive pattern),
never looser. Whatever is not captured that way, down to the conjunct, is
returned in ``residual`` for the engine to test in PostgreSQL per block: a form
is never guessed. Contradictions it can see (``x > 10 AND x < 5``, an IN list
that excludes every enum label) are returned in ``conflicts``, naming the
constraints, for the engine to report with a fix.

    check_terms.py     the expression (PostgreSQL's own parser) -> untyped terms
    check_literals.py  the constants in it -> ``Lit``
    check_types.py     a literal's value in a column's type; casts that keep values
    check_merge.py     one column's terms, typed -> its tightened rule
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .check_literals import Unparsed, as_decimal
from .check_merge import Fact, Merge
from .check_terms import (
    Link,
    bare,
    columns_of,
    conjuncts,
    deparse,
    parse_expression,
    read,
)
from .check_types import cast_ok, family
from .model import Check, Column, PgType, Rule, Table


@dataclass(frozen=True)
class Relation:
    """``left op right + offset``: ``ends_at > starts_at``, ``b >= a + '1 day'``.

    ``op`` is PostgreSQL's (``<``, ``<=``, ``>``, ``>=``, ``=``, ``<>``); ``offset`` a
    literal of the difference type (a number, whole days for dates, an interval for
    timestamps), None for none."""

    left: str
    op: str
    right: str
    offset: str | None = None


@dataclass(frozen=True)
class Parsed:
    rules: dict[str, Rule]
    """Every column of the table: its starting rule, tightened by the CHECKs."""
    relations: tuple[Relation, ...]
    residual: tuple[Check, ...]
    """Checks, or conjuncts of AND-ed checks (same name), not captured above."""
    one_row: bool
    """The primary key's every column is held to one value: the table holds one row."""
    conflicts: tuple[str, ...] = ()
    """Contradictions found, each naming its constraint(s) and column."""


@dataclass(frozen=True)
class DomainParsed:
    rule: Rule
    residual: tuple[str, ...]
    """The domain's CHECK expressions (or conjuncts) not captured, VALUE-based."""
    conflicts: tuple[str, ...] = ()


# A conjunct that fails to read for any of these reasons is left residual: testing it in
# PostgreSQL is always correct, so a form this module does not foresee costs speed only.
_NOT_READ = (Unparsed, ArithmeticError, ValueError, LookupError, AttributeError, TypeError)


def parse_checks(table: Table, start: Mapping[str, Rule]) -> Parsed:
    columns = {c.name: c for c in table.columns}
    conj: list[tuple[int, Any]] = []  # (index of its check, conjunct node)
    residual: list[Check] = []
    for n, check in enumerate(table.checks):
        try:
            conj.extend((n, node) for node in conjuncts(parse_expression(check.expression)))
        except _NOT_READ:
            residual.append(check)
    facts: dict[str, list[Fact]] = {}
    relations: list[Relation] = []
    rejected: set[int] = set()
    for i, (_n, node) in enumerate(conj):
        try:
            part = read(node)
            if isinstance(part, Link):
                relations.append(_relation(part, columns))
                continue
            for term in part:
                column = columns.get(term.ref.column)
                if column is None or column.generated:
                    raise Unparsed("not a written column of this table")
                facts.setdefault(column.name, []).append(Fact(term, i))
        except _NOT_READ:
            rejected.add(i)
    rules: dict[str, Rule] = {}
    conflicts: list[str] = []
    for column in table.columns:
        base = start.get(column.name, Rule())
        mine = [f for f in facts.get(column.name, []) if f.source not in rejected]
        merge = Merge(column, base, [table.checks[conj[f.source][0]].name for f in mine])
        try:
            rules[column.name] = merge.run(mine)
        except _NOT_READ:
            rules[column.name] = base
            merge.residual |= {f.source for f in mine}
        rejected |= merge.residual
        conflicts.extend(merge.conflicts)
    residual.extend(_residual(table.checks, conj, rejected))
    pk = table.primary_key
    one_row = bool(pk and pk.columns) and all(
        rules[c].constant is not None for c in (pk.columns if pk else ())
    )
    return Parsed(rules, tuple(relations), tuple(residual), one_row, tuple(conflicts))


def _residual(
    checks: tuple[Check, ...], conj: list[tuple[int, Any]], rejected: set[int]
) -> list[Check]:
    """The rejected conjuncts: a check none of whose parts was captured stays whole,
    as the catalog printed it; otherwise each rejected part is a check of its own."""
    out: list[Check] = []
    for n, check in enumerate(checks):
        mine = [i for i, (m, _node) in enumerate(conj) if m == n]
        if not mine or not any(i in rejected for i in mine):
            continue
        if all(i in rejected for i in mine):
            out.append(check)
            continue
        for i in mine:
            if i in rejected:
                node = conj[i][1]
                try:
                    out.append(Check(check.name, deparse(node), columns_of(node)))
                except Exception:  # pglast could not print it back: keep the whole check
                    out.append(check)
                    break
    return out


def parse_domain(type: PgType, start: Rule) -> DomainParsed:
    """The domain's CHECKs as one column ``value`` of ``type``."""
    name = type.domain or type.name
    value = Column("value", type, type.domain_not_null)
    checks = tuple(Check(name, text, ("value",)) for text in type.domain_checks)
    table = Table("", name, 0, (value,), checks=checks)
    if type.domain_not_null:
        start = replace(start, null_rate=0.0)
    parsed = parse_checks(table, {"value": start})
    residual = tuple(bare(c.expression) for c in parsed.residual)
    return DomainParsed(parsed.rules["value"], residual, parsed.conflicts)


def parse_domain_checks(type: PgType, start: Rule) -> tuple[Rule, tuple[str, ...]]:
    """``parse_domain`` without its conflicts (the residual then fails in PostgreSQL)."""
    parsed = parse_domain(type, start)
    if parsed.conflicts:
        return start, type.domain_checks
    return parsed.rule, parsed.residual


def _relation(link: Link, columns: Mapping[str, Column]) -> Relation:
    left, right = columns.get(link.left.column), columns.get(link.right.column)
    if left is None or right is None or left.generated or right.generated:
        raise Unparsed("not written columns of this table")
    if not (cast_ok(left, link.left.cast) and cast_ok(right, link.right.cast)):
        raise Unparsed("a cast that changes values")
    fl, fr = family(left.type), family(right.type)
    numeric = fl in ("int", "num") and fr in ("int", "num")
    if not numeric and not (fl == "time" and left.type.base == right.type.base):
        raise Unparsed("columns of types that do not compare exactly")
    offset = None
    if link.offset is not None:
        lit, base = link.offset, left.type.base
        if (numeric or base == "date") and lit.kind == "num":
            value = as_decimal(lit.text)
            if value is None or (base == "date" and value != value.to_integral_value()):
                raise Unparsed("offset")
            offset = str(value)
        elif base in ("timestamp", "timestamptz", "time") and lit.cast == "interval":
            offset = lit.text
        else:
            raise Unparsed("offset of another type")
    return Relation(link.left.column, link.op, link.right.column, offset)
