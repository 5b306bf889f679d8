"""Derived tables (spec 004 §6.2 "What Jobs Compute"): the migration creates them, only the
jobs (``packs/social/jobs``) write them, the seeding phases never do.

Scores are ``double precision`` (Prisma's ``Float``), rounded by the jobs to 4 decimals;
trait means are ``numeric(10,2)`` as the issue asks. ``QuizAnswerStats``, ``UserTrait`` and
``TrendingScore`` have a unique index and no primary key, as Prisma makes a model whose
only identity is ``@@unique``/``@unique``; they are mapped on that unique key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, Double, Integer, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import (
    COMPATIBILITY_STATUS,
    QUIZ_STATS_DIMENSION,
    TS,
    Base,
    fk,
    fk_column,
    index,
    metadata,
    ts,
    unique,
)


def _score(*, nullable: bool = False) -> Mapped[Any]:
    return mapped_column(Double, nullable=nullable)


class MatchScore(Base):
    """Spec 004 §6.2 ``MatchScore`` (match-scores job, §6.3 step 4): one row per user and
    bounded candidate; ``score`` is the weighted sum of the four components."""

    __tablename__ = "MatchScore"
    __table_args__ = (index("MatchScore", "candidateUserId"),)

    userId: Mapped[int] = fk("User.id", pk=True)
    candidateUserId: Mapped[int] = fk("User.id", pk=True)
    score: Mapped[float] = _score()
    quizScore: Mapped[float] = _score()
    interestsScore: Mapped[float] = _score()
    nearbyScore: Mapped[float] = _score()
    newScore: Mapped[float] = _score()
    distanceKm: Mapped[float | None] = _score(nullable=True)
    reasons: Mapped[Any | None] = mapped_column(JSONB, nullable=True)
    tier: Mapped[str | None] = mapped_column(Text, nullable=True)
    scoredAt: Mapped[datetime] = ts()
    updatedAt: Mapped[datetime] = ts()


class UserCompatibility(Base):
    """Spec 004 §4.3 "Compatibility scores" (compatibility job): READY with a score when
    both users have quiz results, else INSUFFICIENT_DATA and no score."""

    __tablename__ = "UserCompatibility"
    __table_args__ = (index("UserCompatibility", "targetUserId"),)

    viewerUserId: Mapped[int] = fk("User.id", pk=True)
    targetUserId: Mapped[int] = fk("User.id", pk=True)
    status: Mapped[str] = mapped_column(COMPATIBILITY_STATUS, nullable=False)
    score: Mapped[float | None] = _score(nullable=True)
    computedAt: Mapped[datetime] = ts()
    updatedAt: Mapped[datetime] = ts()


class InterestRelationship(Base):
    """Spec 004 §6.2 ``InterestRelationship`` (interest-relationships job, §6.3 step 1):
    per pair A < B held by a common user; strengthAB = pairCount / interestACount."""

    __tablename__ = "InterestRelationship"
    __table_args__ = (index("InterestRelationship", "interestBId"),)

    interestAId: Mapped[int] = fk("Interest.id", pk=True)
    interestBId: Mapped[int] = fk("Interest.id", pk=True)
    pairCount: Mapped[int] = mapped_column(Integer, nullable=False)
    interestACount: Mapped[int] = mapped_column(Integer, nullable=False)
    interestBCount: Mapped[int] = mapped_column(Integer, nullable=False)
    strengthAB: Mapped[float | None] = _score(nullable=True)
    strengthBA: Mapped[float | None] = _score(nullable=True)
    updatedAt: Mapped[datetime] = ts()


class SearchableUser(Base):
    """Spec 004 §6.2 ``SearchableUser`` (searchable-user job, §6.3 step 2): a snapshot of
    the profile fields search filters on."""

    __tablename__ = "SearchableUser"

    userId: Mapped[int] = fk("User.id", pk=True)
    isVisible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    isDeleted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    updatedAt: Mapped[datetime] = ts()


class QuizAnswerStats(Base):
    """Spec 004 §4.3 ``QuizAnswerStats`` (quiz-stats job): answer counts per option and
    bucket of a dimension, with the question's total in that bucket."""

    __table__ = Table(
        "QuizAnswerStats",
        metadata,
        fk_column("quizId", "Quiz.id"),
        fk_column("questionId", "QuizQuestion.id"),
        Column("optionValue", Text, nullable=False),
        Column("dimension", QUIZ_STATS_DIMENSION, nullable=False),
        Column("bucket", Text, nullable=False),
        Column("count", Integer, nullable=False),
        Column("total", Integer, nullable=False),
        unique("QuizAnswerStats", "quizId", "questionId", "optionValue", "dimension", "bucket"),
        index("QuizAnswerStats", "questionId"),
    )
    __mapper_args__ = {  # noqa: RUF012
        "primary_key": [
            __table__.c.quizId,
            __table__.c.questionId,
            __table__.c.optionValue,
            __table__.c.dimension,
            __table__.c.bucket,
        ]
    }


class UserTrait(Base):
    """Spec 004 §4.3 "User traits (via build-user-traits job)": per user and trait key, the
    mean of the chosen options' traitValues and how many answers carried the key."""

    __table__ = Table(
        "UserTrait",
        metadata,
        fk_column("userId", "User.id"),
        Column("traitKey", Text, nullable=False),
        Column("value", Numeric(10, 2), nullable=False),
        Column("n", Integer, nullable=False),
        unique("UserTrait", "userId", "traitKey"),
    )
    __mapper_args__ = {"primary_key": [__table__.c.userId, __table__.c.traitKey]}  # noqa: RUF012


class TrendingScore(Base):
    """Spec 004 §6.2 ``Trending*`` (trending job): per post with activity in the 7 days
    before the job's as-of time."""

    __table__ = Table(
        "TrendingScore",
        metadata,
        fk_column("postId", "Post.id", ondelete="CASCADE"),
        Column("popularity", Double, nullable=False),
        Column("velocity", Double, nullable=False),
        Column("peakTime", TS, nullable=True),
        Column("computedAt", TS, nullable=False),
        Column("expiresAt", TS, nullable=False),
        unique("TrendingScore", "postId"),
    )
    __mapper_args__ = {"primary_key": [__table__.c.postId]}  # noqa: RUF012


DERIVED = (
    "InterestRelationship",
    "SearchableUser",
    "UserTrait",
    "MatchScore",
    "QuizAnswerStats",
    "TrendingScore",
    "UserCompatibility",
)
