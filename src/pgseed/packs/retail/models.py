"""The Forge's seven tables: three dimensions and four fact tables.

Constraints are spec 003's exactly (grain uniques and checks); the other columns
are what a forecasting team wants next to them (codes, regions, categories,
base prices, launch dates, promotion flags, replenishment).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Store(Base):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    region: Mapped[str] = mapped_column(String(50), nullable=False)
    store_type: Mapped[str] = mapped_column(String(50), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    size_sqm: Mapped[int] = mapped_column(Integer, nullable=False)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (CheckConstraint("base_price >= 0", name="ck_product_base_price"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(50), nullable=False)
    brand: Mapped[str] = mapped_column(String(50), nullable=False)
    base_price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    launch_date: Mapped[date] = mapped_column(Date, nullable=False)


class Calendar(Base):
    __tablename__ = "calendar"
    __table_args__ = (
        CheckConstraint("day_of_week BETWEEN 0 AND 6", name="ck_calendar_day_of_week"),
        CheckConstraint("month BETWEEN 1 AND 12", name="ck_calendar_month"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_calendar_quarter"),
    )

    date: Mapped[date] = mapped_column(Date, primary_key=True)
    day_of_week: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # 0 = Monday
    day_of_month: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    day_of_year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    week_of_year: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # ISO week
    month: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    quarter: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    is_weekend: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_holiday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    holiday_name: Mapped[str | None] = mapped_column(String(100), nullable=True)


class SalesDaily(Base):
    __tablename__ = "sales_daily"
    __table_args__ = (
        UniqueConstraint("date", "store_id", "product_id", name="uq_sales_daily_grain"),
        CheckConstraint("quantity >= 0", name="ck_sales_daily_quantity"),
        CheckConstraint("unit_price >= 0", name="ck_sales_daily_unit_price"),
        Index("ix_sales_daily_store_product", "store_id", "product_id"),
        Index("ix_sales_daily_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    date: Mapped[date] = mapped_column(Date, ForeignKey("calendar.date"), nullable=False)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("store.id"), nullable=False)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("product.id"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    on_promotion: Mapped[bool] = mapped_column(Boolean, nullable=False)


class PriceHistory(Base):
    __tablename__ = "price_history"
    __table_args__ = (
        CheckConstraint("price >= 0", name="ck_price_history_price"),
        CheckConstraint("valid_to >= valid_from", name="ck_price_history_window"),
        Index("ix_price_history_store_product", "store_id", "product_id", "valid_from"),
        Index("ix_price_history_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("store.id"), nullable=False)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("product.id"), nullable=False)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date] = mapped_column(Date, nullable=False)


class Promotion(Base):
    __tablename__ = "promotion"
    __table_args__ = (
        CheckConstraint("discount_pct >= 0 AND discount_pct <= 1", name="ck_promotion_discount"),
        CheckConstraint("end_date >= start_date", name="ck_promotion_window"),
        Index("ix_promotion_store_product", "store_id", "product_id", "start_date"),
        Index("ix_promotion_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("store.id"), nullable=False)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("product.id"), nullable=False)
    discount_pct: Mapped[Decimal] = mapped_column(Numeric(4, 3), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)


class InventorySnapshotDaily(Base):
    __tablename__ = "inventory_snapshot_daily"
    __table_args__ = (
        UniqueConstraint(
            "date", "store_id", "product_id", name="uq_inventory_snapshot_daily_grain"
        ),
        CheckConstraint("on_hand_qty >= 0", name="ck_inventory_on_hand"),
        Index("ix_inventory_snapshot_daily_store_product", "store_id", "product_id"),
        Index("ix_inventory_snapshot_daily_product_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    date: Mapped[date] = mapped_column(Date, ForeignKey("calendar.date"), nullable=False)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("store.id"), nullable=False)
    product_id: Mapped[int] = mapped_column(Integer, ForeignKey("product.id"), nullable=False)
    # Stock at the start of the day: what the day's sales could draw on.
    on_hand_qty: Mapped[int] = mapped_column(Integer, nullable=False)
    # Delivered at the end of the day: on_hand(t+1) = on_hand(t) - sold(t) + received(t).
    received_qty: Mapped[int] = mapped_column(Integer, nullable=False)
    # Ordered at the end of the day; arrives lead_time_days later unless the delivery
    # is missed (what an append needs to continue a series exactly).
    ordered_qty: Mapped[int] = mapped_column(Integer, nullable=False)
    # Demand that day exceeded what was on hand.
    is_stockout: Mapped[bool] = mapped_column(Boolean, nullable=False)


metadata = Base.metadata
TABLES = (
    "store",
    "product",
    "calendar",
    "price_history",
    "promotion",
    "sales_daily",
    "inventory_snapshot_daily",
)
DIMENSIONS = ("store", "product", "calendar")
FACTS = ("sales_daily", "price_history", "promotion", "inventory_snapshot_daily")
