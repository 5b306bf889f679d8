"""What a CHECK's constant means for one column's type: the type's family, the casts of
a column that keep its values and order, and a literal's value (``key_of``), comparable
as PostgreSQL compares it, or None when the literal is not one of that type."""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from .check_literals import Lit, as_decimal
from .model import Column, PgType

INTS = {"int2": 2**15, "int4": 2**31, "int8": 2**63}
FLOATS = {"numeric", "float4", "float8"}
TEXTS = {"text", "varchar", "bpchar", "citext", "name"}
TEMPORAL: dict[str, Callable[[str], Any]] = {
    "date": date.fromisoformat,
    "timestamp": datetime.fromisoformat,
    "timestamptz": datetime.fromisoformat,
    "time": time.fromisoformat,
}
NUMERIC_CASTS = {"int2", "int4", "int8", "numeric", "float4", "float8"}
# Casts of a column that keep every value and its order: int4 -> float8 is exact,
# int8 -> float8 is not (53-bit mantissa); a typmod (numeric(5,1)) is refused earlier.
WIDENING = {
    "int2": {"int4", "int8", "numeric", "float8"},
    "int4": {"int8", "numeric", "float8"},
    "int8": {"numeric"},
    "varchar": {"text"},
    "bpchar": {"text"},
    "citext": set(),
    "name": {"text"},
}


def family(t: PgType) -> str:
    if t.base in INTS:
        return "int"
    if t.base in FLOATS:
        return "num"
    if t.base in TEXTS:
        return "text"
    if t.base in TEMPORAL:
        return "time"
    if t.kind == "e":
        return "enum"
    if t.base == "bool":
        return "bool"
    return "other"


def cast_ok(column: Column, cast: str | None) -> bool:
    base = column.type.base
    return cast is None or cast == base or cast in WIDENING.get(base, set())


def key_of(column: Column, lit: Lit) -> Any:
    """The value a literal stands for, comparable within the column's type; None when
    it is not a literal of that type (the term then stays residual)."""
    fam = family(column.type)
    base = column.type.base
    if fam in ("int", "num"):
        if lit.kind == "num" or (lit.kind == "str" and lit.cast in NUMERIC_CASTS):
            value = as_decimal(lit.text)
            if value is not None and lit.cast in ("float4", "float8"):
                # The server compares the rounded binary value: 0.99999999999999999::float8
                # is 1, so x > it means x >= 2.
                value = Decimal(_binary(float(value), lit.cast))
            return value
        return None
    if lit.kind == "bool":
        return (lit.text == "true") if fam == "bool" else None
    if fam == "bool":
        return {"true": True, "t": True, "false": False, "f": False}.get(lit.text)
    if fam == "time":
        if lit.cast != base:
            return None
        try:
            value = TEMPORAL[base](lit.text)
        except ValueError:
            return None  # infinity, BC dates: left to PostgreSQL
        if base != "date" and (value.tzinfo is None) != (base == "timestamp" or base == "time"):
            # A timestamptz without an offset depends on the session's TimeZone; an
            # offset on a timestamp or time is not that type's literal.
            return None
        return value
    if fam == "text":
        return lit.text.rstrip(" ") if base == "bpchar" else lit.text
    if fam == "enum":
        return lit.text if lit.text in column.type.labels else None
    return lit.text if lit.cast in (None, base) else None


def _binary(value: float, cast: str) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0]) if cast == "float4" else value
