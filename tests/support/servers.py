"""uvicorn servers of the suite (the dashboard, the reference RAG application) on a free
port, in a thread, started before the test goes on."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_in_thread(server: uvicorn.Server, what: str, timeout: float = 20) -> threading.Thread:
    """Start ``server`` in a daemon thread; return once it accepts connections.
    RuntimeError naming ``what`` when it does not start within ``timeout`` seconds."""
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)
    return thread
