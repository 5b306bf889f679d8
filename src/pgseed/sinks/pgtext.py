"""Values as PostgreSQL prints them: what ``SELECT`` or ``COPY TO`` gives back.

COPY text holds the encoder's spelling of a value (``+5``, ``1.005``, ``yes``,
``2024-01-01T02:00:00+02``, a JSON object in any key order); PostgreSQL stores the
value and prints it its own way (``5``, ``1.01`` in a numeric(10,2), ``t``,
``2024-01-01 02:00:00``, jsonb keys shortest first). ``canonical`` turns a column
of field text into what PostgreSQL would print, so a file holds what the database
would. Each kind has a fast path: one regular expression over the joined column
recognises text already in PostgreSQL's spelling (the packs write that), and only
otherwise is each value parsed in Python.

What is read is what the packs and PostgreSQL's common spellings give: integers
(decimal, ``0x``/``0o``/``0b``, ``_`` between digits), decimals with exponents, the
boolean words, ISO dates and timestamps with an optional offset (``pgtime``), floats
(``pgfloat``), json/jsonb (``jsonb``), the uuid forms ``uuid_in`` takes. A value
PostgreSQL would refuse is refused (``ValueError`` naming the row). A kind the sink
does not know (``kinds``: ``other``) is written as the encoder spelled it.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .decode import Field, Fixed
from .jsonb import canonical_jsonb, check_json
from .kinds import Kind
from .pgfloat import float_text, nearest_real, plain_decimal
from .pgtime import check_years, date_text, timestamp_from_text, valid_dates

if TYPE_CHECKING:
    import pyarrow as pa

_WS = " \t\n\r\v\f"  # isspace() in the C locale: what PostgreSQL's input functions skip
_INT_RANGE = {"int2": 2**15, "int4": 2**31, "int8": 2**63}
_FAST = {
    "int": re.compile(r"(?:0|-?[1-9][0-9]{0,18})(?:\n(?:0|-?[1-9][0-9]{0,18}))*"),
    "date": re.compile(r"\d{4}-\d\d-\d\d(?:\n\d{4}-\d\d-\d\d)*"),
    "ts": re.compile(r"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{0,5}[1-9])?(?:\n|$))+"),
    "tstz": re.compile(r"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{0,5}[1-9])?\+00(?:\n|$))+"),
    "uuid": re.compile(
        r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\n|$))+"
    ),
}
_DIGITS = r"[0-9](?:_?[0-9])*"
_INT = re.compile(
    r"([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|" + _DIGITS + ")"
)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # strtod: no "_"
_HEX_FLOAT = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
)
_NUMBER = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?[0-9]+)?")
_SPECIAL = {"nan": "NaN", "inf": "Infinity", "+inf": "Infinity", "-inf": "-Infinity",
            "infinity": "Infinity", "+infinity": "Infinity", "-infinity": "-Infinity"}  # fmt: skip
_TRUE = frozenset({"t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"})
_FALSE = frozenset({"f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"})
_UUID = re.compile(r"[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}")
_CTX = decimal.Context(prec=1_000_000, rounding=decimal.ROUND_HALF_UP)  # numeric: half away from 0


def canonical(kind: Kind, values: Sequence[Field]) -> list[Field]:
    """``values`` (field text, None = NULL) as PostgreSQL prints them for ``kind``."""
    present = [v for v in values if v is not None]
    fast = _fast(kind, present)
    if fast:
        return list(values)
    one = _ONE.get(kind.name)
    if one is None:
        return list(values)
    # Columns repeat their values (tags, settings, prices): each distinct text once.
    seen: dict[str, str] = {}
    out: list[Field] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        done = seen.get(v)
        if done is None:
            try:
                done = seen[v] = one(kind, v)
            except (ValueError, ArithmeticError) as exc:
                raise ValueError(f"row {i + 1}: {v!r} is not a valid {kind.sql}: {exc}") from None
        out.append(done)
    return out


def _fast(kind: Kind, present: list[str]) -> bool:
    """True when every value is already as PostgreSQL prints it (and is valid)."""
    joined = "\n".join(present)
    name = kind.name
    if not present:
        return True
    if name in _INT_RANGE:
        lim = _INT_RANGE[name]
        safe = len(str(lim)) - 1  # fewer digits than the limit has: in range
        return bool(_FAST["int"].fullmatch(joined)) and (
            max(map(len, present)) <= safe
            or all(len(v.lstrip("-")) <= safe or -lim <= int(v) < lim for v in present)
        )
    if name == "bool":
        return set(present) <= {"t", "f"}
    if name == "date":
        return bool(_FAST["date"].fullmatch(joined)) and valid_dates(present)
    if name in ("timestamp", "timestamptz"):
        pattern = _FAST["ts" if name == "timestamp" else "tstz"]
        if not pattern.fullmatch(joined):
            return False
        return valid_dates([v[:-3] for v in present] if name == "timestamptz" else present)
    if name == "uuid":
        return bool(_FAST["uuid"].fullmatch(joined))
    if name == "numeric" and kind.scale is not None:
        whole = f"[1-9][0-9]{{0,{max((kind.precision or 1000) - kind.scale - 1, 0)}}}"
        frac = rf"\.[0-9]{{{kind.scale}}}" if kind.scale else ""
        one = rf"-?(?:0|{whole}){frac}" if (kind.precision or 1) > kind.scale else rf"-?0{frac}"
        return bool(re.fullmatch(rf"{one}(?:\n{one})*", joined)) and not re.search(
            r"(?:^|\n)-0(?:\.0*)?(?:\n|$)", joined
        )
    if name in ("text", "char") and kind.length is not None:
        lengths = set(map(len, present))
        return lengths == {kind.length} if name == "char" else max(lengths) <= kind.length
    return name in ("text", "other")  # json is checked, jsonb and floats reprinted


# -- one value at a time -------------------------------------------------------------


def _int(kind: Kind, v: str) -> str:
    m = _INT.fullmatch(v.strip(_WS))
    if m is None or not v.isascii():
        raise ValueError("not an integer")
    sign, body = m.groups()
    n = int(body, 0) if body[:2].lower() in ("0x", "0o", "0b") else int(body, 10)
    n = -n if sign == "-" else n
    lim = _INT_RANGE[kind.name]
    if not -lim <= n < lim:
        raise ValueError("out of range")
    return str(n)


def _special(v: str) -> str | None:
    return _SPECIAL.get(v.strip(_WS).lower())


def _float(kind: Kind, v: str) -> str:
    special = _special(v)
    if special is not None:
        return special
    text = v.strip(_WS)
    single = kind.name == "float4"
    plain = plain_decimal(text, single=single)
    if plain is not None:
        return plain
    hexa = _HEX_FLOAT.fullmatch(text) is not None  # strtod reads C99 hex floats: float8in too
    if hexa:
        x = float.fromhex(text)
    elif _FLOAT.fullmatch(text):
        x = nearest_real(text) if single else float(text)
    else:
        raise ValueError("not a number")
    if single:
        with np.errstate(over="ignore"):
            x = float(np.float32(x))
    if math.isinf(x) or (x == 0 and _nonzero(text, hexa)):  # strtod's ERANGE
        raise ValueError(f"out of range for type {'real' if single else 'double precision'}")
    return float_text(x, single=single)


def _nonzero(text: str, hexa: bool) -> bool:
    """True when the mantissa of a float's text has a digit other than 0."""
    if hexa:
        return bool(re.search("[1-9a-fA-F]", re.split("[pP]", text.lstrip("+-")[2:])[0]))
    return bool(re.search("[1-9]", re.split("[eE]", text)[0]))


def _numeric(kind: Kind, v: str) -> str:
    special = _special(v)
    if special is not None:
        if special != "NaN" and kind.scale is not None:
            raise ValueError("a numeric with precision and scale cannot hold infinity")
        return special
    text = v.strip(_WS)
    m = _INT.fullmatch(text)
    if m and m.group(2)[:2].lower() in ("0x", "0o", "0b"):
        d = decimal.Decimal(int(m.group(2), 0) * (-1 if m.group(1) == "-" else 1))
    elif _NUMBER.fullmatch(text) and text.isascii():
        d = decimal.Decimal(text.replace("_", ""))
    else:
        raise ValueError("not a number")
    if kind.scale is not None:
        d = d.quantize(decimal.Decimal(1).scaleb(-kind.scale), context=_CTX)
        if kind.precision is not None and abs(d) >= decimal.Decimal(10) ** (
            kind.precision - kind.scale
        ):
            raise ValueError(
                f"numeric field overflow (precision {kind.precision}, scale {kind.scale})"
            )
    if d.is_zero():
        d = abs(d)
    return format(d, "f")


def _bool(kind: Kind, v: str) -> str:
    word = v.strip(_WS).lower()
    if word in _TRUE:
        return "t"
    if word in _FALSE:
        return "f"
    raise ValueError("not a boolean")


def _uuid(kind: Kind, v: str) -> str:
    text = v.strip(_WS)
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if not _UUID.fullmatch(text):
        raise ValueError("not a uuid")
    h = text.replace("-", "").lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _text(kind: Kind, v: str) -> str:
    n = kind.length
    if n is not None and len(v) > n:
        if v[n:].strip(" "):
            what = "character varying" if kind.name == "text" else "character"
            raise ValueError(f"value too long for type {what}({n})")
        v = v[:n]  # PostgreSQL cuts trailing spaces past the length, silently
    return v.ljust(n) if kind.name == "char" and n is not None else v


def _json(kind: Kind, v: str) -> str:
    check_json(v)
    return v


def _jsonb(kind: Kind, v: str) -> str:
    return canonical_jsonb(v)


_ONE: dict[str, Callable[[Kind, str], str]] = {
    "int2": _int, "int4": _int, "int8": _int, "float4": _float, "float8": _float,
    "numeric": _numeric, "bool": _bool, "date": date_text, "timestamp": timestamp_from_text,
    "timestamptz": timestamp_from_text, "uuid": _uuid, "text": _text, "char": _text,
    "json": _json, "jsonb": _jsonb,
}  # fmt: skip


# -- binary columns ------------------------------------------------------------------


def rescale(col: Fixed, kind: Kind) -> Fixed:
    """A binary numeric column at ``kind``'s scale (rounded half away from zero, as
    PostgreSQL applies a column's typmod), refused past its precision."""
    scale = col.scale if kind.scale is None else kind.scale
    units = col.units.astype(object) if scale - col.scale > 8 else col.units
    if scale >= col.scale:
        units = units * 10 ** (scale - col.scale)
    else:
        step = 10 ** (col.scale - scale)
        q = (np.abs(units) + step // 2) // step
        units = np.where(units < 0, -q, q)
    if kind.precision is not None and len(units):
        bad = np.abs(units) >= 10**kind.precision
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1
            raise ValueError(
                f"row {row}: numeric field overflow (precision {kind.precision}, scale {scale})"
            )
    return Fixed(units, scale)


def binary_text(kind: Kind, col: np.ndarray | Fixed) -> list[Field]:
    """Text as PostgreSQL prints a binary-decoded column (``decode.decode_binary``)."""
    if isinstance(col, Fixed):
        f = rescale(col, kind)
        if f.scale == 0:
            return [str(u) for u in f.units.tolist()]
        if f.units.dtype == np.int64 and f.scale <= 18:
            import pyarrow as pa  # its decimal printing is PostgreSQL's, at twice the speed

            return decimal_array(f, pa.decimal128(38, f.scale)).cast(pa.string()).to_pylist()  # type: ignore[no-any-return]
        div = 10**f.scale
        return [
            f"{'-' if u < 0 else ''}{abs(u) // div}.{abs(u) % div:0{f.scale}d}"
            for u in f.units.tolist()
        ]
    if kind.name == "bool":
        return np.where(col, "t", "f").tolist()  # type: ignore[no-any-return]
    if kind.name == "date":
        check_years(col)
        return np.datetime_as_string(col, unit="D").tolist()  # type: ignore[no-any-return]
    return [str(v) for v in col.tolist()]


def decimal_array(f: Fixed, atype: pa.DataType) -> pa.Array:
    """An arrow decimal array (``atype``, at ``f``'s scale) of a binary numeric column."""
    import pyarrow as pa

    if atype.byte_width == 16 and f.units.dtype == np.int64:
        # decimal128 is a little-endian 128-bit integer per value: the int64 units and
        # their sign extension, no Python per row.
        words = np.empty((len(f.units), 2), dtype="<i8")
        words[:, 0] = f.units
        words[:, 1] = f.units >> 63
        return pa.Array.from_buffers(atype, len(f.units), [None, pa.py_buffer(words.tobytes())])
    return pa.array([decimal.Decimal(int(u)).scaleb(-f.scale) for u in f.units.tolist()], atype)
