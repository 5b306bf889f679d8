"""A CHECK expression, as ``pg_get_constraintdef`` prints it, -> untyped terms.

PostgreSQL's own parser (libpg_query, through pglast) reads the text, so casts,
quoted identifiers, ``= ANY (ARRAY[...])`` and nesting come out as the server
means them. Each top-level conjunct becomes either a list of ``Term`` (one
column against constants), one ``Link`` (column against column, perhaps plus a
constant), or nothing: the caller then keeps the conjunct as a residual check.

Only forms whose meaning is certain are turned into terms. A CHECK passes when
its expression is NULL, so every term here is null-tolerant by construction:
``x > 0`` says nothing about NULLs, and ``(x IS NULL) OR (x > 0)`` is the same
check as ``x > 0``. Types are the caller's concern (``checks.py``): here a cast
on a column is only recorded, never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pglast import ast, enums, parse_sql
from pglast.parser import ParseError
from pglast.stream import RawStream

from .check_literals import (
    Lit,
    Unparsed,
    is_,
    is_const,
    like_regex,
    literal,
    literals,
    type_name,
)

CMP = {"<", "<=", ">", ">=", "=", "<>"}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "<>", "<>": "="}
LENGTH_FUNCTIONS = {"length", "char_length", "character_length"}
# octet_length counts bytes: a generator's non-ASCII letters would break it, so it
# stays residual.


@dataclass(frozen=True)
class Ref:
    """A column, perhaps cast (``(code)::text``): the cast's type name, or None."""

    column: str
    cast: str | None = None


@dataclass(frozen=True)
class Term:
    """One fact about one column.

    ``kind``: ``cmp`` (``op`` against ``values[0]``), ``in`` / ``not_in`` (``values``),
    ``len`` (character length ``op`` ``values[0]``), ``pattern`` (a regex in
    ``values[0]``, PostgreSQL ``~`` semantics), ``not_null``.
    """

    kind: str
    ref: Ref
    op: str = ""
    values: tuple[Lit, ...] = ()


@dataclass(frozen=True)
class Link:
    """``left op right + offset``; ``offset`` is a constant (number or interval)."""

    left: Ref
    op: str
    right: Ref
    offset: Lit | None = None


def bare(text: str) -> str:
    """A CHECK's expression without ``CHECK`` and a trailing ``NOT VALID`` / ``NO INHERIT``:
    ``pg_get_constraintdef`` prints them, an expression evaluated in SQL has none."""
    body = text.strip()
    while True:
        trimmed = re.sub(r"\s+(NOT VALID|NO INHERIT|NOT ENFORCED|ENFORCED)$", "", body)
        if trimmed == body:
            break
        body = trimmed
    if re.match(r"(?i)CHECK\s*\(", body):
        body = body[5:].strip()
    return body


def parse_expression(text: str) -> Any:
    """The AST of a CHECK's expression (see ``bare``); raises Unparsed."""
    body = bare(text)
    try:
        statements = parse_sql(f"SELECT 1 WHERE {body}")
    except ParseError as exc:
        raise Unparsed(str(exc)) from exc
    if len(statements) != 1:
        raise Unparsed("more than one statement")
    first: Any = statements[0]
    return first.stmt.whereClause


def conjuncts(node: Any) -> Iterator[Any]:
    if is_(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        for arg in node.args:
            yield from conjuncts(arg)
    else:
        yield node


def deparse(node: Any) -> str:
    return str(RawStream()(node))


def columns_of(node: Any) -> tuple[str, ...]:
    """Every column a node names, in order of appearance, once each."""
    found: dict[str, None] = {}

    def visit(n: Any) -> None:
        if is_(n, ast.ColumnRef):
            names = [f.sval for f in n.fields if is_(f, ast.String)]
            if names:
                found[names[-1]] = None
        elif is_(n, ast.Node):
            for attr in n:
                visit(getattr(n, attr))
        elif isinstance(n, tuple | list):
            for item in n:
                visit(item)

    visit(node)
    return tuple(found)


def read(node: Any, negated: bool = False) -> list[Term] | Link:
    """One conjunct -> its terms (all must hold) or a link; raises Unparsed.

    ``negated``: the node sits under a NOT, where ``x IS NULL OR ...`` may not be
    simplified (NOT (x IS NULL OR x > 0) refuses NULLs)."""
    if is_(node, ast.BoolExpr):
        if node.boolop == enums.BoolExprType.AND_EXPR:
            terms: list[Term] = []
            for arg in node.args:
                part = read(arg, negated)
                if isinstance(part, Link):
                    raise Unparsed("a column comparison inside AND")
                terms.extend(part)
            return terms
        if node.boolop == enums.BoolExprType.NOT_EXPR:
            return [_negate(read(node.args[0], not negated))]
        return _read_or(node.args, negated)
    if is_(node, ast.ColumnRef):
        return [Term("in", _ref(node), "", (Lit("true", "bool"),))]
    if is_(node, ast.NullTest):
        if node.nulltesttype == enums.NullTestType.IS_NOT_NULL and not node.argisrow:
            return [Term("not_null", _ref(node.arg))]
        raise Unparsed("IS NULL")
    if is_(node, ast.BooleanTest):
        wanted = {enums.BoolTestType.IS_TRUE: "true", enums.BoolTestType.IS_FALSE: "false"}
        if node.booltesttype not in wanted:
            raise Unparsed("IS [NOT] UNKNOWN / IS NOT TRUE")
        ref = _ref(node.arg)
        lit = Lit(wanted[node.booltesttype], "bool")
        return [Term("not_null", ref), Term("in", ref, "", (lit,))]
    if is_(node, ast.A_Expr):
        return _read_a_expr(node)
    raise Unparsed(type(node).__name__)


def _read_a_expr(node: Any) -> list[Term] | Link:
    kind = node.kind
    op = node.name[-1].sval if node.name else ""
    if kind == enums.A_Expr_Kind.AEXPR_OP and op in CMP:
        return _read_comparison(node.lexpr, op, node.rexpr)
    if kind == enums.A_Expr_Kind.AEXPR_OP and op in ("~", "~*", "~~", "~~*"):
        # ~* and ~~* ignore case: the case-sensitive pattern is stricter, so it holds too.
        ref, lit = _ref(node.lexpr), literal(node.rexpr)
        if lit.kind != "str":
            raise Unparsed("pattern is not a string")
        regex = lit.text if op.startswith("~") and not op.startswith("~~") else like_regex(lit.text)
        return [Term("pattern", ref, "~", (Lit(regex, "str"),))]
    if kind in (enums.A_Expr_Kind.AEXPR_OP_ANY, enums.A_Expr_Kind.AEXPR_IN) and op == "=":
        return [Term("in", _ref(node.lexpr), "", literals(node.rexpr))]
    if kind in (enums.A_Expr_Kind.AEXPR_OP_ALL, enums.A_Expr_Kind.AEXPR_IN) and op == "<>":
        return [Term("not_in", _ref(node.lexpr), "", literals(node.rexpr))]
    if kind == enums.A_Expr_Kind.AEXPR_BETWEEN:
        ref = _ref(node.lexpr)
        low, high = (literal(x) for x in node.rexpr)
        return [Term("cmp", ref, ">=", (low,)), Term("cmp", ref, "<=", (high,))]
    raise Unparsed(f"operator {op}")


def _read_comparison(left: Any, op: str, right: Any) -> list[Term] | Link:
    if is_const(left) and not is_const(right):
        left, right, op = right, left, FLIP[op]
    if is_const(right):
        lit = literal(right)
        length_of = _length_arg(left)
        if length_of is not None:
            return [Term("len", _ref(length_of), op, (lit,))]
        return [
            Term("in" if op == "=" else "not_in" if op == "<>" else "cmp", _ref(left), op, (lit,))
        ]
    lref, loff = _operand(left)
    rref, roff = _operand(right)
    if (loff is not None and roff is not None) or lref.column == rref.column:
        raise Unparsed("offsets on both sides, or one column on both")
    if loff is not None:
        return Link(rref, FLIP[op], lref, loff)
    return Link(lref, op, rref, roff)


def _negate(part: list[Term] | Link) -> Term:
    if isinstance(part, Link) or len(part) != 1:
        raise Unparsed("NOT of a compound")
    term = part[0]
    if term.kind in ("cmp", "len") and term.op in NEGATE:
        return Term(term.kind, term.ref, NEGATE[term.op], term.values)
    if term.kind in ("in", "not_in"):
        return Term("not_in" if term.kind == "in" else "in", term.ref, "", term.values)
    raise Unparsed(f"NOT of {term.kind}")


def _read_or(branches: tuple[Any, ...], negated: bool) -> list[Term]:
    """``(x IS NULL) OR <terms on x>`` is those terms (the check passes on NULL anyway);
    an OR of equalities on one column is one IN list; any other OR is not read."""
    nulls = [b for b in branches if _is_null_test(b)]
    if nulls and negated:
        raise Unparsed("IS NULL under NOT")
    rest = [read(b, negated) for b in branches if not _is_null_test(b)]
    if any(isinstance(r, Link) for r in rest) or len(nulls) > 1 or not rest:
        raise Unparsed("OR")
    parts = [r for r in rest if not isinstance(r, Link)]
    if nulls and any(t.kind == "not_null" for part in parts for t in part):
        # IS NOT NULL is false, not NULL, on a NULL: the OR's NULL branch would matter.
        raise Unparsed("IS NOT NULL inside OR")
    columns = {t.ref.column for part in parts for t in part}
    if len(columns) != 1:
        raise Unparsed("OR over several columns")
    if nulls and _ref(nulls[0].arg).column not in columns:
        raise Unparsed("IS NULL of another column")
    if len(parts) == 1:
        return parts[0]
    if all(len(p) == 1 and p[0].kind == "in" for p in parts):
        refs = {p[0].ref for p in parts}
        if len(refs) == 1:
            values = tuple(v for p in parts for v in p[0].values)
            return [Term("in", parts[0][0].ref, "", values)]
    raise Unparsed("OR of ranges")


def _is_null_test(node: Any) -> bool:
    return (
        is_(node, ast.NullTest)
        and node.nulltesttype == enums.NullTestType.IS_NULL
        and not node.argisrow
    )


def _operand(node: Any) -> tuple[Ref, Lit | None]:
    """``col`` or ``col + const`` / ``const + col`` / ``col - number``."""
    if is_(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP:
        op = node.name[-1].sval
        if op == "+" and node.lexpr is not None:
            if is_const(node.rexpr):
                return _ref(node.lexpr), literal(node.rexpr)
            if is_const(node.lexpr):
                return _ref(node.rexpr), literal(node.lexpr)
        if op == "-" and node.lexpr is not None and is_const(node.rexpr):
            lit = literal(node.rexpr)
            if lit.kind == "num":
                return _ref(node.lexpr), Lit(str(-Decimal(lit.text)), "num", lit.cast)
        raise Unparsed(f"expression with {op}")
    return _ref(node), None


def _length_arg(node: Any) -> Any | None:
    if is_(node, ast.FuncCall) and node.args and len(node.args) == 1:
        name = node.funcname[-1].sval
        if name in LENGTH_FUNCTIONS and not node.agg_star and not node.over:
            return node.args[0]
    return None


def _ref(node: Any) -> Ref:
    cast = None
    if is_(node, ast.TypeCast):
        if node.typeName.typmods or node.typeName.arrayBounds:
            raise Unparsed("a cast with a type modifier can change the value")
        cast = type_name(node.typeName)
        node = node.arg
    if is_(node, ast.ColumnRef) and len(node.fields) == 1:
        field = node.fields[0]
        if is_(field, ast.String):
            return Ref(field.sval, cast)
    raise Unparsed("not a column")
