"""Stop signals: SIGINT, SIGTERM and SIGHUP stop a command the way Ctrl-C does.

The CLI wraps every command in :func:`handled`, which installs one handler for the
three and restores the previous handlers afterwards. The handler raises
:class:`~pgseed.errors.Interrupted` (a KeyboardInterrupt) in the main thread, so the
run's ``except``/``finally`` blocks roll the transaction back, remove partial files
and stop the workers, and the CLI exits 128 + the signal number (130, 143, 129).

- A signal that was ignored when the command started stays ignored: ``nohup``
  ignores SIGHUP on purpose, and a shell's background job ignores SIGINT.
- Only the first signal raises. A second one while the command is already stopping
  is ignored, so it cannot cut the rollback and the clean-up short (SIGKILL still
  stops pgseed: docs/engine.md says what holds then).
- :func:`deferred` marks a short section that must not be cut in two (the commit,
  the renames that put finished files in place): a signal arriving inside it is
  raised when the section has completed.

Handlers can only be installed from the main thread; elsewhere :func:`handled`
does nothing and the process keeps Python's defaults.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .errors import Interrupted

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

PARENT_ENV = "PGSEED_PARENT_PID"
"""Set by ``pgseed ui`` for the runs it starts: the pid of the dashboard."""
PARENT_POLL_S = 0.5

Handler = Callable[[int, FrameType | None], Any] | int | None


class _State:
    def __init__(self) -> None:
        self.depth = 0  # nested handled() (a group and its command): only the outermost installs
        self.previous: dict[int, Handler] = {}
        self.deferring = 0
        self.pending: int | None = None
        self.raised = False


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.raised:
        return
    if _state.deferring:
        if _state.pending is None:
            _state.pending = signum
        return
    _state.raised = True
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Stop signals raise :class:`Interrupted` inside this block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer = _state.depth == 0
    if outer:
        _state.previous = {}
        _state.pending = None
        _state.raised = False
        for sig in STOP_SIGNALS:
            previous = signal.getsignal(sig)
            if previous == signal.SIG_IGN:
                continue
            _state.previous[sig] = previous
            signal.signal(sig, _handler)
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        if outer:
            for sig, previous in _state.previous.items():
                # None: a handler installed from C, which Python cannot put back.
                signal.signal(sig, signal.SIG_DFL if previous is None else previous)
            _state.previous = {}


@contextmanager
def deferred() -> Iterator[None]:
    """A stop signal arriving inside this block is raised once the block has completed.

    When the block itself fails, its own exception goes on and the signal is dropped:
    the command stops either way.
    """
    _state.deferring += 1
    try:
        yield
    except BaseException:
        _state.deferring -= 1
        if not _state.deferring:
            _state.pending = None
        raise
    _state.deferring -= 1
    if not _state.deferring and _state.pending is not None and not _state.raised:
        signum, _state.pending = _state.pending, None
        _state.raised = True
        raise Interrupted(signum)


def wait_for_parent_exit(parent: int, interval: float) -> None:
    """Return once ``parent`` is no longer this process's parent: it died, and the
    process was reparented (to init or a subreaper). Polls every ``interval`` seconds."""
    while os.getppid() == parent:
        time.sleep(interval)


def stop_with_parent() -> None:
    """Stop this command (a SIGTERM to itself: rollback, exit 143) once the process named
    by ``PGSEED_PARENT_PID`` is no longer its parent, SIGKILLed included.

    ``pgseed ui`` sets it for its runs: without it, a run that prints nothing for a
    while (a lock wait, social's jobs command) ran on unseen after its dashboard died,
    and could commit. The variable is removed from the environment, so the command's own
    children do not watch a process that is not their parent. Checked every
    ``PARENT_POLL_S`` seconds, in a daemon thread."""
    raw = os.environ.pop(PARENT_ENV, "").strip()
    if not raw.isdigit():
        return
    parent = int(raw)

    def watch() -> None:
        wait_for_parent_exit(parent, PARENT_POLL_S)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="pgseed-parent", daemon=True).start()
