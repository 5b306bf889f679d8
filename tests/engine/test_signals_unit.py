"""pgseed.signals: stop signals raise Interrupted (128 + signal), once; sections that
must not be cut in two wait; previous handlers come back; ignored signals stay ignored."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from pgseed import signals
from pgseed.errors import Interrupted

STOPS = [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]


@pytest.fixture(autouse=True)
def _restore_handlers() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s, _ in STOPS}
    # Start from the usual handlers: a suite launched in the background by a shell without
    # job control inherits SIGINT ignored, and pgseed leaves ignored signals ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    yield
    for s, h in saved.items():
        signal.signal(s, h)


@pytest.mark.parametrize(("sig", "code"), STOPS, ids=lambda v: getattr(v, "name", str(v)))
def test_a_stop_signal_raises_interrupted_once(sig: signal.Signals, code: int) -> None:
    with pytest.raises(Interrupted) as info, signals.handled():
        os.kill(os.getpid(), sig)
        pytest.fail("the signal did not raise")
    assert info.value.exit_code == code and info.value.name == sig.name
    assert isinstance(info.value, KeyboardInterrupt)  # psycopg cancels the query on it


@pytest.mark.parametrize(("sig", "code"), STOPS, ids=lambda v: getattr(v, "name", str(v)))
def test_a_second_signal_while_stopping_is_ignored(sig: signal.Signals, code: int) -> None:
    cleaned = False
    with pytest.raises(Interrupted), signals.handled():
        try:
            os.kill(os.getpid(), sig)
        finally:
            os.kill(os.getpid(), sig)  # during the clean-up: must not cut it short
            cleaned = True
    assert cleaned


@pytest.mark.parametrize(("sig", "code"), STOPS, ids=lambda v: getattr(v, "name", str(v)))
def test_a_deferred_section_completes_before_the_signal(sig: signal.Signals, code: int) -> None:
    done = []
    with pytest.raises(Interrupted) as info, signals.handled():
        with signals.deferred():
            os.kill(os.getpid(), sig)
            done.append("commit")
        done.append("after")  # not reached: the signal is raised as the section ends
    assert done == ["commit"] and info.value.exit_code == code


@pytest.mark.parametrize(("sig", "code"), STOPS, ids=lambda v: getattr(v, "name", str(v)))
def test_previous_handlers_come_back_and_ignored_stays_ignored(
    sig: signal.Signals, code: int
) -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    signal.signal(sig, mine)
    with signals.handled():
        assert signal.getsignal(sig) is not mine
        with signals.handled():  # a group and its command: nested
            pass
        assert signal.getsignal(sig) is not mine
    assert signal.getsignal(sig) is mine

    signal.signal(sig, signal.SIG_IGN)  # nohup, or a shell's background job
    with signals.handled():
        assert signal.getsignal(sig) == signal.SIG_IGN
        os.kill(os.getpid(), sig)  # nothing happens
    assert signal.getsignal(sig) == signal.SIG_IGN
