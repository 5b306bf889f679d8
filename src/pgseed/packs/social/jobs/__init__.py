"""The social pack's reference jobs (spec 004 §6.3): they own the derived tables.

Run in the spec's order (``JOBS``); each is set-based SQL (a few statements, no per-row
Python), idempotent (it replaces its table's rows inside the caller's transaction and
never commits), and computed *as of* a given time: the end of the simulated window,
never the wall clock. Every timestamp a job writes (computedAt, scoredAt, updatedAt,
expiresAt) is derived from ``as_of``, and only facts at or before ``as_of`` count.
docs/social-jobs.md gives each job's formula.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg

from ....errors import ConfigError, SchemaMismatchError
from . import compatibility, interests, match_scores, quiz_stats, searchable, traits, trending

Job = Callable[[psycopg.Connection[Any], datetime], int]

_RUN: dict[str, Job] = {
    "interest-relationships": interests.run,
    "searchable-user": searchable.run,
    "build-user-traits": traits.run,
    "match-scores": match_scores.run,
    "quiz-stats": quiz_stats.run,
    "trending": trending.run,
    "compatibility": compatibility.run,
}
JOBS: tuple[str, ...] = tuple(_RUN)


def as_of_utc(as_of: datetime) -> datetime:
    """``as_of`` as the naive UTC the tables hold, cut to their milliseconds: the value a
    job writes is then exactly the value it was given (timestamp(3) would round)."""
    if not isinstance(as_of, datetime):
        raise ConfigError(
            f"as_of must be a datetime, got {as_of!r}.\n"
            "Fix: pass the end of the simulated window, e.g. datetime(2024, 1, 31, 23, 59, 59)."
        )
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(UTC).replace(tzinfo=None)
    return as_of.replace(microsecond=as_of.microsecond // 1000 * 1000)


def run_job(conn: psycopg.Connection[Any], name: str, as_of: datetime) -> int:
    """Run job ``name`` as of ``as_of`` in ``conn``'s open transaction; the rows written.

    ConfigError (exit 2) for an unknown name, listing the valid ones; SchemaMismatchError
    (exit 4) when the database lacks a table or column the job reads or writes.
    """
    job = _RUN.get(name)
    if job is None:
        close = difflib.get_close_matches(name, JOBS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"Unknown social job {name!r}.{hint}\n"
            f"Fix: use one of: {', '.join(JOBS)} (the spec's order)."
        )
    try:
        return job(conn, as_of_utc(as_of))
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as exc:
        raise SchemaMismatchError(
            f"The social job {name!r} cannot run here: {exc.diag.message_primary}.\n"
            "Fix: if the application renamed a column the job reads, pass --map "
            "TABLE.OLD=NEW (e.g. --map Post.text=body); the jobs' own tables (MatchScore...) "
            "must keep the models' columns (or use --skipJobs and the application's runner, "
            "--jobs-command); else run it on a database with the social pack's schema "
            "(created by `pgseed social seed-profiles`)."
        ) from None


__all__ = ["JOBS", "as_of_utc", "run_job"]
