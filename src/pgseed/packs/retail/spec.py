"""What the engine needs to know of the retail schema."""

from __future__ import annotations

from pathlib import Path

from ...run import SchemaSpec
from .models import metadata
from .pack import COLUMNS, DEFAULT_DATABASE

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = SchemaSpec(metadata=metadata, migrations=MIGRATIONS, columns=COLUMNS)

__all__ = ["DEFAULT_DATABASE", "MIGRATIONS", "SCHEMA"]
