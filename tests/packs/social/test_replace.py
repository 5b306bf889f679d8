"""``seed-all --replace``: the social tables emptied and seeded anew in ONE transaction, so
a refusal, a failure or a stop leaves the old data; the dashboard's social Generate New."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import drop_database, dsn_for, scalar
from tests.packs.social.support import digests

pytestmark = pytest.mark.db

OLD = ["--runSeed=old", "--count=30", "--activityDays=2", "--startDate=2024-03-01", "--skipJobs"]
NEW = ["--runSeed=new", "--count=25", "--activityDays=2", "--startDate=2024-05-01", "--skipJobs"]


def seed(cli: Any, dsn: str, *args: str) -> Any:
    return cli("social", "seed-all", "--database-url", dsn, *args)


@pytest.mark.parametrize("referenced", [False, True], ids=["truncate", "delete"])
def test_replace_needs_confirm_and_then_equals_a_fresh_seed(
    cli: Any, server_dsn: str, db_name: str, referenced: bool
) -> None:
    dsn = dsn_for(server_dsn, db_name)
    assert seed(cli, dsn, *OLD).exit_code == 0
    if referenced:  # an application table referencing "User": rows are deleted, not truncated
        with psycopg.connect(dsn) as c:
            c.execute('CREATE TABLE notes (id serial PRIMARY KEY, "userId" int REFERENCES "User")')
    old = digests(dsn)
    refused = seed(cli, dsn, *NEW, "--replace")
    assert refused.exit_code == 3 and "--confirm" in refused.output, refused.output
    assert digests(dsn) == old
    preview = seed(cli, dsn, *NEW, "--replace", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "would remove first" in preview.output and "as into an empty database" in preview.output
    assert "users: 1..25" in preview.output, preview.output  # the new ids start again
    assert digests(dsn) == old
    done = seed(cli, dsn, *NEW, "--replace", "--confirm")
    assert done.exit_code == 0, done.output
    assert "removed first (--replace)" in done.output
    fresh = dsn_for(server_dsn, db_name.replace("_test", "f_test"))
    try:
        assert seed(cli, fresh, *NEW).exit_code == 0
        assert digests(dsn) == digests(fresh)  # nothing of the old data is left
    finally:
        drop_database(server_dsn, db_name.replace("_test", "f_test"))


def test_a_failed_replace_leaves_the_old_data(cli: Any, db_dsn: str) -> None:
    assert seed(cli, db_dsn, *OLD).exit_code == 0
    old = digests(db_dsn)
    with psycopg.connect(db_dsn) as c:  # an application trigger that fails the new load
        c.execute(
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'no more posts'; END $$;"
            'CREATE TRIGGER boom BEFORE INSERT ON "Post" FOR EACH ROW EXECUTE FUNCTION boom()'
        )
    r = seed(cli, db_dsn, *NEW, "--replace", "--confirm")
    assert r.exit_code == 1 and "no more posts" in r.output, r.output
    assert digests(db_dsn) == old  # the emptying was rolled back with the load
    outcome = scalar(db_dsn, "SELECT outcome FROM pgseed.runs ORDER BY id DESC LIMIT 1")
    assert outcome == "failed"


def test_replace_has_nothing_to_do_with_files(cli: Any, tmp_path: Any) -> None:
    r = cli("social", "seed-all", *NEW, "--replace", "--output", str(tmp_path / "out"))
    assert r.exit_code == 2 and "--replace" in r.output and "Fix:" in r.output
