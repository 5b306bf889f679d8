"""Social (spec 004) schema: the site's tables as Prisma creates them, and the derived
tables the jobs write.

Written from ``pgseed.packs.social.models`` (Prisma's names: ``"User_pkey"``,
``"Profile_userId_fkey"``, unique indexes ``"User_email_key"``, ``"Post_userId_idx"``;
foreign keys ON UPDATE CASCADE). The enum types are created once, before the tables
(several tables share one), and dropped after them. tests/packs/social/test_schema.py
checks that this migration and the models agree.

Revision ID: 0001_social
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_social"
down_revision = None
branch_labels = None
depends_on = None

# The values are spelled out, not imported from the models: a migration must not change
# when the models do.
ENUMS: dict[str, tuple[str, ...]] = {
    "Gender": ("UNSPECIFIED", "MALE", "FEMALE", "NONBINARY", "OTHER"),
    "DatingIntent": ("UNSPECIFIED", "FRIENDS", "CASUAL", "LONG_TERM", "MARRIAGE"),
    "Visibility": ("PUBLIC", "PRIVATE"),
    "MediaType": ("IMAGE", "VIDEO", "AUDIO"),
    "MediaStatus": ("PENDING", "PROCESSING", "READY", "FAILED"),
    "LikeAction": ("LIKE", "DISLIKE"),
    "MatchState": ("ACTIVE", "BLOCKED", "CLOSED"),
    "FeedItemType": ("POST", "SUGGESTION"),
    "SeedRunKind": ("profiles", "activity"),
    "CompatibilityStatus": ("READY", "INSUFFICIENT_DATA"),
    "QuizStatsDimension": ("site", "gender", "age", "city"),
}
# Every table, parents first (created in this order, dropped in the reverse).
TABLES = """
InterestSubject Quiz SeedRun User FeedSeen Interest Like Match MatchScore Media Post
ProfileView QuizQuestion QuizResult SearchableUser UserCompatibility UserTrait
Conversation InterestDirty InterestRelationship LikedPost Profile QuizAnswerStats
QuizOption TrendingScore UserInterest Message
""".split()

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


def _enum(name: str) -> postgresql.ENUM:
    """A column's type; the type itself is created once, at the start of upgrade()."""
    return postgresql.ENUM(*ENUMS[name], name=name, create_type=False)


def _id() -> sa.Column[Any]:
    return sa.Column("id", BIG, sa.Identity(always=False), nullable=False)


def _c(name: str, type_: Any, *, null: bool = False, default: Any = None) -> sa.Column[Any]:
    return sa.Column(name, type_, nullable=null, server_default=default)


def _name(table: str, columns: tuple[str, ...], suffix: str) -> str:
    head = "_".join((table, *columns))
    return f"{head[: MAX_NAME - len(suffix) - 1]}_{suffix}"


def _table(
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


def upgrade() -> None:
    for name, values in ENUMS.items():
        labels = ", ".join(f"'{v}'" for v in values)
        op.execute(f'CREATE TYPE "{name}" AS ENUM ({labels})')
    _table(
        "InterestSubject",
        _id(),
        _c("key", TEXT),
        _c("label", TEXT),
        unique=[("key",)],
    )
    _table(
        "Quiz",
        _id(),
        _c("slug", TEXT),
        _c("title", TEXT),
        _c("isActive", BOOL, default=sa.text("true")),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        unique=[("slug",)],
    )
    _table(
        "SeedRun",
        _id(),
        _c("runSeed", TEXT),
        _c("kind", _enum("SeedRunKind")),
        _c("startDate", DATE, null=True),
        _c("days", INT, null=True),
        _c("profileCount", INT),
        _c("pgseedVersion", TEXT),
        _c("config", JSONB),
        _c("createdAt", TS, default=NOW),
    )
    _table(
        "User",
        _id(),
        _c("email", TEXT),
        _c("passwordHash", TEXT),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        _c("deletedAt", TS, null=True),
        unique=[("email",)],
    )
    _table(
        "FeedSeen",
        _id(),
        _c("viewerUserId", BIG),
        _c("itemType", _enum("FeedItemType")),
        _c("itemId", BIG),
        _c("seenAt", TS),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        fks=[("viewerUserId", "User")],
        unique=[("viewerUserId", "itemType", "itemId")],
        index=[("itemType", "itemId")],
    )
    _table(
        "Interest",
        _id(),
        _c("subjectId", BIG),
        _c("key", TEXT),
        _c("label", TEXT),
        fks=[("subjectId", "InterestSubject")],
        unique=[("subjectId", "key")],
    )
    _table(
        "Like",
        _id(),
        _c("fromUserId", BIG),
        _c("toUserId", BIG),
        _c("action", _enum("LikeAction")),
        _c("createdAt", TS, default=NOW),
        fks=[("fromUserId", "User"), ("toUserId", "User")],
        unique=[("fromUserId", "toUserId")],
        index=[("toUserId",)],
    )
    _table(
        "Match",
        _id(),
        _c("userAId", BIG),
        _c("userBId", BIG),
        _c("state", _enum("MatchState"), default="ACTIVE"),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        _c("closedAt", TS, null=True),
        fks=[("userAId", "User"), ("userBId", "User")],
        checks={"Match_userAId_userBId_check": '"userAId" < "userBId"'},
        unique=[("userAId", "userBId")],
        index=[("userBId",)],
    )
    _table(
        "MatchScore",
        _c("userId", BIG),
        _c("candidateUserId", BIG),
        _c("score", DOUBLE),
        _c("quizScore", DOUBLE),
        _c("interestsScore", DOUBLE),
        _c("nearbyScore", DOUBLE),
        _c("newScore", DOUBLE),
        _c("distanceKm", DOUBLE, null=True),
        _c("reasons", JSONB, null=True),
        _c("tier", TEXT, null=True),
        _c("scoredAt", TS),
        _c("updatedAt", TS),
        pk=("userId", "candidateUserId"),
        fks=[("userId", "User"), ("candidateUserId", "User")],
        index=[("candidateUserId",)],
    )
    _table(
        "Media",
        _id(),
        _c("userId", BIG),
        _c("ownerUserId", BIG),
        _c("type", _enum("MediaType")),
        _c("status", _enum("MediaStatus"), default="PENDING"),
        _c("visibility", _enum("Visibility"), default="PUBLIC"),
        _c("url", TEXT),
        _c("thumbUrl", TEXT, null=True),
        _c("width", INT, null=True),
        _c("height", INT, null=True),
        _c("mimeType", TEXT, null=True),
        _c("createdAt", TS, default=NOW),
        _c("deletedAt", TS, null=True),
        fks=[("userId", "User"), ("ownerUserId", "User")],
        index=[("ownerUserId",), ("userId",)],
    )
    _table(
        "Post",
        _id(),
        _c("userId", BIG),
        _c("targetProfileUserId", BIG, null=True),
        _c("visibility", _enum("Visibility"), default="PUBLIC"),
        _c("text", TEXT, null=True),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        _c("deletedAt", TS, null=True),
        fks=[("userId", "User"), ("targetProfileUserId", "User", "SET NULL")],
        index=[("createdAt",), ("targetProfileUserId",), ("userId",)],
    )
    _table(
        "ProfileView",
        _id(),
        _c("viewerUserId", BIG),
        _c("viewedUserId", BIG),
        _c("viewedAt", TS),
        fks=[("viewerUserId", "User"), ("viewedUserId", "User")],
        index=[("viewedUserId",), ("viewerUserId",)],
    )
    _table(
        "QuizQuestion",
        _id(),
        _c("quizId", BIG),
        _c("prompt", TEXT),
        _c("order", INT),
        fks=[("quizId", "Quiz")],
        unique=[("quizId", "order")],
    )
    _table(
        "QuizResult",
        _id(),
        _c("userId", BIG),
        _c("quizId", BIG),
        _c("answers", JSONB),
        _c("scoreVec", JSONB, null=True),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        fks=[("userId", "User"), ("quizId", "Quiz")],
        unique=[("userId", "quizId")],
        index=[("quizId",)],
    )
    _table(
        "SearchableUser",
        _c("userId", BIG),
        _c("isVisible", BOOL),
        _c("isDeleted", BOOL),
        _c("updatedAt", TS),
        pk=("userId",),
        fks=[("userId", "User")],
    )
    _table(
        "UserCompatibility",
        _c("viewerUserId", BIG),
        _c("targetUserId", BIG),
        _c("status", _enum("CompatibilityStatus")),
        _c("score", DOUBLE, null=True),
        _c("computedAt", TS),
        _c("updatedAt", TS),
        pk=("viewerUserId", "targetUserId"),
        fks=[("viewerUserId", "User"), ("targetUserId", "User")],
        index=[("targetUserId",)],
    )
    _table(
        "UserTrait",
        _c("userId", BIG),
        _c("traitKey", TEXT),
        _c("value", sa.Numeric(10, 2)),
        _c("n", INT),
        pk=(),
        fks=[("userId", "User")],
        unique=[("userId", "traitKey")],
    )
    _table(
        "Conversation",
        _id(),
        _c("matchId", BIG, null=True),
        _c("userAId", BIG),
        _c("userBId", BIG),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        fks=[("matchId", "Match", "SET NULL"), ("userAId", "User"), ("userBId", "User")],
        checks={"Conversation_userAId_userBId_check": '"userAId" < "userBId"'},
        unique=[("matchId",), ("userAId", "userBId")],
        index=[("userBId",)],
    )
    _table(
        "InterestDirty",
        _c("interestId", BIG),
        _c("touchedAt", TS, default=NOW),
        pk=("interestId",),
        fks=[("interestId", "Interest", "CASCADE")],
    )
    _table(
        "InterestRelationship",
        _c("interestAId", BIG),
        _c("interestBId", BIG),
        _c("pairCount", INT),
        _c("interestACount", INT),
        _c("interestBCount", INT),
        _c("strengthAB", DOUBLE, null=True),
        _c("strengthBA", DOUBLE, null=True),
        _c("updatedAt", TS),
        pk=("interestAId", "interestBId"),
        fks=[("interestAId", "Interest"), ("interestBId", "Interest")],
        index=[("interestBId",)],
    )
    _table(
        "LikedPost",
        _id(),
        _c("userId", BIG),
        _c("postId", BIG),
        fks=[("userId", "User"), ("postId", "Post")],
        unique=[("userId", "postId")],
        index=[("postId",)],
    )
    _table(
        "Profile",
        _id(),
        _c("userId", BIG),
        _c("avatarMediaId", BIG, null=True),
        _c("heroMediaId", BIG, null=True),
        _c("displayName", TEXT, null=True),
        _c("bio", TEXT, null=True),
        _c("birthdate", DATE, null=True),
        _c("locationText", TEXT, null=True),
        _c("lat", sa.Numeric(9, 6), null=True),
        _c("lng", sa.Numeric(9, 6), null=True),
        _c("gender", _enum("Gender"), default="UNSPECIFIED"),
        _c("intent", _enum("DatingIntent"), default="UNSPECIFIED"),
        _c("isVisible", BOOL, default=sa.text("true")),
        _c("createdAt", TS, default=NOW),
        _c("updatedAt", TS),
        _c("deletedAt", TS, null=True),
        fks=[
            ("userId", "User"),
            ("avatarMediaId", "Media", "SET NULL"),
            ("heroMediaId", "Media", "SET NULL"),
        ],
        unique=[("userId",)],
    )
    _table(
        "QuizAnswerStats",
        _c("quizId", BIG),
        _c("questionId", BIG),
        _c("optionValue", TEXT),
        _c("dimension", _enum("QuizStatsDimension")),
        _c("bucket", TEXT),
        _c("count", INT),
        _c("total", INT),
        pk=(),
        fks=[("quizId", "Quiz"), ("questionId", "QuizQuestion")],
        unique=[("quizId", "questionId", "optionValue", "dimension", "bucket")],
        index=[("questionId",)],
    )
    _table(
        "QuizOption",
        _id(),
        _c("questionId", BIG),
        _c("label", TEXT),
        _c("value", TEXT),
        _c("order", INT),
        _c("traitValues", JSONB, null=True),
        fks=[("questionId", "QuizQuestion")],
        unique=[("questionId", "order")],
    )
    _table(
        "TrendingScore",
        _c("postId", BIG),
        _c("popularity", DOUBLE),
        _c("velocity", DOUBLE),
        _c("peakTime", TS, null=True),
        _c("computedAt", TS),
        _c("expiresAt", TS),
        pk=(),
        fks=[("postId", "Post", "CASCADE")],
        unique=[("postId",)],
    )
    _table(
        "UserInterest",
        _id(),
        _c("userId", BIG),
        _c("subjectId", BIG),
        _c("interestId", BIG),
        fks=[("userId", "User"), ("subjectId", "InterestSubject"), ("interestId", "Interest")],
        unique=[("userId", "subjectId", "interestId")],
        index=[("interestId",), ("subjectId",)],
    )
    _table(
        "Message",
        _id(),
        _c("conversationId", BIG),
        _c("senderId", BIG),
        _c("body", TEXT),
        _c("isSystem", BOOL, default=sa.text("false")),
        _c("createdAt", TS, default=NOW),
        _c("deletedAt", TS, null=True),
        fks=[("conversationId", "Conversation"), ("senderId", "User")],
        index=[("conversationId",), ("senderId",)],
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # its indexes and constraints go with it
    for name in reversed(ENUMS):
        op.execute(f'DROP TYPE "{name}"')
