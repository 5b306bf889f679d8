"""Related timestamps (``relations.py``) are moved all rows at once when the literals
share one UTC offset; the result must be, byte for byte, what the value-by-value path
gives (the determinism contract: a faster path never changes what a seed produces)."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import pytest

from pgseed.anyschema import relations
from pgseed.anyschema.model import ColumnPlan, PgType, Rule

N = 400


def literal(r: random.Random, suffix: str, digits: int) -> str:
    us = r.randrange(-10 * 365 * 86_400 * 10**6, 60 * 365 * 86_400 * 10**6)
    text = np.datetime_as_string(np.datetime64(us, "us"), unit="us").replace("T", " ")
    return text[: 19 + (digits + 1 if digits else 0)] + suffix


def column(r: random.Random, suffix: str, digits: int, every: int) -> list[str | None]:
    return [None if i % every == 0 else literal(r, suffix, digits) for i in range(N)]


CASES = [
    (t, suffix, digits)
    for t in ("timestamptz", "timestamp")
    for suffix in ("+00", "", "+05:30", "-08", "Z")
    for digits in (0, 3, 6)
]


def slow(monkeypatch: pytest.MonkeyPatch, call: Callable[[], object]) -> object:
    with monkeypatch.context() as m:
        m.setattr(relations, "_parse_ts", lambda values: None)
        return call()


@pytest.mark.parametrize(("base", "suffix", "digits"), CASES)
@pytest.mark.parametrize("strict", [False, True])
def test_pairs_moved_at_once_equal_value_by_value(
    monkeypatch: pytest.MonkeyPatch, base: str, suffix: str, digits: int, strict: bool
) -> None:
    r = random.Random(f"{base}{suffix}{digits}")
    t = PgType(base, base)
    plans = {c: ColumnPlan("t", c, t, Rule()) for c in ("updated", "created")}
    later, earlier = column(r, suffix, digits, 11), column(r, suffix, digits, 7)
    rows = np.arange(N, dtype=np.int64)
    pair = relations.Pair("updated", "created", strict)

    def run() -> list[str | None]:
        block = {"updated": list(later), "created": list(earlier)}
        relations.apply([pair], plans, block, rows, 5, "t")
        return block["updated"]

    fast = run()
    assert fast == slow(monkeypatch, run)
    assert fast != later  # the rule moved the values


@pytest.mark.parametrize(
    ("child_suffix", "parent_suffix"), [("+00", "+00"), ("+02", "-05"), ("", ""), ("Z", "+09")]
)
def test_children_moved_after_their_parents_at_once_equal_value_by_value(
    monkeypatch: pytest.MonkeyPatch, child_suffix: str, parent_suffix: str
) -> None:
    r = random.Random(child_suffix + parent_suffix)
    plan = ColumnPlan("t", "created", PgType("timestamptz", "timestamptz"), Rule())
    child, parents = column(r, child_suffix, 0, 13), column(r, parent_suffix, 3, 5)
    rows = np.arange(N, dtype=np.int64)

    def run() -> list[str | None]:
        return relations.after_parent(plan, child, parents, rows, 5)

    fast = run()
    assert fast == slow(monkeypatch, run)
    assert sum(a != b for a, b in zip(fast, child, strict=True)) > N // 10


def test_mixed_offsets_take_the_value_by_value_path() -> None:
    values: list[str | None] = ["2024-01-01 10:00:00+00", "2024-01-01 10:00:00+02", None]
    assert relations._parse_ts(values) is None
    assert relations._parse_ts(["2024-01-01 10:00:00", "2024-01-01 10:00:00-05"]) is None
    assert relations._parse_ts(["not a time"]) is None
