"""Phase A (issue 11): users, profiles, media, interests and quiz answers, as the spec and
the issue describe them, computed from (run seed, user id) alone."""

from __future__ import annotations

import datetime as dt

import bcrypt
import numpy as np
import pytest

from pgseed.packs.social import pools, profiles, vocab
from pgseed.packs.social.config import SocialConfig
from pgseed.packs.social.keys import seed_key
from pgseed.packs.social.password import DEMO_PASSWORD
from pgseed.packs.social.people import GENDERS, people
from tests.conftest import query, scalar
from tests.packs.social.support import START, seed

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def seeded(server_dsn: str) -> str:
    import uuid

    from tests.conftest import drop_database, dsn_for

    name = f"pgseed_{uuid.uuid4().hex[:10]}_test"
    dsn = dsn_for(server_dsn, name)
    seed(dsn, count=600)
    yield dsn  # type: ignore[misc]
    drop_database(server_dsn, name)


def test_users_have_the_spec_emails_and_one_real_hash_of_the_demo_password(seeded: str) -> None:
    rows = query(seeded, 'SELECT id, email, "passwordHash" FROM "User" ORDER BY id')
    assert all(email == f"test.user{i}@example.com" for i, email, _ in rows)
    hashes = {h for _, _, h in rows}
    assert len(hashes) == 1
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), hashes.pop().encode())


def test_names_match_the_gender_and_ages_count_from_the_start_date(seeded: str) -> None:
    rows = query(seeded, 'SELECT "displayName", gender::text, birthdate FROM "Profile"')
    for name, gender, birth in rows:
        assert name.split()[0] in vocab.first_names(gender), (name, gender)
        age = (START - birth).days / 365.25
        assert 18 <= age < 66, birth
    ages = np.array([(START - b).days / 365.25 for _, _, b in rows])
    assert 0.35 < np.mean((ages >= 25) & (ages < 36)) < 0.7  # the peak at 25-35


def test_three_to_five_media_each_and_the_profile_points_at_its_own(seeded: str) -> None:
    per = [n for (n,) in query(seeded, 'SELECT count(*) FROM "Media" GROUP BY "userId"')]
    assert len(per) == 600 and min(per) >= 3 and max(per) <= 5
    foreign = scalar(
        seeded,
        'SELECT count(*) FROM "Profile" p LEFT JOIN "Media" a ON a.id = p."avatarMediaId" '
        'LEFT JOIN "Media" h ON h.id = p."heroMediaId" WHERE a."userId" <> p."userId" '
        'OR (p."heroMediaId" IS NOT NULL AND h."userId" <> p."userId")',
    )
    assert foreign == 0
    bad = scalar(
        seeded,
        "SELECT count(*) FROM \"Media\" WHERE url !~ '^https://picsum\\.photos/seed/[0-9]+/800/600$'",
    )
    assert bad == 0


def test_interests_and_every_interest_touched_is_dirty(seeded: str) -> None:
    per = [n for (n,) in query(seeded, 'SELECT count(*) FROM "UserInterest" GROUP BY "userId"')]
    assert min(per) >= 3 and max(per) <= 8 and len(per) == 600
    missing = scalar(
        seeded,
        'SELECT count(DISTINCT "interestId") FROM "UserInterest" u WHERE NOT EXISTS '
        '(SELECT 1 FROM "InterestDirty" d WHERE d."interestId" = u."interestId")',
    )
    assert missing == 0


def test_quiz_answers_follow_the_archetype_about_nine_times_in_ten(seeded: str) -> None:
    cfg = SocialConfig(run_seed="test-seed", count=600)
    p = people(seed_key("test-seed"), np.arange(1, 601), cfg.ratios(), START)
    takes, picks = profiles.answers(seed_key("test-seed"), p)
    assert 0.8 <= takes.mean() <= 0.9
    preferred = np.array(
        [[pools.PREFERRED[j][a] for j in range(len(pools.QUIZ.questions))] for a in p.archetype]
    )
    follow = (picks == preferred)[takes].mean()
    assert 0.86 <= follow <= 0.96
    assert scalar(seeded, 'SELECT count(*) FROM "QuizResult"') == int(takes.sum())
    # scoreVec as spec 4.1 defines it: option index / max(1, options - 1)
    vec, uid = query(seeded, 'SELECT "scoreVec", "userId" FROM "QuizResult" ORDER BY id LIMIT 1')[0]
    row = int(np.flatnonzero(p.ids == uid)[0])
    n_opt = [len(q.options) for q in pools.QUIZ.questions]
    assert vec == pytest.approx([picks[row, j] / max(1, n_opt[j] - 1) for j in range(len(n_opt))])


def test_half_filled_and_inactive_users_in_their_shares() -> None:
    cfg = SocialConfig(run_seed="shares", count=5000)
    p = people(seed_key("shares"), np.arange(1, 5001), cfg.ratios(), START)
    assert 0.10 <= p.incomplete.mean() <= 0.20
    assert 0.12 <= p.inactive.mean() <= 0.18
    assert set(np.unique(p.archetype).tolist()) == set(range(6))
    assert p.sociability.min() >= 0.2 and p.sociability.max() < 0.8
    assert p.selectivity.min() >= 0.3 and p.selectivity.max() < 0.8
    assert p.engagement.min() >= 0.4 and p.engagement.max() < 0.8
    shares = np.bincount(p.gender, minlength=5) / 5000
    assert abs(shares[GENDERS.index("MALE")] - 0.47) < 0.03


def test_personality_is_a_pure_function_of_the_seed_and_the_user() -> None:
    cfg = SocialConfig(run_seed="pure", count=10)
    key = seed_key("pure")
    every = people(key, np.arange(1, 2001), cfg.ratios(), START)
    some = people(key, np.array([7, 1500, 42]), cfg.ratios(), START)
    for field in ("gender", "archetype", "city", "interests", "sociability", "desirability"):
        assert np.array_equal(getattr(every, field)[[6, 1499, 41]], getattr(some, field)), field


def test_a_second_profile_run_adds_users_after_the_first(db_dsn: str) -> None:
    seed(db_dsn, count=30)
    seed(db_dsn, count=20, run_seed="second")
    assert query(db_dsn, 'SELECT min(id), max(id), count(*) FROM "User"')[0] == (1, 50, 50)
    runs = query(
        db_dsn,
        "SELECT \"runSeed\", kind::text, config->>'first_user_id', config->>'last_user_id' FROM \"SeedRun\" ORDER BY id",
    )
    assert runs == [("test-seed", "profiles", "1", "30"), ("second", "profiles", "31", "50")]
    assert scalar(db_dsn, 'SELECT count(*) FROM "InterestSubject"') == len(
        vocab.SUBJECTS
    )  # not twice


def test_birthdates_move_with_the_start_date_not_the_clock(db_dsn: str) -> None:
    cfg = SocialConfig(run_seed="b", count=50)
    key = seed_key("b")
    a = people(key, np.arange(1, 51), cfg.ratios(), START)
    b = people(key, np.arange(1, 51), cfg.ratios(), START + dt.timedelta(days=3650))
    assert np.array_equal(b.birth_ordinal - a.birth_ordinal, np.full(50, 3650))
