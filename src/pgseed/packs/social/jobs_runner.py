"""Running the derived-data jobs (spec 004 6.3): the pack's reference implementations in
one transaction, or the application's own runner (``--jobs-command "... {job} ..."``),
which runs as its own process after the seeding transaction has committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import shlex
import signal
import subprocess
from collections.abc import Mapping

from ... import history, signals
from ...binding import shadowed
from ...errors import ConfigError, GenerationError
from ...load import CopyLoader
from ...pg import Conn
from ...safety import require_existing
from .db import value
from .ops import binding_of, quiet_transaction


def window_end(conn: Conn) -> dt.datetime:
    """The end of the last simulated window (else the last profile run's start date): the
    "as of" of the jobs, never the wall clock."""
    end = value(conn, 'SELECT max("startDate" + days) FROM "SeedRun" WHERE kind = \'activity\'')
    if end is not None:
        return dt.datetime.combine(end, dt.time())
    start = value(conn, 'SELECT max(("config"->>\'start_date\')::date) FROM "SeedRun"')
    if start is not None:
        return dt.datetime.combine(start, dt.time())
    raise ConfigError(
        "no seed run in this database to take the jobs' time from.\nFix: pass --as-of, or seed first."
    )


def run_one(
    dsn: str,
    name: str,
    as_of: dt.datetime | None,
    command: str | None,
    maps: Mapping[str, Mapping[str, str]] | None = None,
    reproduce: str = "",
) -> tuple[int, dt.datetime]:
    """One job, in its own transaction (or through ``command``, after reading the time);
    (rows written, as of). ConfigError (exit 2) for an unknown job, with a did-you-mean."""
    from .jobs import JOBS, run_job

    if name not in JOBS:
        close = difflib.get_close_matches(name, JOBS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"unknown job {name!r}.{hint}\nFix: use one of {', '.join(JOBS)}.")
    result: list[tuple[int, dt.datetime]] = []
    rows: dict[str, int] = {}

    def body(conn: Conn, loader: CopyLoader, pool: object) -> None:
        with shadowed(conn, binding_of(loader)):
            when = as_of or window_end(conn)
            result.append((0 if command is not None else run_job(conn, name, when), when))
        if command is None:
            rows[name] = result[0][0]

    rec = history.record(
        "social",
        "run-job",
        extra={"job": name, "as_of": as_of and as_of.isoformat(), "jobs_command": command},
        reproduce=reproduce,
    )
    if rec is not None:
        rec.rows = rows  # the job's, filled by body
    require_existing(dsn)
    quiet_transaction(dsn, body, maps, rec)
    if command is not None:
        run_command(command, name, result[0][1], dsn, seeded=False)
    return result[0]


def run_command(command: str, job: str, as_of: dt.datetime, dsn: str, *, seeded: bool) -> None:
    """The application's job runner for ``job``: ``{job}``, ``{as_of}`` (ISO) and
    ``{database_url}`` are filled in, and ``DATABASE_URL`` is set to the target for it. Its
    output is the runner's own (not captured). It runs in a session of its own, ended with
    pgseed if pgseed is stopped. A failure (not found, non-zero exit) is GenerationError
    (exit 1) naming it; after a seeding run the message says the seeded data is committed.
    """
    filled = command.replace("{job}", job).replace("{as_of}", as_of.isoformat())
    argv = shlex.split(filled.replace("{database_url}", dsn))
    after = (
        "The seeded data is committed; only the jobs did not run (this one and those after "
        "it).\nFix: check the command, then run pgseed social run-job for each job left."
        if seeded
        else "Fix: check the command."
    )
    proc: subprocess.Popen[bytes] | None = None
    try:
        # A stop signal that lands while the runner is being started waits until `proc`
        # is known: raised inside Popen, it left the runner going on its own (and the
        # dashboard waiting for the end of the output pipe the runner holds).
        with signals.deferred():
            proc = subprocess.Popen(
                argv, env={**os.environ, "DATABASE_URL": dsn}, start_new_session=True
            )
        code = proc.wait()
    except OSError as exc:
        raise GenerationError(
            f"--jobs-command for {job}: {exc.strerror}: {argv[0]}\n{after}"
        ) from exc
    except BaseException:  # stopped (a signal, Ctrl-C): the runner stops with pgseed
        if proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        raise
    if code != 0:
        raise GenerationError(
            f"--jobs-command for {job} exited {code} (its output is above).\n{after}"
        )
