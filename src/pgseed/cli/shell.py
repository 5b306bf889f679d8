"""What every command shares: pgseed's errors as messages and exit codes (never a
traceback), masked secrets, the target database, the reproduce line, and printing
of the library's result objects."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from .. import embedded, signals
from ..dsn import redact, redact_urls, register_argv
from ..errors import (
    INTERRUPTED_EXIT_CODE,
    ConfigError,
    Interrupted,
    PgseedError,
    VerificationFailed,
)
from ..safety import ALLOW_ENV

BROKEN_PIPE_EXIT_CODE = 141  # 128 + SIGPIPE, what a shell reports for `yes | head`


def say(message: str) -> None:
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
            say(f"error: {redact_urls(str(exc))}")
            ctx.exit(exc.exit_code)
        except Interrupted as exc:
            say(f"interrupted ({exc.name})")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            say("interrupted")
            ctx.exit(INTERRUPTED_EXIT_CODE)
        except BrokenPipeError:  # the reader went away (| head): no message, SIGPIPE's code
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(BROKEN_PIPE_EXIT_CODE)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise  # click's own ways out: exit codes and usage errors
        except Exception as exc:  # a bug (ours or a pack's): a message, not a traceback
            if os.environ.get("PGSEED_DEBUG"):
                raise
            say(
                f"error: unexpected {type(exc).__name__}: {redact_urls(str(exc))}\n"
                "This is a bug in pgseed or in a pack. PGSEED_DEBUG=1 shows the traceback."
            )
            ctx.exit(1)


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
        say(redact_urls(buf.getvalue()).rstrip("\n"))
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:  # Ctrl-C while click was still parsing
        say("interrupted")
        sys.exit(INTERRUPTED_EXIT_CODE)
    sys.exit(rv if isinstance(rv, int) else 0)


class _Handled:
    def invoke(self, ctx: click.Context) -> Any:
        return _handled(ctx, super().invoke)  # type: ignore[misc]

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        return _main(
            super().main,  # type: ignore[misc]
            args,
            standalone_mode,
            prog_name=prog_name,
            complete_var=complete_var,
            **extra,
        )


class PgseedGroup(_Handled, click.Group):
    """A group whose commands map pgseed's errors to exit codes."""


class PgseedCommand(_Handled, click.Command):
    """A command that handles pgseed's exceptions itself, for entry points that run it alone."""


def note(message: str) -> None:
    click.echo(message, err=True)


def resolve_dsn(database_url: str | None, use_embedded: bool, default_db: str) -> str:
    """The target: ``--database-url``, else ``--embedded`` (started if needed), else
    ``$DATABASE_URL``; ConfigError (exit 2) when none or both flags are given."""
    if database_url is not None and use_embedded:
        raise ConfigError("pass either --database-url or --embedded, not both.")
    if use_embedded:
        # start() returns at once when the server is up, and otherwise also handles a
        # stale postmaster.pid or a server still recovering.
        embedded.start(notify=note)
        return embedded.url(default_db)
    from ..engine import database_url as target_url

    return target_url(database_url)


def redacted_args() -> list[str]:
    """This command's arguments with the password of any ``--database-url`` masked, and
    of any other URL (``--api-url``, ``--set rag.embedding_url=...``) too."""
    args = list(sys.argv[1:])
    for i, a in enumerate(args):
        if a in ("--database-url", "--database_url") and i + 1 < len(args):
            args[i + 1] = redact(args[i + 1])
        elif a.startswith(("--database-url=", "--database_url=")):
            k, v = a.split("=", 1)
            args[i] = f"{k}={redact(v)}"
    return [redact_urls(a) for a in args]


def reproduce(seed: int | None, env_keys: Sequence[str] = ()) -> str:
    """The command line of this run with its seed (None: a command without one, a delete),
    passwords redacted, preceded by the environment variables among ``env_keys`` (and
    DATABASE_URL when it was the target) that shaped it."""
    args = redacted_args()
    given_seed = "--seed" in args or any(a.startswith("--seed=") for a in args)
    if seed is not None and not given_seed:
        args += ["--seed", str(seed)]
    prog = Path(sys.argv[0]).name
    if prog.endswith(".py") and prog != "__main__.py":
        # A script (scripts/seed_random.py) runs by its path, through Python: its bare
        # name is no command a shell finds.
        prog = "python " + shlex.quote(sys.argv[0])
    elif prog == "__main__.py":
        prog = "python -m " + (
            sys.modules["__main__"].__spec__.name.rsplit(".", 1)[0]
            if sys.modules["__main__"].__spec__
            else "pgseed"
        )
    keys = [*env_keys, ALLOW_ENV]  # the target's allowance shapes whether it runs at all
    env = [f"{k}={shlex.quote(os.environ[k])}" for k in keys if os.environ.get(k, "").strip()]
    given = " ".join(sys.argv)
    if "--database" not in given and "--embedded" not in given and os.environ.get("DATABASE_URL"):
        env.append(f"DATABASE_URL={shlex.quote(redact(os.environ['DATABASE_URL']))}")
    return " ".join([*env, prog, *map(shlex.quote, args)])


def reproduced(line: str) -> None:
    """The reproduce line of a run that succeeded, once, after its summary. A run that
    fails prints it once too, at the end of its failure report (``Reporter.fail``):
    never before the run as well, where a failure would print it a second time."""
    click.echo(f"reproduce with: {line}")


def print_rows(title: str, rows: Mapping[str, int]) -> None:
    click.echo(title)
    for table, n in rows.items():
        click.echo(f"  {table:<26} {n:>12,}")


def print_samples(samples: Mapping[str, Sequence[Mapping[str, str | None]]]) -> None:
    for table, rows in samples.items():
        click.echo(f"\nsample rows of {table}:")
        for row in rows:
            click.echo(
                "  " + ", ".join(f"{k}={'NULL' if v is None else v[:60]}" for k, v in row.items())
            )


def print_dry_run(d: Any, note_rows: str = "") -> None:
    """Print an ``engine.DryRun``."""
    if d.dbname is None:
        click.echo("database: does not exist yet; a real run creates it with the schema")
    elif d.state == "absent":
        click.echo(f'database "{d.dbname}": reachable; a real run creates the schema')
    elif d.state == "bind":
        click.echo(
            f'database "{d.dbname}": reachable, the application\'s own schema; the pack '
            "binds to its tables as they are"
        )
        for w in getattr(d, "warnings", ()):
            click.echo(f"warning: {w}")
    else:
        click.echo(f'database "{d.dbname}": reachable, schema matches the models')
    if d.held:
        click.echo(
            "would replace: "
            + ", ".join(f"{t} {n:,}" for t, n in d.held.items())
            + " (needs --confirm)"
        )
    print_rows(f"planned rows (dry run: nothing is written{note_rows}):", d.rows)
    print_samples(d.samples)


def report_checks(dbname: str, checks: Sequence[Any], noun: str) -> None:
    """Print a verify pass/fail table; raise VerificationFailed (exit 6) when one fails."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"verify {dbname}", title_justify="left")
    table.add_column(noun)
    table.add_column("result")
    table.add_column("detail")
    for c in checks:
        result = "[green]pass[/]" if c.passed else "[red]FAIL[/]"
        table.add_row(
            c.rule, "[yellow]skipped[/]" if getattr(c, "skipped", "") else result, c.detail
        )
    Console(highlight=False, width=max(160, Console().width)).print(table)
    failed = [c for c in checks if not c.passed]
    if failed:
        raise VerificationFailed(f"{len(failed)} of {len(checks)} {noun}s failed")
    skipped = sum(1 for c in checks if getattr(c, "skipped", ""))
    if skipped:
        click.echo(
            f"all {len(checks) - skipped} {noun}s that apply pass; {skipped} skipped "
            "(the detail column says why)"
        )
        return
    click.echo(f"all {len(checks)} {noun}s pass")


def write_files(
    pack: Any,
    cfg: Any,
    out: Path,
    fmt: str,
    dry_run: bool,
    workers: int,
    env_keys: Sequence[str] = (),
) -> None:
    """``--output``: the rows a run into an empty database would write, as files."""
    from .. import engine
    from ..progress import Reporter

    if dry_run:
        engine.writable(out, create=False)
        plan = engine.plan(pack, cfg)
        print_rows(f"would write to {out} ({fmt}; dry run: nothing is written):", plan.rows)
        return
    reporter = Reporter()
    line = reproduce(cfg.seed, env_keys)
    click.echo(f"writing {out} ({fmt}) with seed {cfg.seed}, {workers} worker(s)")
    result = engine.export_files(
        pack, cfg, out, fmt, reporter=reporter, workers=workers, reproduce=line
    )
    reporter.summary(result.written, result.seconds, f"rows written to {out} ({fmt})")
    reproduced(line)


def generate_command(
    pack: Any,
    cfg: Any,
    *,
    database_url: str | None,
    embedded: bool,
    max_workers: int | None,
    dry_run: bool,
    no_bulk: bool,
    output: Path | None = None,
    fmt: str = "csv",
    confirm: bool = False,
    env_keys: Sequence[str] = (),
    describe: Callable[[str, int], str] | None = None,
    notes: Sequence[str] = (),
    dry_note: str = "",
) -> None:
    """``pgseed <pack> generate``, written once: the seed (drawn and printed when absent),
    ``--output`` files, ``--dry-run``, or the run itself with its reproduce line and
    summary. ``describe(dsn, workers)`` replaces the first line; ``notes`` follow it."""
    from .. import engine
    from ..progress import Reporter

    engine.plan(pack, cfg)  # config errors surface before anything is started or created
    cfg, drawn = engine.with_seed(cfg)
    if drawn:
        click.echo(f"seed: {cfg.seed} (none given; drawn for this run)")
    workers = max_workers or os.cpu_count() or 1
    if output is not None:
        if database_url is not None or embedded:
            raise ConfigError(
                "--output writes files instead of a database: drop the target.\n"
                "Fix: drop --database-url/--embedded, or drop --output to load the database."
            )
        write_files(pack, cfg, output, fmt, dry_run, workers, env_keys)
        return
    dsn = resolve_dsn(database_url, embedded, pack.default_database)
    reporter = Reporter(progress=getattr(cfg, "enable_progress", True))
    if dry_run:
        print_dry_run(engine.dry_run(pack, cfg, dsn), dry_note)
        reporter.info(f"\ndry run finished in {reporter.elapsed():.2f} s")
        return
    line = reproduce(cfg.seed, env_keys)
    if describe is not None:
        click.echo(describe(dsn, workers))
    else:
        click.echo(f"seeding {redact(dsn)} with seed {cfg.seed}, {workers} worker(s)")
    for n in notes:
        click.echo(n)
    result = engine.generate(
        pack,
        cfg,
        dsn,
        reporter=reporter,
        workers=workers,
        bulk=not no_bulk,
        confirm=confirm,
        reproduce=line,
    )
    reporter.summary(result.written, result.seconds, "rows created")
    reproduced(line)
