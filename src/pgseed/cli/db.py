"""``pgseed db ...``: the embedded PostgreSQL server's lifecycle and shells."""

from __future__ import annotations

import os
import shlex
import sys

import click

from .. import embedded
from .shell import PgseedGroup, note


@click.group(cls=PgseedGroup)
def db() -> None:
    """Manage the embedded PostgreSQL server (data in .pgseed/, or $PGSEED_HOME)."""


@db.command()
def start() -> None:
    """Start the embedded server (initialising it the first time).

    A stale postmaster.pid (left by an unclean stop, naming a process that is not
    this server) is removed; after a crash, waits for PostgreSQL's recovery.
    """
    url = embedded.start(notify=note)
    click.echo(f"embedded PostgreSQL running: {url}")


@db.command()
def stop() -> None:
    """Stop the embedded server."""
    click.echo("stopped" if embedded.stop(notify=note) else "not running")


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
