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

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pgseed.packs.social.migrations import ddl
from pgseed.packs.social.migrations.ddl import table as _table

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


def _enum(name: str) -> postgresql.ENUM:
    return ddl.enum(name, ENUMS[name])


_id, _c = ddl.id_column, ddl.column


def upgrade() -> None:
    for name, values in ENUMS.items():
        labels = ", ".join(f"'{v}'" for v in values)
        op.execute(f'CREATE TYPE "{name}" AS ENUM ({labels})')
    _table(
        "InterestSubject",
        _id(),
        _c("key", ddl.TEXT),
        _c("label", ddl.TEXT),
        unique=[("key",)],
    )
    _table(
        "Quiz",
        _id(),
        _c("slug", ddl.TEXT),
        _c("title", ddl.TEXT),
        _c("isActive", ddl.BOOL, default=sa.text("true")),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        unique=[("slug",)],
    )
    _table(
        "SeedRun",
        _id(),
        _c("runSeed", ddl.TEXT),
        _c("kind", _enum("SeedRunKind")),
        _c("startDate", ddl.DATE, null=True),
        _c("days", ddl.INT, null=True),
        _c("profileCount", ddl.INT),
        _c("pgseedVersion", ddl.TEXT),
        _c("config", ddl.JSONB),
        _c("createdAt", ddl.TS, default=ddl.NOW),
    )
    _table(
        "User",
        _id(),
        _c("email", ddl.TEXT),
        _c("passwordHash", ddl.TEXT),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        _c("deletedAt", ddl.TS, null=True),
        unique=[("email",)],
    )
    _table(
        "FeedSeen",
        _id(),
        _c("viewerUserId", ddl.BIG),
        _c("itemType", _enum("FeedItemType")),
        _c("itemId", ddl.BIG),
        _c("seenAt", ddl.TS),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        fks=[("viewerUserId", "User")],
        unique=[("viewerUserId", "itemType", "itemId")],
        index=[("itemType", "itemId")],
    )
    _table(
        "Interest",
        _id(),
        _c("subjectId", ddl.BIG),
        _c("key", ddl.TEXT),
        _c("label", ddl.TEXT),
        fks=[("subjectId", "InterestSubject")],
        unique=[("subjectId", "key")],
    )
    _table(
        "Like",
        _id(),
        _c("fromUserId", ddl.BIG),
        _c("toUserId", ddl.BIG),
        _c("action", _enum("LikeAction")),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        fks=[("fromUserId", "User"), ("toUserId", "User")],
        unique=[("fromUserId", "toUserId")],
        index=[("toUserId",)],
    )
    _table(
        "Match",
        _id(),
        _c("userAId", ddl.BIG),
        _c("userBId", ddl.BIG),
        _c("state", _enum("MatchState"), default="ACTIVE"),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        _c("closedAt", ddl.TS, null=True),
        fks=[("userAId", "User"), ("userBId", "User")],
        checks={"Match_userAId_userBId_check": '"userAId" < "userBId"'},
        unique=[("userAId", "userBId")],
        index=[("userBId",)],
    )
    _table(
        "MatchScore",
        _c("userId", ddl.BIG),
        _c("candidateUserId", ddl.BIG),
        _c("score", ddl.DOUBLE),
        _c("quizScore", ddl.DOUBLE),
        _c("interestsScore", ddl.DOUBLE),
        _c("nearbyScore", ddl.DOUBLE),
        _c("newScore", ddl.DOUBLE),
        _c("distanceKm", ddl.DOUBLE, null=True),
        _c("reasons", ddl.JSONB, null=True),
        _c("tier", ddl.TEXT, null=True),
        _c("scoredAt", ddl.TS),
        _c("updatedAt", ddl.TS),
        pk=("userId", "candidateUserId"),
        fks=[("userId", "User"), ("candidateUserId", "User")],
        index=[("candidateUserId",)],
    )
    _table(
        "Media",
        _id(),
        _c("userId", ddl.BIG),
        _c("ownerUserId", ddl.BIG),
        _c("type", _enum("MediaType")),
        _c("status", _enum("MediaStatus"), default="PENDING"),
        _c("visibility", _enum("Visibility"), default="PUBLIC"),
        _c("url", ddl.TEXT),
        _c("thumbUrl", ddl.TEXT, null=True),
        _c("width", ddl.INT, null=True),
        _c("height", ddl.INT, null=True),
        _c("mimeType", ddl.TEXT, null=True),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("deletedAt", ddl.TS, null=True),
        fks=[("userId", "User"), ("ownerUserId", "User")],
        index=[("ownerUserId",), ("userId",)],
    )
    _table(
        "Post",
        _id(),
        _c("userId", ddl.BIG),
        _c("targetProfileUserId", ddl.BIG, null=True),
        _c("visibility", _enum("Visibility"), default="PUBLIC"),
        _c("text", ddl.TEXT, null=True),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        _c("deletedAt", ddl.TS, null=True),
        fks=[("userId", "User"), ("targetProfileUserId", "User", "SET NULL")],
        index=[("createdAt",), ("targetProfileUserId",), ("userId",)],
    )
    _table(
        "ProfileView",
        _id(),
        _c("viewerUserId", ddl.BIG),
        _c("viewedUserId", ddl.BIG),
        _c("viewedAt", ddl.TS),
        fks=[("viewerUserId", "User"), ("viewedUserId", "User")],
        index=[("viewedUserId",), ("viewerUserId",)],
    )
    _table(
        "QuizQuestion",
        _id(),
        _c("quizId", ddl.BIG),
        _c("prompt", ddl.TEXT),
        _c("order", ddl.INT),
        fks=[("quizId", "Quiz")],
        unique=[("quizId", "order")],
    )
    _table(
        "QuizResult",
        _id(),
        _c("userId", ddl.BIG),
        _c("quizId", ddl.BIG),
        _c("answers", ddl.JSONB),
        _c("scoreVec", ddl.JSONB, null=True),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        fks=[("userId", "User"), ("quizId", "Quiz")],
        unique=[("userId", "quizId")],
        index=[("quizId",)],
    )
    _table(
        "SearchableUser",
        _c("userId", ddl.BIG),
        _c("isVisible", ddl.BOOL),
        _c("isDeleted", ddl.BOOL),
        _c("updatedAt", ddl.TS),
        pk=("userId",),
        fks=[("userId", "User")],
    )
    _table(
        "UserCompatibility",
        _c("viewerUserId", ddl.BIG),
        _c("targetUserId", ddl.BIG),
        _c("status", _enum("CompatibilityStatus")),
        _c("score", ddl.DOUBLE, null=True),
        _c("computedAt", ddl.TS),
        _c("updatedAt", ddl.TS),
        pk=("viewerUserId", "targetUserId"),
        fks=[("viewerUserId", "User"), ("targetUserId", "User")],
        index=[("targetUserId",)],
    )
    _table(
        "UserTrait",
        _c("userId", ddl.BIG),
        _c("traitKey", ddl.TEXT),
        _c("value", sa.Numeric(10, 2)),
        _c("n", ddl.INT),
        pk=(),
        fks=[("userId", "User")],
        unique=[("userId", "traitKey")],
    )
    _table(
        "Conversation",
        _id(),
        _c("matchId", ddl.BIG, null=True),
        _c("userAId", ddl.BIG),
        _c("userBId", ddl.BIG),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        fks=[("matchId", "Match", "SET NULL"), ("userAId", "User"), ("userBId", "User")],
        checks={"Conversation_userAId_userBId_check": '"userAId" < "userBId"'},
        unique=[("matchId",), ("userAId", "userBId")],
        index=[("userBId",)],
    )
    _table(
        "InterestDirty",
        _c("interestId", ddl.BIG),
        _c("touchedAt", ddl.TS, default=ddl.NOW),
        pk=("interestId",),
        fks=[("interestId", "Interest", "CASCADE")],
    )
    _table(
        "InterestRelationship",
        _c("interestAId", ddl.BIG),
        _c("interestBId", ddl.BIG),
        _c("pairCount", ddl.INT),
        _c("interestACount", ddl.INT),
        _c("interestBCount", ddl.INT),
        _c("strengthAB", ddl.DOUBLE, null=True),
        _c("strengthBA", ddl.DOUBLE, null=True),
        _c("updatedAt", ddl.TS),
        pk=("interestAId", "interestBId"),
        fks=[("interestAId", "Interest"), ("interestBId", "Interest")],
        index=[("interestBId",)],
    )
    _table(
        "LikedPost",
        _id(),
        _c("userId", ddl.BIG),
        _c("postId", ddl.BIG),
        fks=[("userId", "User"), ("postId", "Post")],
        unique=[("userId", "postId")],
        index=[("postId",)],
    )
    _table(
        "Profile",
        _id(),
        _c("userId", ddl.BIG),
        _c("avatarMediaId", ddl.BIG, null=True),
        _c("heroMediaId", ddl.BIG, null=True),
        _c("displayName", ddl.TEXT, null=True),
        _c("bio", ddl.TEXT, null=True),
        _c("birthdate", ddl.DATE, null=True),
        _c("locationText", ddl.TEXT, null=True),
        _c("lat", sa.Numeric(9, 6), null=True),
        _c("lng", sa.Numeric(9, 6), null=True),
        _c("gender", _enum("Gender"), default="UNSPECIFIED"),
        _c("intent", _enum("DatingIntent"), default="UNSPECIFIED"),
        _c("isVisible", ddl.BOOL, default=sa.text("true")),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("updatedAt", ddl.TS),
        _c("deletedAt", ddl.TS, null=True),
        fks=[
            ("userId", "User"),
            ("avatarMediaId", "Media", "SET NULL"),
            ("heroMediaId", "Media", "SET NULL"),
        ],
        unique=[("userId",)],
    )
    _table(
        "QuizAnswerStats",
        _c("quizId", ddl.BIG),
        _c("questionId", ddl.BIG),
        _c("optionValue", ddl.TEXT),
        _c("dimension", _enum("QuizStatsDimension")),
        _c("bucket", ddl.TEXT),
        _c("count", ddl.INT),
        _c("total", ddl.INT),
        pk=(),
        fks=[("quizId", "Quiz"), ("questionId", "QuizQuestion")],
        unique=[("quizId", "questionId", "optionValue", "dimension", "bucket")],
        index=[("questionId",)],
    )
    _table(
        "QuizOption",
        _id(),
        _c("questionId", ddl.BIG),
        _c("label", ddl.TEXT),
        _c("value", ddl.TEXT),
        _c("order", ddl.INT),
        _c("traitValues", ddl.JSONB, null=True),
        fks=[("questionId", "QuizQuestion")],
        unique=[("questionId", "order")],
    )
    _table(
        "TrendingScore",
        _c("postId", ddl.BIG),
        _c("popularity", ddl.DOUBLE),
        _c("velocity", ddl.DOUBLE),
        _c("peakTime", ddl.TS, null=True),
        _c("computedAt", ddl.TS),
        _c("expiresAt", ddl.TS),
        pk=(),
        fks=[("postId", "Post", "CASCADE")],
        unique=[("postId",)],
    )
    _table(
        "UserInterest",
        _id(),
        _c("userId", ddl.BIG),
        _c("subjectId", ddl.BIG),
        _c("interestId", ddl.BIG),
        fks=[("userId", "User"), ("subjectId", "InterestSubject"), ("interestId", "Interest")],
        unique=[("userId", "subjectId", "interestId")],
        index=[("interestId",), ("subjectId",)],
    )
    _table(
        "Message",
        _id(),
        _c("conversationId", ddl.BIG),
        _c("senderId", ddl.BIG),
        _c("body", ddl.TEXT),
        _c("isSystem", ddl.BOOL, default=sa.text("false")),
        _c("createdAt", ddl.TS, default=ddl.NOW),
        _c("deletedAt", ddl.TS, null=True),
        fks=[("conversationId", "Conversation"), ("senderId", "User")],
        index=[("conversationId",), ("senderId",)],
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # its indexes and constraints go with it
    for name in reversed(ENUMS):
        op.execute(f'DROP TYPE "{name}"')
