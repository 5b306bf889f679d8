"""Advisory locks that serialise what two pgseed runs must not do at once.

* Creating a database: two runs that both find ``shop_test`` missing would both
  issue CREATE DATABASE, and the loser was told to "grant CREATEDB". The
  creation holds a session lock on the maintenance database and checks again
  under it (``safety._create_database``).
* A run on a database: the schema check, the migration and the load happen
  under one transaction-level lock per database, so a second run waits (and
  says whose run it waits for) instead of failing on ``alembic_version already
  exists``, and judges the schema and the rows it finds after the first run
  committed or rolled back.

Keys are 64-bit integers derived with blake2b from stable names.
"""

from __future__ import annotations

import hashlib

from .pg import Conn
from .progress import Reporter


def key(*names: str) -> int:
    """A signed 64-bit advisory lock key for ``names`` (stable across runs and machines)."""
    digest = hashlib.blake2b("\x1f".join(names).encode(), digest_size=8, person=b"pgseed-lock")
    return int.from_bytes(digest.digest(), "big", signed=True)


RUN = key("pgseed", "run")


def _holder(conn: Conn, k: int) -> str:
    row = conn.execute(
        """
        SELECT a.pid, a.application_name, a.backend_start::timestamp(0)
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = (%s::bigint & x'ffffffffffffffff'::bigint)
        LIMIT 1
        """,
        [k],
    ).fetchone()
    if row is None:
        return "another pgseed run"
    return f"another pgseed run (server process {row[0]}, connected since {row[2]})"


def hold_run(conn: Conn, dbname: str, reporter: Reporter) -> None:
    """Take the database's run lock for the rest of ``conn``'s transaction, waiting (and
    saying so) while another run holds it."""
    row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [RUN]).fetchone()
    if row is not None and row[0]:
        return
    reporter.info(
        f'waiting for {_holder(conn, RUN)} on database "{dbname}" to finish '
        "(runs on one database take turns; Ctrl-C stops waiting)"
    )
    conn.execute("SELECT pg_advisory_xact_lock(%s)", [RUN])
    reporter.info("the other run finished; going on")
