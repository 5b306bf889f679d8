"""The dashboard served for real: uvicorn in a thread on a free port, against the
suite's PostgreSQL, and a headless Chromium driven by Selenium."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from pgseed.ui import create_app
from pgseed.ui.app import allowed_hosts
from tests.support.servers import free_port, run_in_thread

CHROMIUM = os.environ.get("PGSEED_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PGSEED_CHROMEDRIVER", "/usr/bin/chromedriver")
# A closed network makes chromium wait on its background services: every one is off.
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,1600",
)


@pytest.fixture
def serve() -> Iterator[Callable[[Mapping[str, str]], str]]:
    """Start the dashboard for ``targets`` (pack -> dsn); returns its base URL."""
    from pgseed.ui.server import server as dashboard_server

    servers: list[tuple[Any, threading.Thread]] = []

    def start(targets: Mapping[str, str]) -> str:
        port = free_port()
        app = create_app(targets, hosts=allowed_hosts("127.0.0.1", port))
        server = dashboard_server(app, "127.0.0.1", port)
        thread = run_in_thread(server, "the dashboard")
        servers.append((server, thread))
        started.append((server, thread))
        return f"http://127.0.0.1:{port}"

    started: list[Any] = []
    start.servers = started  # type: ignore[attr-defined]  # a test stops one itself

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=60)


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium; the test FAILS when it is missing (PGSEED_SKIP_BROWSER=1 skips)."""
    if os.environ.get("PGSEED_SKIP_BROWSER", "").strip() in ("1", "true", "yes"):
        pytest.skip("PGSEED_SKIP_BROWSER is set")
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"the browser test needs {', '.join(missing)}: install Debian's chromium and "
            "chromium-driver (make test does it as root: apt-get install chromium "
            "chromium-driver), or set PGSEED_SKIP_BROWSER=1 to skip it knowingly.",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="pgseed-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
