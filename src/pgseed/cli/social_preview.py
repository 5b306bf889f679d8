"""``--dry-run`` and ``--output DIR [--format csv|json|parquet]`` of the social seeding
verbs: the library's preview (``packs.social.preview``) and the engine's file export
(``engine.export_files``), printed.

``--output`` writes what the same command writes into an empty database (the reference
rows and "SeedRun" too), without the jobs (it implies ``--skipJobs``): they derive their
tables in SQL from a database. It takes no target, and ``seed-activity`` refuses it: an
append continues a database's activity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ..dsn import redact
from ..errors import ConfigError
from .shell import print_rows, print_samples, reproduced

EXACT = "exact: the phases run in memory"
NO_JOBS = (
    "--output implies --skipJobs: the jobs derive their tables in SQL from a database; "
    "the files hold what seed-all --skipJobs writes into an empty database"
)


def output_options(f: Any) -> Any:
    """``--dry-run``, ``--output`` and ``--format`` (``options.output_options``: csv by
    default, refused without --output)."""
    from .options import apply
    from .options import output_options as files
    from .social_common import _opt

    dry = _opt(
        "dry-run",
        "dryRun",
        "dry_run",
        is_flag=True,
        help="print what the command would write (rows, samples, users, window); write nothing",
    )
    return apply(f, [dry, *files()])


def check_output(verb: str, output: Path | None, fmt: str, target: bool, cfg: Any) -> str:
    """The file format; ConfigError (exit 2) for a combination that cannot be honoured
    (``--format`` without ``--output`` is refused before, by ``options.output_options``)."""
    if output is None:
        return fmt
    if verb == "seed-activity":
        raise ConfigError(
            "seed-activity continues the activity a database holds; --output has no database "
            "to continue.\nFix: pgseed social seed-all --output DIR --count N --activityDays D "
            "writes profiles and activity to files, or drop --output to append to a database."
        )
    if target:
        raise ConfigError(
            "--output writes files instead of a database: --database-url and --embedded "
            "name a database.\nFix: drop --database-url/--embedded, or drop --output."
        )
    if cfg.jobs_command is not None:
        raise ConfigError(
            "--jobs-command runs the application's jobs against a database; --output writes "
            "files.\nFix: drop --jobs-command, or drop --output."
        )
    return fmt


def _window(phases: Any) -> str:
    start, days = phases.activity
    return f"{start}..{start + dt.timedelta(days=days - 1)} ({days} day{'s' if days != 1 else ''})"


def for_files(cfg: Any, phases: Any) -> tuple[Any, Any]:
    """The command as ``--output`` runs it: without the jobs, recorded as --skipJobs."""
    if not phases.jobs:
        return cfg, phases
    click.echo(f"note: {NO_JOBS}")
    return cfg.model_copy(update={"skip_jobs": True}), replace(phases, jobs=False)


def dry_run(
    dsn: str | None,
    cfg: Any,
    phases: Any,
    output: Path | None,
    fmt: str,
    *,
    replace: bool = False,
) -> None:
    """Print what the command would write, computed in memory; nothing is written.
    ``replace`` (seed-all --replace): the rows it would remove first, then the phases
    as into an empty database."""
    from .. import engine
    from ..packs.social.preview import preview

    if replace and dsn is not None:
        from ..packs.social.cleanup import preview as removal

        scopes = removal(dsn, "all")  # a row blocking the removal fails here, as for real
        if scopes is not None:
            print_rows("would remove first (--replace, in the same transaction):", scopes["all"])
            click.echo("then, as into an empty database:")
            dsn = None

    if output is not None:
        from ..sinks.manifest import check_output as foreign_files

        engine.writable(output, create=False)
        if output.is_dir():  # the refusals of the real export, before anything runs
            foreign_files(output)
        cfg, phases = for_files(cfg, phases)
    elif phases.activity is not None:
        from ..packs.social.activity import narrow

        narrow.copy_format()  # a bad PGSEED_SOCIAL_COPY: exit 2, as the real run
    p = preview(dsn, cfg, phases)
    if output is not None:
        click.echo(f"would write to {output} ({fmt}), as into an empty database")
    elif p.dbname is None and replace:
        pass  # said above: the emptied database
    elif p.dbname is None:
        click.echo(f"database {redact(dsn or '')}: does not exist yet; a real run creates it")
    elif p.state in ("ok", "bind"):
        click.echo(f'database "{p.dbname}": reachable; the command continues what it holds')
    else:
        click.echo(f'database "{p.dbname}": reachable; a real run creates the schema')
    if p.users is not None:
        first, last = p.users
        click.echo(
            f"users: {first}..{last} ({last - first + 1:,} new profiles)"
            if last >= first
            else "users: none (--count 0)"
        )
    if phases.activity is not None and not p.already:
        click.echo(f"window: {_window(phases)}, runSeed {cfg.run_seed}")
    for note in p.notes:
        click.echo(f"note: {note}")
    if p.already:
        click.echo(p.already)
    how = EXACT + (", activity simulated day by day" if phases.activity is not None else "")
    print_rows(f"rows per table (dry run: nothing is written; {how}):", p.rows)
    print_samples(p.samples)
    if phases.jobs:
        click.echo("\nthen the jobs (not previewed: they derive their tables in SQL from the data)")


def write_output(cfg: Any, phases: Any, output: Path, fmt: str, line: str) -> None:
    """The command's rows, as into an empty database, into ``output`` (all files or none)."""
    from .. import engine
    from ..packs.social.spec import SocialPlan
    from ..progress import Reporter
    from .social_common import _pack

    what = f"{cfg.count:,} profiles" + (
        f" + activity {_window(phases)}" if phases.activity is not None else ""
    )
    click.echo(f"writing {output} ({fmt}): {what}, runSeed {cfg.run_seed}")
    cfg, phases = for_files(cfg, phases)
    reporter = Reporter()
    planned = SocialPlan({"User": cfg.count, "Profile": cfg.count}, phases.activity)
    result = engine.export_files(
        _pack(), cfg, output, fmt, reporter=reporter, workers=1, reproduce=line, planned=planned
    )
    written = {t: n for t, n in result.written.items() if n}
    reporter.summary(written, result.seconds, f"rows written to {output} ({fmt})")
    reproduced(line)
