"""A schema whose FKs form a cycle: load parents-first with NULL, then fill."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine
from sqlalchemy.pool import NullPool

from pgseed.load import CopyLoader
from pgseed.progress import Reporter
from pgseed.schema import load_order
from tests.conftest import dsn_for

pytestmark = pytest.mark.db


def cyclic() -> MetaData:
    md = MetaData()
    Table(
        "departments",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        Column("manager_id", Integer, ForeignKey("employees.id", name="fk_manager"), nullable=True),
    )
    Table(
        "employees",
        md,
        Column("id", Integer, primary_key=True),
        Column("department_id", Integer, ForeignKey("departments.id"), nullable=False),
    )
    return md


def test_cycle_is_loaded_with_null_then_filled(server_dsn: str, db_name: str, db_dsn: str) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    md = cyclic()
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(db_dsn), poolclass=NullPool
    )
    md.create_all(engine)
    engine.dispose()

    order = load_order(md)
    assert [t.name for t in order.tables] == ["departments", "employees"]
    assert order.deferred == (("departments", ("manager_id",)),)

    with psycopg.connect(db_dsn) as conn:
        loader = CopyLoader(
            conn,
            {"departments": ("id", "name", "manager_id"), "employees": ("id", "department_id")},
            Reporter(),
        )
        loader.copy("departments", b"1\tsales\t\\N\n2\tops\t\\N\n", 2)  # deferred FK: NULL first
        loader.copy("employees", b"10\t1\n11\t1\n20\t2\n", 3)
        assert loader.fill("departments", ["id"], ["manager_id"], b"1\t11\n2\t20\n") == 2
        conn.commit()
        rows = conn.execute("SELECT id, manager_id FROM departments ORDER BY id").fetchall()
    assert rows == [(1, 11), (2, 20)]

    # The FK is enforced on the filled column: a dangling manager is refused.
    with psycopg.connect(db_dsn) as conn:
        loader = CopyLoader(conn, {"departments": ("id", "name", "manager_id")}, Reporter())
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            loader.fill("departments", ["id"], ["manager_id"], b"1\t999\n")
