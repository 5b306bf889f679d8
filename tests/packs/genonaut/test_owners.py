"""Owners looked up in the database (the run) and from arrays (dry-run samples) agree,
row for row, ties in created_at included (issue 8, kind 12: no user list in memory)."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import psycopg
import pytest
from psycopg import sql

from pgseed.packs.genonaut.owners import DbOwners, MemoryOwners
from tests.conftest import ADMIN, dsn_for

pytestmark = pytest.mark.db


def test_db_and_memory_owners_agree(server_dsn: str, db_name: str, db_dsn: str, cli: Any) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    rng = np.random.default_rng(5)
    lo = 1_746_072_000
    created = (lo + rng.integers(0, 50, 400) * 3600).tolist()  # many ties
    ids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in created]
    with psycopg.connect(db_dsn) as conn:
        conn.execute("CREATE TABLE users (id uuid PRIMARY KEY, created_at timestamp NOT NULL)")
        with conn.cursor().copy("COPY users FROM STDIN") as cp:
            for i, c in zip(ids, created, strict=True):
                cp.write_row([i, np.datetime64(c, "s").astype(object)])
            cp.write_row([ADMIN, np.datetime64(lo, "s").astype(object)])
        conn.commit()
        until = lo + 40 * 3600
        db = DbOwners(conn, uuid.UUID(ADMIN), until)
        keep = [k for k, c in enumerate(created) if c <= until]
        mem = MemoryOwners([ids[k] for k in keep], [created[k] for k in keep])
        assert db.count() == mem.count() == len(keep)
        assert db.earliest() == mem.earliest()
        for trial in range(5):
            t = lo - 7200 + rng.integers(0, 45 * 3600, 1000)
            u = rng.random(1000)
            a, b = db.pick(t, u), mem.pick(t, u)
            assert a.ids == b.ids, trial
            assert a.created.tolist() == b.created.tolist()
        # load() holds small pools in memory, large ones in the database: same owners.
        from pgseed.packs.genonaut import owners

        conn.rollback()  # the temp ranking is dropped at the end of the transaction
        in_memory = owners.load(conn, uuid.UUID(ADMIN), until)
        assert isinstance(in_memory, MemoryOwners)
        t = lo + rng.integers(0, 45 * 3600, 1000)
        u = rng.random(1000)
        assert in_memory.pick(t, u).ids == db.pick(t, u).ids
        conn.rollback()


def test_a_run_gives_the_same_bytes_with_owners_in_the_database(
    cli: Any, server_dsn: str, tmp_path: Any, small_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's owner pool in the database (large pools) or in memory (small): same rows."""
    from pgseed.packs.genonaut import owners
    from tests.conftest import drop_database
    from tests.packs.genonaut.test_run import _dump

    dumps = []
    for limit in (owners.MEMORY_LIMIT, 0):
        monkeypatch.setattr(owners, "MEMORY_LIMIT", limit)
        name = f"pgseed_owners{limit}_{uuid.uuid4().hex[:6]}_test"
        try:
            r = cli("genonaut", "generate", "--database-url", dsn_for(server_dsn, name),
                    "--config", str(small_config), "--seed", "8", "--max-workers", "1")  # fmt: skip
            assert r.exit_code == 0, r.output
            dumps.append(_dump(dsn_for(server_dsn, name)))
        finally:
            drop_database(server_dsn, name)
    assert dumps[0] == dumps[1]
