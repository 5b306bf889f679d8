"""The Genonaut pack as the engine sees it (``packs.contract.Pack``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...run import SchemaSpec
from ..contract import Plan, RunContext, Samples
from . import pack
from .config import GenonautConfig
from .models import metadata

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA = SchemaSpec(metadata=metadata, migrations=MIGRATIONS, columns=pack.COLUMNS)
DEFAULT_DATABASE = "genonaut_demo"


class GenonautPack:
    """Specs 000-002: users, content_items, content_items_auto, generation_jobs. A run
    adds to what the tables hold (users judged by the database's unique indexes, ids
    from the sequences), so it never needs ``--confirm``."""

    name = "genonaut"
    help = "The Genonaut pack (specs 000-002)."
    schema = SCHEMA
    default_database = DEFAULT_DATABASE
    workers = ("pgseed.packs.genonaut.generate",)
    config_model = GenonautConfig
    replaces = False
    cli: str | None = "pgseed.cli.genonaut:genonaut"

    def plan(self, cfg: GenonautConfig, conn: Any) -> pack.Plan:
        return pack.plan(cfg, conn)

    def run(self, ctx: RunContext, plan: Plan) -> None:
        assert isinstance(plan, pack.Plan)
        pack.run(ctx, plan)

    def samples(self, cfg: GenonautConfig, plan: Plan, seed: int) -> Samples:
        assert isinstance(plan, pack.Plan)
        return pack.samples(cfg, plan, seed)

    def verify(self, conn: Any, cfg: GenonautConfig) -> list[Any]:
        from .verify import verify

        return verify(conn, cfg, cfg.admin)


PACK = GenonautPack()
