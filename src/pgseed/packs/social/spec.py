"""The social pack as the engine sees it (``packs.contract.Pack``); its verbs are in
``pgseed.cli.social`` (seed-all, seed-profiles, seed-activity, run-job, reset)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...errors import ConfigError
from ..contract import Plan, RunContext, Samples
from .config import SocialConfig
from .tables import SCHEMA

DEFAULT_DATABASE = "social_demo"


@dataclass(frozen=True)
class SocialPlan:
    """Profiles, then the config's activity window (None: ``skip_activity`` or no days).
    ``rows`` are what the profile phase adds at least: the users and their profiles."""

    rows: dict[str, int]
    activity: tuple[dt.date, int] | None


SAMPLE_USERS = 3  # the first users' rows are the first rows: ids key every value


class SocialPack:
    """Spec 004. ``generate`` (the engine's) is ``seed-all --skipJobs``: Phase A, then the
    config's activity window unless ``skip_activity``; the jobs and appends run through
    ``packs.social.ops``, which the pack's CLI calls. Without a database (``--output``)
    the run writes what an empty database would get, reference rows and "SeedRun" too."""

    name = "social"
    help = "The social pack (spec 004): profiles, then activity whose rates emerge."
    schema = SCHEMA
    default_database = DEFAULT_DATABASE
    workers: tuple[str, ...] = ()
    config_model = SocialConfig
    replaces = False
    cli: str | None = "pgseed.cli.social:social"

    def plan(self, cfg: SocialConfig, conn: Any) -> SocialPlan:
        if cfg.run_seed is None:
            raise ConfigError(
                "the social pack keys every value by a run seed, and none was given.\n"
                "Fix: set run_seed (--runSeed demo-2024), or seed (an integer, read as the "
                "run seed's text)."
            )
        window = None if cfg.skip_activity or not cfg.activity_days else cfg.activity_days
        return SocialPlan(
            {"User": cfg.count, "Profile": cfg.count},
            None if window is None else (cfg.start_date, window),
        )

    def run(self, ctx: RunContext, plan: Plan) -> None:
        from .ledger import Database, Memory
        from .ops import Phases, sync_sequences, write_phases

        assert isinstance(plan, SocialPlan)
        phases = Phases(profiles=True, activity=plan.activity)
        if ctx.conn is None:
            write_phases(Memory(), ctx.sink, ctx.cfg, phases, [])
            return
        write_phases(Database(ctx.conn), ctx.sink, ctx.cfg, phases, [])
        sync_sequences(ctx.conn)

    def samples(self, cfg: SocialConfig, plan: Plan, seed: int) -> Samples:
        """The first rows of the profile phase on an empty database (its first users)."""
        from .ops import Phases
        from .preview import preview

        few = cfg.model_copy(update={"count": min(cfg.count, SAMPLE_USERS)})
        out = preview(None, few, Phases(profiles=True)).samples
        out.pop("SeedRun", None)  # it would record the few users, not the run's
        return out

    def verify(self, conn: Any, cfg: SocialConfig) -> list[Any]:
        from .verify import verify

        return verify(conn, cfg.run_seed)


PACK = SocialPack()
