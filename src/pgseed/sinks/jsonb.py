"""JSON text as PostgreSQL keeps it: ``json`` verbatim (once valid), ``jsonb`` reprinted.

jsonb stores a parsed value and prints it its own way: object keys shortest first
(then by their UTF-8 bytes), a repeated key keeps its last value, ``", "`` and
``": "`` between items, numbers as numeric prints them (``1.50`` stays ``1.50``,
``1e2`` becomes ``100``, ``-0`` becomes ``0``), strings escaped as ``json.dumps``
with ``ensure_ascii=False`` escapes them (the same set: quote, backslash and
control characters, ``\\u00XX`` lowercase). What PostgreSQL refuses is refused:
``NaN``/``Infinity``, lone surrogate escapes, and in jsonb ``\\u0000``.
"""

from __future__ import annotations

import decimal
import json
import re
from typing import Any


class _Number(str):
    """A JSON number, kept as its text so no digit is lost to a float."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _strings(value: Any, *, nul: bool) -> None:
    """Refuse the strings PostgreSQL refuses (keys included)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, str) and not isinstance(v, _Number):
            if any("\ud800" <= ch <= "\udfff" for ch in v):
                raise ValueError("a lone Unicode surrogate escape in JSON text")
            if not nul and "\x00" in v:
                raise ValueError("\\u0000 cannot be stored in jsonb")


_DECODER = json.JSONDecoder(
    parse_int=_Number, parse_float=_Number, parse_constant=_refuse_constant
)  # a repeated key keeps its last value, as in jsonb
# Only a \\u escape can put a surrogate or NUL into the parsed strings (the text itself
# is valid UTF-8 without NUL): look for one before walking the value.
_RISKY_ESCAPE = re.compile(r"\\u(?:d[89a-f]|0000)", re.IGNORECASE)


def _parse(text: str, *, nul: bool) -> Any:
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None
    if _RISKY_ESCAPE.search(text):
        _strings(value, nul=nul)
    return value


def check_json(text: str) -> None:
    """Refuse text the ``json`` type refuses (it stores valid text as it is)."""
    _parse(text, nul=True)


_quote = json.encoder.encode_basestring  # what json.dumps(s, ensure_ascii=False) calls


def _number(text: str) -> str:
    d = decimal.Decimal(text)
    return format(abs(d) if d.is_zero() else d, "f")


def _key(k: str) -> tuple[int, bytes]:
    raw = k.encode("utf-8")
    return len(raw), raw


def _render(v: Any, out: list[str]) -> None:
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, _Number):
        out.append(_number(v))
    elif isinstance(v, str):
        out.append(_quote(v))
    elif isinstance(v, list):
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(", ")
            _render(item, out)
        out.append("]")
    else:
        out.append("{")
        for i, k in enumerate(sorted(v, key=_key)):
            if i:
                out.append(", ")
            out.append(_quote(k) + ": ")
            _render(v[k], out)
        out.append("}")


def canonical_jsonb(text: str) -> str:
    """``text`` as a jsonb column prints it."""
    out: list[str] = []
    try:
        _render(_parse(text, nul=False), out)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    return "".join(out)
