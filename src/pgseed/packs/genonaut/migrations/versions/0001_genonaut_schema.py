"""Genonaut schema: users, content_items, content_items_auto, generation_jobs.

Revision ID: 0001_genonaut
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_genonaut"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=False)


def _content_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("content_data", sa.Text, nullable=False),
        sa.Column("item_metadata", postgresql.JSONB, nullable=True),
        sa.Column(
            "creator_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("users.id"), nullable=False
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("tags", postgresql.JSONB, nullable=True),
        sa.Column("quality_score", sa.Float, nullable=True),
        sa.Column("is_private", sa.Boolean, nullable=False),
    )
    op.create_index(f"ix_{name}_content_type", name, ["content_type"])
    op.create_index(f"ix_{name}_creator_id", name, ["creator_id"])
    op.create_index(
        f"ix_{name}_title_fts",
        name,
        [sa.text("to_tsvector('english', coalesce(title, ''))")],
        postgresql_using="gin",
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("username", sa.String(50), nullable=False, unique=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("preferences", postgresql.JSONB, nullable=True),
        sa.Column("is_active", sa.Boolean, nullable=False),
    )
    _content_table("content_items")
    _content_table("content_items_auto")
    op.create_table(
        "generation_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id", postgresql.UUID(as_uuid=True), sa.ForeignKey("users.id"), nullable=False
        ),
        sa.Column("job_type", sa.String(50), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("parameters", postgresql.JSONB, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "result_content_id", sa.Integer, sa.ForeignKey("content_items.id"), nullable=True
        ),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("completed_at", TS, nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
    )
    op.create_index("ix_generation_jobs_job_type", "generation_jobs", ["job_type"])
    op.create_index("ix_generation_jobs_status", "generation_jobs", ["status"])
    op.create_index("ix_generation_jobs_user_id", "generation_jobs", ["user_id"])
    op.create_index(
        "ix_generation_jobs_prompt_fts",
        "generation_jobs",
        [sa.text("to_tsvector('english', prompt)")],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_table("generation_jobs")
    op.drop_table("content_items_auto")
    op.drop_table("content_items")
    op.drop_table("users")
