"""Enums, arrays (of any supported element, enums too), ranges and multiranges.

Their parts come from the scalar generators under derived keys (the column name
plus ``[]`` or ``/lower``), so the parts of row ``i`` depend on ``i`` alone, like
every other value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from pgseed.anyschema.model import PgType, Rule
from pgseed.anyschema.values import _ordered
from pgseed.anyschema.values._bounds import clean
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed
from pgseed.anyschema.values._pattern import compiled

Texts = list[str]
Values = Callable[[PgType, Rule, Keyed, np.ndarray], list[str | None]]

_MAX_ITEMS = 3  # arrays hold 0..3 elements


def pick_choices(
    choices: tuple[str, ...], weights: tuple[float, ...], unique: bool, k: Keyed, rows: np.ndarray
) -> Texts:
    """One of ``choices`` per row, by weight; unique: a bijection onto the choices."""
    if unique:
        distinct = list(dict.fromkeys(choices))
        return [distinct[j] for j in k.permute("choice", rows, len(distinct)).tolist()]
    if not weights:
        return [choices[j] for j in k.below("choice", rows, len(choices)).tolist()]
    if len(weights) != len(choices) or any(not w >= 0 for w in weights) or sum(weights) <= 0:
        raise Unsupported(
            f"choice weights {list(weights)} do not fit {len(choices)} choices "
            "(one non-negative weight per choice, not all zero)"
        )
    # Decide on integers (weights scaled to 2**32): no float comparison near a threshold
    # can differ between machines.
    total = float(sum(weights))
    cum = np.cumsum([round(w / total * 2**32) for w in weights]).astype(np.int64)
    cum[-1] = 2**32
    draw = (k.bits("choice", rows) >> np.uint64(32)).astype(np.int64)
    idx = np.searchsorted(cum, draw, side="right")
    return [choices[j] for j in idx.tolist()]


def enum_labels(t: PgType, rule: Rule) -> tuple[str, ...]:
    """The labels the rule allows: between low and high in the enum's sort order,
    within the lengths, matching the pattern."""
    labels = list(t.labels)
    order = {label: j for j, label in enumerate(labels)}
    for bound, inclusive, sign in (
        (rule.low, rule.low_inclusive, 1),
        (rule.high, rule.high_inclusive, -1),
    ):
        if bound is None:
            continue
        at = order.get(clean(bound))
        if at is None:
            raise Unsupported(f"the bound {bound!r} is not a label of the enum {t.name}")
        labels = [x for x in labels if sign * (order[x] - at) > 0 or (inclusive and order[x] == at)]
    if rule.min_length is not None or rule.max_length is not None:
        lo, hi = rule.min_length or 0, rule.max_length if rule.max_length is not None else 1 << 30
        labels = [x for x in labels if lo <= len(x) <= hi]
    if rule.pattern is not None:
        rx = compiled(rule.pattern)
        labels = [x for x in labels if rx.search(x)]
    if not labels:
        raise Unsupported(f"no label of the enum {t.name} meets the rule")
    return tuple(labels)


def enum(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    return pick_choices(enum_labels(t, rule), (), rule.unique, k, rows)


def _quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Element types whose text never holds a quote, backslash, delimiter, brace or space,
# and is never the word NULL: their elements go into array literals bare.
_BARE = frozenset(
    {
        "int2",
        "int4",
        "int8",
        "oid",
        "numeric",
        "float4",
        "float8",
        "bool",
        "uuid",
        "date",
        "inet",
        "cidr",
        "macaddr",
        "macaddr8",
        "bit",
        "varbit",
        "pg_lsn",
        "money",
    }
)


def array(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray, values: Values) -> Texts:
    """``{"a","b"}`` literals with 0..3 elements (1..3 when unique: the first element is
    unique, so the arrays are). Array-shaped choices were handled by the caller; other
    choices, bounds, lengths and patterns apply to the elements."""
    assert t.element is not None
    elem = t.element
    sep = ";" if elem.base == "box" else ","
    counts = k.below("count", rows, _MAX_ITEMS + (0 if rule.unique else 1))
    if rule.unique:
        counts = counts + 1
    elem_rule = replace(rule, null_rate=0.0, unique=False, constant=None)
    ek = Keyed(k.seed, k.table, k.column + "[]")
    r = rows.astype(np.int64)
    parts: list[list[str | None]] = []
    for j in range(_MAX_ITEMS):
        er = elem_rule if not (rule.unique and j == 0) else replace(elem_rule, unique=True)
        # Element j of row i is element number i*3 + j: disjoint row indices per slot,
        # except the unique first slot, which uses i itself so distinct rows differ.
        sub = r if (rule.unique and j == 0) else r * _MAX_ITEMS + j
        parts.append(values(elem, er, Keyed(k.seed, k.table, ek.column + str(j)), sub))
    bare = elem.base in _BARE and elem.kind == "b" and not rule.choices and rule.constant is None
    quote = (lambda v: v) if bare else _quote
    cols = [["NULL" if v is None else quote(v) for v in p] for p in parts]
    out = []
    for row, n in enumerate(counts.tolist()):
        out.append("{" + sep.join([c[row] for c in cols[:n]]) + "}")
    return out


_SUBTYPE = {
    "int4range": "int4",
    "int8range": "int8",
    "numrange": "numeric",
    "daterange": "date",
    "tsrange": "timestamp",
    "tstzrange": "timestamptz",
}


def _subtype(t: PgType) -> PgType:
    if t.element is not None:
        return t.element
    base = t.base.replace("multirange", "range")
    sub = _SUBTYPE.get(base)
    if sub is None:
        raise Unsupported(f"no value generator for the range type {t.name}")
    return PgType(name=sub, base=sub)


def _ranges(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    """``["lo","hi")`` with lo < hi inside the rule's bounds; unique: the lower ends are."""
    sub = _subtype(t)
    unit = _ordered.unit_for(sub, rule)
    if unit is None:
        raise Unsupported(f"no value generator for the range type {t.name} (subtype {sub.name})")
    sp = _ordered.span(sub, replace(rule, unique=False) if not rule.unique else rule, unit)
    if sp.size < 2:
        raise Unsupported(f"{t.name}: the bounds leave no room for a non-empty range")
    # Lower ends in [lo, hi-1], upper ends after them by up to a tenth of the default window.
    lows = _ordered.draw(k, rows, _ordered.Span(sp.lo, sp.hi - 1, sp.spread), rule.unique)
    width = max(1, min(sp.hi - sp.lo, unit.dhi - unit.dlo) // 10)
    steps = k.below("width", rows, width) + 1
    if lows.dtype == object or abs(sp.hi) > 1 << 62:
        highs = np.array(
            [
                min(int(a) + int(d), sp.hi)
                for a, d in zip(lows.tolist(), steps.tolist(), strict=True)
            ],
            dtype=object,
        )
    else:
        highs = np.minimum(lows.astype(np.int64) + steps.astype(np.int64), np.int64(sp.hi))
    lo_text = _ordered.format_units(sub, lows, k, rows, rule)
    hi_text = _ordered.format_units(sub, highs, k, rows, rule)
    return [f'["{a}","{b}")' for a, b in zip(lo_text, hi_text, strict=True)]


def ranges(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    if t.kind == "r":
        return _ranges(t, rule, k, rows)
    # Multiranges: 0..2 ranges; unique: exactly one, with a unique lower end (a second
    # range could overlap it, merge, and hide that end).
    counts = np.ones(len(rows), dtype=np.int64) if rule.unique else k.below("count", rows, 3)
    first = _ranges(t, rule, Keyed(k.seed, k.table, k.column + "{0}"), rows)
    second = _ranges(t, replace(rule, unique=False), Keyed(k.seed, k.table, k.column + "{1}"), rows)
    out = []
    for n, a, b in zip(counts.tolist(), first, second, strict=True):
        out.append("{" + ", ".join([a, b][:n]) + "}")
    return out


def range_capacity(t: PgType, rule: Rule) -> int | None:
    sub = _subtype(t)
    unit = _ordered.unit_for(sub, rule)
    if unit is None:
        return None
    return _ordered.span(sub, rule, unit).size - 1
