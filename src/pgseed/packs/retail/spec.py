"""The retail pack as the engine sees it (``packs.contract.Pack``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...run import SchemaSpec
from ..contract import Plan, RunContext, Samples
from . import pack
from . import plan as full
from .config import ENV_KEYS, RetailConfig
from .models import FACTS, metadata
from .pack import COLUMNS, DEFAULT_DATABASE

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = SchemaSpec(
    metadata=metadata, migrations=MIGRATIONS, columns=COLUMNS, binary=frozenset(FACTS)
)


class RetailPack:
    """Spec 003 ("The Forge"): a generate is spec 003's ``--full-new``, which replaces
    all seven tables (``--confirm`` when they hold rows); append, delete and report are
    the pack's own verbs (``packs/retail/ops.py``, ``report.py``)."""

    name = "retail"
    help = 'The retail pack (spec 003, "The Forge").'
    schema = SCHEMA
    default_database = DEFAULT_DATABASE
    workers = ("pgseed.packs.retail.work",)
    config_model = RetailConfig
    replaces = True
    cli: str | None = "pgseed.cli.retail:retail"
    env_aliases = ENV_KEYS  # spec 003's SEEDER_* variables

    def plan(self, cfg: RetailConfig, conn: Any) -> full.FullPlan:
        return full.plan_full(cfg)

    def run(self, ctx: RunContext, plan: Plan) -> None:
        assert isinstance(plan, full.FullPlan)
        pack.run_full(ctx, plan)

    def samples(self, cfg: RetailConfig, plan: Plan, seed: int) -> Samples:
        assert isinstance(plan, full.FullPlan)
        return full.samples(plan)

    def verify(self, conn: Any, cfg: RetailConfig) -> list[Any]:
        from .verify import verify

        return verify(conn, cfg)


PACK = RetailPack()

__all__ = ["DEFAULT_DATABASE", "MIGRATIONS", "PACK", "SCHEMA"]
