"""The social pack on the application's own schema as it evolved after spec 004: a NOT
NULL column the models do not know, a renamed column (``--map``), a new column with a
default, a table of the application's own that references "User", and no pgseed
migration table (the application's migrations made it). Every verb binds to it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.conftest import drop_database, dsn_for
from tests.packs.social.support import ACTIVITY, SEEDED

DRIFT = (
    'ALTER TABLE "User" ADD COLUMN username text NOT NULL UNIQUE',
    'ALTER TABLE "Profile" ADD COLUMN "isPremium" boolean NOT NULL DEFAULT false',
    'ALTER TABLE "Post" RENAME COLUMN "text" TO body',
    'ALTER TABLE "Like" ADD COLUMN note text',
    'CREATE TABLE "Block" (id bigserial PRIMARY KEY,'
    ' "blockerId" bigint NOT NULL REFERENCES "User"(id),'
    ' "blockedId" bigint NOT NULL REFERENCES "User"(id))',
    "DROP TABLE alembic_version_social",
)
SEED = ["--runSeed", "evolved", "--count", "60", "--activityDays", "10"]
MAP = ["--map", "Post.text=body"]


def pgseed(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgseed", "social", *args, "--database-url", dsn],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _digest(dsn: str, table: str, rename: dict[str, str] | None = None) -> str:
    """md5 of the model columns of ``table`` in id order (renamed ones under their new name)."""
    from pgseed.packs.social.tables import COLUMNS

    key = '"interestId"' if table == "InterestDirty" else "id"
    cols = sql.SQL(", ").join(sql.Identifier((rename or {}).get(c, c)) for c in COLUMNS[table])
    with psycopg.connect(dsn) as c:
        row = c.execute(
            sql.SQL(
                "SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x.{}), '')) "
                "FROM (SELECT {} FROM {}) x"
            ).format(sql.SQL(key), cols, sql.Identifier(table))
        ).fetchone()
    assert row is not None
    return str(row[0])


def _application(dsn: str, *statements: str) -> None:
    """The social tables as the application's migrations made them (pgseed's migration,
    emptied, ids restarted), then ``statements``: how the application moved on."""
    empty = pgseed(dsn, "seed-profiles", "--runSeed", "x", "--count", "0")
    assert empty.returncode == 0, empty.stderr
    with psycopg.connect(dsn) as c:
        c.execute('TRUNCATE "SeedRun", "InterestSubject", "Quiz" RESTART IDENTITY CASCADE')
        for statement in statements:
            c.execute(statement.encode())


@pytest.fixture(scope="module")
def pair(server_dsn: str) -> Iterator[tuple[str, str]]:
    """(the pack's own schema, the evolved one), both seeded with the same command."""
    own, evolved = dsn_for(server_dsn, "social_own_test"), dsn_for(server_dsn, "social_evo_test")
    for name in ("social_own_test", "social_evo_test"):
        drop_database(server_dsn, name)
    _application(evolved, *DRIFT)
    for dsn, extra in ((own, []), (evolved, MAP)):
        done = pgseed(dsn, "seed-all", *SEED, *extra)
        assert done.returncode == 0, done.stderr
    yield own, evolved
    for name in ("social_own_test", "social_evo_test"):
        drop_database(server_dsn, name)


def test_seed_all_writes_the_same_rows_into_the_evolved_schema(pair: tuple[str, str]) -> None:
    own, evolved = pair
    for table in (*SEEDED, *ACTIVITY):
        rename = {"text": "body"} if table == "Post" else None
        assert _digest(own, table) == _digest(evolved, table, rename), table
    with psycopg.connect(evolved) as c:
        users, names = c.execute('SELECT count(*), count(DISTINCT username) FROM "User"').fetchone()  # type: ignore[misc]
        posts, bodies = c.execute('SELECT count(*), count(body) FROM "Post"').fetchone()  # type: ignore[misc]
    assert users == names == 60  # the NOT NULL UNIQUE column the models lack, generated
    assert posts > 0 and bodies == posts  # --map: the post texts are in "body"
    with psycopg.connect(evolved) as c:  # the application's next rows get fresh ids
        c.execute(
            'INSERT INTO "User" (email, "passwordHash", "updatedAt", username) '
            "VALUES ('app@example.com', 'x', now(), 'app')"
        )
        c.execute(
            'INSERT INTO "Post" ("userId", visibility, body, "updatedAt") '
            "VALUES (1, 'PUBLIC', 'hello', now())"
        )
        c.rollback()


def test_the_jobs_and_run_job_read_the_renamed_column(pair: tuple[str, str]) -> None:
    own, evolved = pair
    for table in ("TrendingScore", "MatchScore", "UserTrait"):
        with psycopg.connect(own) as a, psycopg.connect(evolved) as b:
            q = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            assert a.execute(q).fetchone() == b.execute(q).fetchone(), table
    job = pgseed(evolved, "run-job", "trending", *MAP)
    assert job.returncode == 0, job.stderr
    assert "trending:" in job.stdout


def test_verify_and_debug_user_pass_on_the_evolved_schema(pair: tuple[str, str]) -> None:
    _, evolved = pair
    checked = pgseed(evolved, "verify", *MAP)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "rules that apply pass" in checked.stdout
    debug = pgseed(evolved, "debug-user", "--userId", "7", *MAP)
    assert debug.returncode == 0, debug.stdout + debug.stderr
    assert "Post " in debug.stdout and "DIFFERENT" not in debug.stdout


def test_without_the_map_the_warning_names_the_column_and_the_fix(pair: tuple[str, str]) -> None:
    _, evolved = pair
    checked = pgseed(
        evolved,
        "seed-activity",
        "--runSeed",
        "evolved",
        "--startDate",
        "2024-01-01",
        "--days",
        "10",
    )
    assert checked.returncode == 0, checked.stderr
    assert "Post.text is not in the database" in checked.stderr + checked.stdout
    assert "--map Post.text=NEW" in checked.stderr + checked.stdout


def test_a_malformed_map_is_exit_2(pair: tuple[str, str]) -> None:
    _, evolved = pair
    for bad in ("Post.text", "text=body", "Post.nosuch=body"):
        done = pgseed(evolved, "verify", "--map", bad)
        assert done.returncode == 2, (bad, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr


def test_reset_stops_at_an_application_row_that_references_a_user(
    pair: tuple[str, str],
) -> None:
    _, evolved = pair
    with psycopg.connect(evolved) as c:
        c.execute('INSERT INTO "Block" ("blockerId", "blockedId") VALUES (1, 2)')
    before = _digest(evolved, "User")
    refused = pgseed(evolved, "reset", "--scope", "all", "--confirm")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Block" in refused.stderr and "Block_blockerId_fkey" in refused.stderr
    assert "Fix:" in refused.stderr
    assert _digest(evolved, "User") == before  # nothing deleted
    activity = pgseed(evolved, "reset", "--scope", "activity", "--confirm")
    assert activity.returncode == 0, activity.stderr
    with psycopg.connect(evolved) as c:
        assert c.execute('SELECT count(*) FROM "Like"').fetchone() == (0,)
        assert c.execute('SELECT count(*) FROM "Block"').fetchone() == (1,)  # the app's row
        c.execute('DELETE FROM "Block"')
    done = pgseed(evolved, "reset", "--scope", "all", "--confirm")
    assert done.returncode == 0, done.stderr
    with psycopg.connect(evolved) as c:
        assert c.execute('SELECT count(*) FROM "User"').fetchone() == (0,)


PARTITIONED = (
    'ALTER TABLE "Message" RENAME TO "Message_old"',
    'CREATE TABLE "Message" (id bigint GENERATED BY DEFAULT AS IDENTITY,'
    ' "conversationId" bigint NOT NULL REFERENCES "Conversation"(id),'
    ' "senderId" bigint NOT NULL REFERENCES "User"(id), body text NOT NULL,'
    ' "isSystem" boolean NOT NULL DEFAULT false,'
    ' "createdAt" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "deletedAt" timestamp(3),'
    ' PRIMARY KEY (id, "createdAt")) PARTITION BY RANGE ("createdAt")',
    'CREATE TABLE "Message_early" PARTITION OF "Message"'
    " FOR VALUES FROM ('2000-01-01') TO ('2024-01-06')",
    'CREATE TABLE "Message_rest" PARTITION OF "Message" DEFAULT',
    'DROP TABLE "Message_old"',
)


def test_a_partitioned_message_table_is_filled_through_its_root(
    pair: tuple[str, str], server_dsn: str
) -> None:
    """The application partitioned "Message" by time; everything else is the pack's own
    schema, so the run takes the bulk path, which must not COPY FREEZE a partitioned
    table (PostgreSQL refuses)."""
    own, _ = pair
    name = "social_part_test"
    drop_database(server_dsn, name)
    dsn = dsn_for(server_dsn, name)
    try:
        _application(dsn, *PARTITIONED)
        done = pgseed(dsn, "seed-all", *SEED)
        assert done.returncode == 0, done.stdout + done.stderr
        assert _digest(dsn, "Message") == _digest(own, "Message")
        with psycopg.connect(dsn) as c:
            parts: dict[str, int] = dict(
                c.execute(
                    'SELECT tableoid::regclass::text, count(*) FROM "Message" GROUP BY 1'
                ).fetchall()
            )
        assert set(parts) == {'"Message_early"', '"Message_rest"'}, parts  # rows in both
        assert pgseed(dsn, "verify").returncode == 0
    finally:
        drop_database(server_dsn, name)


def _fresh_app(server_dsn: str, name: str, *statements: str) -> str:
    drop_database(server_dsn, name)
    dsn = dsn_for(server_dsn, name)
    _application(dsn, *statements)
    return dsn


@pytest.mark.parametrize(
    "statements",
    [
        # Columns added, nothing renamed: still the application's tables (bound, generated).
        (
            'ALTER TABLE "User" ADD COLUMN handle text NOT NULL UNIQUE'
            " CHECK (handle ~ '^[a-z0-9_]+$')",
            'ALTER TABLE "User" ADD COLUMN "ageBand" int NOT NULL CHECK ("ageBand" BETWEEN 0 AND 50)',
            'ALTER TABLE "Like" ADD COLUMN weight float8 NOT NULL CHECK (weight > 0 AND weight < 1)',
            'ALTER TABLE "Profile" ADD COLUMN country text NOT NULL'
            " CHECK (country IN ('US', 'CA', 'MX'))",
        ),
        # Half way through a rename: "text" still there beside "body", and an identity map.
        ('ALTER TABLE "Post" ADD COLUMN body text',),
    ],
    ids=["added-columns-with-checks", "expand-contract"],
)
def test_the_applications_added_columns_and_half_done_renames(
    server_dsn: str, statements: tuple[str, ...]
) -> None:
    name = "social_added_test"
    dsn = _fresh_app(server_dsn, name, *statements)
    try:
        maps = ["--map", "Post.text=body", "--map", "Like.fromUserId=fromUserId"]
        extra = maps if "body" in statements[0] else []
        done = pgseed(dsn, "seed-all", *SEED, "--skipJobs", *extra)
        assert done.returncode == 0, done.stdout + done.stderr
        assert pgseed(dsn, "verify", *extra).returncode == 0
        with psycopg.connect(dsn) as c:
            if extra:
                assert c.execute('SELECT count(*) FROM "Post" WHERE body IS NULL').fetchone() == (
                    0,
                )
            else:
                n = c.execute('SELECT count(DISTINCT handle) FROM "User"').fetchone()
                assert n == (60,)
    finally:
        drop_database(server_dsn, name)


def test_a_value_too_long_for_a_narrowed_column_is_refused_not_cut(server_dsn: str) -> None:
    name = "social_narrow_test"
    dsn = _fresh_app(
        server_dsn, name, 'ALTER TABLE "Profile" ALTER COLUMN "displayName" TYPE varchar(3)'
    )
    try:
        done = pgseed(dsn, "seed-all", *SEED, "--skipJobs")
        assert done.returncode == 1, done.stdout + done.stderr
        assert "value too long for type character varying(3)" in done.stderr
        with psycopg.connect(dsn) as c:
            assert c.execute('SELECT count(*) FROM "Profile"').fetchone() == (0,)
    finally:
        drop_database(server_dsn, name)


def test_one_column_mapped_to_two_places_is_exit_2(pair: tuple[str, str]) -> None:
    _, evolved = pair
    done = pgseed(evolved, "verify", "--map", "Post.text=body", "--map", "Post.text=content")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "given twice" in done.stderr


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        # A key column renamed but not mapped: an added NOT NULL reference, never made up.
        (
            'ALTER TABLE "Like" RENAME COLUMN "fromUserId" TO "likerId"',
            "--map Like.fromUserId=likerId",
        ),
        (
            'ALTER TABLE "User" ADD COLUMN "referrerId" bigint NOT NULL REFERENCES "User"(id)',
            "give it a default or let it be NULL",
        ),
        # A column the jobs read, dropped: named, with the way out.
        ('ALTER TABLE "Like" DROP COLUMN "createdAt"', 'column "createdAt" does not exist'),
    ],
    ids=["renamed-key", "added-reference", "dropped-read-column"],
)
def test_what_pgseed_cannot_fill_is_exit_4_naming_it(
    server_dsn: str, statement: str, says: str
) -> None:
    name = "social_cannot_test"
    dsn = _fresh_app(server_dsn, name, statement)
    try:
        done = pgseed(dsn, "seed-all", *SEED)
        assert done.returncode == 4, done.stdout + done.stderr
        assert says in done.stderr and "Fix:" in done.stderr
        assert "Traceback" not in done.stderr
        with psycopg.connect(dsn) as c:
            assert c.execute('SELECT count(*) FROM "User"').fetchone() == (0,)
    finally:
        drop_database(server_dsn, name)
