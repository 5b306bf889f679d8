"""pgseed: fast, deterministic, foreign-key-correct synthetic seed data for PostgreSQL.

The public surface is re-exported here, lazily (PEP 562): generator worker
processes import ``pgseed`` on the way to numpy-only modules and must not pay for
SQLAlchemy, Alembic and psycopg.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AdminUUIDError": "errors",
    "ConfigError": "errors",
    "CopyLoader": "load",
    "DatabaseUnavailable": "errors",
    "FileSink": "sinks",
    "GenerationError": "errors",
    "LoadOrder": "schema",
    "PgseedError": "errors",
    "Reporter": "progress",
    "SafetyError": "errors",
    "SchemaMismatchError": "errors",
    "SchemaSpec": "session",
    "VerificationFailed": "errors",
    "WorkerPool": "run",
    "derive": "rng",
    "load_order": "schema",
    "seed": "session",
    "stream": "rng",
}

__all__ = [
    "AdminUUIDError",
    "ConfigError",
    "CopyLoader",
    "DatabaseUnavailable",
    "FileSink",
    "GenerationError",
    "LoadOrder",
    "PgseedError",
    "Reporter",
    "SafetyError",
    "SchemaMismatchError",
    "SchemaSpec",
    "VerificationFailed",
    "WorkerPool",
    "derive",
    "load_order",
    "seed",
    "stream",
]

if TYPE_CHECKING:
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
    from .run import WorkerPool
    from .schema import LoadOrder, load_order
    from .session import SchemaSpec, seed
    from .sinks import FileSink


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pgseed' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
