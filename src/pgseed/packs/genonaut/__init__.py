"""The Genonaut pack (specs 000-002): users, content_items, content_items_auto, generation_jobs."""

from __future__ import annotations

from pathlib import Path

from ...session import SchemaSpec
from .config import GenonautConfig
from .models import metadata
from .pack import COLUMNS

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = SchemaSpec(metadata=metadata, migrations=MIGRATIONS, columns=COLUMNS)
DEFAULT_DATABASE = "genonaut_demo"

__all__ = ["DEFAULT_DATABASE", "MIGRATIONS", "SCHEMA", "GenonautConfig"]
