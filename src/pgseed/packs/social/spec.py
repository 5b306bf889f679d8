"""The social pack as the engine sees it (``packs.contract.Pack``); its verbs are in
``pgseed.cli.social`` (seed-all, seed-profiles, seed-activity, run-job, reset)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import ConfigError
from ..contract import Plan, RunContext, Samples
from .config import SocialConfig
from .tables import SCHEMA

DEFAULT_DATABASE = "social_demo"


@dataclass(frozen=True)
class ProfilePlan:
    rows: dict[str, int]


class SocialPack:
    """Spec 004. ``generate`` (the engine's) is Phase A, ``seed-profiles``; the other
    phases run through ``packs.social.ops``, which the pack's CLI calls."""

    name = "social"
    help = "The social pack (spec 004): profiles, then activity whose rates emerge."
    schema = SCHEMA
    default_database = DEFAULT_DATABASE
    workers: tuple[str, ...] = ()
    config_model = SocialConfig
    replaces = False
    cli: str | None = "pgseed.cli.social:social"

    def plan(self, cfg: SocialConfig, conn: Any) -> ProfilePlan:
        return ProfilePlan({"User": cfg.count, "Profile": cfg.count})

    def run(self, ctx: RunContext, plan: Plan) -> None:
        from .ops import write_profiles

        if ctx.conn is None:
            raise ConfigError("the social pack writes to a database only (no --output yet).")
        write_profiles(ctx.conn, ctx.sink, ctx.cfg)  # type: ignore[arg-type]

    def samples(self, cfg: SocialConfig, plan: Plan, seed: int) -> Samples:
        return {}

    def verify(self, conn: Any, cfg: SocialConfig) -> list[Any]:
        from .verify import verify

        return verify(conn, cfg.run_seed)


PACK = SocialPack()
