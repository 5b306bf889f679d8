"""What every social table is built from: the metadata with Prisma's constraint names,
the enum types, and column helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Identity, Index, MetaData, Text, text
from sqlalchemy.dialects.postgresql import ENUM, TIMESTAMP
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# PostgreSQL's identifier limit: longer names are cut, keeping Prisma's suffix.
MAX_NAME = 63

metadata = MetaData(
    naming_convention={
        "pk": "%(table_name)s_pkey",
        "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    }
)


class Base(DeclarativeBase):
    metadata = metadata


def _enum(name: str, *values: str) -> ENUM:
    return ENUM(*values, name=name, metadata=metadata)


GENDER = _enum("Gender", "UNSPECIFIED", "MALE", "FEMALE", "NONBINARY", "OTHER")
DATING_INTENT = _enum("DatingIntent", "UNSPECIFIED", "FRIENDS", "CASUAL", "LONG_TERM", "MARRIAGE")
VISIBILITY = _enum("Visibility", "PUBLIC", "PRIVATE")
MEDIA_TYPE = _enum("MediaType", "IMAGE", "VIDEO", "AUDIO")
MEDIA_STATUS = _enum("MediaStatus", "PENDING", "PROCESSING", "READY", "FAILED")
LIKE_ACTION = _enum("LikeAction", "LIKE", "DISLIKE")
MATCH_STATE = _enum("MatchState", "ACTIVE", "BLOCKED", "CLOSED")
FEED_ITEM_TYPE = _enum("FeedItemType", "POST", "SUGGESTION")
SEED_RUN_KIND = _enum("SeedRunKind", "profiles", "activity")
COMPATIBILITY_STATUS = _enum("CompatibilityStatus", "READY", "INSUFFICIENT_DATA")
QUIZ_STATS_DIMENSION = _enum("QuizStatsDimension", "site", "gender", "age", "city")
ENUMS = (
    GENDER,
    DATING_INTENT,
    VISIBILITY,
    MEDIA_TYPE,
    MEDIA_STATUS,
    LIKE_ACTION,
    MATCH_STATE,
    FEED_ITEM_TYPE,
    SEED_RUN_KIND,
    COMPATIBILITY_STATUS,
    QUIZ_STATS_DIMENSION,
)

TS = TIMESTAMP(precision=3)
NOW = text("CURRENT_TIMESTAMP")


def prisma_name(table: str, columns: tuple[str, ...], suffix: str) -> str:
    """``{table}_{col}_{col}_{suffix}``, the table-and-columns part cut so the whole fits
    PostgreSQL's 63 bytes (PostgreSQL would otherwise cut the suffix off)."""
    head = "_".join((table, *columns))
    return f"{head[: MAX_NAME - len(suffix) - 1]}_{suffix}"


def unique(table: str, *columns: str) -> Index:
    return Index(prisma_name(table, columns, "key"), *columns, unique=True)


def index(table: str, *columns: str) -> Index:
    return Index(prisma_name(table, columns, "idx"), *columns)


def id_column() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(), primary_key=True)


def fk(
    target: str, *, nullable: bool = False, ondelete: str = "RESTRICT", pk: bool = False
) -> Mapped[Any]:
    return mapped_column(
        BigInteger,
        ForeignKey(target, ondelete=ondelete, onupdate="CASCADE"),
        nullable=nullable,
        primary_key=pk,
    )


def fk_column(name: str, target: str, *, ondelete: str = "RESTRICT") -> Column[int]:
    """A NOT NULL bigint FK column of a table declared with ``Table`` (no primary key)."""
    return Column(
        name, BigInteger, ForeignKey(target, ondelete=ondelete, onupdate="CASCADE"), nullable=False
    )


def created() -> Mapped[datetime]:
    return mapped_column(TS, nullable=False, server_default=NOW)


def ts(*, nullable: bool = False) -> Mapped[Any]:
    return mapped_column(TS, nullable=nullable)


def text_column(*, nullable: bool = False) -> Mapped[Any]:
    return mapped_column(Text, nullable=nullable)
