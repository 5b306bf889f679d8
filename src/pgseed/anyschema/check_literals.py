"""The constants of a CHECK expression (pglast AST nodes) -> ``Lit``: numbers, strings,
booleans, their casts, array literals and IN lists; a LIKE pattern as a regex."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pglast import ast


@dataclass(frozen=True)
class Lit:
    """A constant: its text (``'0'``, ``'2024-01-01'``, ``'true'``), whether it was a
    number, a boolean or a string, and the type it was cast to (``int4``, ``date``,
    ``mood``), ``None`` when written bare."""

    text: str
    kind: str  # "num" | "str" | "bool"
    cast: str | None = None


def is_(node: Any, cls: type) -> bool:
    """isinstance without narrowing: pglast types every field Optional, while the
    shapes read here are checked as they are walked."""
    return isinstance(node, cls)


class Unparsed(Exception):
    """The expression is not one of the forms read here."""


def type_name(t: Any) -> str:
    names = [n.sval for n in t.names if is_(n, ast.String)]
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return ".".join(names) + ("[]" if t.arrayBounds else "")


def is_const(node: Any) -> bool:
    try:
        literal(node)
    except Unparsed:
        return False
    return True


def literal(node: Any) -> Lit:
    cast = None
    if is_(node, ast.TypeCast):
        cast = type_name(node.typeName)
        inner = literal(node.arg)
        return Lit(inner.text, inner.kind, cast)
    if is_(node, ast.A_Const) and not node.isnull:
        val = node.val
        if is_(val, ast.Integer):
            return Lit(str(val.ival), "num")
        if is_(val, ast.Float):
            return Lit(val.fval, "num")
        if is_(val, ast.Boolean):
            return Lit("true" if val.boolval else "false", "bool")
        if is_(val, ast.String):
            return Lit(val.sval, "str")
    if (
        is_(node, ast.A_Expr)
        and node.lexpr is None
        and node.name[-1].sval == "-"
        and is_(node.rexpr, ast.A_Const)
    ):
        inner = literal(node.rexpr)
        if inner.kind == "num":
            return Lit(str(-Decimal(inner.text)), "num")
    raise Unparsed("not a constant")


def literals(node: Any) -> tuple[Lit, ...]:
    """``ARRAY[...]``, ``(ARRAY[...])::text[]``, ``'{a,b}'::text[]`` or an IN list."""
    if isinstance(node, tuple | list):
        return tuple(literal(x) for x in node)
    if is_(node, ast.TypeCast) and is_(node.arg, ast.A_ArrayExpr):
        node = node.arg
    if is_(node, ast.A_ArrayExpr):
        return tuple(literal(x) for x in node.elements or ())
    if is_(node, ast.TypeCast) and is_(node.arg, ast.A_Const):
        cast = type_name(node.typeName)
        element = cast[:-2] if cast.endswith("[]") else None
        text = literal(node.arg).text
        return tuple(Lit(item, "str", element) for item in array_items(text))
    raise Unparsed("not a list")


def array_items(text: str) -> list[str]:
    """The elements of a one-dimensional array literal ``{a,"b c",d}`` (no NULLs)."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")) or "{" in text[1:-1]:
        raise Unparsed("not a one-dimensional array literal")
    items: list[str] = []
    body, i, current, quoted = text[1:-1], 0, "", False
    if not body:
        return items
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current += body[i + 1]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += ch
        i += 1
    items.append(current)
    if any(item.upper() == "NULL" for item in items):
        raise Unparsed("NULL in an array literal")
    return items


def like_regex(pattern: str) -> str:
    """A LIKE pattern (``\\`` escapes) as an anchored POSIX regex with the same matches."""
    out, i = ["^"], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    out.append("$")
    return "".join(out)


def as_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
