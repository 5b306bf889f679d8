"""The site's own tables (spec 004 §6.1 "What Seeder Creates"): raw facts the seeding
phases write."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, Integer, Numeric, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import (
    DATING_INTENT,
    FEED_ITEM_TYPE,
    GENDER,
    LIKE_ACTION,
    MATCH_STATE,
    MEDIA_STATUS,
    MEDIA_TYPE,
    SEED_RUN_KIND,
    VISIBILITY,
    Base,
    created,
    fk,
    id_column,
    index,
    text_column,
    ts,
    unique,
)


class User(Base):
    """Spec 004 §6.1 Phase A ``User`` (email, password hash)."""

    __tablename__ = "User"
    __table_args__ = (unique("User", "email"),)

    id: Mapped[int] = id_column()
    email: Mapped[str] = text_column()
    passwordHash: Mapped[str] = text_column()
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()
    deletedAt: Mapped[datetime | None] = ts(nullable=True)


class Media(Base):
    """Spec 004 §1.3 "Profile Image Strategy" and §6.1 ``ProfileMedia``: deterministic
    picsum URLs, never downloaded."""

    __tablename__ = "Media"
    __table_args__ = (index("Media", "userId"), index("Media", "ownerUserId"))

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    ownerUserId: Mapped[int] = fk("User.id")
    type: Mapped[str] = mapped_column(MEDIA_TYPE, nullable=False)
    status: Mapped[str] = mapped_column(MEDIA_STATUS, nullable=False, server_default="PENDING")
    visibility: Mapped[str] = mapped_column(VISIBILITY, nullable=False, server_default="PUBLIC")
    url: Mapped[str] = text_column()
    thumbUrl: Mapped[str | None] = text_column(nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mimeType: Mapped[str | None] = text_column(nullable=True)
    createdAt: Mapped[datetime] = created()
    deletedAt: Mapped[datetime | None] = ts(nullable=True)


class Profile(Base):
    """Spec 004 §2.2 "Scalable Profile Generator" (names, bios, locations, demographics)."""

    __tablename__ = "Profile"
    __table_args__ = (unique("Profile", "userId"),)

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    avatarMediaId: Mapped[int | None] = fk("Media.id", nullable=True, ondelete="SET NULL")
    heroMediaId: Mapped[int | None] = fk("Media.id", nullable=True, ondelete="SET NULL")
    displayName: Mapped[str | None] = text_column(nullable=True)
    bio: Mapped[str | None] = text_column(nullable=True)
    birthdate: Mapped[date | None] = mapped_column(Date, nullable=True)
    locationText: Mapped[str | None] = text_column(nullable=True)
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6), nullable=True)
    lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6), nullable=True)
    gender: Mapped[str] = mapped_column(GENDER, nullable=False, server_default="UNSPECIFIED")
    intent: Mapped[str] = mapped_column(DATING_INTENT, nullable=False, server_default="UNSPECIFIED")
    isVisible: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()
    deletedAt: Mapped[datetime | None] = ts(nullable=True)


class InterestSubject(Base):
    """Spec 004 §2.3 personality ``interests``: the taxonomy's subjects."""

    __tablename__ = "InterestSubject"
    __table_args__ = (unique("InterestSubject", "key"),)

    id: Mapped[int] = id_column()
    key: Mapped[str] = text_column()
    label: Mapped[str] = text_column()


class Interest(Base):
    """Spec 004 §2.3 personality ``interests``: one interest of a subject."""

    __tablename__ = "Interest"
    __table_args__ = (unique("Interest", "subjectId", "key"),)

    id: Mapped[int] = id_column()
    subjectId: Mapped[int] = fk("InterestSubject.id")
    key: Mapped[str] = text_column()
    label: Mapped[str] = text_column()


class UserInterest(Base):
    """Spec 004 §6.1 Phase A ``UserInterest`` (3-8 per user)."""

    __tablename__ = "UserInterest"
    __table_args__ = (
        unique("UserInterest", "userId", "subjectId", "interestId"),
        index("UserInterest", "subjectId"),
        index("UserInterest", "interestId"),
    )

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    subjectId: Mapped[int] = fk("InterestSubject.id")
    interestId: Mapped[int] = fk("Interest.id")


class InterestDirty(Base):
    """Spec 004 §6.1 Phase A ``InterestDirty`` (mark touched interests); consumed by the
    interest-relationships job (§6.3 step 1)."""

    __tablename__ = "InterestDirty"

    interestId: Mapped[int] = fk("Interest.id", ondelete="CASCADE", pk=True)
    touchedAt: Mapped[datetime] = created()


class Quiz(Base):
    """Spec 004 §4 "Quiz Result Generation": a quiz."""

    __tablename__ = "Quiz"
    __table_args__ = (unique("Quiz", "slug"),)

    id: Mapped[int] = id_column()
    slug: Mapped[str] = text_column()
    title: Mapped[str] = text_column()
    isActive: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()


class QuizQuestion(Base):
    """Spec 004 §4.1 ``quiz.questions``."""

    __tablename__ = "QuizQuestion"
    __table_args__ = (unique("QuizQuestion", "quizId", "order"),)

    id: Mapped[int] = id_column()
    quizId: Mapped[int] = fk("Quiz.id")
    prompt: Mapped[str] = text_column()
    order: Mapped[int] = mapped_column(Integer, nullable=False)


class QuizOption(Base):
    """Spec 004 §4.1 ``question.options``; ``traitValues`` (trait key -> weight -10..10)
    is what the build-user-traits job averages."""

    __tablename__ = "QuizOption"
    __table_args__ = (unique("QuizOption", "questionId", "order"),)

    id: Mapped[int] = id_column()
    questionId: Mapped[int] = fk("QuizQuestion.id")
    label: Mapped[str] = text_column()
    value: Mapped[str] = text_column()
    order: Mapped[int] = mapped_column(Integer, nullable=False)
    traitValues: Mapped[Any | None] = mapped_column(JSONB, nullable=True)


class QuizResult(Base):
    """Spec 004 §4.1 ``QuizAnswer``: answers (questionId -> option value) and scoreVec
    (option index / (options - 1) per question, in question order)."""

    __tablename__ = "QuizResult"
    __table_args__ = (unique("QuizResult", "userId", "quizId"), index("QuizResult", "quizId"))

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    quizId: Mapped[int] = fk("Quiz.id")
    answers: Mapped[Any] = mapped_column(JSONB, nullable=False)
    scoreVec: Mapped[Any | None] = mapped_column(JSONB, nullable=True)
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()


class Post(Base):
    """Spec 004 §3.1 activity type 1 "Posts"."""

    __tablename__ = "Post"
    __table_args__ = (
        index("Post", "userId"),
        index("Post", "targetProfileUserId"),
        index("Post", "createdAt"),
    )

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    targetProfileUserId: Mapped[int | None] = fk("User.id", nullable=True, ondelete="SET NULL")
    visibility: Mapped[str] = mapped_column(VISIBILITY, nullable=False, server_default="PUBLIC")
    text: Mapped[str | None] = text_column(nullable=True)
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()
    deletedAt: Mapped[datetime | None] = ts(nullable=True)


class FeedSeen(Base):
    """Spec 004 §3.1 activity type 3 "Feed Interactions": one row per item a viewer saw
    (``itemId`` is a Post id or a suggested user id, by ``itemType``: no FK)."""

    __tablename__ = "FeedSeen"
    __table_args__ = (
        unique("FeedSeen", "viewerUserId", "itemType", "itemId"),
        index("FeedSeen", "itemType", "itemId"),
    )

    id: Mapped[int] = id_column()
    viewerUserId: Mapped[int] = fk("User.id")
    itemType: Mapped[str] = mapped_column(FEED_ITEM_TYPE, nullable=False)
    itemId: Mapped[int] = mapped_column(BigInteger, nullable=False)
    seenAt: Mapped[datetime] = ts()
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()


class LikedPost(Base):
    """Spec 004 §3.1 activity type 3: "like posts (20-40% of views)". It has no
    timestamp (the site's has none): a like is dated by its liker's FeedSeen of the post."""

    __tablename__ = "LikedPost"
    __table_args__ = (unique("LikedPost", "userId", "postId"), index("LikedPost", "postId"))

    id: Mapped[int] = id_column()
    userId: Mapped[int] = fk("User.id")
    postId: Mapped[int] = fk("Post.id")


class ProfileView(Base):
    """Spec 004 §3.1 activity type 2 "Profile Views" (the site has no such table)."""

    __tablename__ = "ProfileView"
    __table_args__ = (
        index("ProfileView", "viewerUserId"),
        index("ProfileView", "viewedUserId"),
    )

    id: Mapped[int] = id_column()
    viewerUserId: Mapped[int] = fk("User.id")
    viewedUserId: Mapped[int] = fk("User.id")
    viewedAt: Mapped[datetime] = ts()


class Like(Base):
    """Spec 004 §3.2 "Smart Pairing": one decision per ordered pair."""

    __tablename__ = "Like"
    __table_args__ = (unique("Like", "fromUserId", "toUserId"), index("Like", "toUserId"))

    id: Mapped[int] = id_column()
    fromUserId: Mapped[int] = fk("User.id")
    toUserId: Mapped[int] = fk("User.id")
    action: Mapped[str] = mapped_column(LIKE_ACTION, nullable=False)
    createdAt: Mapped[datetime] = created()


class Match(Base):
    """Spec 004 §3.1 activity type 5 "Matches: emergent from mutual likes"; the pair is
    stored once, smaller id first."""

    __tablename__ = "Match"
    __table_args__ = (
        unique("Match", "userAId", "userBId"),
        index("Match", "userBId"),
        CheckConstraint('"userAId" < "userBId"', name="Match_userAId_userBId_check"),
    )

    id: Mapped[int] = id_column()
    userAId: Mapped[int] = fk("User.id")
    userBId: Mapped[int] = fk("User.id")
    state: Mapped[str] = mapped_column(MATCH_STATE, nullable=False, server_default="ACTIVE")
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()
    closedAt: Mapped[datetime | None] = ts(nullable=True)


class Conversation(Base):
    """Spec 004 §3.3 "Message Generation": the thread of a match."""

    __tablename__ = "Conversation"
    __table_args__ = (
        unique("Conversation", "matchId"),
        unique("Conversation", "userAId", "userBId"),
        index("Conversation", "userBId"),
        CheckConstraint('"userAId" < "userBId"', name="Conversation_userAId_userBId_check"),
    )

    id: Mapped[int] = id_column()
    matchId: Mapped[int | None] = fk("Match.id", nullable=True, ondelete="SET NULL")
    userAId: Mapped[int] = fk("User.id")
    userBId: Mapped[int] = fk("User.id")
    createdAt: Mapped[datetime] = created()
    updatedAt: Mapped[datetime] = ts()


class Message(Base):
    """Spec 004 §3.3 "Message Generation": messages only after a match."""

    __tablename__ = "Message"
    __table_args__ = (index("Message", "conversationId"), index("Message", "senderId"))

    id: Mapped[int] = id_column()
    conversationId: Mapped[int] = fk("Conversation.id")
    senderId: Mapped[int] = fk("User.id")
    body: Mapped[str] = text_column()
    isSystem: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    createdAt: Mapped[datetime] = created()
    deletedAt: Mapped[datetime | None] = ts(nullable=True)


class SeedRun(Base):
    """Spec 004 "Debugging" and §1.1 (``runSeed``): one row per seeding run, what
    reproduces it. ``startDate``/``days`` are NULL for a profiles run."""

    __tablename__ = "SeedRun"

    id: Mapped[int] = id_column()
    runSeed: Mapped[str] = text_column()
    kind: Mapped[str] = mapped_column(SEED_RUN_KIND, nullable=False)
    startDate: Mapped[date | None] = mapped_column(Date, nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    profileCount: Mapped[int] = mapped_column(Integer, nullable=False)
    pgseedVersion: Mapped[str] = text_column()
    config: Mapped[Any] = mapped_column(JSONB, nullable=False)
    createdAt: Mapped[datetime] = created()
