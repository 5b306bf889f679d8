"""Retail ("The Forge") schema: store, product, calendar and four fact tables.

Revision ID: 0001_retail
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_retail"
down_revision = None
branch_labels = None
depends_on = None


def _keys() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("store_id", sa.Integer, sa.ForeignKey("store.id"), nullable=False),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("product.id"), nullable=False),
    ]


def _fact_indexes(table: str) -> None:
    op.create_index(f"ix_{table}_store_product", table, ["store_id", "product_id"])
    op.create_index(f"ix_{table}_product_id", table, ["product_id"])


def upgrade() -> None:
    op.create_table(
        "store",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("store_type", sa.String(50), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("size_sqm", sa.Integer, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
    )
    op.create_table(
        "product",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("brand", sa.String(50), nullable=False),
        sa.Column("base_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("unit_cost", sa.Numeric(10, 2), nullable=False),
        sa.Column("launch_date", sa.Date, nullable=False),
        sa.CheckConstraint("base_price >= 0", name="ck_product_base_price"),
    )
    op.create_table(
        "calendar",
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("day_of_week", sa.SmallInteger, nullable=False),
        sa.Column("day_of_month", sa.SmallInteger, nullable=False),
        sa.Column("day_of_year", sa.SmallInteger, nullable=False),
        sa.Column("week_of_year", sa.SmallInteger, nullable=False),
        sa.Column("month", sa.SmallInteger, nullable=False),
        sa.Column("quarter", sa.SmallInteger, nullable=False),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("is_weekend", sa.Boolean, nullable=False),
        sa.Column("is_holiday", sa.Boolean, nullable=False),
        sa.Column("holiday_name", sa.String(100), nullable=True),
        sa.CheckConstraint("day_of_week BETWEEN 0 AND 6", name="ck_calendar_day_of_week"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="ck_calendar_month"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_calendar_quarter"),
    )
    op.create_table(
        "price_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        *_keys(),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.CheckConstraint("price >= 0", name="ck_price_history_price"),
        sa.CheckConstraint("valid_to >= valid_from", name="ck_price_history_window"),
    )
    op.create_index(
        "ix_price_history_store_product", "price_history", ["store_id", "product_id", "valid_from"]
    )
    op.create_index("ix_price_history_product_id", "price_history", ["product_id"])
    op.create_table(
        "promotion",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        *_keys(),
        sa.Column("discount_pct", sa.Numeric(4, 3), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.CheckConstraint("discount_pct >= 0 AND discount_pct <= 1", name="ck_promotion_discount"),
        sa.CheckConstraint("end_date >= start_date", name="ck_promotion_window"),
    )
    op.create_index(
        "ix_promotion_store_product", "promotion", ["store_id", "product_id", "start_date"]
    )
    op.create_index("ix_promotion_product_id", "promotion", ["product_id"])
    op.create_table(
        "sales_daily",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("date", sa.Date, sa.ForeignKey("calendar.date"), nullable=False),
        *_keys(),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("total_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("on_promotion", sa.Boolean, nullable=False),
        sa.UniqueConstraint("date", "store_id", "product_id", name="uq_sales_daily_grain"),
        sa.CheckConstraint("quantity >= 0", name="ck_sales_daily_quantity"),
        sa.CheckConstraint("unit_price >= 0", name="ck_sales_daily_unit_price"),
    )
    _fact_indexes("sales_daily")
    op.create_table(
        "inventory_snapshot_daily",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("date", sa.Date, sa.ForeignKey("calendar.date"), nullable=False),
        *_keys(),
        sa.Column("on_hand_qty", sa.Integer, nullable=False),
        sa.Column("received_qty", sa.Integer, nullable=False),
        sa.Column("ordered_qty", sa.Integer, nullable=False),
        sa.Column("is_stockout", sa.Boolean, nullable=False),
        sa.UniqueConstraint(
            "date", "store_id", "product_id", name="uq_inventory_snapshot_daily_grain"
        ),
        sa.CheckConstraint("on_hand_qty >= 0", name="ck_inventory_on_hand"),
    )
    _fact_indexes("inventory_snapshot_daily")


def downgrade() -> None:
    for table in (
        "inventory_snapshot_daily",
        "sales_daily",
        "promotion",
        "price_history",
        "calendar",
        "product",
        "store",
    ):
        op.drop_table(table)
