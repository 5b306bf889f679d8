"""A database that does not exist, and a role that does not exist, as a new user meets them.

* A verb that works on data already there (a job, fill, deleting what rag-agent indexed,
  reading) creates no database: exit 5, saying the database does not exist, never
  "a real run would create it" (``social run-job`` created the database and the schema,
  then failed on the empty tables, saying "the database is as it was").
* A role that does not exist is exit 5 naming the role, not a database "that does not
  exist yet": ``social reset --confirm`` said "nothing to reset" (exit 0) and the dry runs
  previewed an empty database, because the server's 'role "x" does not exist' matched a
  test for "does not exist" in the message.
"""

from __future__ import annotations

from typing import Any

import pytest
from psycopg.conninfo import make_conninfo

from tests.conftest import database_exists

pytestmark = pytest.mark.db

NOT_CREATING = {
    "social run-job": ["social", "run-job", "trending"],
    "social run-job --as-of": ["social", "run-job", "quiz-stats", "--as-of", "2024-01-01"],
    "social run-job --jobs-command": ["social", "run-job", "trending", "--jobs-command", "true"],
    "fill": ["fill", "--rows", "3", "--seed", "1"],
    "retail delete --scope rag": ["retail", "generate", "--delete", "--scope", "rag", "--confirm"],
    "social seed-activity": ["social", "seed-activity", "--days", "1", "--runSeed", "x"],
    "retail verify": ["retail", "verify"],
}


@pytest.mark.parametrize("verb", list(NOT_CREATING))
def test_a_verb_on_existing_data_creates_no_database(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, verb: str
) -> None:
    r = cli(*NOT_CREATING[verb], "--database-url", db_dsn)
    assert r.exit_code == 5, r.output
    assert f'database "{db_name}" does not exist' in r.output, r.output
    assert "would create it" not in r.output and "as it was" not in r.output, r.output
    assert "Traceback" not in r.output
    assert not database_exists(server_dsn, db_name)


NO_ROLE = "pgseed_no_such_role"

# Each of these reads a missing database as an empty one (nothing to reset, a preview of
# a database to be created, no runs); a missing role must not look like one.
ROLE = {
    "social reset --confirm": ["social", "reset", "--scope", "all", "--confirm"],
    "social reset --dry-run": ["social", "reset", "--scope", "activity", "--dry-run"],
    "social seed-all --dry-run": [
        *("social", "seed-all", "--count", "5", "--activityDays", "1"),
        *("--runSeed", "x", "--dry-run"),
    ],
    "social seed-profiles --dry-run": ["social", "seed-profiles", "--count", "5", "--dry-run"],
    "genonaut generate --dry-run": ["genonaut", "generate", "--seed", "1", "--dry-run"],
    "retail generate --dry-run": ["retail", "generate", "--full-new", "--dry-run"],
    "runs": ["runs"],
    "social run-job": ["social", "run-job", "trending"],
}


@pytest.mark.parametrize("verb", list(ROLE))
def test_a_missing_role_is_not_a_missing_database(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, verb: str
) -> None:
    dsn = make_conninfo(db_dsn, user=NO_ROLE)
    r = cli(*ROLE[verb], "--database-url", dsn)
    assert r.exit_code == 5, r.output
    assert f'role "{NO_ROLE}" does not exist' in r.output, r.output
    assert "does not exist yet" not in r.output and "nothing to reset" not in r.output
    assert "Traceback" not in r.output
    assert not database_exists(server_dsn, db_name)


def test_the_dashboards_summary_names_a_missing_role(db_dsn: str) -> None:
    from pgseed.packs import get_pack
    from pgseed.ui.summary import summarise

    for pack in ("retail", "social", "genonaut"):
        s = summarise(get_pack(pack), make_conninfo(db_dsn, user=NO_ROLE))
        assert s.problem is not None and NO_ROLE in s.problem, (pack, s.problem)
        assert "does not exist yet" not in s.problem
        missing = summarise(get_pack(pack), db_dsn)  # the database itself: Generate creates it
        assert missing.problem is not None and "does not exist yet" in missing.problem


def test_database_missing_is_exit_5() -> None:
    from pgseed.errors import DatabaseMissing

    assert DatabaseMissing("x").exit_code == 5
