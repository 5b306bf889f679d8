"""``pgseed runs``: the run history of a database (``pgseed.runs``, see ``history``).

``pgseed runs [--pack P]`` lists the runs, newest first; ``pgseed runs show ID`` prints
one with its config and its reproduce command. The target is ``--database-url`` (or
``$DATABASE_URL``), or ``--embedded``: there every pack's own database on the embedded
server (``retail_demo``, ``social_demo``...), or only ``--pack``'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..errors import ConfigError, DatabaseMissing
from ..pg import Conn
from .options import Decorator, allow_option, apply
from .shell import PgseedCommand, PgseedGroup, resolve_dsn

FILL_DATABASE = "pgseed_fill_demo"  # pgseed fill --embedded's


def _options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts: list[Decorator] = [
        click.option(
            "--database-url",
            "--database_url",
            "database_url",
            help="the database whose runs to read (else $DATABASE_URL)",
        ),
        click.option(
            "--embedded",
            is_flag=True,
            help="read the embedded server's pack databases (each pack's own, or --pack's)",
        ),
        allow_option(),
        click.option("--pack", help="only this pack's runs (genonaut, retail, social, fill)"),
        click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table"),
    ]
    return apply(f, opts)


def _known_pack(pack: str | None, recorded: Iterable[str] = ()) -> None:
    """Exit 2 for a --pack that is neither a registered pack, nor fill, nor one the
    database recorded (a third-party pack no longer installed): a typo must not read
    as "no runs recorded"."""
    from ..config import did_you_mean
    from ..packs import names

    known = [*names(), "fill", *recorded]
    if pack is not None and pack not in known:
        raise ConfigError(
            f"unknown pack {pack!r}.{did_you_mean(pack, known)}\n"
            f"Fix: use one of {', '.join(dict.fromkeys(known))}."
        )


def _databases(database_url: str | None, embedded: bool, pack: str | None) -> list[str]:
    """The DSNs to read: the one target, or on the embedded server the packs' own."""
    if not embedded:
        return [resolve_dsn(database_url, False, "")]
    from ..packs import get_pack, names

    packs = names()
    _known_pack(pack)
    chosen = packs if pack is None else [p for p in packs if p == pack]
    dbs = [get_pack(p).default_database for p in chosen]
    if pack in (None, "fill"):
        dbs.append(FILL_DATABASE)
    first = resolve_dsn(None, True, dbs[0])  # starts the server when needed
    from .. import embedded as server

    return [first, *(server.url(n) for n in dbs[1:])]


@contextmanager
def _reading(dsn: str, *, missing_ok: bool) -> Iterator[tuple[str, Conn] | None]:
    """A read-only connection after the safety checks; None for a database that does not
    exist when ``missing_ok`` (an embedded pack database never seeded)."""
    from ..safety import open_target

    try:
        target = open_target(dsn, write=False, create=False)
    except DatabaseMissing:
        if missing_ok:
            yield None
            return
        raise
    target.conn.read_only = True
    try:
        yield target.dbname, target.conn
    finally:
        target.conn.close()


def _when(t: Any) -> str:
    return "-" if t is None else t.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _as_dict(db: str, r: Any) -> dict[str, Any]:
    return {
        "database": db,
        "id": r.id,
        "pack": r.pack,
        "operation": r.operation,
        "scenario": r.scenario,
        "seed": r.seed,
        "outcome": r.outcome,
        "started_at": r.started_at.isoformat(),
        "ended_at": r.ended_at.isoformat() if r.ended_at else None,
        "seconds": r.seconds,
        "rows": r.rows,
        "error": r.error,
        "version": r.version,
        "config": r.config,
        "reproduce": r.reproduce,
    }


@click.group(cls=PgseedGroup, invoke_without_command=True)
@_options
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=50,
    show_default=True,
    help="show the newest N runs (across every database with --embedded)",
)
@click.pass_context
def runs(
    ctx: click.Context,
    database_url: str | None,
    embedded: bool,
    pack: str | None,
    as_json: bool,
    limit: int,
) -> None:
    """List the runs recorded in a database (pgseed.runs), newest first: every generate,
    append, delete, fill and social verb, committed, rolled back or failed."""
    if ctx.invoked_subcommand is not None:
        return
    from ..history import runs as read_runs

    found: list[tuple[str, Any]] = []
    recorded: set[str] = set()
    dsns = _databases(database_url, embedded, pack)
    for dsn in dsns:
        with _reading(dsn, missing_ok=embedded) as opened:
            if opened is not None:
                db, conn = opened
                found += [(db, r) for r in read_runs(conn, pack=pack, limit=limit)]
                if not found and pack is not None:
                    recorded |= {r.pack for r in read_runs(conn)}
    if not found and pack is not None:
        _known_pack(pack, recorded)
    found.sort(key=lambda x: x[1].started_at, reverse=True)
    found = found[:limit]
    if as_json:
        click.echo(json.dumps([_as_dict(db, r) for db, r in found], indent=2))
        return
    if not found:
        click.echo("no runs recorded" + (f" for pack {pack}" if pack else "") + ".")
        return
    several = len({db for db, _ in found}) > 1
    table = Table(title="runs (newest first)", title_justify="left")
    for name in ["id", "started", *(["database"] if several else []), "pack", "operation"]:
        table.add_column(name, justify="right" if name == "id" else "left")
    for name in ["scenario", "seed", "outcome", "rows", "seconds"]:
        table.add_column(name, justify="right" if name in ("rows", "seconds") else "left")
    for db, r in found:
        secs = "-" if r.seconds is None else f"{r.seconds:.1f}"
        table.add_row(
            str(r.id),
            _when(r.started_at),
            *([db] if several else []),
            r.pack,
            r.operation,
            r.scenario or "-",
            r.seed or "-",
            r.outcome,
            f"{r.total:,}",
            secs,
        )
    console = Console(highlight=False)
    if not console.is_terminal:  # a pipe or a log: never squeeze the columns to 80
        console = Console(highlight=False, width=200)
    console.print(table)
    click.echo("one run in full: pgseed runs show ID" + (" --pack PACK" if several else ""))


def _inherited(ctx: click.Context, name: str, own: Any) -> Any:
    """``own``, else the value given to ``pgseed runs`` itself (``pgseed runs
    --database-url URL show 3`` reads URL, never $DATABASE_URL's database instead);
    exit 2 when the two name different values."""
    given = ctx.parent.params.get(name) if ctx.parent is not None else None
    if not given:
        return own
    if own and own != given:
        flag = {"as_json": "--json"}.get(name, "--" + name.replace("_", "-"))
        raise ConfigError(
            f"{flag} is given twice with different values, to `pgseed runs` and to `show`."
            f"\nFix: give it once, e.g. pgseed runs show ID {flag}"
            + ("" if name == "as_json" or name == "embedded" else " VALUE")
            + "."
        )
    return given


@runs.command(cls=PgseedCommand)
@click.argument("run_id", metavar="ID", type=click.IntRange(1))
@_options
@click.pass_context
def show(
    ctx: click.Context,
    run_id: int,
    database_url: str | None,
    embedded: bool,
    pack: str | None,
    as_json: bool,
) -> None:
    """Print one run: what it was, its config, rows per table, outcome and error, and the
    command that reproduces it."""
    from ..history import get

    database_url = _inherited(ctx, "database_url", database_url)
    embedded = _inherited(ctx, "embedded", embedded)
    pack = _inherited(ctx, "pack", pack)
    as_json = _inherited(ctx, "as_json", as_json)

    hits: list[tuple[str, Any]] = []
    for dsn in _databases(database_url, embedded, pack):
        with _reading(dsn, missing_ok=embedded) as opened:
            if opened is not None:
                db, conn = opened
                r = get(conn, run_id)
                if r is not None and (pack is None or r.pack == pack):
                    hits.append((db, r))
    if not hits and pack is not None:
        _known_pack(pack)
    if not hits:
        raise ConfigError(
            f"no run {run_id} recorded" + (f" for pack {pack}" if pack else "") + ".\n"
            "Fix: pgseed runs lists the recorded ids."
        )
    if len(hits) > 1:
        raise ConfigError(
            f"run {run_id} is in several databases: {', '.join(db for db, _ in hits)}.\n"
            "Fix: add --pack PACK (or --database-url) to choose one."
        )
    db, r = hits[0]
    if as_json:
        click.echo(json.dumps(_as_dict(db, r), indent=2))
        return
    secs = "still running, or stopped without a word" if r.seconds is None else f"{r.seconds:.2f} s"
    click.echo(f"run {r.id} in {db}: {r.pack} {r.operation}, {r.outcome}")
    click.echo(f"  scenario:  {r.scenario or '-'}")
    click.echo(f"  seed:      {r.seed or '-'}")
    click.echo(f"  started:   {_when(r.started_at)}")
    click.echo(f"  ended:     {_when(r.ended_at)} ({secs})")
    click.echo(f"  pgseed:    {r.version}")
    if r.error:
        click.echo("  error:     " + r.error.replace("\n", "\n             "))
    noun = "removed" if r.operation in ("delete", "reset") else "written"
    click.echo(f"rows {noun}:" + ("" if r.rows else " none"))
    for table, n in r.rows.items():
        click.echo(f"  {table:<26} {int(n):>12,}")
    click.echo("config:")
    click.echo("  " + json.dumps(r.config, indent=2, sort_keys=True).replace("\n", "\n  "))
    if r.reproduce:
        click.echo(f"reproduce with: {r.reproduce}")
