"""Check a social database against issue 11's "verify" and spec 004 sections 7.2-7.4: a
list of (rule, passed, detail), read only.

- ``integrity``: match <=> mutual like, no self-likes or self-views, conversations and
  messages after and within their match, LikedPost only for seen posts of others.
- ``timeline``: every activity row after the accounts it involves and inside the union of
  the activity runs' windows.
- ``sanity``: spec 7.2's sanity checks on the whole database.
- ``bands``: every emergent rate against its band, for the users of a run (``run_seed``,
  else the latest run's) and for the whole database.

All aggregates are set-based SQL. A database without the social tables, or without any
seeded run, gives failed rules that say so, never an exception.
"""

from __future__ import annotations

from ....checks import Check
from ....pg import Conn
from . import bands, integrity, sanity, scope, timeline

__all__ = ["Check", "verify"]

FIX_SEED = "Fix: seed it first: pgseed social seed-all --runSeed demo-2024"


def verify(conn: Conn, run_seed: str | None = None) -> list[Check]:
    missing = scope.missing_tables(conn)
    if missing:
        return [
            Check(
                "the social tables exist",
                False,
                f"missing: {', '.join(missing)}. {FIX_SEED}",
            )
        ]
    days = scope.activity_days(conn)
    out = [
        *integrity.checks(conn),
        *timeline.checks(conn, scope.utc_windows(days)),
        *sanity.checks(conn),
        *_run_bands(conn, run_seed, days),
        *bands.checks(conn, scope.database(), days),
    ]
    return out


def _run_bands(conn: Conn, run_seed: str | None, days: list[scope.Span]) -> list[Check]:
    seed = run_seed if run_seed is not None else scope.latest_seed(conn)
    if seed is None:
        return [Check("a seeded run (SeedRun)", False, f"no SeedRun row. {FIX_SEED}")]
    ranges = scope.run_ranges(conn, seed)
    if not ranges:
        known = [
            str(r[0])
            for r in conn.execute('SELECT DISTINCT "runSeed" FROM "SeedRun" ORDER BY 1').fetchall()
        ]
        return [
            Check(
                f"run {seed}: its profiles SeedRun rows",
                False,
                f"no profiles run with runSeed {seed}; known: {', '.join(known) or 'none'}."
                " Fix: pass --runSeed with one of them",
            )
        ]
    return bands.checks(conn, scope.run(seed, ranges), days)
