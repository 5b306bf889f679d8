"""The social pack's reference jobs (spec 004 §6.3) on a tiny hand-built world, against the
values worked out by hand (the arithmetic is in the comments), run twice (idempotent), and
as of a time: facts after it do not count and nothing they write is the wall clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.dialects.postgresql import TIMESTAMP

from pgseed.errors import ConfigError, SchemaMismatchError
from pgseed.migrate import upgrade
from pgseed.packs.social.jobs import JOBS, run_job
from pgseed.packs.social.models import DERIVED, metadata
from tests.conftest import drop_database, dsn_for
from tests.packs.social.test_schema import MIGRATIONS

AS_OF = datetime(2024, 1, 31, 12, 0)  # the end of the simulated window
D = Decimal

# Users (created 2024-01-01 00:00 unless said): 1 LONG_TERM, 3 LONG_TERM, 4 FRIENDS and 10
# LONG_TERM at (40, -74); 2 MARRIAGE at (40.5, -74), created 2024-01-25 12:00; 9 LONG_TERM
# at (41.5, -74); 5's profile is hidden; 6 is created after AS_OF; 7 was deleted on
# 2024-01-20; 8 has no profile.
# Distances along a meridian are R * dlat: 0.5 deg -> 6371 * 0.00872665 = 55.597 km;
# 9 is 1.0 deg (111.195 km) from 2 and 1.5 deg (166.792 km) from 1, 3, 10.
WORLD = """
INSERT INTO "User" (id, email, "passwordHash", "createdAt", "updatedAt", "deletedAt") VALUES
 (1, 'u1@x', 'h', '2024-01-01', '2024-01-01', NULL), (2, 'u2@x', 'h', '2024-01-25 12:00', '2024-01-25', NULL),
 (3, 'u3@x', 'h', '2024-01-01', '2024-01-01', NULL), (4, 'u4@x', 'h', '2024-01-01', '2024-01-01', NULL),
 (5, 'u5@x', 'h', '2024-01-01', '2024-01-01', NULL), (6, 'u6@x', 'h', '2024-02-05', '2024-02-05', NULL),
 (7, 'u7@x', 'h', '2024-01-01', '2024-01-01', '2024-01-20'), (8, 'u8@x', 'h', '2024-01-01', '2024-01-01', NULL),
 (9, 'u9@x', 'h', '2024-01-01', '2024-01-01', NULL), (10, 'u10@x', 'h', '2024-01-01', '2024-01-01', NULL);
INSERT INTO "Profile" (id, "userId", gender, intent, "isVisible", lat, lng, "locationText",
                       birthdate, "createdAt", "updatedAt") VALUES
 (1, 1, 'MALE', 'LONG_TERM', true, 40, -74, 'New York, NY', '1994-06-01', '2024-01-01', '2024-01-01'),
 (2, 2, 'FEMALE', 'MARRIAGE', true, 40.5, -74, 'Newark, NJ', '2000-03-15', '2024-01-25 12:00', '2024-01-25'),
 (3, 3, 'FEMALE', 'LONG_TERM', true, 40, -74, 'New York, NY', '1980-01-31', '2024-01-01', '2024-01-01'),
 (4, 4, 'MALE', 'FRIENDS', true, 40, -74, 'New York, NY', NULL, '2024-01-01', '2024-01-01'),
 (5, 5, 'OTHER', 'LONG_TERM', false, 41.5, -74, 'Albany, NY', NULL, '2024-01-01', '2024-01-01'),
 (6, 6, 'MALE', 'LONG_TERM', true, 40, -74, 'New York, NY', NULL, '2024-02-05', '2024-02-05'),
 (7, 7, 'MALE', 'LONG_TERM', true, 40, -74, 'New York, NY', NULL, '2024-01-01', '2024-01-01'),
 (9, 9, 'MALE', 'LONG_TERM', true, 41.5, -74, 'Albany, NY', NULL, '2024-01-01', '2024-01-01'),
 (10, 10, 'FEMALE', 'LONG_TERM', true, 40, -74, 'New York, NY', NULL, '2024-01-01', '2024-01-01');
INSERT INTO "InterestSubject" (id, key, label) VALUES (1, 'life', 'Life');
INSERT INTO "Interest" (id, "subjectId", key, label) VALUES
 (101, 1, 'hiking', 'Hiking'), (102, 1, 'jazz', 'Jazz'), (103, 1, 'chess', 'Chess'), (104, 1, 'yoga', 'Yoga');
INSERT INTO "UserInterest" ("userId", "subjectId", "interestId") VALUES
 (1, 1, 101), (1, 1, 102), (1, 1, 103), (2, 1, 101), (2, 1, 102), (3, 1, 102), (3, 1, 104),
 (4, 1, 101), (5, 1, 103), (6, 1, 101), (6, 1, 102), (7, 1, 101), (7, 1, 103), (10, 1, 104);
INSERT INTO "InterestDirty" ("interestId", "touchedAt") VALUES (101, '2024-01-01'), (103, '2024-02-10');
INSERT INTO "Quiz" (id, slug, title, "updatedAt") VALUES (1, 'core', 'Core', '2024-01-01');
INSERT INTO "QuizQuestion" (id, "quizId", prompt, "order") VALUES (11, 1, 'Q1', 1), (12, 1, 'Q2', 2);
INSERT INTO "QuizOption" (id, "questionId", label, value, "order", "traitValues") VALUES
 (111, 11, 'A', 'a', 0, '{"openness": 4, "warmth": 2}'), (112, 11, 'B', 'b', 1, '{"openness": -2}'),
 (113, 11, 'C', 'c', 2, NULL),
 (121, 12, 'X', 'x', 0, '{"warmth": 6}'), (122, 12, 'Y', 'y', 1, '{"warmth": -3, "openness": 1.5}');
INSERT INTO "QuizResult" ("userId", "quizId", answers, "scoreVec", "createdAt", "updatedAt") VALUES
 (1, 1, '{"11": "a", "12": "x"}', '[0, 0]', '2024-01-10', '2024-01-10'),
 (2, 1, '{"11": "b", "12": "y"}', '[0.5, 1]', '2024-01-26', '2024-01-26'),
 (3, 1, '{"11": "a", "12": "y"}', '[0, 1]', '2024-01-10', '2024-01-10'),
 (5, 1, '{"11": "c"}', '[1]', '2024-02-01', '2024-02-01'),
 (6, 1, '{"11": "a", "12": "x"}', '[0, 0]', '2024-02-06', '2024-02-06'),
 (7, 1, '{"11": "b"}', '[0.5]', '2024-01-10', '2024-01-10');
INSERT INTO "Post" (id, "userId", visibility, "createdAt", "updatedAt", "deletedAt") VALUES
 (1001, 1, 'PUBLIC', '2024-01-20', '2024-01-20', NULL), (1002, 2, 'PRIVATE', '2024-01-28', '2024-01-28', NULL),
 (1003, 3, 'PUBLIC', '2024-01-10', '2024-01-10', NULL), (1004, 1, 'PUBLIC', '2024-01-30', '2024-01-30', '2024-01-31 06:00'),
 (1005, 3, 'PUBLIC', '2024-02-01', '2024-02-01', NULL), (1006, 2, 'PUBLIC', '2024-01-28', '2024-01-28', NULL);
INSERT INTO "FeedSeen" ("viewerUserId", "itemType", "itemId", "seenAt", "createdAt", "updatedAt")
SELECT v, 'POST', p, t::timestamp, t::timestamp, t::timestamp FROM (VALUES
 (2, 1001, '2024-01-25 20:15'), (3, 1001, '2024-01-25 20:40'), (4, 1001, '2024-01-31 09:00'),
 (10, 1001, '2024-01-31 13:00'), (9, 1001, '2024-01-24 11:00'), (1, 1003, '2024-01-15'),
 (1, 1002, '2024-01-30'), (2, 1004, '2024-01-30 10:00'), (1, 1005, '2024-02-02'),
 (1, 1006, '2024-01-29 08:30'), (3, 1006, '2024-01-29 15:05')) AS s(v, p, t);
INSERT INTO "LikedPost" ("userId", "postId") VALUES (2, 1001), (4, 1001), (10, 1001), (1, 1006), (3, 1006);
"""

EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    # Alive users 1-5, 8, 9, 10 hold: 1 {101,102,103}, 2 {101,102}, 3 {102,104}, 4 {101},
    # 5 {103}, 10 {104} (6 is not yet, 7 is deleted). Counts: 101 = 3 (1,2,4), 102 = 3
    # (1,2,3), 103 = 2 (1,5), 104 = 2 (3,10). Pairs: 101-102 = 2 (1,2): 2/3, 2/3;
    # 101-103 = 1: 1/3, 1/2; 102-103 = 1: 1/3, 1/2; 102-104 = 1 (3): 1/3, 1/2.
    "interest-relationships": [
        (101, 102, 2, 3, 3, 0.6667, 0.6667, AS_OF),
        (101, 103, 1, 3, 2, 0.3333, 0.5, AS_OF),
        (102, 103, 1, 3, 2, 0.3333, 0.5, AS_OF),
        (102, 104, 1, 3, 2, 0.3333, 0.5, AS_OF),
    ],
    # Created by AS_OF: all but 6. 5's profile is hidden, 7 is deleted, 8 has no profile.
    "searchable-user": [
        (u, u not in (5, 7, 8), u == 7, AS_OF) for u in (1, 2, 3, 4, 5, 7, 8, 9, 10)
    ],
    # 1: a (openness 4, warmth 2) + x (warmth 6): openness 4/1, warmth (2+6)/2 = 4 (n 2).
    # 2: b (openness -2) + y (warmth -3, openness 1.5): openness (-2+1.5)/2 = -0.25, warmth -3.
    # 3: a + y: openness (4+1.5)/2 = 2.75, warmth (2-3)/2 = -0.5. 5's result is after AS_OF,
    # 6 is not yet a user, 7 is deleted.
    "build-user-traits": [
        (1, "openness", D("4.00"), 1),
        (1, "warmth", D("4.00"), 2),
        (2, "openness", D("-0.25"), 2),
        (2, "warmth", D("-3.00"), 1),
        (3, "openness", D("2.75"), 2),
        (3, "warmth", D("-0.50"), 2),
    ],
    # Scored: 1, 2, 3, 10 (4 is FRIENDS: no compatible intent; 9 is beyond 100 km; 5 hidden).
    # quiz (1 - |a-b| averaged): 1-2 ((1-.5)+(1-1))/2 = .25; 1-3 (1+0)/2 = .5; 2-3
    # (.5+1)/2 = .75; 10 has no result: 0. Jaccard: 1-2 2/3 = .6667; 1-3 1/4 = .25;
    # 2-3 1/3 = .3333; 3-10 1/2 = .5; 1-10, 2-10 0. nearby: 0 km -> 1; 55.597 km ->
    # 1 - .55597 = .4440. new (of the candidate): 2 is 6 days old -> 1 - 6/30 = .8, the
    # others 30.5 days -> 0. score = .4 quiz + .3 interests + .2 nearby + .1 new:
    # 1->2 .1 + .20001 + .0888 + .08 = .4688; 2->1 .3888; 1->3 = 3->1 .2 + .075 + .2 = .475;
    # 2->3 .3 + .09999 + .0888 = .4888; 3->2 .5688; 1->10 = 10->1 .2; 3->10 = 10->3
    # .15 + .2 = .35 (medium from .35); 2->10 .0888; 10->2 .0888 + .08 = .1688.
    "match-scores": [
        (1, 2, 0.4688, 0.25, 0.6667, 0.444, 0.8, 55.597, ["interests", "new"], "medium"),
        (1, 3, 0.475, 0.5, 0.25, 1.0, 0.0, 0.0, ["quiz", "nearby"], "medium"),
        (1, 10, 0.2, 0.0, 0.0, 1.0, 0.0, 0.0, ["nearby"], "low"),
        (2, 1, 0.3888, 0.25, 0.6667, 0.444, 0.0, 55.597, ["interests"], "medium"),
        (2, 3, 0.4888, 0.75, 0.3333, 0.444, 0.0, 55.597, ["quiz"], "medium"),
        (2, 10, 0.0888, 0.0, 0.0, 0.444, 0.0, 55.597, [], "low"),
        (3, 1, 0.475, 0.5, 0.25, 1.0, 0.0, 0.0, ["quiz", "nearby"], "medium"),
        (3, 2, 0.5688, 0.75, 0.3333, 0.444, 0.8, 55.597, ["quiz", "new"], "medium"),
        (3, 10, 0.35, 0.0, 0.5, 1.0, 0.0, 0.0, ["interests", "nearby"], "medium"),
        (10, 1, 0.2, 0.0, 0.0, 1.0, 0.0, 0.0, ["nearby"], "low"),
        (10, 2, 0.1688, 0.0, 0.0, 0.444, 0.8, 55.597, ["new"], "low"),
        (10, 3, 0.35, 0.0, 0.5, 1.0, 0.0, 0.0, ["interests", "nearby"], "medium"),
    ],
    # Answers by AS_OF of alive users: 1 (11 a, 12 x; MALE, 29 -> 25-34, New York),
    # 2 (11 b, 12 y; FEMALE, 23 -> 18-24, Newark), 3 (11 a, 12 y; FEMALE, 44 on AS_OF's
    # date -> 35-44, New York).
    "quiz-stats": [
        (11, "b", "age", "18-24", 1, 1),
        (12, "y", "age", "18-24", 1, 1),
        (11, "a", "age", "25-34", 1, 1),
        (12, "x", "age", "25-34", 1, 1),
        (11, "a", "age", "35-44", 1, 1),
        (12, "y", "age", "35-44", 1, 1),
        (11, "a", "city", "New York, NY", 2, 2),
        (12, "x", "city", "New York, NY", 1, 2),
        (12, "y", "city", "New York, NY", 1, 2),
        (11, "b", "city", "Newark, NJ", 1, 1),
        (12, "y", "city", "Newark, NJ", 1, 1),
        (11, "a", "gender", "FEMALE", 1, 2),
        (11, "b", "gender", "FEMALE", 1, 2),
        (12, "y", "gender", "FEMALE", 2, 2),
        (11, "a", "gender", "MALE", 1, 1),
        (12, "x", "gender", "MALE", 1, 1),
        (11, "a", "site", "all", 2, 3),
        (11, "b", "site", "all", 1, 3),
        (12, "x", "site", "all", 1, 3),
        (12, "y", "site", "all", 2, 3),
    ],
    # Window (2024-01-24 12:00, AS_OF]. 1001: views by 2 (01-25 20:15, liked), 3 (20:40),
    # 4 (01-31 09:00, liked); 10's view is after AS_OF, 9's before the window. popularity =
    # (1+3) + 1 + (1+3) = 9; last 24 h: 4 -> 4/24 = .1667; peak hour 01-25 20:00 (5 > 4).
    # 1006: views+likes by 1 (01-29 08:30) and 3 (15:05): 8, none in the last day, a tie of
    # 4 and 4 -> the earlier hour. 1002 is private, 1003's view is old, 1004 deleted, 1005
    # created after AS_OF.
    "trending": [
        (1001, 9.0, 0.1667, datetime(2024, 1, 25, 20), AS_OF, AS_OF + timedelta(days=1)),
        (1006, 8.0, 0.0, datetime(2024, 1, 29, 8), AS_OF, AS_OF + timedelta(days=1)),
    ],
    # MatchScore's pairs: those with 10 (no quiz result) lack data; the others share quiz 1.
    "compatibility": [
        (1, 2, "READY", 0.25),
        (1, 3, "READY", 0.5),
        (1, 10, "INSUFFICIENT_DATA", None),
        (2, 1, "READY", 0.25),
        (2, 3, "READY", 0.75),
        (2, 10, "INSUFFICIENT_DATA", None),
        (3, 1, "READY", 0.5),
        (3, 2, "READY", 0.75),
        (3, 10, "INSUFFICIENT_DATA", None),
        (10, 1, "INSUFFICIENT_DATA", None),
        (10, 2, "INSUFFICIENT_DATA", None),
        (10, 3, "INSUFFICIENT_DATA", None),
    ],
}

# What each job's result is read back as (the columns the hand values give).
READ = {
    "interest-relationships": 'SELECT "interestAId", "interestBId", "pairCount", "interestACount",'
    ' "interestBCount", "strengthAB", "strengthBA", "updatedAt" FROM "InterestRelationship"'
    " ORDER BY 1, 2",
    "searchable-user": 'SELECT "userId", "isVisible", "isDeleted", "updatedAt"'
    ' FROM "SearchableUser" ORDER BY 1',
    "build-user-traits": 'SELECT "userId", "traitKey", value, n FROM "UserTrait" ORDER BY 1, 2',
    "match-scores": 'SELECT "userId", "candidateUserId", score, "quizScore", "interestsScore",'
    ' "nearbyScore", "newScore", "distanceKm", reasons, tier FROM "MatchScore" ORDER BY 1, 2',
    "quiz-stats": 'SELECT "questionId", "optionValue", dimension::text, bucket, count, total'
    ' FROM "QuizAnswerStats" ORDER BY 3, 4, 1, 2',
    "trending": 'SELECT "postId", popularity, velocity, "peakTime", "computedAt", "expiresAt"'
    ' FROM "TrendingScore" ORDER BY 1',
    "compatibility": 'SELECT "viewerUserId", "targetUserId", status::text, score'
    ' FROM "UserCompatibility" ORDER BY 1, 2',
}

# The derived tables with a time the job writes (UserTrait and QuizAnswerStats have none).
TIMED = [t for t in DERIVED if any(isinstance(c.type, TIMESTAMP) for c in metadata.tables[t].c)]

# Facts after AS_OF that would change every job's result if they counted.
LATE = """
INSERT INTO "User" (id, email, "passwordHash", "createdAt", "updatedAt") VALUES
 (11, 'u11@x', 'h', '2024-01-31 12:00:01', '2024-02-01');
INSERT INTO "Profile" (id, "userId", gender, intent, "isVisible", lat, lng, "locationText",
                       birthdate, "createdAt", "updatedAt") VALUES
 (11, 11, 'MALE', 'LONG_TERM', true, 40, -74, 'New York, NY', '1990-01-01', '2024-01-31 12:00:01', '2024-02-01');
INSERT INTO "UserInterest" ("userId", "subjectId", "interestId") VALUES (11, 1, 101), (11, 1, 104);
INSERT INTO "QuizResult" ("userId", "quizId", answers, "scoreVec", "createdAt", "updatedAt") VALUES
 (4, 1, '{"11": "b", "12": "x"}', '[0.5, 0]', '2024-01-31 12:00:01', '2024-02-01'),
 (10, 1, '{"11": "a", "12": "y"}', '[0, 1]', '2024-02-03', '2024-02-03'),
 (11, 1, '{"11": "c", "12": "x"}', '[1, 0]', '2024-02-03', '2024-02-03');
UPDATE "User" SET "deletedAt" = '2024-02-01' WHERE id = 3;
INSERT INTO "FeedSeen" ("viewerUserId", "itemType", "itemId", "seenAt", "createdAt", "updatedAt") VALUES
 (4, 'POST', 1003, '2024-01-31 12:00:01', '2024-02-01', '2024-02-01'),
 (5, 'POST', 1001, '2024-02-01', '2024-02-01', '2024-02-01');
INSERT INTO "LikedPost" ("userId", "postId") VALUES (4, 1003), (5, 1001);
"""


@pytest.fixture(scope="module")
def migrated(server_dsn: str) -> Iterator[str]:
    name = f"pgseed_socialjobs_{uuid.uuid4().hex[:10]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = dsn_for(server_dsn, name)
    with psycopg.connect(dsn) as conn:
        upgrade(conn, MIGRATIONS)
    yield dsn
    drop_database(server_dsn, name)


@pytest.fixture
def world(migrated: str) -> Iterator[psycopg.Connection[Any]]:
    """The tiny world in a transaction that is rolled back."""
    with psycopg.connect(migrated) as conn:
        conn.execute(WORLD.encode())
        yield conn
        conn.rollback()


def _run_all(conn: psycopg.Connection[Any], as_of: datetime = AS_OF) -> dict[str, int]:
    return {job: run_job(conn, job, as_of) for job in JOBS}


def _read(conn: psycopg.Connection[Any], job: str) -> list[tuple[Any, ...]]:
    return conn.execute(READ[job].encode()).fetchall()


def test_the_jobs_run_in_the_specs_order() -> None:
    assert JOBS == (
        "interest-relationships",
        "searchable-user",
        "build-user-traits",
        "match-scores",
        "quiz-stats",
        "trending",
        "compatibility",
    )


@pytest.mark.parametrize("job", JOBS)
def test_each_job_computes_the_hand_worked_values(world: psycopg.Connection[Any], job: str) -> None:
    written = _run_all(world)
    assert _read(world, job) == EXPECTED[job]
    assert written[job] == len(EXPECTED[job])


def test_interest_relationships_consume_the_dirty_marks_up_to_as_of(
    world: psycopg.Connection[Any],
) -> None:
    run_job(world, "interest-relationships", AS_OF)
    rows = world.execute('SELECT "interestId" FROM "InterestDirty"').fetchall()
    assert rows == [(103,)]  # touched after AS_OF: left for a later run


@pytest.mark.parametrize("job", JOBS)
def test_a_second_run_leaves_the_same_rows(world: psycopg.Connection[Any], job: str) -> None:
    first = _run_all(world)
    once = _read(world, job)
    again = _run_all(world)
    assert _read(world, job) == once == EXPECTED[job]
    assert again[job] == first[job]


@pytest.mark.parametrize("job", JOBS)
def test_facts_after_as_of_do_not_count(world: psycopg.Connection[Any], job: str) -> None:
    world.execute(LATE.encode())
    _run_all(world)
    assert _read(world, job) == EXPECTED[job]


@pytest.mark.parametrize("job", JOBS)
def test_the_late_facts_change_every_job_once_they_are_past(
    world: psycopg.Connection[Any], job: str
) -> None:
    """The as-of test above could fail: as of a time after them, the same late facts
    change every job's result."""
    later = datetime(2024, 2, 4, 12, 0)
    _run_all(world, later)
    without = _read(world, job)
    world.execute(LATE.encode())
    _run_all(world, later)
    assert _read(world, job) != without


@pytest.mark.parametrize("table", TIMED)
def test_written_times_come_from_as_of_never_the_clock(
    world: psycopg.Connection[Any], table: str
) -> None:
    # A time in the middle of a millisecond: the tables keep milliseconds, and a job
    # writes the very value it was given (cut, not rounded, to the millisecond).
    as_of = datetime(2024, 1, 31, 12, 0, 0, 123_987)
    _run_all(world, as_of)
    columns = world.execute(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = %s"
        " AND data_type LIKE 'timestamp%%' AND column_name <> 'peakTime'",
        [table],
    ).fetchall()
    assert columns
    cut = as_of.replace(microsecond=123_000)
    for (column,) in columns:
        q = sql.SQL("SELECT DISTINCT {} FROM {}").format(
            sql.Identifier(column), sql.Identifier(table)
        )
        values = {row[0] for row in world.execute(q).fetchall()}
        assert values == ({cut + timedelta(days=1)} if column == "expiresAt" else {cut}), column


def test_an_aware_as_of_is_taken_in_utc(world: psycopg.Connection[Any]) -> None:
    aware = datetime(2024, 1, 31, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    run_job(world, "searchable-user", aware)
    assert _read(world, "searchable-user") == EXPECTED["searchable-user"]


def test_candidates_are_bounded_per_user(world: psycopg.Connection[Any]) -> None:
    """80 compatible users in one place: each keeps its 50 best candidates, no more."""
    world.execute(
        """INSERT INTO "User" (id, email, "passwordHash", "createdAt", "updatedAt")
           SELECT 100 + g, 'crowd' || g || '@x', 'h', '2024-01-01', '2024-01-01'
           FROM generate_series(1, 80) g;
           INSERT INTO "Profile" (id, "userId", intent, lat, lng, "createdAt", "updatedAt")
           SELECT 100 + g, 100 + g, 'CASUAL', 35, -100, '2024-01-01', '2024-01-01'
           FROM generate_series(1, 80) g"""
    )
    run_job(world, "match-scores", AS_OF)
    per_user = world.execute(
        'SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM "MatchScore"'
        ' WHERE "userId" > 100 GROUP BY "userId") c'
    ).fetchone()
    assert per_user == (50, 50)


@pytest.mark.parametrize("name", ["trending-posts", "match_scores", "", "Trending", "all"])
def test_an_unknown_job_is_a_config_error_naming_the_valid_ones(
    world: psycopg.Connection[Any], name: str
) -> None:
    with pytest.raises(ConfigError) as info:
        run_job(world, name, AS_OF)
    message = str(info.value)
    assert info.value.exit_code == 2
    assert f"Unknown social job {name!r}" in message
    assert "Fix: use one of: " + ", ".join(JOBS) in message


@pytest.fixture(scope="module")
def empty(server_dsn: str) -> Iterator[str]:
    """A database without the social schema."""
    name = f"pgseed_socialempty_{uuid.uuid4().hex[:10]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield dsn_for(server_dsn, name)
    drop_database(server_dsn, name)


@pytest.mark.parametrize("job", JOBS)
def test_a_database_without_the_schema_is_a_schema_mismatch(empty: str, job: str) -> None:
    with psycopg.connect(empty) as conn, pytest.raises(SchemaMismatchError) as info:
        conn.execute('CREATE TABLE "User" (id bigint)')  # rolled back: not the social schema
        run_job(conn, job, AS_OF)
    assert info.value.exit_code == 4
    assert f"The social job {job!r} cannot run here" in str(info.value)
    assert "Fix: " in str(info.value)
