"""Options shared by the pack commands: the target, and one flag per config key."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def apply(f: Callable[..., Any], options: Iterable[Decorator]) -> Callable[..., Any]:
    for opt in reversed(list(options)):
        f = opt(f)
    return f


def _allow(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    """Allow the named databases for this command only: the allowance is undone when
    the command's context closes (``safety.allowing``)."""
    from ..errors import ConfigError
    from ..safety import allowing, parse_allowed

    if not value:
        return
    try:
        names = parse_allowed(",".join(value), "--allow-database")
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix("--allow-database: ")) from None
    ctx.with_resource(allowing(names))


def allow_option() -> Decorator:
    return click.option(
        "--allow-database",
        "--allow_database",
        multiple=True,
        metavar="NAME",
        expose_value=False,
        callback=_allow,
        help="also allow this database although its name lacks _demo/_test (a local "
        "development database, named exactly; never under APP_ENV=production; "
        "repeatable, or comma-separated; env PGSEED_ALLOW_DATABASE)",
    )


def report_out_option() -> Decorator:
    """``--out DIR`` of the report verbs (retail and social): the pictures and index.html."""
    return click.option(
        "--out",
        "out",
        type=click.Path(path_type=Path),
        required=True,
        help="directory for the PNG files and index.html",
    )


def map_option(example: str) -> Decorator:
    """``--map``; ``example`` is a column of the verb's own pack (``TABLE.OLD=NEW``): a
    retail verb's help once showed a genonaut table."""
    return click.option(
        "--map",
        "maps",
        multiple=True,
        metavar="TABLE.OLD=NEW",
        help=f"a model column the application renamed, e.g. {example} (repeatable; config key map)",
    )


def target_options(default_db: str) -> list[Decorator]:
    return [
        allow_option(),
        click.option(
            "--database-url",
            "--database_url",
            "database_url",
            help="target database (else $DATABASE_URL; its name must end in _demo or _test)",
        ),
        click.option(
            "--embedded",
            is_flag=True,
            help=f"target the embedded server's {default_db} (started if needed)",
        ),
    ]


def config_options(model: type[Any], skip: Iterable[str] = ()) -> Decorator:
    """One option per top-level config key, as the spec spells it and in kebab-case."""
    skipped = set(skip)

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        for name, field in reversed(list(model.model_fields.items())):
            ann = field.annotation
            if name in skipped or (isinstance(ann, type) and issubclass(ann, BaseModel)):
                continue  # nested sections are set with --set section.key=value
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


def workers_option() -> Decorator:
    return click.option(
        "--max-workers",
        "--max_workers",
        "max_workers",
        type=click.IntRange(1, 256),
        default=None,
        help="generator processes (default: CPU cores)",
    )


def run_options() -> list[Decorator]:
    return [
        workers_option(),
        click.option(
            "--dry-run",
            "--dry_run",
            "dry_run",
            is_flag=True,
            help="check everything, print the plan and samples, write nothing",
        ),
        click.option(
            "--no-bulk",
            "--no_bulk",
            "no_bulk",
            is_flag=True,
            help="keep indexes and FKs in place during the load even when the tables start empty",
        ),
    ]


def run_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    return apply(f, run_options())


def set_option() -> Decorator:
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="KEY=VALUE",
        help="override any config key (dotted for nested ones), e.g. --set seed=42",
    )


def _directory(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("an empty path; give a directory, e.g. --output fixtures/")
    return Path(value)


def output_options() -> list[Decorator]:
    """``--output DIR`` and ``--format`` (csv when not given): the command gets ``fmt``
    filled in, and a ``--format`` given without ``--output`` is exit 2 (it would be
    silently ignored: the run writes to a database). Every verb with files uses it."""
    options: list[Decorator] = [
        click.option(
            "--output",
            type=click.Path(),
            callback=_directory,
            help="write the tables to files in this directory instead of a database",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["csv", "json", "parquet"]),
            default=None,
            help="file format for --output [default: csv]",
        ),
    ]
    return [*options, _format_needs_output]


def _format_needs_output(f: Callable[..., Any]) -> Callable[..., Any]:
    if isinstance(f, click.Command):  # options applied to a finished command (fill)
        if f.callback is not None:
            f.callback = _format_needs_output(f.callback)
        return f

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        from ..errors import ConfigError

        fmt = kwargs.get("fmt")
        if fmt is not None and kwargs.get("output") is None:
            raise ConfigError(
                f"--format {fmt} chooses the files of --output; without --output the run "
                "writes to a database.\nFix: add --output DIR, or drop --format."
            )
        kwargs["fmt"] = fmt or "csv"
        return f(*args, **kwargs)

    return command


def output_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    return apply(f, output_options())


def _no_history(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Record nothing in ``pgseed.runs`` for this command (``history.disabled``, undone
    when the command's context closes)."""
    from ..history import disabled

    if value:
        ctx.with_resource(disabled())


def history_option() -> Decorator:
    return click.option(
        "--no-history",
        "--no_history",
        is_flag=True,
        expose_value=False,
        callback=_no_history,
        help="do not record this run in the database's pgseed.runs table (run history)",
    )
