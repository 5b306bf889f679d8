"""Each Genonaut rule (docs/genonaut.md) has a verify rule that catches its breach.

One small dataset (SMALL's users, fewer items) is seeded per module; each case corrupts it inside a
transaction (constraints dropped, so verify's own queries must catch it), runs
verify in-process and asserts that verify fails and names the rule. Clean data of
each kind pgseed writes (a fresh run, a second run, restricted prompt types, no
admin rows, an images_dir with a trailing slash) passes every rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgseed.layers import layer
from pgseed.packs.genonaut.config import GenonautConfig, file_values
from pgseed.packs.genonaut.verify import verify
from tests.conftest import ADMIN, SMALL, drop_database, write_config
from tests.support.mutation import (
    Mutator,
    assert_names,
    failed_rules,
    mutator_on,
    new_database,
    run_cli,
    seeded_with_copy,
    uncovered,
)

pytestmark = pytest.mark.db

A = f"'{ADMIN}'"
RANGE_START = "'2025-05-01 04:00:00'"  # 2025-05-01 00:00 America/New_York, as stored (UTC)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


# SMALL's users and batch sizes with a third of its items: verify runs once per case,
# and a third of the rows makes the module three times faster.
MUTATION_SIZE = {
    **SMALL,
    "seed_data_generator": {
        **SMALL["seed_data_generator"],
        "target_rows_content_items": 500,
        "target_rows_content_items_auto": 700,
    },
}


@pytest.fixture(scope="module")
def small(home: Path) -> Path:
    return write_config(home, MUTATION_SIZE, "small.json")


def config(path: Path, **keys: object) -> GenonautConfig:
    return layer(GenonautConfig, ("file", file_values(path)), ("flags", keys))


@pytest.fixture(scope="module")
def seeded(server_dsn: str, home: Path, small: Path) -> Iterator[tuple[str, str]]:
    """The dataset, and an untouched copy for the CLI."""
    yield from seeded_with_copy(
        server_dsn,
        home,
        "g",
        ("genonaut", "generate", "--config", str(small), "--seed", "3", "--max-workers", "1"),
    )


@pytest.fixture(scope="module")
def mutator(seeded: tuple[str, str]) -> Iterator[Mutator]:
    yield from mutator_on(seeded)


def one(table: str, assignment: str, where: str = "true") -> str:
    """Change one row of ``table``: the lowest id matching ``where``."""
    return f"UPDATE {table} SET {assignment} WHERE id = (SELECT min(id) FROM {table} WHERE {where})"


def user(assignment: str, offset: int = 0) -> str:
    return (
        f"UPDATE users SET {assignment} WHERE id = (SELECT id FROM users WHERE id <> {A}"
        f" ORDER BY id OFFSET {offset} LIMIT 1)"
    )


def job(assignment: str, where: str) -> str:
    return one("generation_jobs", assignment, where)


COMPLETED = {
    "content_items": "status = 'completed' AND result_content_id IS NOT NULL",
    "content_items_auto": "status = 'completed' AND result_content_id IS NULL",
}
PENDING = "status = 'pending'"
ERROR = "status = 'error'"
ANIMALS = "lion, tiger, bear, wolf"
GENERAL = "highly detailed, ultra realistic, soft lighting, HDR, 8k, 4k, surreal, dreamy, sepia, wide shot, painterly"


def content_cases(t: str) -> list[tuple[str, str]]:
    return [
        (f"{t}: exactly 50 admin rows", one(t, f"creator_id = {A}", f"creator_id <> {A}")),
        (f"{t}: is_private true for 10%", f"UPDATE {t} SET is_private = true WHERE id % 3 = 0"),
        (f"FK {t}.creator_id -> users.id", one(t, "creator_id = gen_random_uuid()")),
        (f"{t}: content_type = 'image'", one(t, "content_type = 'video'")),
        (f"{t}: content_data = ", one(t, "content_data = replace(content_data, '.png', '.jpg')")),
        (f"{t}: content_data = ", one(t, "content_data = replace(content_data, 'images/', 'images//')")),
        (f"{t}: content_data = ", one(t, "content_data = 'elsewhere/' || content_data")),
        (f"{t}: item_metadata = ", one(t, "item_metadata = jsonb_set(item_metadata, '{style}', '\"cubist\"')")),
        (f"{t}: item_metadata = ", one(t, "item_metadata = jsonb_set(item_metadata, '{resolution}', '\"1x1\"')")),
        (f"{t}: item_metadata = ", one(t, "item_metadata = item_metadata || '{\"seed\": 1}'")),
        (f"{t}: item_metadata = ", one(t, "item_metadata = jsonb_set(item_metadata, '{tags}', '[]')",
                                       "jsonb_array_length(tags) > 0")),
        (f"{t}: tags are ", one(t, "tags = '[\"not-a-tag\"]', item_metadata = jsonb_set(item_metadata,"
                                   " '{tags}', '[\"not-a-tag\"]')")),
        (f"{t}: tags are ", one(t, "tags = '[\"anime\", \"anime\"]', item_metadata = jsonb_set("
                                   "item_metadata, '{tags}', '[\"anime\", \"anime\"]')")),
        (f"{t}: quality_score in [0, 1], two decimals", one(t, "quality_score = 1.5")),
        (f"{t}: quality_score in [0, 1], two decimals", one(t, "quality_score = 0.123")),
        (f"{t}: created_at in range", one(t, "created_at = '2025-04-01', updated_at = '2025-04-01'")),
        (f"{t}: updated_at = created_at", one(t, "updated_at = created_at + interval '1 hour'")),
        (f"{t}: one completed job per item", job("completed_at = completed_at + interval '1 second',"
                                                 " updated_at = updated_at + interval '1 second'", COMPLETED[t])),
        (f"{t}: one completed job per item", one(t, f"creator_id = (SELECT id FROM users WHERE id <> {A}"
                                                    " ORDER BY created_at LIMIT 1)")),
        (f"{t}: title = the first 20 characters", one(t, "title = 'x' || left(title, 19)")),
        (f"{t}: title = the first 20 characters", one(t, "title = left(title, 19)")),
    ]  # fmt: skip


CASES: list[tuple[str, str]] = [
    ("users: admin user exists", f"DELETE FROM users WHERE id = {A}"),
    ("users: is_active true for 99%", f"UPDATE users SET is_active = false WHERE id IN"
     f" (SELECT id FROM users WHERE id <> {A} ORDER BY id LIMIT 10)"),
    ("users: the admin as pgseed adds it", f"UPDATE users SET preferences = '{{\"favorite_tags\":"
     f" [\"anime\"]}}' WHERE id = {A}"),
    ("users: the admin as pgseed adds it", f"UPDATE users SET is_active = false WHERE id = {A}"),
    ("users: the admin as pgseed adds it",
     f"UPDATE users SET username = 'root', email = 'root@genonaut.example' WHERE id = {A}"),
    ("users: the admin as pgseed adds it",
     f"UPDATE users SET created_at = created_at + interval '1 second', updated_at = updated_at"
     f" + interval '1 second' WHERE id = {A}"),
    ("users: created_at/updated_at in range", user("updated_at = created_at - interval '1 second'")),
    ("users: created_at/updated_at in range", user("created_at = '2025-04-30', updated_at = '2025-04-30'")),
    ("users: preferences = ", user("preferences = '{\"favorite_tags\": [\"not-a-tag\"]}'")),
    ("users: preferences = ", user("preferences = '{\"favorite_tags\": [\"anime\", \"anime\"]}'")),
    ("users: preferences = ", user("preferences = preferences || '{\"theme\": \"dark\"}'")),
    ("users: usernames and emails fit and look right", user("email = 'x' || email")),
    ("users: usernames and emails fit and look right", user("email = username || '@gmail.com'")),
    ("users: usernames and emails fit and look right",
     user("username = 'zorro.lopez12', email = 'zorro.lopez12@example.com'")),
    ("users: usernames and emails fit and look right",
     user("username = 'mary.smith0', email = 'mary.smith0@example.com'")),
    ("users: ids, usernames and emails are unique",
     f"UPDATE users u SET username = v.username, email = v.email FROM (SELECT username, email"
     f" FROM users WHERE id <> {A} ORDER BY id LIMIT 1) v WHERE u.id = (SELECT id FROM users"
     f" WHERE id <> {A} ORDER BY id OFFSET 1 LIMIT 1)"),
    ("row counts are whole runs of the config",
     "INSERT INTO users VALUES (gen_random_uuid(), 'mary.smith7777', 'mary.smith7777@example.com',"
     " '2025-06-01', '2025-06-01', '{\"favorite_tags\": []}', true)"),
    ("row counts are whole runs of the config",
     "DELETE FROM content_items_auto WHERE id = (SELECT max(id) FROM content_items_auto)"),
    *content_cases("content_items"),
    *content_cases("content_items_auto"),
    ("generation_jobs: 98% completed", "UPDATE generation_jobs SET status = 'pending',"
     " completed_at = NULL, updated_at = created_at WHERE status = 'error'"),
    ("generation_jobs: 98% completed", job("status = 'failed'", ERROR)),
    ("generation_jobs: status counts exactly as planned", job("status = 'canceled'", ERROR)),
    ("generation_jobs: status counts exactly as planned", job("status = 'error'", "status = 'canceled'")),
    ("generation_jobs: status counts exactly as planned",
     job("status = 'pending', completed_at = NULL, updated_at = created_at", ERROR)),
    ("FK generation_jobs.user_id -> users.id", job("user_id = gen_random_uuid()", PENDING)),
    ("FK generation_jobs.result_content_id -> content_items.id",
     job("result_content_id = 99999999", COMPLETED["content_items"])),
    ("generation_jobs: completed_at NULL exactly for pending jobs",
     job("completed_at = NULL, updated_at = created_at", ERROR)),
    ("generation_jobs: completed_at NULL exactly for pending jobs",
     job("completed_at = created_at, updated_at = created_at", PENDING)),
    ("generation_jobs: created_at in range, at or shortly before completed_at",
     job("created_at = completed_at - interval '2 hours'", f"{ERROR} AND completed_at > '2025-06-01'")),
    ("generation_jobs: created_at in range, at or shortly before completed_at",
     job("created_at = completed_at + interval '1 second'", ERROR)),
    ("generation_jobs: created_at in range, at or shortly before completed_at",
     job("updated_at = updated_at + interval '1 second'", ERROR)),
    ("generation_jobs: started_at/error_message NULL", job("error_message = 'boom'", ERROR)),
    ("generation_jobs: started_at/error_message NULL", job("started_at = created_at", ERROR)),
    ("generation_jobs: started_at/error_message NULL", job("parameters = '{\"steps\": 20}'", PENDING)),
    ("generation_jobs: started_at/error_message NULL", job("job_type = 'video'", PENDING)),
    ("generation_jobs: only completed jobs point at a content item",
     job("result_content_id = (SELECT min(id) FROM content_items)", ERROR)),
    ("generation_jobs: no job predates its user's account",
     "UPDATE generation_jobs j SET created_at = u.created_at - interval '1 second',"
     " updated_at = u.created_at - interval '1 second' FROM users u WHERE u.id = j.user_id"
     " AND j.id = (SELECT min(j2.id) FROM generation_jobs j2 JOIN users u2 ON u2.id = j2.user_id"
     " WHERE j2.status = 'pending' AND u2.created_at > '2025-05-02')"),
    ("generation_jobs: pending, canceled and error jobs belong to non-admin users",
     job(f"user_id = {A}", PENDING)),
    ("generation_jobs: pending, canceled and error jobs belong to non-admin users",
     job(f"user_id = {A}", ERROR)),
    ("generation_jobs: a job takes a median of about 30 s",
     "UPDATE generation_jobs SET created_at = greatest(completed_at - interval '50 minutes',"
     f" {RANGE_START}) WHERE completed_at IS NOT NULL"),
    ("prompts: one domain", job("prompt = 'hello, world'", PENDING)),
    ("prompts: one domain", job(f"prompt = '{ANIMALS[: ANIMALS.rindex(',')]}'", PENDING)),
    ("prompts: one domain", job(f"prompt = '{ANIMALS}, lion'", PENDING)),
    ("prompts: one domain", job(f"prompt = '{ANIMALS}, runway'", PENDING)),
    ("prompts: one domain", job(f"prompt = '{ANIMALS}, {GENERAL}'", PENDING)),
    ("prompts: one domain", job(f"prompt = '{ANIMALS}; {GENERAL}'", PENDING)),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "statements"), CASES)
def test_verify_names_the_corrupted_rule(
    mutator: Mutator, small: Path, rule: str, statements: str
) -> None:
    with mutator.mutated(statements) as conn:
        assert_names(rule, verify(conn, config(small), uuid.UUID(ADMIN)))


def test_clean_data_passes_and_every_rule_has_a_case(mutator: Mutator, small: Path) -> None:
    with mutator.mutated("SELECT 1") as conn:
        checks = verify(conn, config(small), uuid.UUID(ADMIN))
    assert failed_rules(checks) == []
    assert len(checks) >= 44
    assert uncovered([c.rule for c in checks], [rule for rule, _ in CASES]) == []


def test_cli_exits_6_and_names_the_rule(home: Path, small: Path, seeded: tuple[str, str]) -> None:
    dsn = seeded[1]
    with psycopg.connect(dsn) as c:
        c.execute(
            "UPDATE generation_jobs SET status = 'canceled'"
            " WHERE id = (SELECT min(id) FROM generation_jobs WHERE status = 'error')"
        )
    res = run_cli(home, "genonaut", "verify", "--database-url", dsn, "--config", str(small))
    assert res.exit_code == 6, res.output
    line = next(ln for ln in res.output.splitlines() if "status counts exactly" in ln)
    assert "FAIL" in line
    assert "1 of " in res.output and " rules failed" in res.output


@pytest.fixture
def scratch(server_dsn: str) -> Iterator[str]:
    name, dsn = new_database(server_dsn, "gclean")
    yield dsn
    drop_database(server_dsn, name)


TINY = {
    "target_rows_users": 30,
    "target_rows_content_items": 160,
    "target_rows_content_items_auto": 120,
}
# (flags of each run, in order; the same flags are verify's)
CLEAN: dict[str, list[tuple[str, ...]]] = {
    "two runs": [("--seed", "4"), ("--seed", "5")],
    "restricted prompt types": [("--seed", "6", "--prompt-types", "Animals,Memes")],
    "no admin rows, images_dir with a trailing slash": [
        ("--seed", "7", "--admin-items-per-table", "0", "--images-dir", "/srv/img/")
    ],
}


@pytest.mark.parametrize("kind", list(CLEAN))
def test_clean_data_of_every_kind_passes(scratch: str, home: Path, kind: str) -> None:
    cfg = write_config(home, {**SMALL, "seed_data_generator": TINY}, "tiny.json")
    for flags in CLEAN[kind]:
        res = run_cli(home, "genonaut", "generate", "--database-url", scratch, "--config",
                      str(cfg), "--max-workers", "1", *flags)  # fmt: skip
        assert res.exit_code == 0, res.output
    same = CLEAN[kind][0][2:]  # the run's flags but its seed
    res = run_cli(
        home, "genonaut", "verify", "--database-url", scratch, "--config", str(cfg), *same
    )
    assert res.exit_code == 0, res.output
