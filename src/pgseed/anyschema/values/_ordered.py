"""Ordered scalar types as integer counts of a unit: integers, numeric, money, oid,
pg_lsn, date, time, timetz, timestamp, timestamptz, interval, and floats.

One routine (``span`` + ``draw``) honours low/high with their inclusivity and
uniqueness for all of them: a unique column is a bijection of the row index into
[low, high] (``Keyed.permute``, or ``low + i`` when only the low end is given, which
reads like an id), so distinct rows get distinct values up to ``high - low + 1`` of
them, which is the column's capacity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from pgseed.anyschema.model import PgType, Rule
from pgseed.anyschema.values import _bounds as b
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed

Texts = list[str]

# The default window of dates and times: fixed (never the clock), so a seed gives the
# same values on every day it runs, and in the past, so `<= now()` CHECKs hold.
WINDOW_LO_US = b.micros("2020-01-01 00:00:00")
WINDOW_HI_US = b.micros("2025-12-31 23:59:59")
_MIN_US = b.micros("0001-01-01 00:00:00")
_MAX_US = b.micros("9999-12-31 23:59:59.999999")
_I64 = (1 << 63) - 1
_NO_RULE = Rule()


@dataclass(frozen=True)
class Unit:
    """How one type maps to integers: parse a bound to units, the type's limits, the
    default window, and how to print a unit count."""

    parse: Callable[[str], Fraction]
    tmin: int
    tmax: int
    dlo: int
    dhi: int


def _frac(
    parse: Callable[[str], int | Decimal], per_unit: int | Decimal
) -> Callable[[str], Fraction]:
    return lambda text: Fraction(parse(text)) / Fraction(per_unit)


def _int_unit(tmin: int, tmax: int, dhi: int) -> Unit:
    return Unit(_frac(b.decimal, 1), tmin, tmax, 0, dhi)


def _scale(t: PgType, rule: Rule) -> int:
    if t.base == "money":
        return 2
    if t.scale is not None:
        return t.scale
    if t.precision is not None:
        return 0
    # Plain numeric: cents, or as many decimals as the rule's bounds are written with.
    digits = [2]
    for bound in (rule.low, rule.high):
        if bound is not None and not b.is_open(bound):
            exp = b.decimal(bound).as_tuple().exponent
            digits.append(-exp if isinstance(exp, int) and exp < 0 else 0)
    return min(max(digits), 30)


def _frac_digits(t: PgType) -> int:
    return 6 if t.precision is None else max(0, min(6, t.precision))


def unit_for(t: PgType, rule: Rule = _NO_RULE) -> Unit | None:
    base = t.base
    if base == "int2":
        return _int_unit(-(1 << 15), (1 << 15) - 1, 100)
    if base == "int4":
        return _int_unit(-(1 << 31), (1 << 31) - 1, 10_000)
    if base == "int8":
        return _int_unit(-(1 << 63), _I64, 1_000_000)
    if base == "oid":
        return _int_unit(0, (1 << 32) - 1, 100_000)
    if base == "pg_lsn":
        return Unit(_frac(_lsn_parse, 1), 0, (1 << 64) - 1, 0, 1 << 40)
    if base in ("numeric", "money"):
        s = _scale(t, rule)
        step = Decimal(1).scaleb(-s)
        if base == "money":
            tmax = _I64
        elif t.precision is not None:
            tmax = 10**t.precision - 1
        else:
            tmax = 10 ** (15 + s) - 1
        return Unit(_frac(lambda x: b.decimal(x), step), -tmax, tmax, 0, min(tmax, 1000 * 10**s))
    if base == "date":
        lo, hi = WINDOW_LO_US // b.DAY_US, WINDOW_HI_US // b.DAY_US
        return Unit(_frac(b.days, 1), _MIN_US // b.DAY_US, _MAX_US // b.DAY_US, lo, hi)
    if base in ("timestamp", "timestamptz"):
        per = 10 ** (6 - _frac_digits(t))
        return Unit(
            _frac(b.micros, per),
            _MIN_US // per,
            _MAX_US // per,
            WINDOW_LO_US // per,
            WINDOW_HI_US // per,
        )
    if base in ("time", "timetz"):
        per = 10 ** (6 - _frac_digits(t))
        return Unit(_frac(b.time_micros, per), 0, (b.DAY_US - 1) // per, 0, (b.DAY_US - 1) // per)
    if base == "interval":
        per = 10 ** (6 - _frac_digits(t))
        cap = 10_000 * 360 * b.DAY_US // per
        return Unit(_frac(b.interval_micros, per), -cap, cap, 0, 30 * b.DAY_US // per)
    return None


def _lsn_parse(text: str) -> int:
    s = b.clean(text)
    try:
        hi, lo = s.split("/")
        return (int(hi, 16) << 32) | int(lo, 16)
    except ValueError:
        raise Unsupported(f"cannot read the bound {text!r} as a pg_lsn (X/X)") from None


@dataclass(frozen=True)
class Span:
    """Inclusive unit bounds; ``spread`` unique values are a permutation of the span
    (they look drawn), otherwise they count up from ``lo`` (they look like ids)."""

    lo: int
    hi: int
    spread: bool

    @property
    def size(self) -> int:
        return self.hi - self.lo + 1


# A default window at least this wide holds unique values spread over it (timestamps,
# dates over years); narrower ones (ints 0..10000) count up from their low end instead.
_SPREAD_MIN = 1 << 32


def span(t: PgType, rule: Rule, unit: Unit) -> Span:
    lo: int | None = None
    hi: int | None = None
    if rule.low is not None and not b.is_open(rule.low):
        f = unit.parse(rule.low)
        lo = math.ceil(f)
        if not rule.low_inclusive and f == lo:
            lo += 1
    if rule.high is not None and not b.is_open(rule.high):
        f = unit.parse(rule.high)
        hi = math.floor(f)
        if not rule.high_inclusive and f == hi:
            hi -= 1
    width = unit.dhi - unit.dlo
    spread = hi is not None
    if lo is None and hi is None:
        lo, hi = unit.dlo, unit.dhi
        if rule.unique and width < _SPREAD_MIN:
            hi = unit.tmax
        else:
            spread = True
    elif lo is None:
        assert hi is not None
        lo = hi - width if hi < unit.dlo or hi > unit.dhi else unit.dlo
    elif hi is None:
        # A unique column with only a low end counts up from it: room up to the type's max.
        hi = (
            unit.tmax
            if rule.unique
            else (lo + width if lo < unit.dlo or lo > unit.dhi else unit.dhi)
        )
        spread = not rule.unique
    lo, hi = max(lo, unit.tmin), min(hi, unit.tmax)
    if lo > hi:
        raise Unsupported(
            f"no {t.name} value lies between {rule.low!r} and {rule.high!r} "
            f"(low inclusive: {rule.low_inclusive}, high inclusive: {rule.high_inclusive})"
        )
    return Span(lo, hi, spread)


def draw(k: Keyed, rows: np.ndarray, sp: Span, unique: bool) -> np.ndarray:
    """Unit counts in [lo, hi] per row (int64 where they fit, Python ints otherwise)."""
    n = sp.size
    if unique:
        off = k.permute("unique", rows, n) if sp.spread else _mod(rows, n)
    else:
        off = k.below("value", rows, n)
    if off.dtype == object or abs(sp.lo) > 1 << 62 or abs(sp.hi) > 1 << 62:
        return np.array([sp.lo + int(x) for x in off.tolist()], dtype=object)
    return off.astype(np.int64) + np.int64(sp.lo)


def _mod(rows: np.ndarray, n: int) -> np.ndarray:
    if n <= 1 << 62:
        return rows.astype(np.int64) % np.int64(n)
    return rows.astype(np.int64)


# -- printing unit counts -----------------------------------------------------


def fixed_point(units: np.ndarray, scale: int) -> Texts:
    if scale == 0:
        return [str(int(v)) for v in units.tolist()]
    m = 10**scale
    out = []
    for v in units.tolist():
        q, r = divmod(abs(int(v)), m)
        out.append(f"{'-' if v < 0 else ''}{q}.{r:0{scale}d}")
    return out


def timestamps(units: np.ndarray, t: PgType) -> Texts:
    digits = _frac_digits(t)
    us = units.astype(np.int64) * np.int64(10 ** (6 - digits))
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us")
    width = 19 + (digits + 1 if digits else 0)
    zone = "+00" if t.base == "timestamptz" else ""
    return [s[:width].replace("T", " ") + zone for s in text.tolist()]


def dates(units: np.ndarray) -> Texts:
    return list(np.datetime_as_string(units.astype(np.int64).astype("datetime64[D]")).tolist())


_OFFSETS = ("+00", "+01", "+02", "-05", "-08", "+05:30", "+09", "-03")


def times(units: np.ndarray, t: PgType, k: Keyed, rows: np.ndarray) -> Texts:
    digits = _frac_digits(t)
    us = units.astype(np.int64) * np.int64(10 ** (6 - digits))
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()
    out = [s[11 : 19 + (digits + 1 if digits else 0)] for s in text]
    if t.base == "timetz":
        zi = k.below("offset", rows, len(_OFFSETS)).tolist()
        out = [s + _OFFSETS[z] for s, z in zip(out, zi, strict=True)]
    return out


def intervals(units: np.ndarray, t: PgType) -> Texts:
    per = 10 ** (6 - _frac_digits(t))
    if units.dtype == object:
        us = np.array([int(v) * per for v in units.tolist()], dtype=np.int64)
    else:
        us = units.astype(np.int64) * np.int64(per)
    d, rem = np.divmod(np.abs(us), b.DAY_US)
    sec, frac = np.divmod(rem, b.US)
    # HH:MM:SS via datetime64's own formatting of the seconds within the day.
    clock = np.datetime_as_string(sec.astype("datetime64[s]"), unit="s")
    out = []
    for neg, dd, hms, ff in zip(
        (us < 0).tolist(), d.tolist(), clock.tolist(), frac.tolist(), strict=True
    ):
        sign = "-" if neg else ""
        out.append(
            f"{sign}{dd} days {sign}{hms[11:]}.{ff:06d}"
            if ff
            else f"{sign}{dd} days {sign}{hms[11:]}"
        )
    return out


def lsns(units: np.ndarray) -> Texts:
    return [f"{int(v) >> 32:X}/{int(v) & 0xFFFFFFFF:X}" for v in units.tolist()]


def format_units(
    t: PgType, units: np.ndarray, k: Keyed, rows: np.ndarray, rule: Rule = _NO_RULE
) -> Texts:
    """Unit counts of an ordered type -> its text form."""
    base = t.base
    if base in ("numeric", "money"):
        return fixed_point(units, _scale(t, rule))
    if base == "date":
        return dates(units)
    if base in ("timestamp", "timestamptz"):
        return timestamps(units, t)
    if base in ("time", "timetz"):
        return times(units, t, k, rows)
    if base == "interval":
        return intervals(units, t)
    if base == "pg_lsn":
        return lsns(units)
    return [str(int(v)) for v in units.tolist()]


def ordered(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts | None:
    """Values of an ordered scalar type, or None when ``t`` is not one."""
    unit = unit_for(t, rule)
    if unit is None:
        return None
    return format_units(t, draw(k, rows, span(t, rule, unit), rule.unique), k, rows, rule)


def capacity(t: PgType, rule: Rule) -> int | None:
    unit = unit_for(t, rule)
    if unit is None:
        return None
    return span(t, rule, unit).size
