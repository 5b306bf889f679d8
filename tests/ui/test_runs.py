"""A run's life in the dashboard: a Cancel at any moment rolls back, a run stopped after
its commit says it committed, and stopping the server rolls back the runs it started
(no child left running on its own) even while a page follows them."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import psutil
import pytest

from pgseed.ui.worker import Run, Worker, outcome
from tests.conftest import scalar

BIG = (
    "--stores",
    "40",
    "--products",
    "50",
    "--start-date",
    "2023-01-01",
    "--end-date",
    "2024-12-31",
)
FULL_NEW = ("retail", "generate", "--full-new", *BIG, "--confirm")


def _stores(dsn: str) -> int:
    """Rows in retail's store table; 0 when the database or the table is not there."""
    try:
        return int(scalar(dsn, "SELECT count(*) FROM store"))
    except Exception:  # no database, no table: nothing was committed
        return 0


async def _until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0)


async def _cancel_at(dsn: str, moment: str) -> Run:
    worker = Worker()
    run = worker.start("retail", "generate", [FULL_NEW], dsn)
    if moment == "while the child is being started":
        await _until(lambda: bool(run.events) and run.proc is None)
    elif moment == "before its first line":
        await _until(lambda: run.proc is not None)
    else:  # during the COPY
        await _until(lambda: any(e["event"] == "advance" for e in run.events))
    worker.cancel(run)
    await _until(lambda: run.finished, timeout=120)
    return run


@pytest.mark.db
@pytest.mark.parametrize(
    "moment", ["while the child is being started", "before its first line", "during the COPY"]
)
def test_a_cancel_at_any_moment_rolls_back(db_dsn: str, moment: str) -> None:
    run = asyncio.run(_cancel_at(db_dsn, moment))
    assert run.outcome == "rolled back", (run.exit_code, run.events[-4:])
    assert _stores(db_dsn) == 0


@pytest.mark.parametrize(
    ("rc", "cancelled", "committed", "expected"),
    [
        (130, True, True, "committed (then interrupted)"),
        (143, False, True, "committed (then interrupted)"),
        (1, False, True, "committed (then failed, exit 1)"),
        (130, True, False, "rolled back"),
        (1, False, False, "failed (rolled back)"),
        (0, True, True, "committed"),
    ],
)
def test_the_outcome_follows_the_commit_not_only_the_exit_code(
    rc: int, cancelled: bool, committed: bool, expected: str
) -> None:
    assert outcome(rc, cancelled, committed) == expected


async def _stop_after_commit(dsn: str) -> Run:
    # social runs its jobs command after the seeding transaction has committed.
    argv = (
        "social",
        "seed-all",
        "--count",
        "5",
        "--activity-days",
        "1",
        "--jobs-command",
        "sh -c 'echo jobs-started; sleep 120' {job}",
    )
    worker = Worker()
    run = worker.start("social", "generate", [argv], dsn)
    await _until(lambda: any("jobs-started" in str(e.get("message")) for e in run.events), 120)
    worker.cancel(run)
    await _until(lambda: run.finished, timeout=60)
    return run


@pytest.mark.db
def test_a_run_stopped_after_its_commit_says_committed(db_dsn: str) -> None:
    run = asyncio.run(_stop_after_commit(db_dsn))
    assert run.exit_code == 130
    assert run.outcome == "committed (then interrupted)", run.events[-4:]
    assert int(scalar(db_dsn, 'SELECT count(*) FROM "User"')) == 5


@pytest.mark.db
@pytest.mark.parametrize("followers", [1, 2])
def test_stopping_the_server_rolls_back_its_runs(db_dsn: str, serve: Any, followers: int) -> None:
    base = serve({"retail": db_dsn})
    server, thread = serve.servers[-1]
    with httpx.Client(base_url=base, timeout=30) as c:
        csrf = c.get("/pack/retail").text.split('name="csrf-token" content="')[1].split('"')[0]
        h = {"X-CSRF-Token": csrf}
        form = {"action": "generate", "stores": "40", "products": "50"}
        form |= {"start_date": "2023-01-01", "end_date": "2024-12-31"}
        token = c.post("/pack/retail/action", data=form, headers=h).json()["token"]
        run_id = c.post("/pack/retail/confirm", data={"token": token}, headers=h).json()["run"]
    seen: list[list[dict[str, Any]]] = [[] for _ in range(followers)]

    def follow(into: list[dict[str, Any]]) -> None:  # a page's EventSource, left open
        with (
            httpx.Client(base_url=base, timeout=120) as c2,
            c2.stream("GET", f"/runs/{run_id}/events") as s,
        ):
            for line in s.iter_lines():
                if line.startswith("data: "):
                    into.append(json.loads(line[6:]))

    readers = [threading.Thread(target=follow, args=(s,), daemon=True) for s in seen]
    for t in readers:
        t.start()
    deadline = time.monotonic() + 120
    while not any(e["event"] == "advance" for e in seen[0]):
        assert time.monotonic() < deadline, seen[0]
        time.sleep(0.05)
    run = server.worker.runs[run_id]
    assert run.proc is not None
    child = run.proc.pid
    server.should_exit = True  # what Ctrl-C does (uvicorn's handle_exit)
    thread.join(timeout=60)
    assert not thread.is_alive(), "the server still waits"
    for t in readers:
        t.join(timeout=5)
    assert run.outcome == "rolled back", run.events[-3:]
    for events in seen:
        assert events[-1]["event"] == "end" and events[-1]["outcome"] == "rolled back"
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE
    assert _stores(db_dsn) == 0
