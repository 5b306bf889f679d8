"""Genonaut's tables, as its SQLAlchemy models stood when spec 000 was written."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    username: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    email: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False)


class _ContentColumns:
    """Columns shared by content_items and content_items_auto (each has its own serial)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(50), nullable=False)
    content_data: Mapped[str] = mapped_column(Text, nullable=False)
    item_metadata: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    creator_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    tags: Mapped[list[str] | None] = mapped_column(JSONB, nullable=True)
    quality_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    is_private: Mapped[bool] = mapped_column(Boolean, nullable=False)


class ContentItem(_ContentColumns, Base):
    __tablename__ = "content_items"
    __table_args__ = (
        Index("ix_content_items_content_type", "content_type"),
        Index("ix_content_items_creator_id", "creator_id"),
        Index(
            "ix_content_items_title_fts",
            func.to_tsvector(
                literal_column("'english'"), func.coalesce(literal_column("title"), "")
            ),
            postgresql_using="gin",
        ),
    )


class ContentItemAuto(_ContentColumns, Base):
    __tablename__ = "content_items_auto"
    __table_args__ = (
        Index("ix_content_items_auto_content_type", "content_type"),
        Index("ix_content_items_auto_creator_id", "creator_id"),
        Index(
            "ix_content_items_auto_title_fts",
            func.to_tsvector(
                literal_column("'english'"), func.coalesce(literal_column("title"), "")
            ),
            postgresql_using="gin",
        ),
    )


class GenerationJob(Base):
    __tablename__ = "generation_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), nullable=False
    )
    job_type: Mapped[str] = mapped_column(String(50), nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    parameters: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    result_content_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("content_items.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=False), nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        Index("ix_generation_jobs_job_type", "job_type"),
        Index("ix_generation_jobs_status", "status"),
        Index("ix_generation_jobs_user_id", "user_id"),
        Index(
            "ix_generation_jobs_prompt_fts",
            func.to_tsvector(literal_column("'english'"), literal_column("prompt")),
            postgresql_using="gin",
        ),
    )


metadata = Base.metadata
