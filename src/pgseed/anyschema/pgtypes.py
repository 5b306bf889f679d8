"""Column types from ``pg_type``: domains resolved, typmods read (``reflect.py``'s helper).

``format_type`` names each type as PostgreSQL prints it; the typmod says what a
type's parameters are (PostgreSQL's ``*typmodout`` functions): varchar and bit
lengths, numeric precision and scale, fractional-second digits, vector dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..pg import Conn
from .model import PgType


def fetch(conn: Conn, query: str, params: Sequence[Any]) -> list[Any]:
    """Catalog rows, typed loosely: each query documents its columns."""
    return list(conn.execute(query, params).fetchall())


_TYPES = """
SELECT t.oid, t.typname, t.typtype, t.typcategory, t.typbasetype, t.typtypmod, t.typnotnull,
       t.typelem, format_type(t.oid, NULL), t.typarray,
       (SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid OR r.rngmultitypid = t.oid),
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder),
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
             WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname)
FROM pg_type t WHERE t.oid = ANY(%s)
"""


def _typmod_details(base: str, typmod: int) -> dict[str, int | None]:
    """What a typmod means for each built-in type (PostgreSQL's ``*typmodout``)."""
    if typmod < 0:
        return {}
    if base in ("varchar", "bpchar"):
        return {"length": typmod - 4}
    if base in ("bit", "varbit", "vector", "halfvec", "sparsevec"):
        return {"length": typmod}
    if base == "numeric":
        raw = typmod - 4
        scale = raw & 0x7FF
        if scale > 1000:  # PostgreSQL 15+ admits negative scales, stored as 11 bits
            scale -= 2048
        return {"precision": (raw >> 16) & 0xFFFF, "scale": scale}
    if base in ("time", "timetz", "timestamp", "timestamptz"):
        return {"precision": typmod}
    if base == "interval":
        precision = typmod & 0xFFFF
        return {"precision": None if precision == 0xFFFF else precision}
    return {}


class Types:
    """pg_type rows by oid, read in as few queries as the type graph needs."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.rows: dict[int, tuple[Any, ...]] = {}

    def load(self, oids: set[int]) -> None:
        todo = {o for o in oids if o and o not in self.rows}
        while todo:
            for row in fetch(self.conn, _TYPES, [list(todo)]):
                self.rows[row[0]] = row
            nested = set()
            for o in todo:
                row = self.rows.get(o)
                if row is None:
                    continue
                nested |= {row[4], row[7], row[10] or 0}
            todo = {o for o in nested if o and o not in self.rows}

    def resolve(self, oid: int, typmod: int, name: str | None = None) -> PgType:
        row = self.rows[oid]
        checks: list[str] = []
        domain: str | None = None
        not_null = False
        # Domains: walk down to the base type; the domain's own typmod wins.
        while row[2] == "d":
            domain = domain or row[8]
            checks.extend(strip_check(c) for c in row[12])
            not_null = not_null or bool(row[6])
            if row[5] >= 0:
                typmod = row[5]
            row = self.rows[row[4]]
        oid, typname, typtype, category = row[0], row[1], row[2], row[3]
        element: PgType | None = None
        if category == "A" and row[7]:
            element = self.resolve(row[7], typmod)
        elif typtype in ("r", "m") and row[10]:
            element = self.resolve(row[10], -1)
        details = _typmod_details(typname, typmod) if category != "A" else {}
        if name is None or domain is not None:
            got: Any = self.conn.execute("SELECT format_type(%s, %s)", [oid, typmod]).fetchone()
            name = str(got[0]) if got else typname
        return PgType(
            name=name,
            base=typname,
            kind=typtype,
            category=category,
            length=details.get("length"),
            precision=details.get("precision"),
            scale=details.get("scale"),
            labels=tuple(row[11]),
            element=element,
            domain=domain,
            domain_checks=tuple(checks),
            domain_not_null=not_null,
        )


def strip_check(definition: str) -> str:
    """``CHECK ((x > 0)) NOT VALID`` -> ``(x > 0)``."""
    text = definition.strip()
    if text.endswith(" NOT VALID"):
        text = text[: -len(" NOT VALID")]
    if text.endswith(" NO INHERIT"):
        text = text[: -len(" NO INHERIT")]
    if text.startswith("CHECK "):
        text = text[len("CHECK ") :]
    return text
