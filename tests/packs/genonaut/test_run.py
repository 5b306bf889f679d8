"""A real run into a real database: every rule, second runs, determinism."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.layers import layer
from pgseed.packs.genonaut.config import GenonautConfig, file_values
from pgseed.packs.genonaut.verify import verify
from pgseed.sinks import MANIFEST
from tests.conftest import ADMIN, SMALL, query, scalar, write_config

pytestmark = pytest.mark.db
N = SMALL["seed_data_generator"]
ITEMS = N["target_rows_content_items"] + N["target_rows_content_items_auto"]


def generate(cli: Any, dsn: str, config: Path, *extra: str) -> Any:
    result = cli("genonaut", "generate", "--database-url", dsn, "--config", str(config), *extra)
    assert result.exit_code == 0, result.output
    return result


def checks(dsn: str, config: Path) -> list[Any]:
    cfg = layer(GenonautConfig, ("file", file_values(config)))
    with psycopg.connect(dsn) as conn:
        return verify(conn, cfg, uuid.UUID(ADMIN))


def test_fresh_run_meets_every_rule(cli: Any, db_dsn: str, small_config: Path) -> None:
    out = generate(cli, db_dsn, small_config, "--seed", "11", "--max-workers", "2").output
    failed = [c for c in checks(db_dsn, small_config) if not c.passed]
    assert failed == []
    # exact counts: the requested users plus the admin; one job per item plus 2% others
    assert scalar(db_dsn, "SELECT count(*) FROM users") == N["target_rows_users"] + 1
    assert scalar(db_dsn, "SELECT count(*) FROM content_items") == N["target_rows_content_items"]
    assert (
        scalar(db_dsn, "SELECT count(*) FROM content_items_auto")
        == N["target_rows_content_items_auto"]
    )
    completed = scalar(db_dsn, "SELECT count(*) FROM generation_jobs WHERE status = 'completed'")
    assert completed == ITEMS
    total = scalar(db_dsn, "SELECT count(*) FROM generation_jobs")
    assert abs(completed / total - 0.98) < 0.001
    for t in ("content_items", "content_items_auto"):
        assert scalar(db_dsn, f"SELECT count(*) FROM {t} WHERE creator_id = %s", [ADMIN]) == 50
    # the admin exists from the start of the range
    assert (
        str(scalar(db_dsn, "SELECT created_at FROM users WHERE id = %s", [ADMIN]))
        == "2025-05-01 04:00:00"
    )
    # progress per batch and the summary
    assert "[pgseed] content_items: 500/1,200 rows (41.7%)" in out
    assert "[pgseed] content_items_auto: 2,100/2,100 rows (100.0%)" in out
    assert "wall time:" in out and "rows created" in out
    # the schema came from the Alembic migration
    assert scalar(db_dsn, "SELECT version_num FROM alembic_version") == "0001_genonaut"
    indexes = {
        r[0] for r in query(db_dsn, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    }
    assert {
        "ix_content_items_title_fts",
        "ix_generation_jobs_prompt_fts",
        "ix_generation_jobs_status",
    } <= indexes


def test_verify_command_passes_and_fails(cli: Any, db_dsn: str, small_config: Path) -> None:
    generate(cli, db_dsn, small_config, "--seed", "3")
    ok = cli("genonaut", "verify", "--database-url", db_dsn, "--config", str(small_config))
    assert ok.exit_code == 0, ok.output
    assert "all 44 rules pass" in ok.output
    with psycopg.connect(db_dsn) as c:
        c.execute(
            "UPDATE content_items SET content_type = 'video' WHERE id = (SELECT min(id) FROM content_items)"
        )
        c.execute("UPDATE generation_jobs SET started_at = created_at WHERE id = 1")
    bad = cli("genonaut", "verify", "--database-url", db_dsn, "--config", str(small_config))
    assert bad.exit_code == 6
    assert "FAIL" in bad.output and "2 of 44 rules failed" in bad.output


def test_second_run_keeps_every_invariant(cli: Any, db_dsn: str, small_config: Path) -> None:
    generate(cli, db_dsn, small_config, "--seed", "1")
    generate(cli, db_dsn, small_config, "--seed", "2")
    assert [c for c in checks(db_dsn, small_config) if not c.passed] == []
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 2 * N["target_rows_users"] + 1
    assert (
        scalar(db_dsn, "SELECT count(*) FROM content_items") == 2 * N["target_rows_content_items"]
    )
    for t in ("content_items", "content_items_auto"):
        assert scalar(db_dsn, f"SELECT count(*) FROM {t} WHERE creator_id = %s", [ADMIN]) == 50


def test_username_conflicts_are_dropped_and_replaced(
    cli: Any, db_dsn: str, small_config: Path
) -> None:
    generate(cli, db_dsn, small_config, "--seed", "5")
    first = scalar(db_dsn, "SELECT min(username) FROM users WHERE username <> 'admin'")
    # The same seed again draws the same users: every one conflicts with the database.
    out = generate(cli, db_dsn, small_config, "--seed", "5").output
    assert f"users: removed {N['target_rows_users']} row(s) with unique conflicts" in out
    assert first in out  # the warning lists the usernames
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 2 * N["target_rows_users"] + 1
    assert [c for c in checks(db_dsn, small_config) if not c.passed] == []


def _dump(dsn: str) -> dict[str, bytes]:
    out = {}
    with psycopg.connect(dsn) as c, c.cursor() as cur:
        for t in ("users", "content_items", "content_items_auto", "generation_jobs"):
            buf = bytearray()
            with cur.copy(f"COPY (SELECT * FROM {t} ORDER BY id) TO STDOUT") as cp:
                for chunk in cp:
                    buf += chunk
            out[t] = bytes(buf)
    return out


def test_same_seed_same_bytes_whatever_batches_and_workers(
    cli: Any, server_dsn: str, tmp_path: Path, small_config: Path
) -> None:
    from tests.conftest import drop_database, dsn_for

    other = dict(
        SMALL,
        seed_data_generator=dict(
            N,
            batch_size_users=7,
            batch_size_content_items=333,
            batch_size_content_items_auto=1999,
            batch_size_generation_jobs=50,
        ),
    )
    names = [f"pgseed_det{i}_{uuid.uuid4().hex[:6]}_test" for i in range(4)]
    try:
        generate(
            cli, dsn_for(server_dsn, names[0]), small_config, "--seed", "99", "--max-workers", "1"
        )
        generate(
            cli,
            dsn_for(server_dsn, names[1]),
            write_config(tmp_path, other, "o.json"),
            "--seed",
            "99",
            "--max-workers",
            "2",
        )
        generate(
            cli, dsn_for(server_dsn, names[2]), small_config, "--seed", "100", "--max-workers", "2"
        )
        # indexes and keys in place during the load (no bulk mode): same bytes
        generate(cli, dsn_for(server_dsn, names[3]), small_config, "--seed", "99", "--no-bulk")
        d = _dump(dsn_for(server_dsn, names[3]))
        a, b, c = (_dump(dsn_for(server_dsn, n)) for n in names[:3])
        for t in a:
            assert a[t] == b[t], f"{t} differs between batch sizes / worker counts"
            assert a[t] == d[t], f"{t} differs between bulk and --no-bulk"
        assert a["content_items"] != c["content_items"]
    finally:
        for n in names:
            drop_database(server_dsn, n)


def test_prompt_types_restrict_domains(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    tiny = dict(
        SMALL,
        seed_data_generator=dict(
            N, target_rows_content_items=60, target_rows_content_items_auto=60, target_rows_users=10
        ),
    )
    cfg = write_config(tmp_path, tiny)
    generate(cli, db_dsn, cfg, "--seed", "4", "--prompt-types", "Animals,Memes")
    from pgseed.packs.genonaut.verify import prompt_problem

    prompts = [r[0] for r in query(db_dsn, "SELECT prompt FROM generation_jobs")]
    assert prompts and all(prompt_problem(p, ("Animals", "Memes")) is None for p in prompts)
    assert any(prompt_problem(p, ("Animals",)) is not None for p in prompts)  # both domains used


def test_cli_flags_override_config_in_both_spellings(
    cli: Any, db_dsn: str, small_config: Path
) -> None:
    generate(
        cli,
        db_dsn,
        small_config,
        "--seed",
        "8",
        "--target_rows_users",
        "12",
        "--target-rows-content-items",
        "70",
        "--target_rows_content_items_auto",
        "55",
        "--images-dir",
        "/srv/img/",
    )
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 13
    assert scalar(db_dsn, "SELECT count(*) FROM content_items") == 70
    assert scalar(db_dsn, "SELECT count(*) FROM content_items_auto") == 55
    assert (
        scalar(
            db_dsn,
            "SELECT count(*) FROM content_items WHERE content_data NOT LIKE '/srv/img/%%.png' OR content_data LIKE '%%//%%'",
        )
        == 0
    )


def test_no_seed_prints_one_and_the_command(cli: Any, db_dsn: str, small_config: Path) -> None:
    out = generate(
        cli,
        db_dsn,
        small_config,
        "--target-rows-users",
        "5",
        "--target-rows-content-items",
        "50",
        "--target-rows-content-items-auto",
        "50",
    ).output
    assert "seed: " in out and "drawn for this run" in out
    seed = out.split("seed: ")[1].split()[0]
    assert f"--seed {seed}" in out.split("reproduce with:")[1].splitlines()[0]


def test_conflicts_within_the_batch_and_the_run_are_found(
    cli: Any, db_dsn: str, small_config: Path
) -> None:
    from pgseed.load import CopyLoader
    from pgseed.packs.genonaut import generate as g
    from pgseed.packs.genonaut.users import with_ord
    from pgseed.progress import Reporter
    from pgseed.unique import ConflictFilter

    generate(
        cli,
        db_dsn,
        small_config,
        "--seed",
        "6",
        "--target-rows-users",
        "3",
        "--target-rows-content-items",
        "50",
        "--target-rows-content-items-auto",
        "50",
    )
    existing = query(
        db_dsn, "SELECT id::text, username, email FROM users WHERE username <> 'admin' LIMIT 1"
    )[0]
    ids = [str(uuid.uuid4()) for _ in range(6)]
    base = g.users_block(1, 0, 0, 5, 1746072000, 1746072999)
    with psycopg.connect(db_dsn) as conn:
        filt = ConflictFilter(conn, "users", g.USER_COLUMNS, Reporter())
        earlier = dict(base, id=[ids[5]], username=["seen.before2"], email=["e@example.com"])
        earlier = {c: list(v)[:1] for c, v in earlier.items()}
        assert filt.conflicts(with_ord(earlier, [0])) == {}
        # kept earlier in this run: COPYed, uncommitted, before the next block is judged
        CopyLoader(conn, {"users": g.USER_COLUMNS}, Reporter()).copy(
            "users", g.encode(earlier, g.USER_COLUMNS), 1
        )
        cols = dict(
            base,
            id=ids[:5],
            username=["fresh.one1", "fresh.one1", existing[1], "seen.before2", "fresh.two3"],
            email=["a@example.com", "b@example.com", "c@example.com", "d@example.com",
                   "a@example.com"],
        )  # fmt: skip
        bad = filt.conflicts(with_ord(cols, range(5)))
    # 1: username repeats row 0; 2: username in the database; 3: accepted earlier in this
    # run; 4: email repeats row 0. Row 0 itself is kept.
    assert set(bad) == {1, 2, 3, 4}
    assert bad[4] == "users_email_key" and bad[2] == "users_username_key"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_genonaut_output_writes_files_and_no_database(
    cli: Any, small_config: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "out"
    r = cli(
        "genonaut",
        "generate",
        "--config",
        str(small_config),
        "--seed",
        "3",
        "--output",
        str(out),
        "--format",
        fmt,
    )
    assert r.exit_code == 0, r.output
    names = ("users", "content_items", "content_items_auto", "generation_jobs")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, *(f"{t}.{fmt}" for t in names)]
    )
    assert "rows written to" in r.output


def test_genonaut_output_refuses_a_database_target(
    cli: Any, small_config: Path, tmp_path: Path, db_dsn: str
) -> None:
    r = cli(
        "genonaut",
        "generate",
        "--config",
        str(small_config),
        "--output",
        str(tmp_path),
        "--database-url",
        db_dsn,
    )
    assert r.exit_code == 2 and "drop the target" in r.output, r.output


@pytest.mark.parametrize("pack", ["genonaut", "retail"])
def test_an_unwritable_output_is_a_bad_flag(cli: Any, small_config: Path, pack: str) -> None:
    extra = ["--config", str(small_config)] if pack == "genonaut" else ["--full-new"]
    r = cli(pack, "generate", *extra, "--output", "/proc/pgseed-nowhere")
    assert r.exit_code == 2 and "cannot write to --output" in r.output, r.output
