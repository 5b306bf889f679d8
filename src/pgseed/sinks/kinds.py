"""What a column is, for the file sink: its PostgreSQL type, read from SQLAlchemy.

A :class:`Kind` is enough to print a value as PostgreSQL prints it (``pgtext``) and
to choose its JSON and parquet form (``formats``). Tables come from a pack's models
or from reflection, so both the generic SQLAlchemy types and the PostgreSQL
dialect's are recognised. A type the sink does not know (interval, inet, arrays,
ranges, ...) is kind ``other``: its text is written as the encoder gave it, which
is what PostgreSQL prints only when the encoder wrote that type's canonical form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..schema import type_name

# Kinds whose values are written unchanged, as strings (after the length rules of
# char(n)/varchar(n)).
TEXTUAL = frozenset({"text", "char", "other"})

# binary.py's type for each kind it can encode.
_BINARY = {"int2": "int2", "int4": "int4", "int8": "int8", "bool": "bool", "date": "date"}


@dataclass(frozen=True)
class Kind:
    name: str  # int2 int4 int8 float4 float8 numeric bool date timestamp timestamptz
    #            uuid json jsonb text char other
    sql: str  # the type as PostgreSQL spells it, for messages
    precision: int | None = None  # numeric(p, s)
    scale: int | None = None
    length: int | None = None  # varchar(n), char(n)

    @property
    def binary(self) -> str | None:
        """binary.py's name for this kind, or None when binary COPY cannot carry it."""
        if self.name == "numeric":  # the tuples carry their own scale: the layout is one
            return "numeric:0"
        return _BINARY.get(self.name)


def _sql(type_: sa.types.TypeEngine[Any]) -> str:
    try:
        return str(type_.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
    except Exception:  # a type PostgreSQL's compiler does not know: name it
        return type(type_).__name__


def kind_of(column: sa.Column[Any]) -> Kind:
    """The :class:`Kind` of a SQLAlchemy column."""
    t = column.type
    sql = _sql(t)
    name = type_name(t)
    if name == "numeric":
        p, s = getattr(t, "precision", None), getattr(t, "scale", None)
        if p is not None and s is None:
            s = 0  # numeric(p) is numeric(p, 0)
        return Kind("numeric", sql, precision=p, scale=s)
    if name in ("text", "char"):
        length = getattr(t, "length", None)
        return Kind(name, sql, length=1 if name == "char" and length is None else length)
    return Kind(name, sql)
