"""Issue 10 B: the genonaut pack on spec 000's application as it stands today
(``genonaut.sql``): content tables that are partitions sharing one sequence from
3,000,000, ``tags`` gone, a NOT NULL ``prompt`` without a default, jobs' columns
renamed and eight added, 25 other tables. generate fills it, verify passes for the
rules whose columns exist; what cannot be satisfied is refused, naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import query, scalar, write_config
from tests.packs.drift.support import create, fingerprint

pytestmark = pytest.mark.db

TINY = {
    "images_dir": "data/images",
    "seed_data_generator": {"target_rows_users": 6, "target_rows_content_items": 60,
                            "target_rows_content_items_auto": 40, "admin_items_per_table": 5},
}  # fmt: skip
PACK_TABLES = ["users", "content_items", "content_items_auto", "generation_jobs"]
OTHERS = [
    "collections", "collection_items", "comments", "likes", "follows", "notifications",
    "api_keys", "sessions", "audit_log", "billing_accounts", "invoices", "invoice_lines",
    "subscriptions", "feature_flags", "model_checkpoints", "loras", "prompt_templates",
    "moderation_flags", "reports", "tags_catalog", "item_tags", "webhooks",
    "webhook_deliveries", "user_settings", "exports",
]  # fmt: skip
PARAMS = "generation_jobs.parameters=params"
CONTENT = "generation_jobs.result_content_id=content_id"


def _run(cli: Any, cfg: Path, dsn: str, verb: str, *maps: str, extra: tuple[str, ...] = ()) -> Any:
    return cli(
        "genonaut", verb, "--seed", "1", "--config", str(cfg), "--database-url", dsn,
        *(["--max-workers", "1"] if verb == "generate" else []),
        *(a for m in maps for a in ("--map", m)), *extra,
    )  # fmt: skip


# Each set of renames given, and the rules verify must skip for what stays unmapped.
CASES = {
    "both renames mapped": ((PARAMS, CONTENT), ["tags"]),
    "parameters unmapped": ((CONTENT,), ["tags", "parameters {}"]),
    "nothing mapped": ((), ["tags", "parameters {}", "one completed job per item"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_generate_and_verify_on_the_drifted_application(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, case: str
) -> None:
    maps, skipped = CASES[case]
    dsn = create(server_dsn, db_name, "genonaut")
    others = fingerprint(dsn, OTHERS)
    cfg = write_config(tmp_path, TINY)
    r = _run(cli, cfg, dsn, "generate", *maps)
    assert r.exit_code == 0, r.output
    assert "alembic upgrade" not in r.output
    for table in ("content_items", "content_items_auto"):
        assert f"{table}.tags is not in the database" in r.output
    assert ("generation_jobs.parameters is not in the database" in r.output) == (PARAMS not in maps)
    # ids come from the application's one shared sequence, from 3,000,000, no overlap
    ids = query(dsn, "SELECT id FROM content_items UNION ALL SELECT id FROM content_items_auto")
    assert len(ids) == 100 == len({i for (i,) in ids})
    assert min(i for (i,) in ids) >= 3_000_000
    assert scalar(dsn, "SELECT last_value FROM content_items_all_id_seq") >= max(i for (i,) in ids)
    assert scalar(dsn, "SELECT count(*) FROM content_items_all WHERE prompt IS NULL") == 0
    assert scalar(dsn, "SELECT count(DISTINCT source_type) FROM content_items_all") == 2
    jobs = query(dsn, "SELECT count(*), count(params), count(content_id), count(seed),"
                      " count(model_name), count(worker_id) FROM generation_jobs")[0]  # fmt: skip
    n = jobs[0]
    assert n > 100 and jobs[3] == jobs[4] == n and jobs[5] == 0  # NOT NULL filled, nullable left
    assert jobs[1] == (n if PARAMS in maps else 0)
    assert jobs[2] == (60 if CONTENT in maps else 0)  # one per content_items row
    if PARAMS in maps:
        assert scalar(dsn, "SELECT count(*) FROM generation_jobs WHERE params <> '{}'") == 0
    # the application's 25 other tables: untouched, rows and shape
    assert fingerprint(dsn, OTHERS) == others
    r = _run(cli, cfg, dsn, "verify", *maps)
    assert r.exit_code == 0, r.output
    rows = [line for line in r.output.splitlines() if "skipped" in line]
    for rule in skipped:
        assert any(rule in line for line in rows), (rule, r.output)
    assert "FAIL" not in r.output


def test_a_second_run_continues_the_shared_sequence(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path
) -> None:
    dsn = create(
        server_dsn, db_name, "genonaut",
        # unique NOT NULL columns the models do not know: a second run's values must
        # avoid the first run's
        "ALTER TABLE generation_jobs ADD COLUMN ticket varchar(12) NOT NULL UNIQUE",
        "ALTER TABLE content_items_all ADD COLUMN slug text NOT NULL",
        "ALTER TABLE content_items ADD CONSTRAINT uq_slug UNIQUE (slug)",
        # the application's own rows, from its own sequence, in both partitions
        "INSERT INTO users VALUES ('00000000-0000-4000-8000-000000000001', 'app', 'a@x.org',"
        " '2025-01-01', '2025-01-01', NULL, true)",
        "INSERT INTO content_items (title, content_type, content_data, creator_id, created_at,"
        " updated_at, is_private, prompt, slug) SELECT 't', 'image', 'd',"
        " '00000000-0000-4000-8000-000000000001', '2025-01-01', '2025-01-01', false, 'p',"
        " 'app-' || g FROM generate_series(1, 3) g",
        "INSERT INTO content_items_auto (title, content_type, content_data, creator_id,"
        " created_at, updated_at, is_private, prompt, slug) VALUES ('t', 'image', 'd',"
        " '00000000-0000-4000-8000-000000000001', '2025-01-01', '2025-01-01', false, 'p',"
        " 'app-a')",
    )  # fmt: skip
    cfg = write_config(tmp_path, TINY)
    for _ in range(2):
        r = _run(cli, cfg, dsn, "generate", PARAMS, CONTENT)
        assert r.exit_code == 0, r.output
    ids = query(dsn, "SELECT id FROM content_items_all")
    assert len(ids) == 4 + 200 == len({i for (i,) in ids})
    # an application-style INSERT still gets a fresh id from the shared sequence
    with psycopg.connect(dsn) as c:
        c.execute(
            "INSERT INTO content_items_auto (title, content_type, content_data, creator_id,"
            " created_at, updated_at, is_private, prompt, slug) VALUES ('t', 'image', 'd',"
            " '00000000-0000-4000-8000-000000000001', '2025-01-01', '2025-01-01', false, 'p',"
            " 'app-z')"
        )
    assert scalar(dsn, "SELECT count(DISTINCT ticket) = count(*) FROM generation_jobs")


BAD_MAPS = {  # --map, what the message must say
    "generation_job.parameters=params": "Did you mean 'generation_jobs'?",
    "generation_jobs.parameter=params": "Did you mean 'parameters'?",
    "generation_jobs.parameters=param": "Did you mean 'params'?",
    "content_items.tags=tag": "no column 'tag'",
    "generation_jobs=params": "expected TABLE.OLD=NEW",
    "generation_jobs.parameters=": "expected TABLE.OLD=NEW",
    # onto a column the pack already writes: the INSERT would name it twice
    "generation_jobs.parameters=prompt": "generation_jobs.prompt is already where the pack writes",
    "generation_jobs.error_message=status": "generation_jobs.status is already where the pack",
}


@pytest.mark.parametrize("bad", list(BAD_MAPS))
def test_a_bad_map_is_exit_2_with_did_you_mean(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, bad: str
) -> None:
    dsn = create(server_dsn, db_name, "genonaut")
    before = fingerprint(dsn, PACK_TABLES + OTHERS)
    cfg = write_config(tmp_path, TINY)
    for verb, extra in (("generate", ()), ("generate", ("--dry-run",)), ("verify", ())):
        # A second map of parameters would be "given twice" (exit 2 too, another message).
        maps = (bad,) if bad.startswith("generation_jobs.parameters=") else (PARAMS, bad)
        r = _run(cli, cfg, dsn, verb, *maps, extra=extra)
        assert r.exit_code == 2, (verb, extra, r.output)
        assert BAD_MAPS[bad] in r.output and "Fix:" in r.output
        assert "Traceback" not in r.output
    assert fingerprint(dsn, PACK_TABLES + OTHERS) == before


CANNOT = {  # what makes the application's schema impossible to fill, and what is named
    "generation_jobs dropped": ("DROP TABLE generation_jobs CASCADE", "generation_jobs"),
    "content_items_auto dropped": (
        "DROP TABLE content_items_auto CASCADE", "content_items_auto"
    ),
    "users renamed": ("ALTER TABLE users RENAME TO accounts", "users"),
    "quality_score a point": (
        "ALTER TABLE content_items_all ALTER COLUMN quality_score TYPE point USING NULL",
        "content_items.quality_score is point",
    ),
    "is_active an inet": (
        "ALTER TABLE users ALTER COLUMN is_active TYPE inet USING '127.0.0.1'",
        "users.is_active is inet",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CANNOT))
def test_what_cannot_be_satisfied_is_exit_4_naming_it(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, case: str
) -> None:
    statement, named = CANNOT[case]
    dsn = create(server_dsn, db_name, "genonaut", statement)
    before = fingerprint(dsn)
    cfg = write_config(tmp_path, TINY)
    for dry in ((), ("--dry-run",)):
        r = _run(cli, cfg, dsn, "generate", PARAMS, extra=dry)
        assert r.exit_code == 4, r.output
        assert named in r.output and "Fix:" in r.output
        assert "alembic upgrade" not in r.output and "Traceback" not in r.output
    assert fingerprint(dsn) == before


FAILURES = {  # an application rule the generated rows break mid-run
    "a trigger on jobs": (
        "CREATE FUNCTION no_jobs() RETURNS trigger LANGUAGE plpgsql AS"
        " $$BEGIN RAISE EXCEPTION 'jobs are frozen'; END$$;"
        " CREATE TRIGGER frozen_jobs BEFORE INSERT ON generation_jobs"
        " FOR EACH ROW EXECUTE FUNCTION no_jobs()",
        "jobs are frozen",
    ),
    "a check on the new column": (
        "ALTER TABLE generation_jobs ADD CONSTRAINT ck_seed CHECK (seed < 0 AND seed > 0)",
        "ck_seed",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_failure_leaves_nothing_half_written(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, case: str
) -> None:
    statement, named = FAILURES[case]
    dsn = create(server_dsn, db_name, "genonaut", statement)
    cfg = write_config(tmp_path, TINY)
    r = _run(cli, cfg, dsn, "generate", PARAMS, CONTENT)
    assert r.exit_code == 1, r.output
    assert named in r.output and "rolled back" in r.output and "Traceback" not in r.output
    for t in PACK_TABLES:
        assert scalar(dsn, f"SELECT count(*) FROM {t}") == 0


USERS = {  # the application's users moved on too: (statements, --map, rules verify skips)
    "a NOT NULL column without a default": (
        ["ALTER TABLE users ADD COLUMN tenant_id integer NOT NULL CHECK (tenant_id > 0)",
         "ALTER TABLE users ADD COLUMN handle varchar(30) NOT NULL UNIQUE"],
        (), [],
    ),
    "preferences dropped": (["ALTER TABLE users DROP COLUMN preferences"], (), ["preferences"]),
    "username renamed": (
        ["ALTER TABLE users RENAME COLUMN username TO login"], ("users.username=login",), [],
    ),
    "a unique index on lower(email)": (
        ["CREATE UNIQUE INDEX users_lower_email ON users (lower(email))"], (), [],
    ),
    "the key renamed": (
        ["ALTER TABLE users RENAME COLUMN id TO user_id"], ("users.id=user_id",), [],
    ),
    "created_at renamed": (
        ["ALTER TABLE users RENAME COLUMN created_at TO joined_at"],
        ("users.created_at=joined_at",), [],
    ),
    "the content key and creator renamed": (
        ["ALTER TABLE content_items_all RENAME COLUMN creator_id TO author_id"],
        ("content_items.creator_id=author_id", "content_items_auto.creator_id=author_id"), [],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(USERS))
def test_an_evolved_users_table(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, case: str
) -> None:
    statements, maps, skipped = USERS[case]
    dsn = create(server_dsn, db_name, "genonaut", *statements)
    cfg = write_config(tmp_path, TINY)
    r = _run(cli, cfg, dsn, "generate", PARAMS, CONTENT, *maps)
    assert r.exit_code == 0, r.output
    assert scalar(dsn, "SELECT count(*) FROM users") == 7  # the admin and 6 users
    r = _run(cli, cfg, dsn, "verify", PARAMS, CONTENT, *maps)
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if "skipped" in line]
    for rule in skipped:
        assert any(rule in line for line in lines), (rule, r.output)


@pytest.mark.parametrize("maps", [(PARAMS, CONTENT), ()], ids=["mapped", "unmapped"])
def test_verify_before_any_generate_reports_and_does_not_crash(
    cli: Any, server_dsn: str, db_name: str, tmp_path: Path, maps: tuple[str, ...]
) -> None:
    # An application database pgseed has not written yet: no admin, no users (verify
    # divided by "users but the admin" = -1 and called it a bug in the pack).
    dsn = create(server_dsn, db_name, "genonaut")
    cfg = write_config(tmp_path, TINY)
    r = _run(cli, cfg, dsn, "verify", *maps)
    assert r.exit_code == 6, r.output  # verify failed: the admin user is missing
    assert "bug in the pack" not in r.output and "Traceback" not in r.output
    assert "admin" in r.output
