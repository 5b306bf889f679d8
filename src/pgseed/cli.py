"""The ``pgseed`` command: parse options, call the library, map errors to exit codes."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import embedded, signals
from .config import env_values, layer
from .dsn import mask, parse, redact, register_argv
from .errors import (
    INTERRUPTED_EXIT_CODE,
    ConfigError,
    Interrupted,
    PgseedError,
    VerificationFailed,
)
from .progress import Reporter
from .rng import draw_seed

# -- error handling ------------------------------------------------------------


def _say(message: str) -> None:
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        click.echo(message, err=True)


def _handled(ctx: click.Context, invoke: Callable[[click.Context], Any]) -> Any:
    """Turn pgseed's exceptions into a message and an exit code, never a traceback.

    SIGTERM and SIGHUP stop a command the way Ctrl-C does (``signals.handled``):
    exit 130, 143 or 129, after the run has rolled back and cleaned up."""
    with signals.handled():
        try:
            return invoke(ctx)
        except PgseedError as exc:
            _say(f"error: {mask(str(exc))}")
            ctx.exit(exc.exit_code)
        except Interrupted as exc:
            _say(f"interrupted ({exc.name})")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _say("interrupted")
            ctx.exit(INTERRUPTED_EXIT_CODE)


def _main(
    base: Callable[..., Any],
    args: Sequence[str] | None,
    standalone_mode: bool,
    **extra: Any,
) -> Any:
    """click's ``main`` with every password of the command line registered first and
    click's own errors (usage, bad values) masked: a URL given to the wrong flag, or
    with no flag, is echoed by click ("Got unexpected extra argument (...)")."""
    argv = list(sys.argv[1:] if args is None else args)
    register_argv(argv, os.environ)
    if not standalone_mode:
        return base(argv, standalone_mode=False, **extra)
    try:
        rv = base(argv, standalone_mode=False, **extra)
    except click.ClickException as exc:
        buf = io.StringIO()
        exc.show(file=buf)
        _say(mask(buf.getvalue()).rstrip("\n"))
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:  # Ctrl-C while click was still parsing
        _say("interrupted")
        sys.exit(INTERRUPTED_EXIT_CODE)
    sys.exit(rv if isinstance(rv, int) else 0)


class PgseedGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        return _handled(ctx, super().invoke)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        return _main(
            super().main,
            args,
            standalone_mode,
            prog_name=prog_name,
            complete_var=complete_var,
            **extra,
        )


class PgseedCommand(click.Command):
    """A command that handles pgseed's exceptions itself, for entry points that run it alone."""

    def invoke(self, ctx: click.Context) -> Any:
        return _handled(ctx, super().invoke)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        return _main(
            super().main,
            args,
            standalone_mode,
            prog_name=prog_name,
            complete_var=complete_var,
            **extra,
        )


@click.group(cls=PgseedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pgseed")
def main() -> None:
    """Fast, deterministic, FK-correct synthetic seed data for PostgreSQL."""


# -- pgseed db -----------------------------------------------------------------


@main.group(cls=PgseedGroup)
def db() -> None:
    """Manage the embedded PostgreSQL server (data in .pgseed/, or $PGSEED_HOME)."""


def _note(message: str) -> None:
    click.echo(message, err=True)


@db.command()
def start() -> None:
    """Start the embedded server (initialising it the first time).

    A stale postmaster.pid (left by an unclean stop, naming a process that is not
    this server) is removed; after a crash, waits for PostgreSQL's recovery.
    """
    url = embedded.start(notify=_note)
    click.echo(f"embedded PostgreSQL running: {url}")


@db.command()
def stop() -> None:
    """Stop the embedded server."""
    click.echo("stopped" if embedded.stop(notify=_note) else "not running")


@db.command()
def status() -> None:
    """Say whether the embedded server runs; exit 1 when it does not."""
    st = embedded.status()
    if st.running:
        starting = "" if st.state == "ready" else ", still starting up or recovering"
        click.echo(f"running (pid {st.pid}{starting}), data in {st.data_dir}: {st.url}")
        return
    click.echo(f"not running (data directory {st.data_dir})")
    if st.stale:
        click.echo(
            f"found a stale postmaster.pid, left by an unclean stop: {st.stale}.\n"
            "`pgseed db start` removes it and starts the server."
        )
    sys.exit(1)


@db.command()
@click.argument("dbname", default="postgres")
@click.option("--psql", "as_psql", is_flag=True, help="print a psql command line instead")
def url(dbname: str, as_psql: bool) -> None:
    """Print the URL of DBNAME on the embedded server."""
    target = embedded.url(dbname)
    click.echo(f"{embedded.bin_path('psql')} {shlex.quote(target)}" if as_psql else target)


@db.command(context_settings={"ignore_unknown_options": True})
@click.argument("dbname", default="genonaut_demo")
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
def psql(dbname: str, psql_args: tuple[str, ...]) -> None:
    """Open the psql shipped with the embedded server on DBNAME."""
    target = embedded.url(dbname)
    exe = str(embedded.bin_path("psql"))
    os.execv(exe, [exe, target, *psql_args])


# -- pack options --------------------------------------------------------------


def config_options(model: type[Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One option per config key, as spec 000 spells it and in kebab-case."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        for name, field in reversed(list(model.model_fields.items())):
            if name == "prompt_types":
                continue  # has its own --prompt-types flag
            kebab = "--" + name.replace("_", "-")
            spellings = ["--" + name] + ([kebab] if kebab != "--" + name else [])
            f = click.option(
                *spellings,
                name,
                default=None,
                type=str,
                help=f"config key {name} (default {field.default!r})",
            )(f)
        return f

    return decorate


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option(
            "--database-url",
            "--database_url",
            "database_url",
            help="target database (name must end in _demo or _test)",
        ),
        click.option(
            "--embedded", is_flag=True, help="target the embedded server (started if needed)"
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path),
            help="config file (default ./config.json)",
        ),
        click.option(
            "--env-file",
            "--env_file",
            "env_file",
            type=click.Path(path_type=Path),
            default=Path("env/.env"),
            show_default=True,
            help="file holding DB_USER_ADMIN_UUID",
        ),
        click.option(
            "--prompt-types",
            "--prompt_types",
            "prompt_types",
            help="comma-separated domains, e.g. 'Animals,Sci-Fi Art'",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def resolve_dsn(
    database_url: str | None,
    use_embedded: bool,
    default_db: str,
    source: str = "--database-url",
) -> str:
    if database_url is not None and use_embedded:
        raise ConfigError("pass either --database-url or --embedded, not both.")
    if use_embedded:
        # start() returns at once when the server is up, and otherwise also handles a
        # stale postmaster.pid or a server still recovering.
        embedded.start(notify=_note)
        return embedded.url(default_db)
    if database_url is None:
        raise ConfigError(
            "--database-url is required (a database whose name ends in _demo or _test), "
            "or pass --embedded to use the embedded server."
        )
    return parse(database_url, source)


def _reproduce(seed: int) -> str:
    args = list(sys.argv[1:])
    for i, a in enumerate(args):
        if a in ("--database-url", "--database_url") and i + 1 < len(args):
            args[i + 1] = redact(args[i + 1])
        elif a.startswith(("--database-url=", "--database_url=")):
            k, v = a.split("=", 1)
            args[i] = f"{k}={redact(v)}"
    if "--seed" not in args and not any(a.startswith("--seed=") for a in args):
        args += ["--seed", str(seed)]
    prog = Path(sys.argv[0]).name
    if prog == "__main__.py":
        prog = "python -m " + (
            sys.modules["__main__"].__spec__.name.rsplit(".", 1)[0]
            if sys.modules["__main__"].__spec__
            else "pgseed"
        )
    return " ".join([prog, *map(shlex.quote, args)])


# -- pgseed genonaut -----------------------------------------------------------


@main.group(cls=PgseedGroup)
def genonaut() -> None:
    """The Genonaut pack (specs 000-002)."""


def _genonaut_config(
    config_path: Path | None, prompt_types: str | None, keys: dict[str, Any]
) -> Any:
    from .packs.genonaut.config import GenonautConfig, file_values

    sources: list[tuple[str, dict[str, Any]]] = []
    path = config_path or Path("config.json")
    if config_path is not None or path.exists():
        sources.append((str(path), file_values(path)))
    sources.append(("environment", env_values(GenonautConfig)))
    cli = {k: v for k, v in keys.items() if v is not None}
    if prompt_types is not None:
        cli["prompt_types"] = prompt_types
    sources.append(("command line", cli))
    return layer(GenonautConfig, *sources)


def _genonaut_options(f: Callable[..., Any]) -> Callable[..., Any]:
    from .packs.genonaut.config import GenonautConfig

    return common_options(config_options(GenonautConfig)(f))


@genonaut.command()
@_genonaut_options
@click.option(
    "--seed", type=click.IntRange(0, 2**63 - 1), help="run seed (drawn and printed when omitted)"
)
@click.option(
    "--max-workers",
    "--max_workers",
    "max_workers",
    type=click.IntRange(1, 256),
    default=None,
    help="generator processes (default: CPU cores)",
)
@click.option(
    "--dry-run",
    "--dry_run",
    "dry_run",
    is_flag=True,
    help="check everything, print the plan and samples, write nothing",
)
@click.option(
    "--no-bulk",
    "--no_bulk",
    "no_bulk",
    is_flag=True,
    help="keep indexes and FKs in place during the load even when the tables start empty",
)
def generate(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    env_file: Path,
    prompt_types: str | None,
    seed: int | None,
    max_workers: int | None,
    dry_run: bool,
    no_bulk: bool,
    **keys: Any,
) -> None:
    """Fill a Genonaut database to spec 000."""
    from .packs.genonaut import spec as pack
    from .packs.genonaut.config import admin_uuid
    from .packs.genonaut.pack import plan, run
    from .run import seed as seed_run

    cfg = _genonaut_config(config_path, prompt_types, keys)
    admin = admin_uuid(env_file, dict(os.environ))
    plan(cfg, None, admin)  # config errors surface before anything is created
    dsn = resolve_dsn(database_url, embedded, pack.DEFAULT_DATABASE)
    workers = max_workers or os.cpu_count() or 1
    if seed is None:
        seed = draw_seed()
        click.echo(f"seed: {seed} (none given; drawn for this run)")
    reproduce = _reproduce(seed)
    reporter = Reporter()
    if dry_run:
        _dry_run(dsn, cfg, seed, admin, reporter)
        return
    click.echo(f"seeding {redact(dsn)} with seed {seed}, {workers} worker(s)")
    click.echo(f"reproduce with: {reproduce}")
    loader = seed_run(
        dsn,
        pack.SCHEMA,
        reporter,
        lambda conn, loader, pool: run(conn, cfg, seed, admin, loader, reporter, pool),
        reproduce=reproduce,
        bulk_mode=not no_bulk,
        workers=workers,
        warm=("pgseed.packs.genonaut.generate",),
    )
    reporter.summary(loader.written, loader.seconds, "rows created")


def _dry_run(dsn: str, cfg: Any, seed: int, admin: uuid.UUID, reporter: Reporter) -> None:
    from .packs.genonaut import spec as pack
    from .packs.genonaut.pack import plan, samples
    from .run import open_checked

    target, state = open_checked(dsn, pack.SCHEMA, write=True, dry_run=True)
    try:
        if state == "missing-database":
            click.echo("database: does not exist yet; a real run creates it with the schema")
        elif state == "absent":
            click.echo(f'database "{target.dbname}": reachable; a real run creates the schema')  # type: ignore[union-attr]
        else:
            click.echo(f'database "{target.dbname}": reachable, schema matches the models')  # type: ignore[union-attr]
        p = plan(cfg, target.conn if target and state == "ok" else None, admin)
    finally:
        if target is not None:
            target.conn.close()
    click.echo("planned rows (dry run: nothing is written):")
    for table, rows in p.rows.items():
        click.echo(f"  {table:<20} {rows:>12,}")
    for table, sample in samples(cfg, seed, admin, p).items():
        click.echo(f"\nsample rows of {table}:")
        for row in sample:
            click.echo(
                "  " + ", ".join(f"{k}={'NULL' if v is None else v[:60]}" for k, v in row.items())
            )
    reporter.info(f"\ndry run finished in {reporter.elapsed():.2f} s")


@genonaut.command()
@_genonaut_options
def verify(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    env_file: Path,
    prompt_types: str | None,
    **keys: Any,
) -> None:
    """Check every Genonaut rule against a database; exit 6 when one fails."""

    from .packs.genonaut import spec as pack
    from .packs.genonaut.config import admin_uuid
    from .packs.genonaut.verify import verify as run_verify
    from .run import open_checked

    cfg = _genonaut_config(config_path, prompt_types, keys)
    admin = admin_uuid(env_file, dict(os.environ))
    dsn = resolve_dsn(database_url, embedded, pack.DEFAULT_DATABASE)
    target, state = open_checked(dsn, pack.SCHEMA, write=False, dry_run=False)
    assert target is not None
    try:
        if state != "ok":
            raise VerificationFailed(
                f'database "{target.dbname}" has no Genonaut schema yet: nothing to verify.'
            )
        checks = run_verify(target.conn, cfg, admin)
    finally:
        target.conn.close()
    report_checks(target.dbname, checks, "rule")


def report_checks(dbname: str, checks: Sequence[Any], noun: str) -> None:
    """Print a verify pass/fail table; raise VerificationFailed (exit 6) when one fails."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"verify {dbname}", title_justify="left")
    table.add_column(noun)
    table.add_column("result")
    table.add_column("detail")
    for c in checks:
        table.add_row(c.rule, "[green]pass[/]" if c.passed else "[red]FAIL[/]", c.detail)
    Console(highlight=False, width=max(160, Console().width)).print(table)
    failed = [c for c in checks if not c.passed]
    if failed:
        raise VerificationFailed(f"{len(failed)} of {len(checks)} {noun}s failed")
    click.echo(f"all {len(checks)} {noun}s pass")


from .cli_retail import retail  # noqa: E402  (it builds on the helpers above)

main.add_command(retail)

if __name__ == "__main__":  # pragma: no cover
    main()
