"""``pgseed ui``: the local dashboard (``pgseed.ui``), served by uvicorn."""

from __future__ import annotations

import os
import socket

import click

from ..dsn import redact
from ..errors import ConfigError
from .shell import PgseedCommand, note, say

DEFAULT_PORT = 8765


def _free(host: str, port: int) -> None:
    """ConfigError (exit 2) when ``host:port`` cannot be bound, before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port}: {exc.strerror}.\n"
                f"Fix: pick another port, e.g. pgseed ui --port {port + 1}."
            ) from None


@click.command("ui", cls=PgseedCommand)
@click.option("--embedded", is_flag=True, help="each pack's own database on the embedded server")
@click.option(
    "--database-url",
    "--database_url",
    "database_url",
    help="one database for every pack (else $DATABASE_URL; name must end in _demo or _test)",
)
@click.option(
    "--allow-database",
    "--allow_database",
    "allow",
    multiple=True,
    metavar="NAME",
    help="also allow this database although its name lacks _demo/_test (as the other verbs)",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
def ui(
    embedded: bool, database_url: str | None, allow: tuple[str, ...], host: str, port: int
) -> None:
    """The dashboard: per pack, the data summary, a config form, Generate New / Append /
    Delete (previewed and confirmed), live progress with Cancel, the generation log,
    verify and the report pictures. Binds to 127.0.0.1 unless --host is given."""
    from .. import embedded as server
    from ..engine import database_url as target_url
    from ..packs import get_pack, names
    from ..safety import ALLOW_ENV, parse_allowed, production_guard
    from ..ui.app import WILDCARDS, allowed_hosts, create_app, loopback
    from ..ui.server import server as dashboard_server

    production_guard()  # APP_ENV=production: exit 3 before anything starts
    if embedded and database_url is not None:
        raise ConfigError("pass either --database-url or --embedded, not both.")
    if allow:
        names_ = parse_allowed(",".join(allow), "--allow-database")
        # The server's own reads and every run it starts see the allowance.
        given = [n for n in os.environ.get(ALLOW_ENV, "").split(",") if n.strip()]
        os.environ[ALLOW_ENV] = ",".join([*given, *sorted(names_)])
    if not loopback(host):
        say(
            f"warning: --host {host} makes the dashboard reachable from other machines; "
            "anyone who reaches it can write to and delete from its databases."
        )
    _free(host, port)
    if embedded:
        server.start(notify=note)
        targets = {n: server.url(get_pack(n).default_database) for n in names()}
    else:
        dsn = target_url(database_url)
        targets = dict.fromkeys(names(), dsn)
    app = create_app(targets, hosts=allowed_hosts(host, port))
    # A wildcard address is no place to browse to: the machine's name is.
    shown = socket.gethostname() if host in WILDCARDS else f"[{host}]" if ":" in host else host
    click.echo(f"pgseed dashboard on http://{shown}:{port}/  (Ctrl-C stops it)")
    for pack, dsn in targets.items():
        click.echo(f"  {pack:<10} {redact(dsn)}")
    dashboard_server(app, host, port).run()
