"""A stop (Ctrl-C, SIGTERM, the dashboard's Cancel) that lands while --jobs-command's runner
is being started ends the runner with pgseed. It landed inside ``Popen`` once in a while
under load: the runner went on alone, holding the output pipe the dashboard reads, so a
Cancel took as long as the runner (seen in CI)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from typing import Any

import pytest

from pgseed import signals
from pgseed.errors import Interrupted
from pgseed.packs.social import jobs_runner


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_while_the_runner_starts_ends_the_runner(
    monkeypatch: pytest.MonkeyPatch, sig: int
) -> None:
    started: list[subprocess.Popen[Any]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        proc = real(*args, **kwargs)
        started.append(proc)
        os.kill(os.getpid(), sig)  # the signal lands before Popen has returned
        return proc

    monkeypatch.setattr(jobs_runner.subprocess, "Popen", popen)
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    # A suite started under nohup (or in a shell's background) ignores SIGHUP (SIGINT):
    # handled() leaves an ignored signal ignored, so give the test a terminal's defaults.
    previous = signal.signal(sig, signal.SIG_DFL)
    try:
        with pytest.raises(Interrupted), signals.handled():
            jobs_runner.run_command("sleep 30", "job", when, "postgresql:///x_test", seeded=True)
        assert len(started) == 1
        assert started[0].wait(10) == -signal.SIGTERM  # ended by pgseed, not left running
    finally:
        signal.signal(sig, previous)
        for proc in started:  # the old code's runner, left running
            if proc.poll() is None:
                proc.kill()
                proc.wait()
