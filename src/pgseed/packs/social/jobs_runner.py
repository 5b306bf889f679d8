"""Running the derived-data jobs (spec 004 6.3): the pack's reference implementations in
one transaction, or the application's own runner (``--jobs-command "... {job} ..."``),
which runs as its own process after the seeding transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess

from ...errors import ConfigError, GenerationError
from ...pg import Conn
from ...progress import Reporter
from ...run import transaction
from .db import value
from .tables import SCHEMA


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
    dsn: str, name: str, as_of: dt.datetime | None, command: str | None
) -> tuple[int, dt.datetime]:
    """One job, in its own transaction (or through ``command``); (rows written, as of)."""
    from .jobs import JOBS, run_job

    if name not in JOBS and command is None:
        run_job_unknown(name)
    result: list[tuple[int, dt.datetime]] = []

    def body(conn: Conn, loader: object, pool: object) -> None:
        when = as_of or window_end(conn)
        if command is not None:
            result.append((0, when))
            return
        result.append((run_job(conn, name, when), when))

    transaction(dsn, SCHEMA, Reporter(progress=False), body, reproduce="", bulk_mode=False)
    if command is not None:
        run_command(command, name, result[0][1])
    return result[0]


def run_job_unknown(name: str) -> None:
    from .jobs import JOBS

    raise ConfigError(f"unknown job {name!r}.\nFix: use one of {', '.join(JOBS)}.")


def run_command(command: str, job: str, as_of: dt.datetime) -> None:
    """The application's job runner for ``job``: ``{job}`` and ``{as_of}`` (ISO) are filled
    in; a failure (non-zero exit, not found) is GenerationError (exit 1) naming it."""
    argv = shlex.split(command.replace("{job}", job).replace("{as_of}", as_of.isoformat()))
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise GenerationError(
            f"--jobs-command for {job}: {exc.strerror}: {argv[0]}\nFix: check the command."
        ) from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise GenerationError(
            f"--jobs-command for {job} exited {done.returncode}: {' / '.join(tail)}\n"
            "The seeded data is committed; only the jobs did not run. Fix: check the command, "
            "then run pgseed social run-job for the rest."
        )
