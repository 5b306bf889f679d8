"""Values moved toward the bottom of their rule's range (a CHECK on a generated column).

``price * qty < 1000`` on a generated ``total``: price and qty drawn over their whole
ranges rarely meet it, so each redraw of a generated column's inputs may bring them
closer to their lower bound (zero when the rule has none): its distance halved ``k``
times, ``k`` a share ``u`` of the halvings that bring it to the bottom. ``u`` is drawn
per row and shared by the row's inputs, so their product sweeps every scale evenly
(``area BETWEEN 1 AND 50`` needs a narrow band of them). The result stays inside the
rule's bounds (between the pivot and the drawn value); the arithmetic is exact
(``Decimal``; ``u`` times an integer is the only float step).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from pgseed.anyschema.model import ColumnPlan

_INTS = ("int2", "int4", "int8")
_NUMBERS = (*_INTS, "numeric", "float4", "float8")


FLOAT_HALVINGS = 40
"""A float's distance halved up to 40 times: from 1e6 to below 1e-6."""


def closer(
    plan: ColumnPlan, values: Sequence[str | None], shares: Sequence[float]
) -> list[str | None]:
    """Each value moved toward the rule's low end (or 0) by ``shares[i]`` (in [0, 1)) of
    the halvings that bring it there; values of other types as they are."""
    t, rule = plan.type, plan.rule
    if t.base not in _NUMBERS or rule.choices or rule.constant is not None:
        return list(values)
    try:
        pivot = Decimal(rule.low) if rule.low is not None else Decimal(0)
        if rule.high is not None:
            pivot = min(pivot, Decimal(rule.high))
    except InvalidOperation:
        return list(values)
    step = (
        Decimal(1)
        if t.base in _INTS
        else Decimal(1).scaleb(-t.scale)
        if t.base == "numeric" and t.scale is not None
        else None
    )
    out: list[str | None] = []
    for v, share in zip(values, shares, strict=True):
        try:
            d = Decimal(v) if v is not None else None
        except InvalidOperation:
            d = None
        if d is None or not d.is_finite():
            out.append(v)
            continue
        bits = FLOAT_HALVINGS if step is None else int(abs(d - pivot) / step).bit_length()
        moved = pivot + (d - pivot) / (Decimal(2) ** int(share * (bits + 1)))
        if step is not None:  # toward the pivot: never past it, never off the column's scale
            moved = pivot + ((moved - pivot) / step).to_integral_value(ROUND_DOWN) * step
        out.append(format(moved, "f") if step is not None else repr(float(moved)))
    return out
