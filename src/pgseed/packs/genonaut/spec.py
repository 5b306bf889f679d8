"""What the engine needs to know of the Genonaut schema."""

from __future__ import annotations

from pathlib import Path

from ...run import SchemaSpec
from .models import metadata
from .pack import COLUMNS

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = SchemaSpec(metadata=metadata, migrations=MIGRATIONS, columns=COLUMNS)
DEFAULT_DATABASE = "genonaut_demo"
