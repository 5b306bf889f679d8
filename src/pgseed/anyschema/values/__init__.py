"""Column values for ``pgseed fill``: one PostgreSQL text literal per row.

    generate(plan, rows, seed) -> list[str | None]   values of rows ``rows`` (None = NULL)
    capacity(plan) -> int | None                      distinct values a unique column can hold
    closer(plan, values, halvings) -> list[str | None] numbers moved toward the rule's low end
    provider_for(column, type) -> str | None         what the column's name suggests
    Unsupported                                       a type or rule no generator can meet

The value of row ``i`` depends only on (seed, table, column, i, type, rule), so any
split of the rows into blocks, in any order, gives the same values. Values are text
input literals, not yet escaped for COPY (``pgseed.encode.encode_rows`` does that).

How a rule is applied, in order: ``constant``; ``choices`` (with ``weights``);
otherwise the type's generator, which honours ``low``/``high`` (with inclusivity),
``min_length``/``max_length``, ``pattern``, ``unique`` and ``provider``; last,
``null_rate`` turns a keyed share of rows into NULL. ``provider=None`` lets the
type decide: the planner asks ``provider_for`` and puts its answer in the rule.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pgseed.anyschema.model import ColumnPlan, PgType, Rule
from pgseed.anyschema.values import _composite, _floats, _misc, _ordered, _providers, _text
from pgseed.anyschema.values._closer import closer
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed
from pgseed.anyschema.values._names import provider_for
from pgseed.anyschema.values._pools import source as pools_source

__all__ = [
    "Unsupported",
    "capacity",
    "closer",
    "generate",
    "pools_source",
    "provider_for",
    "providers",
]

Field = str | None
_FLOATS = ("float4", "float8")


def providers() -> tuple[str, ...]:
    """Every provider name a rule may give (aliases such as ``phone`` resolve too)."""
    return _providers.known()


def _array_choices(t: PgType, rule: Rule) -> bool:
    """Choices of an array column are whole arrays when they are written as ``{...}``."""
    return bool(rule.choices) and all(c.strip().startswith("{") for c in rule.choices)


def _with_provider(t: PgType, rule: Rule) -> Rule:
    """A provider of an ordered type (epoch, latitude...) supplies the bounds the rule lacks."""
    if rule.provider is None:
        return rule
    name = _providers.resolve(rule.provider)
    bounds = _providers.BOUNDS.get(name)
    if bounds is not None:
        if _ordered.unit_for(t) is None and t.base not in _FLOATS:
            raise Unsupported(
                f"the provider {rule.provider!r} makes numbers; the column is {t.name}"
            )
        return replace(
            rule,
            low=rule.low if rule.low is not None else bounds[0],
            high=rule.high if rule.high is not None else bounds[1],
            provider=None,
        )
    if name in _providers.TEXT:
        if t.base not in _providers.STRING_BASES:
            raise Unsupported(f"the provider {rule.provider!r} makes text; the column is {t.name}")
        return rule
    raise Unsupported(
        f"unknown provider {rule.provider!r} for {t.name}; known: {', '.join(_providers.known())}"
    )


def _refuse_meaningless(t: PgType, rule: Rule) -> None:
    """A rule part the type's generator cannot honour is refused, never ignored."""
    ordered = _ordered.unit_for(t) is not None or t.base in _FLOATS
    texty = t.base in _providers.STRING_BASES or t.base == "char"
    parts = []
    if rule.pattern is not None and not texty:
        parts.append(f"pattern {rule.pattern!r}")
    lengths = rule.min_length is not None or rule.max_length is not None
    if lengths and not (texty or t.base == "bytea"):
        parts.append("min_length/max_length")
    if (rule.low is not None or rule.high is not None) and not (ordered or texty):
        parts.append("low/high bounds")
    if parts:
        raise Unsupported(
            f"{' and '.join(parts)} cannot be honoured for the type {t.name}; "
            "give the column choices, a constant or a SQL expression in the config"
        )


def _values(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> list[Field]:
    if rule.constant is not None:
        if rule.unique and len(rows) > 1 and len(set(rows.tolist())) > 1:
            raise Unsupported(f"a unique {t.name} column cannot hold one constant in every row")
        return [rule.constant] * len(rows)
    if rule.choices and (not t.is_array or _array_choices(t, rule)):
        return list(_composite.pick_choices(rule.choices, rule.weights, rule.unique, k, rows))
    if t.is_array:
        return list(_composite.array(t, rule, k, rows, _values))
    if t.kind == "e":
        return list(_composite.enum(t, rule, k, rows))
    if t.kind in ("r", "m"):
        return list(_composite.ranges(t, rule, k, rows))
    rule = _with_provider(t, rule)
    _refuse_meaningless(t, rule)
    if t.base in _providers.STRING_BASES or t.base == "char":
        return list(_text.texts(t, rule, k, rows))
    out = _ordered.ordered(t, rule, k, rows)
    if out is not None:
        return list(out)
    if t.base in _FLOATS:
        return list(_floats.floats(t, rule, k, rows))
    maker = _misc.MAKERS.get(t.base)
    if maker is None:
        raise Unsupported(
            f"no value generator for the type {t.name} ({t.base}, kind {t.kind!r}); "
            "give the column a constant, choices or a SQL expression in the config"
        )
    return list(maker(t, rule, k, rows))


def generate(plan: ColumnPlan, rows: np.ndarray, seed: int) -> list[Field]:
    """One text literal per row index in ``rows`` (None = NULL)."""
    r = np.asarray(rows, dtype=np.int64)
    k = Keyed(int(seed), plan.table, plan.column)
    try:
        values = _values(plan.type, plan.rule, k, r)
    except Unsupported as e:
        raise _named(plan, e) from None
    rate = plan.rule.null_rate
    if rate > 0:
        # An integer threshold on hashed bits: the same rows are NULL on every machine.
        cut = np.uint64(min(int(rate * 2**53), 2**53))
        nulls = np.flatnonzero((k.bits("null", r) >> np.uint64(11)) < cut)
        for j in nulls.tolist():
            values[j] = None
    return values


def _named(plan: ColumnPlan, e: Unsupported) -> Unsupported:
    """The same error with the column and its type in front (once)."""
    where = f"{plan.table}.{plan.column} ({plan.type.name})"
    msg = str(e)
    return e if msg.startswith(where) else Unsupported(f"{where}: {msg}")


def capacity(plan: ColumnPlan) -> int | None:
    """How many distinct values the column can take under its rule (None: effectively
    unbounded): the most rows a unique column can have. Counted as the generators make
    unique values (a smallint with no bounds counts up from 0: 32768)."""
    try:
        return _capacity(replace(plan, rule=replace(plan.rule, unique=True)))
    except Unsupported as e:
        raise _named(plan, e) from None


def _capacity(plan: ColumnPlan) -> int | None:
    t, rule = plan.type, plan.rule
    if rule.constant is not None:
        return 1
    if rule.choices and (not t.is_array or _array_choices(t, rule)):
        return len(set(rule.choices))
    if t.is_array:
        assert t.element is not None
        return _capacity(ColumnPlan(plan.table, plan.column, t.element, rule))
    if t.kind == "e":
        return len(set(_composite.enum_labels(t, rule)))
    if t.kind in ("r", "m"):
        return _composite.range_capacity(t, rule)
    rule = _with_provider(t, rule)
    _refuse_meaningless(t, rule)
    if t.base in _providers.STRING_BASES or t.base == "char":
        return _text.capacity(t, rule)
    if _ordered.unit_for(t, rule) is not None:
        return _ordered.capacity(t, rule)
    if t.base in _FLOATS:
        return _floats.float_capacity(t, rule)
    if t.base not in _misc.MAKERS:
        raise Unsupported(f"no value generator for the type {t.name} ({t.base})")
    return _misc.capacity(t)
