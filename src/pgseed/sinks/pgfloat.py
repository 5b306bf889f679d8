"""Floats as PostgreSQL prints them (float8out/float4out with extra_float_digits = 1).

PostgreSQL prints the shortest decimal that reads back as the same float (Ryu,
src/common/d2s.c and f2s.c), in exponent form below 1e-4 and from 1e15 (1e6 for
real) up. Python's ``repr`` also prints a shortest decimal, but not always the same
one: Ryu as PostgreSQL builds it never takes a decimal that lies exactly halfway to
the next float (``acceptBounds`` is off), where ``repr`` may (round-half-even reads it
back correctly). ``2.136085036936149e+16`` is such a halfway point; PostgreSQL prints
``2.1360850369361488e+16``. So ``repr``'s digits are used when they lie strictly
inside the float's rounding interval, and otherwise the digits are searched for
exactly (rare: a few floats in a million).
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

import numpy as np


def _interval(x: float, single: bool) -> tuple[Fraction, Fraction]:
    """The decimals that read back as ``x``: strictly between these two (exact)."""
    if single:
        f = np.float32(x)
        with np.errstate(over="ignore"):  # past the largest real: inf, handled below
            down = float(np.nextafter(f, np.float32(0)))
            up = float(np.nextafter(f, np.float32(np.inf)))
    else:
        down, up = math.nextafter(x, 0.0), math.nextafter(x, math.inf)
    fx, below = Fraction(x), Fraction(down)
    above = Fraction(up) if math.isfinite(up) else 2 * fx - below  # past the largest float
    return (fx + below) / 2, (fx + above) / 2


def _digits(x: float, single: bool) -> tuple[str, int]:
    """(digits, exponent) of the shortest decimal strictly inside ``x``'s rounding
    interval, nearest ``x`` (ties to even); ``x`` is finite and positive."""
    shortest = str(np.float32(x)) if single else repr(x)
    _, digit_tuple, exp = decimal.Decimal(shortest).as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple))
    # A halfway point between two floats is a dyadic rational: D * 10^exp with exp < 0
    # is one only when 5^-exp divides D. Most decimals are not: no exact check needed.
    if exp >= 0 or int(digits) % 5**-exp == 0:
        low, high = _interval(x, single)
        if not low < Fraction(decimal.Decimal(shortest)) < high:
            _, digit_tuple, exp = _search(x, low, high).as_tuple()
            assert isinstance(exp, int)
            digits = "".join(map(str, digit_tuple))
    stripped = digits.rstrip("0") or "0"
    return stripped, exp + len(digits) - len(stripped)


def _search(x: float, low: Fraction, high: Fraction) -> decimal.Decimal:
    lead = decimal.Decimal(x).adjusted()  # the power of ten of x's first digit
    fx = Fraction(x)
    for n in range(1, 18):
        e = lead - n + 1
        scale = Fraction(10) ** e
        first, last = math.floor(low / scale) + 1, math.ceil(high / scale) - 1
        if first <= last:
            k = min(max(round(fx / scale), first), last)  # round(): half to even
            return decimal.Decimal(k).scaleb(e)
    return decimal.Decimal(x)  # unreachable: 17 digits always fit


def float_text(x: float, *, single: bool) -> str:
    """``x`` as float8out (or float4out, ``single``) prints it."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    ds, exp = _digits(abs(x), single)
    point = len(ds) + exp  # the decimal point sits after this many digits
    sci = point - 1
    if sci < -4 or sci >= (6 if single else 15):
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        text = f"{mant}e{'-' if sci < 0 else '+'}{abs(sci):02d}"
    elif point <= 0:
        text = "0." + "0" * -point + ds
    elif point >= len(ds):
        text = ds + "0" * (point - len(ds))
    else:
        text = ds[:point] + "." + ds[point:]
    return ("-" if x < 0 else "") + text


def plain_decimal(text: str, *, single: bool) -> str | None:
    """PostgreSQL's text for a plain decimal (``-12.50``) short enough that it is the
    float's shortest form, else None. A decimal of at most 15 significant digits (6 for
    real) reads back from the float unchanged, and is never a halfway point below
    2^53, so PostgreSQL prints it as written, less its redundant zeros."""
    neg = text.startswith("-")
    body = text[1:] if neg or text.startswith("+") else text
    whole, _, frac = body.partition(".")
    if not (whole or frac) or not (whole + frac).isdigit() or not (whole + frac).isascii():
        return None
    whole, frac = whole.lstrip("0"), frac.rstrip("0")
    significant = (whole + frac).lstrip("0")
    if not significant:
        return "-0" if neg else "0"
    if len(significant) > (6 if single else 15) or len(whole) > (6 if single else 15):
        return None
    if not whole and len(frac) - len(frac.lstrip("0")) >= 4:  # below 1e-4: exponent form
        return None
    out = (whole or "0") + ("." + frac if frac else "")
    return ("-" if neg else "") + out


def nearest_real(text: str) -> float:
    """The float4 nearest the decimal ``text``, as strtof rounds it: once, from the exact
    value. Rounding to a double first is the same except when the double lands exactly
    halfway between two floats (its 29 low mantissa bits are 1 then zeros)."""
    d = float(text)
    if int(np.float64(d).view(np.uint64)) & 0x1FFFFFFF != 0x10000000:
        return d
    exact = Fraction(decimal.Decimal(text))
    with np.errstate(over="ignore"):
        y = np.float32(d)
        around = (np.nextafter(y, np.float32(-np.inf)), y, np.nextafter(y, np.float32(np.inf)))
    if not np.isfinite(y):
        return float(y)
    best = min(
        (c for c in around if np.isfinite(c)),
        key=lambda c: (abs(Fraction(float(c)) - exact), int(c.view(np.uint32)) & 1),
    )
    return float(best)
