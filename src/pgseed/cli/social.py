"""``pgseed social ...``: spec 004's scripts as verbs (seedAll.ts, seedMassProfiles.ts,
seedActivity.ts, runJob.ts, debugUser.ts and the cleanup section).

Every flag takes the spec's spelling and kebab-case: ``--runSeed=demo-2024`` or
``--run-seed demo-2024``, ``--activityDays`` or ``--activity-days``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..dsn import redact
from ..errors import ConfigError
from ..progress import Reporter
from .options import Decorator
from .shell import PgseedCommand, PgseedGroup, print_rows, reproduced, resolve_dsn

DEFAULT_DATABASE = "social_demo"


@click.group(cls=PgseedGroup)
def social() -> None:
    """The social pack (spec 004): profiles, then day-by-day activity whose rates emerge,
    then the jobs that derive scores."""


def _opt(long: str, camel: str | None, dest: str, **kw: Any) -> Decorator:
    names = [f"--{long}"] + ([f"--{camel}"] if camel else [])
    return click.option(*names, dest, **kw)


def _target_options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts: list[Decorator] = [
        _opt(
            "database-url",
            "database_url",
            "database_url",
            help="target database (else $DATABASE_URL; name must end in _demo or _test)",
        ),
        click.option(
            "--embedded", is_flag=True, help=f"target the embedded server ({DEFAULT_DATABASE})"
        ),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _config_options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts: list[Decorator] = [
        _opt(
            "run-seed",
            "runSeed",
            "run_seed",
            help="run seed, any text (drawn and printed when omitted)",
        ),
        _opt(
            "config",
            None,
            "config_path",
            type=click.Path(path_type=Path),
            help="config file (YAML)",
        ),
        click.option(
            "--set", "sets", multiple=True, metavar="KEY=VALUE", help="override any config key"
        ),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


_count = _opt(
    "count",
    None,
    "count",
    type=click.IntRange(0, 1_000_000),
    help="profiles to create [default: 100]",
)
_start = _opt(
    "start-date",
    "startDate",
    "start_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="first day [default: 2024-01-01]",
)
_activity_days = _opt(
    "activity-days",
    "activityDays",
    "activity_days",
    type=click.IntRange(0, 3660),
    help="days of activity [default: 30]",
)
_days = _opt(
    "days",
    None,
    "days",
    type=click.IntRange(1, 3660),
    help="days of activity to simulate [default: 30]",
)
_skip_activity = _opt(
    "skip-activity",
    "skipActivity",
    "skip_activity",
    is_flag=True,
    default=None,
    help="profiles only",
)
_skip_jobs = _opt(
    "skip-jobs", "skipJobs", "skip_jobs", is_flag=True, default=None, help="do not run the jobs"
)
_jobs_command = _opt(
    "jobs-command",
    "jobsCommand",
    "jobs_command",
    help='run each job with the application\'s runner, e.g. "npm run job -- {job}"',
)


def _config(config_path: Path | None, sets: tuple[str, ...], **flags: Any) -> tuple[Any, bool]:
    """The layered config, with a run seed drawn when none was given (True: drawn)."""
    from ..packs.social.config import build

    named = {
        k: (v.date() if isinstance(v, dt.datetime) else v)
        for k, v in flags.items()
        if v is not None
    }
    cfg = build(file=config_path, environ=os.environ, flags=named, sets=sets)
    if cfg.run_seed is not None:
        return cfg, False
    drawn = f"seed-{secrets.token_hex(4)}"
    return cfg.model_copy(update={"run_seed": drawn}), True


def _reproduce(run_seed: str) -> str:
    """This command line with its run seed, the password of any URL masked."""
    args = list(sys.argv[1:])
    for i, a in enumerate(args):
        if a in ("--database-url", "--database_url") and i + 1 < len(args):
            args[i + 1] = redact(args[i + 1])
        elif a.startswith(("--database-url=", "--database_url=")):
            k, v = a.split("=", 1)
            args[i] = f"{k}={redact(v)}"
    if not any(a.split("=")[0] in ("--runSeed", "--run-seed") for a in args):
        args += ["--runSeed", run_seed]
    return "pgseed " + " ".join(shlex.quote(a) for a in args)


def _run(
    database_url: str | None, embedded: bool, cfg: Any, drawn: bool, phases: Any, what: str
) -> None:
    from ..packs.social import ops

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    line = _reproduce(cfg.run_seed)
    if drawn:
        click.echo(f"no --runSeed given: drew {cfg.run_seed}")
    click.echo(f"seeding {redact(dsn)}: {what}, runSeed {cfg.run_seed}")
    reporter = Reporter(progress=True)
    out = ops.seed(dsn, cfg, phases, reporter=reporter, reproduce=line)
    if out.users is not None:
        click.echo(f"profiles: users {out.users[0]}..{out.users[1]}")
    reporter.summary(out.written, out.seconds, "rows written, in one transaction")
    if out.jobs:
        print_rows("jobs (rows written):", out.jobs)
    reproduced(line)


@social.command("seed-all", cls=PgseedCommand)
@_target_options
@_config_options
@_count
@_activity_days
@_start
@_skip_activity
@_skip_jobs
@_jobs_command
def seed_all(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    **flags: Any,
) -> None:
    """Profiles, then activity, then the jobs, in one transaction (spec 5.3 seedAll.ts)."""
    from ..packs.social.ops import Phases

    cfg, drawn = _config(config_path, sets, **flags)
    activity = None if cfg.skip_activity else (cfg.start_date, cfg.activity_days)
    if activity is not None and activity[1] == 0:
        activity = None
    phases = Phases(profiles=True, activity=activity, jobs=not cfg.skip_jobs)
    _run(
        database_url,
        embedded,
        cfg,
        drawn,
        phases,
        f"{cfg.count} profiles"
        + (f" + {cfg.activity_days} days from {cfg.start_date}" if activity else ""),
    )


@social.command("seed-profiles", cls=PgseedCommand)
@_target_options
@_config_options
@_count
@_start
def seed_profiles(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    **flags: Any,
) -> None:
    """Phase A: users, profiles, media, interests and quiz answers (seedMassProfiles.ts)."""
    from ..packs.social.ops import Phases

    cfg, drawn = _config(config_path, sets, **flags)
    _run(database_url, embedded, cfg, drawn, Phases(profiles=True), f"{cfg.count} profiles")


@social.command("seed-activity", cls=PgseedCommand)
@_target_options
@_config_options
@_start
@_days
def seed_activity(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    days: int | None,
    **flags: Any,
) -> None:
    """Phase B: DAYS of activity from --startDate over every seeded user, continuing what
    the database holds (seedActivity.ts; append-safe)."""
    from ..packs.social.ops import Phases

    cfg, drawn = _config(config_path, sets, **flags)
    n = days if days is not None else cfg.activity_days
    if n < 1:
        raise ConfigError(
            "--days must be at least 1.\nExample: pgseed social seed-activity --runSeed demo-2024 --startDate 2024-02-01 --days 30"
        )
    _run(
        database_url,
        embedded,
        cfg,
        drawn,
        Phases(profiles=False, activity=(cfg.start_date, n)),
        f"{n} days of activity from {cfg.start_date}",
    )


def _pack() -> Any:
    from ..packs.social.spec import PACK

    return PACK


@social.command("debug-user", cls=PgseedCommand)
@_target_options
@_opt(
    "user-id",
    "userId",
    "user_id",
    type=click.IntRange(1, 2**63 - 1),
    required=True,
    help="the user to regenerate",
)
@_opt(
    "run-seed",
    "runSeed",
    "run_seed",
    help="accepted for the spec's spelling; the run seeds come from SeedRun",
)
def debug_user(
    database_url: str | None, embedded: bool, user_id: int, run_seed: str | None
) -> None:
    """Regenerate one user from the seeds alone, print them with their personality, and
    diff their rows against the database (debugUser.ts); exit 6 on a difference."""
    from ..errors import VerificationFailed
    from ..packs.social import debug, pools, vocab
    from ..packs.social.people import GENDERS, INTENTS
    from ..verifying import reading

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with reading(_pack(), dsn, "debug") as (dbname, conn):
        r = debug.regenerate(conn, user_id)
        if run_seed is not None and run_seed != r.run_seed:
            click.echo(f"note: user {user_id} was made by run seed {r.run_seed}, not {run_seed}")
        diffs = debug.diff(conn, r)
        conn.rollback()
    p = r.person
    interests = [pools.INTERESTS[int(i)][1].label for i in p.interests[0] if i >= 0]
    click.echo(f"user {user_id} (runSeed {r.run_seed}) in {dbname}")
    click.echo(
        f"  {GENDERS[int(p.gender[0])]}, {int(p.age[0])}, {vocab.CITIES[int(p.city[0])].location_text}, "
        f"intent {INTENTS[int(p.intent[0])]}"
    )
    click.echo(
        f"  personality: {pools.ARCHETYPES[int(p.archetype[0])]}; sociability {p.sociability[0]:.2f}, "
        f"selectivity {p.selectivity[0]:.2f}, engagement {p.engagement[0]:.2f}, "
        f"desirability {p.desirability[0]:.2f}"
    )
    click.echo(
        f"  interests: {', '.join(interests)}"
        + ("; incomplete profile" if p.incomplete[0] else "")
        + ("; inactive" if p.inactive[0] else "")
    )
    bad = 0
    click.echo("rows involving the user, regenerated vs the database:")
    for d in diffs:
        if not d.missing and not d.extra:
            click.echo(f"  {d.table:<14} identical ({d.regenerated:,} rows)")
            continue
        bad += 1
        click.echo(f"  {d.table:<14} DIFFERENT ({d.regenerated:,} regenerated)")
        for row in d.missing:
            click.echo(f"    - only regenerated: {row}")
        for row in d.extra:
            click.echo(f"    + only in the database: {row}")
    if bad:
        raise VerificationFailed(
            f"{bad} table(s) differ from what the seeds regenerate for user {user_id}."
        )


@social.command("run-job", cls=PgseedCommand)
@click.argument("name")
@_target_options
@_opt(
    "as-of",
    "asOf",
    "as_of",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="compute as of this time [default: the end of the last simulated window]",
)
@_jobs_command
def run_job(
    name: str,
    database_url: str | None,
    embedded: bool,
    as_of: dt.datetime | None,
    jobs_command: str | None,
) -> None:
    """Run one derived-data job (runJob.ts): interest-relationships, searchable-user,
    build-user-traits, match-scores, quiz-stats, trending, compatibility."""
    from ..packs.social import jobs_runner

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    n, when = jobs_runner.run_one(dsn, name, as_of, jobs_command)
    click.echo(f"{name}: {n:,} rows, as of {when}")


@social.command("reset", cls=PgseedCommand)
@_target_options
@click.option(
    "--scope",
    type=click.Choice(["all", "activity", "derived"]),
    required=True,
    help='what to remove (spec 004 "Data Cleanup")',
)
@click.option("--confirm", is_flag=True, help="confirm the deletion")
@_opt("dry-run", "dryRun", "dry_run", is_flag=True, help="print what would be removed")
def reset(
    database_url: str | None, embedded: bool, scope: str, confirm: bool, dry_run: bool
) -> None:
    """Remove seeded data by scope, in one transaction: all, activity (likes, matches,
    conversations, messages, posts, views) or derived (what the jobs wrote)."""
    from ..packs.social import cleanup

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    rows = cleanup.reset(dsn, scope, confirm=confirm, dry_run=dry_run)
    print_rows(f"{'would remove' if dry_run else 'removed'} (scope {scope}):", rows)


@social.command("verify", cls=PgseedCommand)
@_target_options
@_opt(
    "run-seed",
    "runSeed",
    "run_seed",
    help="the run whose users the bands measure [default: the latest run]",
)
def verify(database_url: str | None, embedded: bool, run_seed: str | None) -> None:
    """Hard integrity, the spec's sanity checks and every emergent rate against its band,
    for the run's users and the whole database; a pass/fail table, exit 6 on a failure."""
    from ..packs.social.verify import verify as run_verify
    from ..verifying import reading
    from .shell import report_checks

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with reading(_pack(), dsn, "verify") as (dbname, conn):
        checks = run_verify(conn, run_seed)
    report_checks(dbname, checks, "rule")


@social.command("report", cls=PgseedCommand)
@_target_options
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="directory for the PNG files and index.html",
)
@_opt("run-seed", "runSeed", "run_seed", help="only the users of this run [default: every user]")
def report(database_url: str | None, embedded: bool, out: Path, run_seed: str | None) -> None:
    """Pictures of the activity: per day by type, hour-of-day and weekday curves, the funnel,
    likes received (Lorenz curve, Gini), messages per conversation, distance and age gap."""
    from ..packs.social.report import report as run_report
    from ..verifying import reading

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with reading(_pack(), dsn, "draw") as (_, conn):
        paths = run_report(conn, out, run_seed)
    click.echo(f"wrote {paths[-1]} (open it in a browser)")
