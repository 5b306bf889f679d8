"""The schema check spells model types as PostgreSQL's format_type does, so a pack's own
database is never taken for an application's evolved one (which the pack would then bind
to, with casts): quoted enum names keep their case, timestamps keep their precision."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Column, MetaData, Numeric, Table, Text, create_engine
from sqlalchemy.dialects.postgresql import ENUM, TIMESTAMP

from pgseed.schema import mismatches, normalized_type, schema_state
from tests.conftest import dsn_for

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    ("compiled", "expected"),
    [
        ('"Gender"', '"Gender"'),
        ('"SeedRunKind"', '"SeedRunKind"'),
        ("TIMESTAMP(3) WITHOUT TIME ZONE", "timestamp(3) without time zone"),
        ("TIMESTAMP(3)", "timestamp(3) without time zone"),
        ("TIMESTAMP", "timestamp without time zone"),
        ("TIMESTAMP(6) WITH TIME ZONE", "timestamp(6) with time zone"),
        ("NUMERIC(9, 6)", "numeric(9,6)"),
        ("gender", "gender"),
    ],
)
def test_model_types_are_spelled_as_format_type_prints_them(compiled: str, expected: str) -> None:
    assert normalized_type(compiled) == expected


def test_a_pack_schema_with_quoted_enums_and_timestamp_precision_is_its_own(
    server_dsn: str, db_name: str
) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{db_name}"')
    md = MetaData()
    Table(
        "Thing",
        md,
        Column("kind", ENUM("A", "B", name="ThingKind"), nullable=False),
        Column("at", TIMESTAMP(precision=3), nullable=False),
        Column("at_tz", TIMESTAMP(timezone=True, precision=6)),
        Column("lat", Numeric(9, 6)),
        Column("note", Text),
    )
    url = (
        "postgresql+psycopg://"
        + "/"
        + db_name
        + "?"
        + "&".join(
            f"{k}={v}"
            for k, v in psycopg.conninfo.conninfo_to_dict(server_dsn).items()
            if k != "dbname"
        )
    )
    engine = create_engine(url)
    md.create_all(engine)
    engine.dispose()
    with psycopg.connect(dsn_for(server_dsn, db_name)) as c:
        assert mismatches(c, md) == []
        assert schema_state(c, md) == "ok"
