"""The dashboard's application: its state, the request guards and the factory.

Guards on every request (``Guard``): the Host header must name the address the server
is bound to (a page of another site that resolves its own name to 127.0.0.1, DNS
rebinding, gets 403), and so must Origin when a browser sends one; every POST carries
the CSRF token of this server process (random per process; 403 without it). No route
takes SQL: the database is only ever touched by the CLI's commands and the engine's
read functions.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from ..dsn import register
from ..packs.contract import Pack
from ..safety import production_guard
from .packs import Argv
from .worker import Worker

HERE = Path(__file__).parent
PREVIEW_TTL_S = 15 * 60  # a preview older than this must be shown again before a confirm


@dataclass
class Pending:
    """A previewed destructive action, waiting for its Confirm."""

    pack: str
    action: str
    steps: list[Argv]
    made: float = field(default_factory=time.monotonic)


@dataclass
class State:
    packs: dict[str, Pack]
    targets: dict[str, str]  # pack -> dsn
    worker: Worker
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    pending: dict[str, Pending] = field(default_factory=dict)
    reports: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pgseed-ui-")))
    pictures: dict[str, list[str]] = field(default_factory=dict)

    def take(self, token: str) -> Pending | None:
        """The pending action of ``token``, once; None when unknown or expired."""
        p = self.pending.pop(token, None)
        if p is None or time.monotonic() - p.made > PREVIEW_TTL_S:
            return None
        return p


WILDCARDS = ("0.0.0.0", "::", "")  # bound to every address of the machine


def loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def machine_names() -> set[str]:
    """This machine's own names and the addresses of its interfaces: what a browser
    elsewhere puts in Host to reach a server bound to them."""
    import psutil

    names = {socket.gethostname(), socket.getfqdn()}
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family in (socket.AF_INET, socket.AF_INET6):
                names.add(a.address.split("%")[0])  # fe80::1%eth0: no zone in a Host header
    return {n for n in names if n}


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values that name this server (with and without the port). A
    wildcard bind (0.0.0.0, ::) answers to every name and address of this machine; a
    page of another site whose own name resolves to one of them still gets 403."""
    bound = {host}
    if host in WILDCARDS:
        bound = machine_names() | {"127.0.0.1", "localhost", "::1"}
    elif loopback(host):
        bound |= {"127.0.0.1", "localhost", "::1"}
    else:
        bound |= {socket.gethostname(), socket.getfqdn()}
    names = {f"[{n}]" if ":" in n else n for n in bound if n}
    return frozenset({*names, *(f"{n}:{port}" for n in names)})


class Guard:
    """Host and Origin must name this server (403 otherwise)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app, self.hosts = app, frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            host = headers.get("host", "").lower()
            origin = headers.get("origin")
            bad = host not in self.hosts
            if origin is not None and origin != "null":
                bad = bad or urlsplit(origin).netloc.lower() not in self.hosts
            if bad:
                response = PlainTextResponse(
                    "403: this dashboard answers only to the address it is bound to "
                    "(the Host or Origin header names another).",
                    status_code=403,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


templates = Jinja2Templates(directory=str(HERE / "templates"))


def create_app(
    targets: Mapping[str, str],
    *,
    hosts: Iterable[str],
    allow: Sequence[str] = (),
) -> ASGIApp:
    """The dashboard for ``targets`` (pack name -> database URL). Refuses to exist under
    APP_ENV=production (SafetyError, exit 3: the engine's own guard)."""
    from ..packs import get_pack
    from . import routes

    production_guard()
    for dsn in targets.values():
        register(dsn)  # every message the server shows masks its password
    state = State({n: get_pack(n) for n in targets}, dict(targets), Worker(allow))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await state.worker.shutdown()

    app = Starlette(
        routes=[
            *routes.ROUTES,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.ui = state
    return Guard(app, hosts)


def state_of(request: Any) -> State:
    ui: State = request.app.state.ui
    return ui


__all__ = ["Guard", "Route", "State", "allowed_hosts", "create_app", "loopback", "state_of"]
