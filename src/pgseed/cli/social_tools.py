"""``pgseed social`` verbs that read or tidy a seeded database: debug-user, run-job,
verify, report and reset (spec 004's debugUser.ts, runJob.ts and "Data Cleanup")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .options import history_option, report_out_option
from .shell import PgseedCommand, print_rows, reproduce, resolve_dsn
from .social_common import (
    DEFAULT_DATABASE,
    _jobs_command,
    _opt,
    _pack,
    _target_options,
    parsed_maps,
    social,
)


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
    from ..verifying import bound_reading

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with bound_reading(_pack(), dsn, parsed_maps(), "debug") as (dbname, conn):
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
@history_option()
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
    n, when = jobs_runner.run_one(
        dsn, name, as_of, jobs_command, parsed_maps(), reproduce=reproduce(None)
    )
    click.echo(f"{name}: {n:,} rows, as of {when}")


@social.command("reset", cls=PgseedCommand)
@_target_options
@history_option()
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
    if dry_run:
        scopes = cleanup.preview(dsn)
        if scopes is None:
            click.echo("nothing to reset: the database has no social schema.")
            return
        print_rows(f"would remove (scope {scope}; dry run: nothing is removed):", scopes[scope])
        click.echo(
            "each scope would remove: "
            + ", ".join(f"{s} {sum(rows.values()):,} rows" for s, rows in scopes.items())
        )
        return
    removed = cleanup.reset(
        dsn, scope, confirm=confirm, dry_run=False, maps=parsed_maps(), reproduce=reproduce(None)
    )
    if removed is None:
        click.echo("nothing to reset: the database has no social schema.")
        return
    print_rows(f"removed (scope {scope}), in one transaction:", removed)


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
    from ..verifying import bound_reading
    from .shell import report_checks

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with bound_reading(_pack(), dsn, parsed_maps()) as (dbname, conn):
        checks = run_verify(conn, run_seed)
    report_checks(dbname, checks, "rule")


@social.command("report", cls=PgseedCommand)
@_target_options
@report_out_option()
@_opt("run-seed", "runSeed", "run_seed", help="only the users of this run [default: every user]")
def report(database_url: str | None, embedded: bool, out: Path, run_seed: str | None) -> None:
    """Pictures of the activity: per day by type, hour-of-day and weekday curves, the funnel,
    likes received (Lorenz curve, Gini), messages per conversation, distance and age gap."""
    from ..packs.social.report import report as run_report
    from ..verifying import bound_reading

    dsn = resolve_dsn(database_url, embedded, DEFAULT_DATABASE)
    with bound_reading(_pack(), dsn, parsed_maps(), "draw") as (_, conn):
        paths = run_report(conn, out, run_seed)
    click.echo(f"wrote {paths[-1]} (open it in a browser)")
