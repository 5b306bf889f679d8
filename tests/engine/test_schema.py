from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from pgseed.errors import SchemaMismatchError
from pgseed.packs.genonaut.models import metadata
from pgseed.schema import load_order


def test_genonaut_parents_first() -> None:
    order = [t.name for t in load_order(metadata).tables]
    assert order.index("users") < order.index("content_items") < order.index("generation_jobs")
    assert order.index("users") < order.index("content_items_auto")
    assert load_order(metadata).deferred == ()


def _cycle(nullable: bool, use_alter: bool = True) -> MetaData:
    md = MetaData()
    Table(
        "a",
        md,
        Column("id", Integer, primary_key=True),
        Column("b_id", Integer, ForeignKey("b.id", use_alter=use_alter), nullable=nullable),
    )
    Table(
        "b",
        md,
        Column("id", Integer, primary_key=True),
        Column("a_id", Integer, ForeignKey("a.id"), nullable=False),
    )
    return md


@pytest.mark.parametrize("use_alter", [True, False])
def test_cycle_through_nullable_fk_is_deferred(use_alter: bool) -> None:
    lo = load_order(_cycle(nullable=True, use_alter=use_alter))
    assert [t.name for t in lo.tables] == ["a", "b"]  # a first, with b_id NULL
    assert lo.deferred == (("a", ("b_id",)),)


def test_nullable_self_reference_is_deferred() -> None:
    md = MetaData()
    Table(
        "emp",
        md,
        Column("id", Integer, primary_key=True),
        Column("boss_id", Integer, ForeignKey("emp.id"), nullable=True),
    )
    lo = load_order(md)
    assert [t.name for t in lo.tables] == ["emp"] and lo.deferred == (("emp", ("boss_id",)),)


def test_cycle_through_not_null_fks_is_refused() -> None:
    with pytest.raises(SchemaMismatchError, match="cycle"):
        load_order(_cycle(nullable=False))
