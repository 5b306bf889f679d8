"""Shared helpers of the social pack's tests: a seeded database, table digests."""

from __future__ import annotations

import datetime as dt

import psycopg

from pgseed.packs.social import ops
from pgseed.packs.social.config import SocialConfig
from pgseed.packs.social.tables import ACTIVITY_TABLES
from pgseed.progress import Reporter

START = dt.date(2024, 1, 1)
SEEDED = ("User", "Media", "Profile", "UserInterest", "QuizResult", "InterestDirty")
ACTIVITY = ACTIVITY_TABLES


def seed(
    dsn: str,
    *,
    count: int = 0,
    days: int = 0,
    start: dt.date = START,
    run_seed: str = "test-seed",
    **cfg: object,
) -> ops.Outcome:
    """Profiles (``count`` > 0) and/or ``days`` of activity from ``start``, one transaction."""
    config = SocialConfig(run_seed=run_seed, count=count, start_date=START, **cfg)  # type: ignore[arg-type]
    phases = ops.Phases(profiles=count > 0, activity=(start, days) if days else None)
    return ops.seed(dsn, config, phases, reporter=Reporter(progress=False))


def digests(dsn: str, tables: tuple[str, ...] = SEEDED + ACTIVITY) -> dict[str, tuple[int, str]]:
    """(rows, md5 of every row's text in key order) per table."""
    out = {}
    with psycopg.connect(dsn) as c:
        for t in tables:
            key = '"interestId"' if t == "InterestDirty" else "id"
            row = c.execute(
                f"SELECT count(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x.{key}), '')) "
                f'FROM "{t}" x'
            ).fetchone()
            assert row is not None
            out[t] = (int(row[0]), str(row[1]))
    return out
