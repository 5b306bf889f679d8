"""Column types and the table helper of the social migrations, with Prisma's constraint
names (``"User_pkey"``, ``"Profile_userId_fkey"``, ``"User_email_key"``,
``"Post_userId_idx"``). Frozen like a migration: it must not change when the models do.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# PostgreSQL cuts longer identifiers (and with them Prisma's suffix); cut the head instead.
MAX_NAME = 63

BIG = sa.BigInteger()
INT = sa.Integer()
BOOL = sa.Boolean()
TEXT = sa.Text()
DATE = sa.Date()
DOUBLE: sa.Double[float] = sa.Double()
JSONB = postgresql.JSONB()
TS = postgresql.TIMESTAMP(precision=3)  # holds UTC, as Prisma's DateTime
NOW = sa.text("CURRENT_TIMESTAMP")


def enum(name: str, values: tuple[str, ...]) -> postgresql.ENUM:
    """A column's type; the type itself is created once, at the start of upgrade()."""
    return postgresql.ENUM(*values, name=name, create_type=False)


def id_column() -> sa.Column[Any]:
    return sa.Column("id", BIG, sa.Identity(always=False), nullable=False)


def column(name: str, type_: Any, *, null: bool = False, default: Any = None) -> sa.Column[Any]:
    return sa.Column(name, type_, nullable=null, server_default=default)


def _name(table: str, columns: tuple[str, ...], suffix: str) -> str:
    head = "_".join((table, *columns))
    return f"{head[: MAX_NAME - len(suffix) - 1]}_{suffix}"


def table(
    name: str,
    *columns: sa.Column[Any],
    pk: tuple[str, ...] | None = ("id",),
    fks: list[tuple[str, ...]] | None = None,
    checks: dict[str, str] | None = None,
    unique: list[tuple[str, ...]] | None = None,
    index: list[tuple[str, ...]] | None = None,
) -> None:
    """``name`` with Prisma's constraint names; each fk is (column, target table[, ON
    DELETE action]) referring to the target's id, ON DELETE RESTRICT unless given."""
    items: list[sa.schema.SchemaItem] = list(columns)
    for column, target, *ondelete in fks or []:
        items.append(
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=_name(name, (column,), "fkey"),
                onupdate="CASCADE",
                ondelete=ondelete[0] if ondelete else "RESTRICT",
            )
        )
    items += [sa.CheckConstraint(sql, name=ck) for ck, sql in (checks or {}).items()]
    if pk:
        items.append(sa.PrimaryKeyConstraint(*pk, name=f"{name}_pkey"))
    op.create_table(name, *items)
    for cols in unique or []:
        op.create_index(_name(name, cols, "key"), name, list(cols), unique=True)
    for cols in index or []:
        op.create_index(_name(name, cols, "idx"), name, list(cols))
