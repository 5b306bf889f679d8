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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..dsn import redact
from ..errors import ConfigError
from ..progress import Reporter
from ..safety import require_existing
from . import social_preview
from .options import Decorator, history_option
from .shell import PgseedCommand, print_rows, redacted_args, reproduced, resolve_dsn
from .social_common import (
    DEFAULT_DATABASE,
    _jobs_command,
    _opt,
    _target_options,
    maps,
    social,
)
from .social_preview import check_output, output_options


def _config_options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts: list[Decorator] = [
        _opt(
            "run-seed",
            "runSeed",
            "run_seed",
            help="run seed: printable ASCII without spaces, e.g. demo-2024 (drawn and printed when omitted)",
        ),
        _opt(
            "config",
            None,
            "config_path",
            type=click.Path(path_type=Path),
            help="config file (YAML)",
        ),
        click.option(
            "--market",
            "market",
            type=click.Choice(["default", "realistic"]),
            help="like model preset: realistic = men like ~50%, women ~10% of profiles "
            "(docs/social.md) [default: default]",
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


def _config(config_path: Path | None, sets: tuple[str, ...], **flags: Any) -> tuple[Any, bool]:
    """The layered config, with a run seed drawn when none was given (True: drawn)."""
    from ..packs.social.config import build

    named = {
        k: (v.date() if isinstance(v, dt.datetime) else v)
        for k, v in flags.items()
        if v is not None
    }
    if maps():
        named["map"] = maps()
    cfg = build(file=config_path, environ=os.environ, flags=named, sets=sets)
    if cfg.run_seed is not None:
        return cfg, False
    return _with_seed(cfg, f"seed-{secrets.token_hex(4)}"), True


def _with_seed(cfg: Any, run_seed: str) -> Any:
    """``cfg`` with ``run_seed`` (validated again, so its integer key follows)."""
    return type(cfg).model_validate({**cfg.model_dump(exclude={"seed"}), "run_seed": run_seed})


def _reproduce(run_seed: str) -> str:
    """This command line with its run seed, the password of any URL masked."""
    args = redacted_args()
    if not any(a.split("=")[0] in ("--runSeed", "--run-seed") for a in args):
        args += ["--runSeed", run_seed]
    return "pgseed " + " ".join(shlex.quote(a) for a in args)


def _run(
    database_url: str | None,
    embedded: bool,
    cfg: Any,
    drawn: bool,
    phases: Any,
    what: str,
    files: tuple[str, bool, Path | None, str],
    dsn: str | None = None,
    replace: tuple[bool, bool] = (False, False),
) -> None:
    """The command's phases into the database, or (``files``: the verb, ``--dry-run``,
    ``--output``, ``--format``) previewed, or into files. ``replace``: ``--replace`` and
    ``--confirm`` (seed-all: empty the social tables first, in the same transaction)."""
    from ..packs.social import ops

    verb, dry_run, output, fmt = files
    fmt = check_output(verb, output, fmt, database_url is not None or embedded, cfg)
    if replace[0] and output is not None:
        raise ConfigError(
            "--replace empties a database's social tables first; --output writes files, "
            "which always start empty.\nFix: drop --replace, or drop --output."
        )
    line = _reproduce(cfg.run_seed)
    if drawn:
        click.echo(f"no --runSeed given: drew {cfg.run_seed}")
    if output is not None:
        if dry_run:
            social_preview.dry_run(None, cfg, phases, output, fmt)
        else:
            social_preview.write_output(cfg, phases, output, fmt, line)
        return
    dsn = dsn or resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    if dry_run:
        social_preview.dry_run(dsn, cfg, phases, None, fmt, replace=replace[0])
        return
    if not phases.profiles:  # an append continues seeded profiles: it creates nothing
        require_existing(dsn)
    click.echo(f"seeding {redact(dsn)}: {what}, runSeed {cfg.run_seed}")
    reporter = Reporter(progress=True)
    out = ops.seed(
        dsn,
        cfg,
        phases,
        reporter=reporter,
        reproduce=line,
        operation=verb,
        replace=replace[0],
        confirm=replace[1],
    )
    if out.replaced:
        print_rows("removed first (--replace), in the same transaction:", out.replaced)
    if out.already:
        click.echo(out.already)
        return
    for note in out.notes:
        reporter.warn(note)
    if out.users is not None and out.users[1] >= out.users[0]:
        click.echo(f"profiles: users {out.users[0]}..{out.users[1]}")
    written = {t: n for t, n in out.written.items() if n}  # the tables this run wrote to
    reporter.summary(written, out.seconds, "rows written, in one transaction")
    if phases.jobs and cfg.jobs_command is not None:
        click.echo("jobs: run by --jobs-command, after the commit")
    elif out.jobs:
        print_rows("jobs (rows written):", out.jobs)
    elif phases.activity is not None:
        click.echo(
            "the derived tables (the jobs') are as they were: pgseed social run-job NAME "
            "brings them to the end of this window"
        )
    reproduced(line)


@social.command("seed-all", cls=PgseedCommand)
@_target_options
@history_option()
@_config_options
@_count
@_activity_days
@_start
@_skip_activity
@_skip_jobs
@_jobs_command
@output_options
@click.option(
    "--replace",
    is_flag=True,
    help="empty the social tables first (reset --scope all), in the same transaction: "
    "a failure or a stop leaves them as they were; needs --confirm when they hold rows",
)
@click.option("--confirm", is_flag=True, help="confirm --replace of tables that hold rows")
def seed_all(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    dry_run: bool,
    output: Path | None,
    fmt: str,
    replace: bool,
    confirm: bool,
    **flags: Any,
) -> None:
    """Profiles, then activity, then the jobs, in one transaction (spec 5.3 seedAll.ts);
    with --replace, after emptying the social tables in that same transaction."""
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
        ("seed-all", dry_run, output, fmt),
        replace=(replace, confirm),
    )


@social.command("seed-profiles", cls=PgseedCommand)
@_target_options
@history_option()
@_config_options
@_count
@_start
@output_options
def seed_profiles(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    dry_run: bool,
    output: Path | None,
    fmt: str,
    **flags: Any,
) -> None:
    """Phase A: users, profiles, media, interests and quiz answers (seedMassProfiles.ts)."""
    from ..packs.social.ops import Phases

    cfg, drawn = _config(config_path, sets, **flags)
    _run(
        database_url,
        embedded,
        cfg,
        drawn,
        Phases(profiles=True),
        f"{cfg.count} profiles",
        ("seed-profiles", dry_run, output, fmt),
    )


@social.command("seed-activity", cls=PgseedCommand)
@_target_options
@history_option()
@_config_options
@_start
@_days
@output_options
def seed_activity(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    sets: tuple[str, ...],
    days: int | None,
    dry_run: bool,
    output: Path | None,
    fmt: str,
    **flags: Any,
) -> None:
    """Phase B: DAYS of activity from --startDate over every seeded user, continuing what
    the database holds (seedActivity.ts; append-safe)."""
    from ..packs.social.ops import Phases, continuing_seed

    if days is not None:  # the window is --days long: the config's end check uses it
        flags["activity_days"] = days
    cfg, drawn = _config(config_path, sets, **flags)
    check_output("seed-activity", output, fmt, database_url is not None or embedded, cfg)
    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    if drawn:  # an append continues the database's run seed rather than a new one
        found = continuing_seed(dsn)
        if found is not None:
            click.echo(f"no --runSeed given: continuing runSeed {found} (the database's)")
            cfg, drawn = _with_seed(cfg, found), False
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
        ("seed-activity", dry_run, output, fmt),
        dsn,
    )


# The verbs that read or tidy a seeded database register themselves on the group.
from . import social_tools  # noqa: E402,F401
