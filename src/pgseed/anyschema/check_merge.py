"""One column's starting rule and its CHECK terms -> the tightened rule (see checks.py).

Types decide what is exact. Ranges are kept for numbers and for date, time and
timestamp values, whose literals compare here as they do in PostgreSQL; a range
on text depends on the collation, so it stays residual. Integer bounds are
rounded to inclusive integers (``x > 0.5`` is ``low='1'``); numeric and
floating bounds keep their text and inclusiveness. Choices (IN lists, enum
labels, a starting choice list) are intersected, then filtered by the bounds
and lengths, so a rule never offers a value its CHECK refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .check_literals import Lit, as_decimal
from .check_terms import Term
from .check_types import INTS, cast_ok, family, key_of
from .model import Column, Rule


@dataclass
class Fact:
    term: Term
    source: int
    """Index of the conjunct it came from."""


class Merge:
    """One column's starting rule and its CHECK facts -> the tightened rule."""

    def __init__(self, column: Column, rule: Rule, names: list[str]) -> None:
        self.column, self.rule, self.family = column, rule, family(column.type)
        self.names = sorted(set(names))
        self.residual: set[int] = set()
        self.conflicts: list[str] = []
        self.choices: list[tuple[str, Any, float | None]] | None = None

    def conflict(self, what: str) -> None:
        names = ", ".join(f'"{n}"' for n in self.names)
        self.conflicts.append(
            f'no value of column "{self.column.name}" satisfies CHECK {names}: {what}'
        )

    def run(self, facts: list[Fact]) -> Rule:
        if not facts:
            return self.rule
        rule = self.rule
        if any(f.term.kind == "not_null" for f in facts):
            rule = replace(rule, null_rate=0.0)
        facts = [f for f in facts if f.term.kind != "not_null"]
        for f in facts:
            ref = f.term.ref
            enum_text = self.family == "enum" and ref.cast == "text" and f.term.kind != "cmp"
            if not (cast_ok(self.column, ref.cast) or enum_text):
                self.residual.add(f.source)
        facts = [f for f in facts if f.source not in self.residual]
        self._start_choices(rule)
        if self.choices is not None and any(c[1] is None for c in self.choices):
            # Starting choices that are not literals of the type cannot be compared:
            # they stay as given and the CHECK is tested in PostgreSQL.
            self.residual |= {f.source for f in facts}
            return rule
        for f in facts:
            if f.term.kind == "in":
                self._keep(f, {key_of(self.column, v) for v in f.term.values})
        rule = self._bounds(rule, [f for f in facts if f.term.kind == "cmp"])
        rule = self._lengths(rule, [f for f in facts if f.term.kind == "len"])
        for f in facts:
            if f.term.kind == "not_in":
                rule = self._exclude(rule, f)
        rule = self._patterns(rule, [f for f in facts if f.term.kind == "pattern"])
        rule = self._choices_into(rule)
        return rule

    def _start_choices(self, rule: Rule) -> None:
        start = [rule.constant] if rule.constant is not None else list(rule.choices)
        if not start:
            return
        weights = list(rule.weights) if len(rule.weights) == len(start) else [None] * len(start)
        lits = [Lit(t, "num" if self.family in ("int", "num") else "str", None) for t in start]
        if self.family == "time":
            lits = [Lit(t, "str", self.column.type.base) for t in start]
        self.choices = [
            (t, key_of(self.column, lit), w) for t, lit, w in zip(start, lits, weights, strict=True)
        ]

    def _keep(self, fact: Fact, keys: set[Any]) -> None:
        if None in keys:
            self.residual.add(fact.source)
            return
        if self.family == "int":
            # x = 2.5 holds for no integer: such a choice is dropped, not rounded.
            keys = {k for k in keys if k == k.to_integral_value()}
        if self.choices is None:
            texts = {key_of(self.column, v): v.text for v in fact.term.values}
            ordered = [k for k in _ordered(fact, self) if k in keys]
            self.choices = [(self._text(k, texts[k]), k, None) for k in ordered]
        else:
            self.choices = [c for c in self.choices if c[1] in keys]
        if not self.choices:
            self.conflict("its allowed values exclude each other")

    def _text(self, key: Any, text: str) -> str:
        if self.family == "int":
            return str(int(key))
        if self.family == "bool":
            return "true" if key else "false"
        return text

    def _bounds(self, rule: Rule, facts: list[Fact]) -> Rule:
        if not facts:
            return rule
        if self.family == "enum":
            labels = self.column.type.labels
            for f in facts:
                k = key_of(self.column, f.term.values[0])
                if k is None or f.term.ref.cast is not None:
                    self.residual.add(f.source)
                    continue
                at = labels.index(k)
                keep = [lab for i, lab in enumerate(labels) if _compare(i, f.term.op, at)]
                term = Term("in", f.term.ref, "", tuple(Lit(x, "str") for x in keep))
                self._keep(Fact(term, f.source), set(keep))
            return rule
        if self.family not in ("int", "num", "time"):
            # Text ranges follow the collation; other types' literals are not compared
            # here. One bound, with no other, is still exact.
            lows = [f for f in facts if f.term.op in (">", ">=")]
            highs = [f for f in facts if f.term.op in ("<", "<=")]
            if self.family == "text" or self.choices is not None:
                self.residual |= {f.source for f in facts}
                return rule
            for group, attr in ((lows, "low"), (highs, "high")):
                if len(group) != 1 or getattr(rule, attr) is not None:
                    self.residual |= {f.source for f in group}
                    continue
                f = group[0]
                if key_of(self.column, f.term.values[0]) is None:
                    self.residual.add(f.source)
                    continue
                text, inclusive = f.term.values[0].text, f.term.op in (">=", "<=")
                if attr == "low":
                    rule = replace(rule, low=text, low_inclusive=inclusive)
                else:
                    rule = replace(rule, high=text, high_inclusive=inclusive)
            return rule
        low = self._start_bound(rule.low, rule.low_inclusive)
        high = self._start_bound(rule.high, rule.high_inclusive)
        if (rule.low is not None and low is None) or (rule.high is not None and high is None):
            self.residual |= {f.source for f in facts}
            return rule
        for f in facts:
            k = key_of(self.column, f.term.values[0])
            if k is None:
                self.residual.add(f.source)
                continue
            bound = (k, f.term.values[0].text, f.term.op in (">=", "<="))
            if self.family == "int":
                bound = _int_bound(k, f.term.op)
            if f.term.op in (">", ">="):
                low = _tighter(low, bound, lower=True)
            else:
                high = _tighter(high, bound, lower=False)
        if self.family == "int":
            limit = INTS[self.column.type.base]
            if (low and low[0] >= limit) or (high and high[0] < -limit):
                self.conflict(f"the bound lies outside {self.column.type.name}")
        if low and high and (low[0] > high[0] or (low[0] == high[0] and not (low[2] and high[2]))):
            self.conflict(f"its lower bound {low[1]} is above its upper bound {high[1]}")
        if self.choices is not None:
            self.choices = [c for c in self.choices if _within(c[1], low, high)]
            if not self.choices:
                self.conflict("no allowed value lies within its bounds")
        if low:
            rule = replace(rule, low=low[1], low_inclusive=low[2])
        if high:
            rule = replace(rule, high=high[1], high_inclusive=high[2])
        return rule

    def _start_bound(self, text: str | None, inclusive: bool) -> tuple[Any, str, bool] | None:
        if text is None:
            return None
        cast = self.column.type.base if self.family == "time" else None
        key = key_of(
            self.column, Lit(text, "num" if self.family in ("int", "num") else "str", cast)
        )
        return None if key is None else (key, text, inclusive)

    def _lengths(self, rule: Rule, facts: list[Fact]) -> Rule:
        if not facts:
            return rule
        if self.family != "text":
            self.residual |= {f.source for f in facts}
            return rule
        low, high = rule.min_length, rule.max_length
        if self.column.type.length is not None and self.column.type.base in ("varchar", "bpchar"):
            high = (
                min(high, self.column.type.length) if high is not None else self.column.type.length
            )
        for f in facts:
            n = as_decimal(f.term.values[0].text)
            op = f.term.op
            if n is None or f.term.values[0].kind != "num" or (op == "<>" and n != 0):
                self.residual.add(f.source)
                continue
            lo, hi = {
                "=": (n, n),
                ">": (n + 1, None),
                ">=": (n, None),
                "<>": (Decimal(1), None),
                "<": (None, n - 1),
                "<=": (None, n),
            }[op]
            if lo is not None:
                lo_i = int(lo.to_integral_value(ROUND_CEILING))
                low = max(low, lo_i) if low is not None else lo_i
            if hi is not None:
                hi_i = int(hi.to_integral_value(ROUND_FLOOR))
                high = min(high, hi_i) if high is not None else hi_i
        if high is not None and (high < 0 or (low is not None and low > high)):
            self.conflict(f"its length must be at least {low or 0} and at most {high}")
        if self.choices is not None:
            self.choices = [
                c
                for c in self.choices
                if (low or 0) <= len(c[1]) <= (high if high is not None else 10**9)
            ]
            if not self.choices:
                self.conflict("no allowed value has an allowed length")
        return replace(rule, min_length=low if low else None, max_length=high)

    def _exclude(self, rule: Rule, f: Fact) -> Rule:
        keys = {key_of(self.column, v) for v in f.term.values}
        if None in keys:
            self.residual.add(f.source)
            return rule
        if self.choices is None and self.family == "enum":
            self.choices = [(lab, lab, None) for lab in self.column.type.labels]
        if self.choices is None and self.family == "bool":
            self.choices = [("true", True, None), ("false", False, None)]
        if self.choices is not None:
            self.choices = [c for c in self.choices if c[1] not in keys]
            if not self.choices:
                self.conflict("it excludes every allowed value")
            return rule
        if self.family == "text" and keys == {""} and self.column.type.base in ("text", "varchar"):
            return replace(rule, min_length=max(rule.min_length or 0, 1))
        low = self._start_bound(rule.low, rule.low_inclusive)
        high = self._start_bound(rule.high, rule.high_inclusive)
        if self.family in ("int", "num", "time") and all(not _within(k, low, high) for k in keys):
            return rule  # every excluded value is already out of range
        self.residual.add(f.source)
        return rule

    def _patterns(self, rule: Rule, facts: list[Fact]) -> Rule:
        for f in facts:
            # PostgreSQL's regex dialect cannot be evaluated here to filter choices,
            # and two patterns do not combine into one: those stay residual.
            if self.family != "text" or self.choices is not None or rule.pattern is not None:
                self.residual.add(f.source)
            else:
                rule = replace(rule, pattern=f.term.values[0].text)
        return rule

    def _choices_into(self, rule: Rule) -> Rule:
        if self.choices is None:
            return rule
        if len(self.choices) == 1:
            return replace(rule, constant=self.choices[0][0], choices=(), weights=())
        weights = tuple(c[2] for c in self.choices)
        return replace(
            rule,
            constant=None,
            choices=tuple(c[0] for c in self.choices),
            weights=() if None in weights else tuple(w for w in weights if w is not None),
        )


def _ordered(fact: Fact, merge: Merge) -> list[Any]:
    seen: dict[Any, None] = {}
    for v in fact.term.values:
        seen[key_of(merge.column, v)] = None
    return list(seen)


def _compare(a: Any, op: str, b: Any) -> bool:
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "<>": a != b}[op])


def _int_bound(k: Decimal, op: str) -> tuple[Any, str, bool]:
    """An integer column's bound as an inclusive integer: ``> 0.5`` is ``>= 1``."""
    if op == ">":
        n = int(k.to_integral_value(ROUND_FLOOR)) + 1
    elif op == ">=":
        n = int(k.to_integral_value(ROUND_CEILING))
    elif op == "<":
        n = int(k.to_integral_value(ROUND_CEILING)) - 1
    else:
        n = int(k.to_integral_value(ROUND_FLOOR))
    return Decimal(n), str(n), True


def _tighter(
    old: tuple[Any, str, bool] | None, new: tuple[Any, str, bool], *, lower: bool
) -> tuple[Any, str, bool]:
    if old is None:
        return new
    if old[0] == new[0]:
        return old if not old[2] else new
    return max(old, new, key=lambda b: b[0]) if lower else min(old, new, key=lambda b: b[0])


def _within(
    key: Any, low: tuple[Any, str, bool] | None, high: tuple[Any, str, bool] | None
) -> bool:
    if low is not None and (key < low[0] or (key == low[0] and not low[2])):
        return False
    return not (high is not None and (key > high[0] or (key == high[0] and not high[2])))
