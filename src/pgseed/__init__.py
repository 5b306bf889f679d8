"""pgseed: fast, deterministic, foreign-key-correct synthetic seed data for PostgreSQL.

The public surface is re-exported here; everything else is an implementation detail.
"""

from __future__ import annotations

from .errors import (
    AdminUUIDError,
    ConfigError,
    DatabaseUnavailable,
    GenerationError,
    PgseedError,
    SafetyError,
    SchemaMismatchError,
    VerificationFailed,
)
from .load import CopyLoader
from .progress import Reporter
from .rng import derive, stream
from .schema import LoadOrder, load_order
from .session import SchemaSpec, seed

__version__ = "0.1.0"

__all__ = [
    "AdminUUIDError",
    "ConfigError",
    "CopyLoader",
    "DatabaseUnavailable",
    "GenerationError",
    "LoadOrder",
    "PgseedError",
    "Reporter",
    "SafetyError",
    "SchemaMismatchError",
    "SchemaSpec",
    "VerificationFailed",
    "derive",
    "load_order",
    "seed",
    "stream",
]
