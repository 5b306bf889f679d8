"""uvicorn for the dashboard, with its runs stopped first when it stops.

uvicorn's own shutdown waits for every open connection to close before the
application's lifespan ends, and a page following a run holds its event stream open
until the run ends: Ctrl-C would wait for the run to commit, and a second Ctrl-C
(uvicorn's forced exit skips the lifespan) would leave the child running on its own,
in a session of its own, to commit unobserved. So the runs are cancelled before the
connections are waited for: each child gets its SIGINT, rolls back, and the pages see
their runs end "rolled back". SIGHUP (the terminal closed) stops the server the same
way; uvicorn handles only SIGINT and SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn

from .worker import Worker


class Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, worker: Worker) -> None:
        super().__init__(config)
        self.worker = worker

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.worker.shutdown()  # rollbacks first: the event streams then end
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            hup = getattr(signal, "SIGHUP", None)
            if hup is None or threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = signal.signal(hup, self.handle_exit)
            try:
                yield
            finally:
                signal.signal(hup, previous)


def worker_of(app: Any) -> Worker:
    """The worker of an app made by ``create_app`` (its Guard around Starlette)."""
    worker: Worker = app.app.state.ui.worker
    return worker


def server(app: Any, host: str, port: int) -> Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    return Server(config, worker_of(app))
