"""Unordered built-in and extension types with a known text form: bool, bytea, uuid,
json/jsonb, xml, network addresses, bit strings, text search, geometry, and the
extension types citext (in _text), vector, hstore, ltree, cube.

Unique values embed the row index (or a bijection of it) in the value, so distinct
rows get distinct values by construction; ``capacity`` says how many exist.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pgseed.anyschema.model import PgType, Rule
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed, uuid_texts
from pgseed.anyschema.values._pools import pick, words
from pgseed.anyschema.values._text import base36

Texts = list[str]
Maker = Callable[[PgType, Rule, Keyed, np.ndarray], Texts]


def _unique_or_random(k: Keyed, rows: np.ndarray, rule: Rule, n: int, purpose: str) -> np.ndarray:
    if rule.unique:
        return k.permute(purpose, rows, n)
    return k.below(purpose, rows, n)


def _bool(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    v = _unique_or_random(k, rows, rule, 2, "bool")
    return ["t" if x else "f" for x in v.tolist()]


def _bytea(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    lo = rule.min_length if rule.min_length is not None else 4
    hi = rule.max_length if rule.max_length is not None else max(lo, 16)
    if lo > hi:
        raise Unsupported(f"bytea: min_length {lo} is longer than max_length {hi}")
    n = k.below("len", rows, hi - lo + 1).tolist()
    h = [
        f"{int(a):016x}{int(b):016x}"
        for a, b in zip(k.bits("a", rows).tolist(), k.bits("b", rows).tolist(), strict=True)
    ]
    out = []
    uniq = [f"{int(i):010x}" for i in rows.tolist()] if rule.unique else None
    for j, (m, hx) in enumerate(zip(n, h, strict=True)):
        size = lo + m
        body = (hx * (size // 16 + 1))[: 2 * size]
        if uniq is not None:
            # 5 bytes of row index at the front: distinct rows, distinct values.
            if hi < 5:
                raise Unsupported("bytea: unique values need max_length >= 5 bytes")
            size = max(size, 5)
            body = (uniq[j] + hx * (size // 16 + 1))[: 2 * size]
        out.append("\\x" + body)
    return out


def _uuid(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    # Keyed.bits is a bijection of the row index: unique whenever the rows are.
    return uuid_texts(k.bits("uuid-hi", rows), k.bits("uuid-lo", rows))


def _json(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    w = pick(k, "name", rows, "word")
    n = k.below("score", rows, 10_000).tolist()
    flags = k.below("flag", rows, 2).tolist()
    return [
        f'{{"id": {int(i)}, "name": "{a}", "score": {s / 100:.2f}, "active": {"true" if f else "false"}}}'
        for i, a, s, f in zip(rows.tolist(), w, n, flags, strict=True)
    ]


def _xml(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    w = pick(k, "name", rows, "word")
    return [
        f'<item id="{int(i)}"><name>{a}</name></item>'
        for i, a in zip(rows.tolist(), w, strict=True)
    ]


def _ipv4(x: int) -> str:
    return f"{x >> 24}.{x >> 16 & 255}.{x >> 8 & 255}.{x & 255}"


def _inet(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    v = _unique_or_random(k, rows, rule, 1 << 32, "inet").tolist()
    return [_ipv4(int(x)) for x in v]


def _cidr(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    # /24 networks: host bits zero, as cidr requires.
    v = _unique_or_random(k, rows, rule, 1 << 24, "cidr").tolist()
    return [_ipv4(int(x) << 8) + "/24" for x in v]


def _mac(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    size = 8 if t.base == "macaddr8" else 6
    mask = (1 << (8 * size)) - 1
    rand = [int(x) for x in k.bits("mac", rows).tolist()]
    if rule.unique:
        # The low 5 bytes are the row index: distinct rows, distinct addresses.
        v = [((r << 40) | int(i)) & mask for r, i in zip(rand, rows.tolist(), strict=True)]
    else:
        v = [r & mask for r in rand]
    unicast = ~(1 << (8 * size - 8))  # the first byte's I/G bit clear: a unicast address
    out = []
    for x in v:
        x &= unicast
        out.append(":".join(f"{(x >> (8 * (size - 1 - j))) & 255:02x}" for j in range(size)))
    return out


def _bits(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    n = t.length or (8 if t.base == "bit" else 16)
    if rule.unique:
        # A bijection into [0, 2**n) (row indices stay below 2**40 when n is wider).
        v = k.permute("bits", rows, 1 << n) if n < 62 else rows
        return [format(int(x), "b").zfill(n) for x in v.tolist()]
    lens = (k.below("len", rows, n) + 1).tolist() if t.base == "varbit" else [n] * len(rows)
    rand = k.bits("bits", rows).tolist()
    return [(format(int(x), "064b") * (m // 64 + 1))[:m] for x, m in zip(rand, lens, strict=True)]


def _tsvector(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    w = words(k, "ts", rows, 4)
    vals = [" ".join(f"'{x.lower()}'" for x in s.split()) for s in w]
    if rule.unique:
        vals = [f"{v} 'r{s}'" for v, s in zip(vals, base36(rows), strict=True)]
    return vals


def _tsquery(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    w = words(k, "tq", rows, 2)
    vals = [" & ".join(f"'{x.lower()}'" for x in s.split()) for s in w]
    if rule.unique:
        vals = [f"{v} & 'r{s}'" for v, s in zip(vals, base36(rows), strict=True)]
    return vals


def _coords(k: Keyed, rows: np.ndarray, count: int) -> list[list[float]]:
    cols = [
        (k.below(f"c{j}", rows, 200_001).astype(np.int64) - 100_000).tolist() for j in range(count)
    ]
    return [[v / 100 for v in t] for t in zip(*cols, strict=True)]


def _geometry(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    base = t.base
    c = _coords(k, rows, 6)
    if rule.unique:
        # The first x is the row index: distinct rows, distinct shapes.
        c = [[float(i), *rest[1:]] for i, rest in zip(rows.tolist(), c, strict=True)]
    out = []
    for x1, y1, x2, y2, x3, y3 in c:
        if base == "point":
            out.append(f"({x1},{y1})")
        elif base == "line":
            # A*x + B*y + C = 0 with A and B not both zero.
            out.append(f"{{{x1 or 1.0},{y1},{x2}}}")
        elif base == "lseg":
            out.append(f"[({x1},{y1}),({x2},{y2})]")
        elif base == "box":
            out.append(f"({max(x1, x2)},{max(y1, y2)}),({min(x1, x2)},{min(y1, y2)})")
        elif base == "path":
            out.append(f"[({x1},{y1}),({x2},{y2}),({x3},{y3})]")
        elif base == "polygon":
            out.append(f"(({x1},{y1}),({x2},{y2}),({x3},{y3}))")
        else:  # circle
            out.append(f"<({x1},{y1}),{abs(x2)}>")
    return out


def _vector(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    dims = t.length or 3
    cols = [(k.below(f"d{j}", rows, 2001).astype(np.int64) - 1000).tolist() for j in range(dims)]
    text = [[f"{v / 1000:g}" for v in col] for col in cols]
    if rule.unique:
        text[0] = [str(int(i)) for i in rows.tolist()]  # distinct rows, distinct vectors
    return ["[" + ",".join(vs) + "]" for vs in zip(*text, strict=True)]


def _hstore(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    a = pick(k, "a", rows, "word")
    c = pick(k, "c", rows, "color_name")
    return [
        f'"id"=>"{int(i)}", "word"=>"{x}", "color"=>"{y}"'
        for i, x, y in zip(rows.tolist(), a, c, strict=True)
    ]


def _ltree(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    w = words(k, "lt", rows, 3)
    vals = [".".join(x.lower() for x in s.split()) for s in w]
    if rule.unique:
        vals = [f"{v}.r{s}" for v, s in zip(vals, base36(rows), strict=True)]
    return vals


def _cube(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    c = _coords(k, rows, 3)
    if rule.unique:
        return [f"({int(i)}, {y}, {z})" for i, (_, y, z) in zip(rows.tolist(), c, strict=True)]
    return [f"({x}, {y}, {z})" for x, y, z in c]


MAKERS: dict[str, Maker] = {
    "bool": _bool,
    "bytea": _bytea,
    "uuid": _uuid,
    "json": _json,
    "jsonb": _json,
    "xml": _xml,
    "inet": _inet,
    "cidr": _cidr,
    "macaddr": _mac,
    "macaddr8": _mac,
    "bit": _bits,
    "varbit": _bits,
    "tsvector": _tsvector,
    "tsquery": _tsquery,
    "point": _geometry,
    "line": _geometry,
    "lseg": _geometry,
    "box": _geometry,
    "path": _geometry,
    "polygon": _geometry,
    "circle": _geometry,
    "vector": _vector,
    "hstore": _hstore,
    "ltree": _ltree,
    "cube": _cube,
}


def capacity(t: PgType) -> int | None:
    """Distinct values of a unique column of these types (None: effectively unbounded)."""
    if t.base == "bool":
        return 2
    if t.base == "inet":
        return 1 << 32
    if t.base == "cidr":
        return 1 << 24
    if t.base in ("macaddr", "macaddr8"):
        return 1 << 40
    if t.base in ("bit", "varbit"):
        n = t.length or (8 if t.base == "bit" else 16)
        return 1 << n if n < 62 else None
    return None
