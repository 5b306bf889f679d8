"""``social.verify`` against a real PostgreSQL (issue 11 "verify", spec 004 7.2-7.4).

One 1,000 users x 30 days run (module-wide) passes every rule: the issue's "emergent bands
at 1,000 x 30" test. Each hard rule then fails, and only it, when the data is broken its
way inside a transaction that is rolled back. A database without social data gives
failed rules, not an exception.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgseed.checks import Check
from pgseed.migrate import upgrade
from pgseed.packs.social import models, ops
from pgseed.packs.social.config import SocialConfig
from pgseed.packs.social.verify import verify
from pgseed.progress import Reporter
from tests.conftest import drop_database, dsn_for

SEED = "demo-2024"
RUN = f"(run {SEED})"
DB = "(database)"
MIGRATIONS = Path(models.__file__).parents[1] / "migrations"


def _create(server_dsn: str) -> str:
    name = f"pgseed_socverify_{uuid.uuid4().hex[:10]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


@pytest.fixture(scope="module")
def seeded(server_dsn: str) -> Iterator[str]:
    """1,000 users and 30 days of activity (module-wide: every test rolls back)."""
    name = f"pgseed_socverify_{uuid.uuid4().hex[:10]}_test"
    dsn = dsn_for(server_dsn, name)
    cfg = SocialConfig(run_seed=SEED, count=1000)
    phases = ops.Phases(profiles=True, activity=(dt.date(2024, 1, 1), 30), jobs=False)
    ops.seed(dsn, cfg, phases, reporter=Reporter(io.StringIO(), progress=False))
    yield dsn
    drop_database(server_dsn, name)


@pytest.fixture
def conn(seeded: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(seeded) as c:
        yield c
        c.rollback()


def failed(checks: list[Check]) -> set[str]:
    return {c.rule for c in checks if not c.passed}


def test_a_1000_x_30_run_passes_every_rule(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    conn.read_only = True
    checks = verify(conn)
    assert failed(checks) == set(), [(c.rule, c.detail) for c in checks if not c.passed]
    names = {c.rule for c in checks}
    for band in ("match rate", "reply rate", "feed engagement", "posts per week per active user"):
        assert f"{band} {RUN}" in names and f"{band} {DB}" in names
    by_name = {c.rule: c for c in checks}
    assert "LIKE rows" in by_name[f"match rate {DB}"].detail
    assert "1,000 users" in by_name["users.count == profiles.count"].detail
    assert len(checks) == len(names) > 40


# A Like row that is not part of a match (its reverse is absent), early in the window.
ONE_WAY = (
    'SELECT l.id FROM "Like" l WHERE NOT EXISTS (SELECT 1 FROM "Like" r'
    ' WHERE r."fromUserId" = l."toUserId" AND r."toUserId" = l."fromUserId") ORDER BY l.id LIMIT 1'
)
# A match without a conversation: changing it touches no message.
LONE_MATCH = (
    'SELECT m.id FROM "Match" m WHERE NOT EXISTS (SELECT 1 FROM "Conversation" c'
    ' WHERE c."matchId" = m.id) ORDER BY m.id LIMIT 1'
)
# A match's first LIKE row (A->B).
MATCH_LIKE = (
    'SELECT l.id FROM "Like" l JOIN "Match" m ON l."fromUserId" = m."userAId"'
    ' AND l."toUserId" = m."userBId" ORDER BY m.id LIMIT 1'
)
# A conversation late enough that a minute before its match is still inside the window.
LATE_CONV = (
    'SELECT c.id FROM "Conversation" c JOIN "Match" m ON m.id = c."matchId"'
    " WHERE m.\"createdAt\" > '2024-01-10' ORDER BY c.id LIMIT 1"
)
LIKED_SEEN = (
    'SELECT f.id FROM "FeedSeen" f JOIN "LikedPost" lp ON lp."userId" = f."viewerUserId"'
    ' AND lp."postId" = f."itemId" ORDER BY f.id LIMIT 1'
)
LATE_POST = 'SELECT id FROM "Post" WHERE "createdAt" > \'2024-01-10\' ORDER BY id LIMIT 1'

BREAKS: dict[str, tuple[list[str], set[str]]] = {
    "delete one of a match's LIKE rows": (
        [f'DELETE FROM "Like" WHERE id = ({MATCH_LIKE})'],
        {"every Match has both LIKE rows (A->B and B->A)"},
    ),
    "turn one of a match's likes into a DISLIKE": (
        [f"UPDATE \"Like\" SET action = 'DISLIKE' WHERE id = ({MATCH_LIKE})"],
        {"every Match has both LIKE rows (A->B and B->A)"},
    ),
    "delete a match behind a mutual like": (
        [f'DELETE FROM "Match" WHERE id = ({LONE_MATCH})'],
        {"every mutual LIKE pair has a Match"},
    ),
    "like back a one-way like without a match": (
        [
            f"UPDATE \"Like\" SET action = 'LIKE' WHERE id = ({ONE_WAY})",
            'INSERT INTO "Like" ("fromUserId", "toUserId", action, "createdAt")'
            ' SELECT "toUserId", "fromUserId", \'LIKE\', "createdAt" + interval \'1 second\''
            f' FROM "Like" WHERE id = ({ONE_WAY})',
        ],
        {"every mutual LIKE pair has a Match"},
    ),
    "a match later than its later like": (
        [
            'UPDATE "Match" SET "createdAt" = "createdAt" + interval \'1 second\''
            f" WHERE id = ({LONE_MATCH})"
        ],
        {"a Match's createdAt is the later of its two likes"},
    ),
    "a match earlier than its later like": (
        [
            'UPDATE "Match" SET "createdAt" = "createdAt" - interval \'1 millisecond\''
            f" WHERE id = ({LONE_MATCH})"
        ],
        {"a Match's createdAt is the later of its two likes"},
    ),
    "a self-like": (
        [
            'INSERT INTO "Like" ("fromUserId", "toUserId", action, "createdAt")'
            ' SELECT "fromUserId", "fromUserId", \'LIKE\', "createdAt" FROM "Like"'
            " ORDER BY id LIMIT 1"
        ],
        {"no self-likes"},
    ),
    "a self-view": (
        [
            'INSERT INTO "ProfileView" ("viewerUserId", "viewedUserId", "viewedAt")'
            ' SELECT "viewerUserId", "viewerUserId", "viewedAt" FROM "ProfileView"'
            " ORDER BY id LIMIT 1"
        ],
        {"no self-views (ProfileView)"},
    ),
    "a like to a deleted user": (
        [
            'UPDATE "User" SET "deletedAt" = \'2024-02-01\''
            f' WHERE id = (SELECT "toUserId" FROM "Like" WHERE id = ({ONE_WAY}))'
        ],
        {"no like to or from a deleted or unknown user"},
    ),
    "a like from a deleted user": (
        [
            'UPDATE "User" SET "deletedAt" = \'2024-02-01\''
            f' WHERE id = (SELECT "fromUserId" FROM "Like" WHERE id = ({ONE_WAY}))'
        ],
        {"no like to or from a deleted or unknown user"},
    ),
    "a like to an unknown user": (
        [
            'ALTER TABLE "Like" DROP CONSTRAINT "Like_toUserId_fkey"',
            f'UPDATE "Like" SET "toUserId" = 999999999 WHERE id = ({ONE_WAY})',
        ],
        {
            "no like to or from a deleted or unknown user",
            "Like: not before the account of fromUserId, toUserId",
        },
    ),
    "a message a minute before its match": (
        [
            'UPDATE "Message" g SET "createdAt" = m."createdAt" - interval \'1 minute\''
            ' FROM "Conversation" c JOIN "Match" m ON m.id = c."matchId"'
            f' WHERE c.id = ({LATE_CONV}) AND g."conversationId" = c.id'
            ' AND g.id = (SELECT max(id) FROM "Message" WHERE "conversationId" = c.id)'
        ],
        {"messages and conversations come after their match"},
    ),
    "a conversation opened before its match": (
        [
            'UPDATE "Conversation" c SET "createdAt" = m."createdAt" - interval \'1 minute\''
            f' FROM "Match" m WHERE m.id = c."matchId" AND c.id = ({LATE_CONV})'
        ],
        {"messages and conversations come after their match"},
    ),
    "a conversation without its match": (
        [f'UPDATE "Conversation" SET "matchId" = NULL WHERE id = ({LATE_CONV})'],
        {"every Conversation belongs to a Match with the same two users"},
    ),
    "a message from a third user": (
        [
            'UPDATE "Message" SET "senderId" = (SELECT id FROM "User" ORDER BY "createdAt"'
            ' LIMIT 1) WHERE id = (SELECT g.id FROM "Message" g JOIN "Conversation" c'
            ' ON c.id = g."conversationId" WHERE (SELECT id FROM "User" ORDER BY "createdAt"'
            ' LIMIT 1) NOT IN (c."userAId", c."userBId") ORDER BY g.id LIMIT 1)'
        ],
        {"a message's sender is one of its conversation's two users"},
    ),
    "a like before its account's creation": (
        [
            'UPDATE "Like" l SET "createdAt" = u."createdAt" - interval \'1 second\''
            f' FROM "User" u WHERE u.id = l."fromUserId" AND l.id = ({ONE_WAY})'
        ],
        {
            "Like: not before the account of fromUserId, toUserId",
            "Like: createdAt inside the activity windows",
        },
    ),
    "a post before its account's creation": (
        [
            'UPDATE "Post" p SET "createdAt" = u."createdAt" - interval \'1 second\''
            ' FROM "User" u WHERE u.id = p."userId" AND p.id = (SELECT p2.id FROM "Post" p2'
            ' WHERE NOT EXISTS (SELECT 1 FROM "FeedSeen" f WHERE f."itemId" = p2.id)'
            " ORDER BY p2.id LIMIT 1)"
        ],
        {
            "Post: not before the account of userId",
            "Post: createdAt, updatedAt inside the activity windows",
        },
    ),
    "a like after the window": (
        [f'UPDATE "Like" SET "createdAt" = \'2024-03-15 20:00\' WHERE id = ({ONE_WAY})'],
        {"Like: createdAt inside the activity windows"},
    ),
    "a profile view just past the last local day (UTC + 12 h)": (
        [
            'UPDATE "ProfileView" SET "viewedAt" = \'2024-01-31 12:00\''
            ' WHERE id = (SELECT min(id) FROM "ProfileView")'
        ],
        {"ProfileView: viewedAt inside the activity windows"},
    ),
    "a feed view's updatedAt before the window": (
        [
            'UPDATE "FeedSeen" SET "updatedAt" = \'2023-12-31 23:59:59\''
            ' WHERE id = (SELECT min(id) FROM "FeedSeen")'
        ],
        {"FeedSeen: seenAt, createdAt, updatedAt inside the activity windows"},
    ),
    "a liked post the user never saw": (
        [f'DELETE FROM "FeedSeen" WHERE id = ({LIKED_SEEN})'],
        {"LikedPost only for posts the user saw (FeedSeen)"},
    ),
    "a like of one's own post (seen)": (
        [
            'INSERT INTO "FeedSeen" ("viewerUserId", "itemType", "itemId", "seenAt",'
            ' "createdAt", "updatedAt") SELECT "userId", \'POST\', id, "createdAt",'
            f' "createdAt", "createdAt" FROM "Post" WHERE id = ({LATE_POST})',
            'INSERT INTO "LikedPost" ("userId", "postId") SELECT "userId", id FROM "Post"'
            f" WHERE id = ({LATE_POST})",
        ],
        {"no like or feed view of one's own post"},
    ),
    "a feed view before the post was written": (
        [
            'UPDATE "FeedSeen" f SET "seenAt" = p."createdAt" - interval \'1 second\''
            ' FROM "Post" p WHERE p.id = f."itemId" AND f.id = (SELECT f2.id FROM "FeedSeen" f2'
            ' JOIN "Post" p2 ON p2.id = f2."itemId" WHERE p2."createdAt" > \'2024-01-10\''
            " ORDER BY f2.id LIMIT 1)"
        ],
        {"a FeedSeen row points at a post, seen after it was written"},
    ),
    "a user without a profile": (
        ['DELETE FROM "Profile" WHERE id = (SELECT max(id) FROM "Profile")'],
        {"users.count == profiles.count"},
    ),
    "a user with 2 interests": (
        [
            'DELETE FROM "UserInterest" WHERE "userId" = 1 AND id NOT IN (SELECT id'
            ' FROM "UserInterest" WHERE "userId" = 1 ORDER BY id LIMIT 2)'
        ],
        {"3-8 interests per user (every user)"},
    ),
    "a user with 9 interests": (
        [
            'INSERT INTO "UserInterest" ("userId", "subjectId", "interestId")'
            ' SELECT 1, i."subjectId", i.id FROM "Interest" i WHERE NOT EXISTS (SELECT 1'
            ' FROM "UserInterest" u WHERE u."userId" = 1 AND u."interestId" = i.id)'
            ' ORDER BY i.id LIMIT 9 - (SELECT count(*) FROM "UserInterest" WHERE "userId" = 1)'
        ],
        {"3-8 interests per user (every user)"},
    ),
    "SearchableUser missing a user": (
        [
            'INSERT INTO "SearchableUser" ("userId", "isVisible", "isDeleted", "updatedAt")'
            " SELECT id, true, false, '2024-01-31' FROM \"User\" WHERE id > 1"
        ],
        {"SearchableUser: one row per user once the job ran"},
    ),
    "no post liked (bands move)": (
        ['DELETE FROM "LikedPost"'],
        {
            f"feed engagement {RUN}",
            f"feed engagement {DB}",
            f"posts without likes {RUN}",
            f"posts without likes {DB}",
        },
    ),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_each_rule_fails_when_its_data_is_broken(
    conn: psycopg.Connection[tuple[object, ...]], kind: str
) -> None:
    statements, expected = BREAKS[kind]
    for stmt in statements:
        assert conn.execute(stmt).rowcount != 0, stmt  # the break touched a row (DDL: -1)
    checks = verify(conn)
    assert failed(checks) == expected, [(c.rule, c.detail) for c in checks if not c.passed]
    assert all(c.detail and c.detail != "ok" for c in checks if not c.passed)


def test_the_window_ends_exactly_12_hours_after_the_last_local_midnight(
    conn: psycopg.Connection[tuple[object, ...]],
) -> None:
    conn.execute(
        'UPDATE "ProfileView" SET "viewedAt" = \'2024-01-31 11:59:59.999\''
        ' WHERE id = (SELECT min(id) FROM "ProfileView")'
    )
    assert failed(verify(conn)) == set()


def test_searchable_users_for_every_user_pass(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    conn.execute(
        'INSERT INTO "SearchableUser" ("userId", "isVisible", "isDeleted", "updatedAt")'
        " SELECT id, true, false, '2024-01-31' FROM \"User\""
    )
    checks = {c.rule: c for c in verify(conn)}
    rule = checks["SearchableUser: one row per user once the job ran"]
    assert rule.passed and rule.detail == "1,000 rows"


@pytest.mark.parametrize(("lo", "hi"), [(1, 500), (301, 1000), (1, 1), (1, 150)])
def test_run_bands_measure_the_runs_users(
    conn: psycopg.Connection[tuple[object, ...]], lo: int, hi: int
) -> None:
    conn.execute(
        'INSERT INTO "SeedRun" ("runSeed", kind, "profileCount", "pgseedVersion", config)'
        " VALUES ('part', 'profiles', %s, 'x', jsonb_build_object('first_user_id', %s::int,"
        " 'last_user_id', %s::int))",
        [hi - lo + 1, lo, hi],
    )
    checks = {c.rule: c for c in verify(conn)}  # the latest run: "part"
    run = checks["quiz completion (run part)"]
    if hi - lo + 1 >= 200:
        assert f"{hi - lo + 1:,} users" in run.detail
    else:  # too few users for a rate: skipped, saying how many
        assert run.skipped and f"({hi - lo + 1:,} < 200" in run.detail
    assert "1,000 users" in checks[f"quiz completion {DB}"].detail
    assert {c.rule for c in verify(conn, SEED)} >= {f"quiz completion {RUN}"}


@pytest.mark.parametrize("seed", ["nope", "demo-2025", "DEMO-2024"])
def test_an_unknown_run_seed_is_a_failed_rule(
    conn: psycopg.Connection[tuple[object, ...]], seed: str
) -> None:
    checks = verify(conn, seed)
    bad = [c for c in checks if not c.passed]
    assert [c.rule for c in bad] == [f"run {seed}: its profiles SeedRun rows"]
    assert "known: demo-2024" in bad[0].detail and "Fix:" in bad[0].detail


@pytest.fixture
def empty_db(server_dsn: str) -> Iterator[str]:
    name = _create(server_dsn)
    yield dsn_for(server_dsn, name)
    drop_database(server_dsn, name)


@pytest.mark.parametrize("migrated", [False, True], ids=["no tables", "empty tables"])
def test_no_social_data_gives_failed_rules_not_an_exception(empty_db: str, migrated: bool) -> None:
    with psycopg.connect(empty_db) as c:
        if migrated:
            upgrade(c, MIGRATIONS)
            c.commit()
        c.read_only = True
        checks = verify(c)
        bad = [x for x in checks if not x.passed]
        assert bad, "an empty database must not pass"
        assert all(x.detail for x in bad)
        if migrated:
            assert "a seeded run (SeedRun)" in {x.rule for x in bad}
            assert f"match rate {DB}" in {x.rule for x in bad}
        else:
            assert [x.rule for x in bad] == ["the social tables exist"]
            assert '"Like"' not in bad[0].detail and "Like" in bad[0].detail
            assert "Fix:" in bad[0].detail
