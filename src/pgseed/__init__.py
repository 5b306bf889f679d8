"""pgseed: fast, deterministic, foreign-key-correct synthetic seed data for PostgreSQL.

The public surface, re-exported lazily (PEP 562): generator worker processes
import ``pgseed`` on the way to numpy-only modules and must not pay for SQLAlchemy,
Alembic and psycopg. ``_EXPORTS`` is the one list of it (name -> module);
``__all__`` is derived from it.

Typical use::

    import pgseed
    pack = pgseed.get_pack("genonaut")
    result = pgseed.generate(pack, cfg, "postgresql://localhost/app_demo")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AdminUUIDError": "errors",
    "Check": "checks",
    "ConfigError": "errors",
    "CopyLoader": "load",
    "DatabaseUnavailable": "errors",
    "DryRun": "engine",
    "FileSink": "sinks",
    "GenerationError": "errors",
    "LoadOrder": "schema",
    "Pack": "packs.contract",
    "PgseedError": "errors",
    "Reporter": "progress",
    "RunContext": "packs.contract",
    "RunResult": "engine",
    "SafetyError": "errors",
    "SchemaMismatchError": "errors",
    "SchemaSpec": "run",
    "VerificationFailed": "errors",
    "VerifyResult": "engine",
    "WorkerPool": "pool",
    "derive": "rng",
    "dry_run": "engine",
    "export": "engine",
    "export_files": "engine",
    "fill": "anyschema.api:fill_database",
    "generate": "engine",
    "get_pack": "packs",
    "load_order": "schema",
    "stream": "rng",
    "transaction": "run",
    "verify": "engine",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .anyschema.api import fill_database as fill  # noqa: F401
    from .checks import Check as Check
    from .engine import DryRun as DryRun
    from .engine import RunResult as RunResult
    from .engine import VerifyResult as VerifyResult
    from .engine import dry_run as dry_run
    from .engine import export as export
    from .engine import export_files as export_files
    from .engine import generate as generate
    from .engine import verify as verify
    from .errors import AdminUUIDError as AdminUUIDError
    from .errors import ConfigError as ConfigError
    from .errors import DatabaseUnavailable as DatabaseUnavailable
    from .errors import GenerationError as GenerationError
    from .errors import PgseedError as PgseedError
    from .errors import SafetyError as SafetyError
    from .errors import SchemaMismatchError as SchemaMismatchError
    from .errors import VerificationFailed as VerificationFailed
    from .load import CopyLoader as CopyLoader
    from .packs import get_pack as get_pack
    from .packs.contract import Pack as Pack
    from .packs.contract import RunContext as RunContext
    from .pool import WorkerPool as WorkerPool
    from .progress import Reporter as Reporter
    from .rng import derive as derive
    from .rng import stream as stream
    from .run import SchemaSpec as SchemaSpec
    from .run import transaction as transaction
    from .schema import LoadOrder as LoadOrder
    from .schema import load_order as load_order
    from .sinks import FileSink as FileSink


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pgseed' has no attribute {name!r}")
    module, _, attr = module.partition(":")
    value = getattr(importlib.import_module(f".{module}", __name__), attr or name)
    globals()[name] = value
    return value
