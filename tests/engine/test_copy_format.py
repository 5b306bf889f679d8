"""The COPY format is declared per table in the schema spec, its binary types derived
from the SQLAlchemy column types; the retail workers' encoder must agree with it."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, Table, Text

from pgseed.errors import SchemaMismatchError
from pgseed.packs.retail.models import FACTS
from pgseed.packs.retail.simulate import FACT_TYPES
from pgseed.packs.retail.spec import SCHEMA
from pgseed.schema import binary_types


@pytest.mark.parametrize("table", FACTS)
def test_the_workers_encode_the_types_the_models_declare(table: str) -> None:
    derived = binary_types(SCHEMA.metadata.tables[table], SCHEMA.columns[table])
    assert derived == list(FACT_TYPES[table].values())


def test_the_retail_facts_are_binary_and_the_dimensions_text() -> None:
    assert SCHEMA.binary == frozenset(FACTS)
    widths = SCHEMA.binary_widths()
    assert set(widths) == set(FACTS) and all(w > 0 for w in widths.values())


def test_a_column_binary_copy_cannot_carry_is_named() -> None:
    t = Table("notes", MetaData(), Column("body", Text))
    with pytest.raises(SchemaMismatchError, match=r"notes\.body is TEXT"):
        binary_types(t, ["body"])
