"""Related columns made consistent: ``updated_at >= created_at``, start <= end.

A relation ``left op right`` (from a CHECK, or from names: ``updated_at`` after
``created_at``, ``ends_at`` after ``starts_at``) is made to hold by moving ``left``
a random, positive distance from ``right``: up to 30 days for times and dates (in
seconds for epoch integers), up to half the value for numbers. The distance is
keyed by the row index, so a block gives the same rows however it was cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import rng
from .model import ColumnPlan, PgType

DAY = 86_400
_OFFSET = re.compile(r"([+-]\d{2}(?::?\d{2})?|Z)$")


@dataclass(frozen=True)
class Pair:
    """``later`` must be ``>`` (strict) or ``>=`` ``earlier``."""

    later: str
    earlier: str
    strict: bool = False


_NAME_PAIRS = (
    ("updated", "created"),
    ("modified", "created"),
    ("ends", "starts"),
    ("end", "start"),
    ("finished", "started"),
    ("completed", "started"),
    ("closed", "opened"),
    ("valid_to", "valid_from"),
    ("due", "issued"),
    ("expires", "issued"),
    ("expires", "created"),
    ("deleted", "created"),
    ("archived", "created"),
    ("cancelled", "created"),
    ("canceled", "created"),
)


def _stem(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return re.sub(r"_(at|on|date|time|ts)$", "", snake)


def name_pairs(columns: Sequence[ColumnPlan]) -> list[Pair]:
    """Pairs the column names imply, between columns of the same type."""
    by_stem = {_stem(c.column): c for c in columns}
    out = []
    for later, earlier in _NAME_PAIRS:
        a, b = by_stem.get(later), by_stem.get(earlier)
        if a is not None and b is not None and a.type.base == b.type.base:
            out.append(Pair(a.column, b.column))
    return out


def created_column(columns: Sequence[ColumnPlan]) -> ColumnPlan | None:
    """The column that says when a row was created (``created_at``, ``createdAt``,
    ``created_on``...), if the table has exactly one of a time or epoch type."""
    found = [
        c
        for c in columns
        if _stem(c.column) == "created" and _kind(c.type) in ("ts", "date", "int")
    ]
    return found[0] if len(found) == 1 else None


def after_parent(
    child: ColumnPlan,
    values: list[str | None],
    parent_times: Sequence[str | None],
    rows: np.ndarray,
    seed: int,
) -> list[str | None]:
    """A child created before its parent is moved to a random time after it."""
    kind = _kind(child.type)
    if kind is None:
        return values
    u = rng.hashed_uniform(
        seed, f"{child.table}/{child.column}/after-parent", rows, np.zeros(len(rows), np.int64)
    )
    if kind == "ts":
        fast = _after_parent_ts(values, parent_times, u)
        if fast is not None:
            return fast
    out: list[str | None] = []
    for i, (v, p) in enumerate(zip(values, parent_times, strict=True)):
        if v is None or p is None or not _before(kind, v, p):
            out.append(v)
        else:
            out.append(_shift(kind, child.type, p, float(u[i]), False) or v)
    return out


def _parse_ts(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Timestamp literals sharing one UTC offset suffix (or none), parsed at once: the
    local times (datetime64[us], NaT for NULL), the NULL mask and the suffix. None when
    they do not share one or one does not parse: the per-value path takes them (same
    results, value by value)."""
    null = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    present = [v for v in values if v is not None]
    if not present:
        return None
    m = _OFFSET.search(present[0])
    suffix = m.group(1) if m else ""
    if suffix:
        if any(not v.endswith(suffix) for v in present):
            return None
        naive = [v[: -len(suffix)] for v in present]
    else:
        if any(_OFFSET.search(v) for v in present):
            return None
        naive = present
    try:
        local = np.array([v.replace(" ", "T") for v in naive], dtype="datetime64[us]")
    except ValueError:
        return None
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    out[~null] = local
    return out, null, suffix


def _utc_shift(suffix: str) -> np.timedelta64:
    """What turns a local time with UTC offset ``suffix`` into UTC (``_instant``'s rule)."""
    if not suffix or suffix == "Z":
        return np.timedelta64(0, "m")
    sign = -1 if suffix[0] == "+" else 1
    digits = suffix[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return np.timedelta64(sign * minutes, "m")


def _shifted_ts(base: np.ndarray, suffix: str, u: np.ndarray, strict: bool) -> list[str]:
    """``_shift`` for timestamps, all rows at once: base + u * 30 days (+1 us if strict)."""
    step = (u * 30 * DAY * 1_000_000).astype(np.int64) + (1 if strict else 0)
    text = np.datetime_as_string(base + step.astype("timedelta64[us]"), unit="us")
    return [t.replace("T", " ") + suffix for t in text.tolist()]


def _after_parent_ts(
    values: list[str | None], parents: Sequence[str | None], u: np.ndarray
) -> list[str | None] | None:
    child, parent = _parse_ts(values), _parse_ts(parents)
    if child is None or parent is None:
        return None
    (c, c_null, c_suffix), (p, p_null, p_suffix) = child, parent
    early = ~c_null & ~p_null
    early[early] = (c[early] + _utc_shift(c_suffix)) < (p[early] + _utc_shift(p_suffix))
    if not early.any():
        return values
    idx = np.flatnonzero(early)
    moved = _shifted_ts(p[idx], p_suffix, u[idx], False)
    out = list(values)
    for i, text in zip(idx.tolist(), moved, strict=True):
        out[i] = text
    return out


def _before(kind: str, a: str, b: str) -> bool:
    try:
        if kind == "int":
            return int(a) < int(b)
        if kind == "date":
            return bool(np.datetime64(a[:10], "D") < np.datetime64(b[:10], "D"))
        return bool(_instant(a) < _instant(b))
    except ValueError:
        return False


def _instant(text: str) -> np.datetime64:
    m = _OFFSET.search(text)
    naive = text[: m.start()] if m else text
    when = np.datetime64(naive.replace(" ", "T"), "us")
    if m and m.group(1) != "Z":
        sign = -1 if m.group(1)[0] == "+" else 1
        digits = m.group(1)[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
        when = when + np.timedelta64(sign * minutes, "m")
    return when


def _kind(t: PgType) -> str | None:
    if t.base in ("timestamp", "timestamptz"):
        return "ts"
    if t.base == "date":
        return "date"
    if t.base in ("int2", "int4", "int8"):
        return "int"
    if t.base in ("numeric", "float4", "float8"):
        return "num"
    return None


def apply(
    pairs: Sequence[Pair],
    plans: dict[str, ColumnPlan],
    block: dict[str, list[str | None]],
    rows: np.ndarray,
    seed: int,
    table: str,
) -> None:
    """Move each pair's ``later`` column (in place) so the pair holds on every row
    where both values are non-NULL."""
    for pair in pairs:
        left, right = plans.get(pair.later), plans.get(pair.earlier)
        if left is None or right is None or pair.later not in block or pair.earlier not in block:
            continue
        kind = _kind(left.type)
        if kind is None or kind != _kind(right.type):
            continue
        u = rng.hashed_uniform(
            seed, f"{table}/{pair.later}>{pair.earlier}", rows, np.zeros(len(rows), np.int64)
        )
        later, earlier = block[pair.later], block[pair.earlier]
        if kind == "ts" and (parsed := _parse_ts(earlier)) is not None:
            base, base_null, suffix = parsed
            both = ~base_null & np.fromiter(
                (a is not None for a in later), dtype=bool, count=len(later)
            )
            idx = np.flatnonzero(both)
            fast = list(later)
            for i, text in zip(
                idx.tolist(), _shifted_ts(base[idx], suffix, u[idx], pair.strict), strict=True
            ):
                fast[i] = text
            block[pair.later] = fast
            continue
        out: list[str | None] = []
        for i, (a, b) in enumerate(zip(later, earlier, strict=True)):
            if a is None or b is None:
                out.append(a)
                continue
            out.append(_shift(kind, left.type, b, float(u[i]), pair.strict) or a)
        block[pair.later] = out


def _shift(kind: str, t: PgType, base: str, u: float, strict: bool) -> str | None:
    try:
        if kind == "int":
            v = int(base)
            span = 30 * DAY if v > 10**9 else max(1, abs(v) // 2)
            return str(v + int(u * span) + (1 if strict else 0))
        if kind == "num":
            f = float(base)
            step = 10.0 ** -(t.scale or 0) if t.base == "numeric" and t.scale is not None else 1e-6
            fspan = max(abs(f) / 2, 1.0)
            shifted = f + u * fspan + (step if strict else 0.0)
            if t.base == "numeric" and t.scale is not None:
                return f"{shifted:.{t.scale}f}"
            return repr(shifted)
        if kind == "date":
            d = np.datetime64(base[:10], "D")
            return str(d + np.timedelta64(int(u * 30) + (1 if strict else 0), "D"))
        m = _OFFSET.search(base)
        offset = m.group(1) if m else ""
        naive = base[: m.start()] if m else base
        when = np.datetime64(naive.replace(" ", "T"), "us")
        shifted_ts = when + np.timedelta64(
            int(u * 30 * DAY * 1_000_000) + (1 if strict else 0), "us"
        )
        text = str(shifted_ts).replace("T", " ")
        return text + offset
    except (ValueError, OverflowError):
        return None
