"""real and double precision: bounds judged in double precision, unique values that
are distinct representable floats, printed so they read back exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from pgseed.anyschema.model import PgType, Rule
from pgseed.anyschema.values import _bounds as b
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed

Texts = list[str]

_FLOAT_GRID = {"float4": 1 << 20, "float8": 1 << 40}
_FLOAT_INT: dict[str, tuple[Any, Any]] = {
    "float4": (np.float32, np.int32),
    "float8": (np.float64, np.int64),
}


def _float_bounds(t: PgType, rule: Rule) -> tuple[np.floating[Any], np.floating[Any]]:
    """The least and greatest values of the column's float type inside the rule's bounds,
    judged in double precision (``real_col > 0.7`` compares as float8 in PostgreSQL,
    and float4(0.7) is below 0.7)."""
    dt = _FLOAT_INT[t.base][0]
    lo = float(b.decimal(rule.low)) if rule.low is not None and not b.is_open(rule.low) else None
    hi = float(b.decimal(rule.high)) if rule.high is not None and not b.is_open(rule.high) else None
    if lo is None:
        lo = 0.0 if hi is None or hi > 0 else hi - 1000.0
    if hi is None:
        hi = lo + 1000.0 if lo >= 0 or lo < -1000.0 else 1000.0
    lo_v, hi_v = dt(lo), dt(hi)
    while float(lo_v) < lo or (float(lo_v) == lo and not rule.low_inclusive):
        lo_v = np.nextafter(lo_v, dt(np.inf))
    while float(hi_v) > hi or (float(hi_v) == hi and not rule.high_inclusive):
        hi_v = np.nextafter(hi_v, dt(-np.inf))
    if not lo_v <= hi_v:
        raise Unsupported(f"no {t.name} value lies between {rule.low!r} and {rule.high!r}")
    return lo_v, hi_v


def _float_key(v: np.ndarray, t: PgType) -> np.ndarray:
    """Floats -> integers in the same order (adjacent floats, adjacent integers)."""
    it = _FLOAT_INT[t.base][1]
    bits = np.atleast_1d(v).view(it)
    mask = it(np.iinfo(it).max)
    out: np.ndarray = np.where(bits >= 0, bits, -(bits & mask))
    return out


def _float_of(keys: np.ndarray, t: PgType) -> np.ndarray:
    dt, it = _FLOAT_INT[t.base]
    k = keys.astype(it)
    bits = np.where(k >= 0, k, (-k) | it(np.iinfo(it).min))
    out: np.ndarray = bits.astype(it).view(dt)
    return out


def _float_grid(t: PgType, lo: np.floating[Any], hi: np.floating[Any]) -> tuple[bool, int]:
    """How unique floats are spread: (linear, points). Linear: ``points`` evenly spaced
    values at least two ulps apart, so rounding cannot merge two of them; a range too
    narrow for that holds each representable float in it once instead."""
    dt = _FLOAT_INT[t.base][0]
    ulp = float(np.spacing(dt(max(abs(float(lo)), abs(float(hi))))))
    linear = int((float(hi) - float(lo)) / (2 * ulp)) if ulp > 0 else 0
    if linear >= 1:
        return True, min(_FLOAT_GRID[t.base], linear)
    a = int(_float_key(np.array(lo), t)[0])
    z = int(_float_key(np.array(hi), t)[0])
    return False, z - a + 1


def floats(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    """real / double precision, printed to round-trip exactly. Unique values are a
    permutation of distinct grid points, never rounded together."""
    dt = _FLOAT_INT[t.base][0]
    lo, hi = _float_bounds(t, rule)
    if rule.unique:
        linear, points = _float_grid(t, lo, hi)
        p = k.permute("unique", rows, points).astype(np.float64)
        if linear:
            step = (float(hi) - float(lo)) / points
            v = np.clip((float(lo) + (p + 0.5) * step).astype(dt), lo, hi)
        else:
            v = _float_of(_float_key(np.array(lo), t)[0] + p.astype(np.int64), t)
    else:
        frac = k.uniform("value", rows)
        v = np.clip((float(lo) + frac * (float(hi) - float(lo))).astype(dt), lo, hi)
    if dt is np.float64:
        return [repr(x) for x in v.tolist()]
    return [str(x) for x in v]


def float_capacity(t: PgType, rule: Rule) -> int:
    return _float_grid(t, *_float_bounds(t, rule))[1]
