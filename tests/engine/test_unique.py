"""Issue 8, kind 4: unique conflicts are judged by the unique indexes the target database
really has (expression, partial, composite, oddly named), and conflicting rows are
dropped and redrawn as spec 000 asks, instead of aborting the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.load import CopyLoader
from pgseed.packs.genonaut import generate as g
from pgseed.packs.genonaut.config import GenonautConfig
from pgseed.packs.genonaut.users import with_ord
from pgseed.progress import Reporter
from pgseed.unique import ConflictFilter
from tests.conftest import ADMIN, SMALL, scalar

pytestmark = pytest.mark.db

N = SMALL["seed_data_generator"]["target_rows_users"]
SEED = 11


def _drawn(seed: int = SEED) -> g.Columns:
    lo, hi = GenonautConfig().range_utc
    return g.users_block(seed, 0, 0, N, lo, hi)


def _gen(cli: Any, dsn: str, config: Path, seed: int) -> Any:
    return cli("genonaut", "generate", "--database-url", dsn, "--config", str(config),
               "--seed", str(seed), "--max-workers", "1")  # fmt: skip


def _sql(dsn: str, *statements: str, params: list[Any] | None = None) -> None:
    with psycopg.connect(dsn) as c:
        for s in statements:
            c.execute(s, params if "%s" in s else None)  # type: ignore[arg-type]


# (DDL, a function of one drawn row giving (username, email, is_active) of a row to
#  plant first, the index the warning must name)
CASES = [
    pytest.param(
        ["CREATE UNIQUE INDEX users_email_lower ON users (lower(email))"],
        lambda r: ("planted1", r["email"].replace("@", "@").title(), True),
        "users_email_lower",
        id="lower(email)",
    ),
    pytest.param(
        ['CREATE UNIQUE INDEX "Users Name CI" ON users (lower(username))'],
        lambda r: (r["username"].upper(), "planted2@example.org", True),
        "Users Name CI",
        id="lower(username), quoted name",
    ),
    pytest.param(
        [
            "ALTER TABLE users DROP CONSTRAINT users_email_key",
            "CREATE UNIQUE INDEX active_email ON users (lower(email)) WHERE is_active",
        ],
        lambda r: ("planted3", r["email"].upper(), True),
        "active_email",
        id="partial lower(email) where is_active",
    ),
    pytest.param(
        [
            "CREATE UNIQUE INDEX user_domain ON users (split_part(email, '@', 1), "
            "lower(split_part(email, '@', 2)))"
        ],
        lambda r: (
            "planted4",
            r["email"].split("@")[0] + "@" + r["email"].split("@")[1].upper(),
            True,
        ),
        "user_domain",
        id="composite expressions",
    ),
]


@pytest.mark.parametrize(("ddl", "plant", "index"), CASES)
def test_conflicts_under_the_databases_own_indexes_are_redrawn(
    cli: Any, db_dsn: str, small_config: Path, ddl: list[str], plant: Any, index: str
) -> None:
    r = _gen(cli, db_dsn, small_config, 1)
    assert r.exit_code == 0, r.output
    _sql(db_dsn, *ddl)
    drawn = _drawn()
    victim = next(i for i in range(N) if drawn["is_active"][i] == "t")
    row = {c: str(drawn[c][victim]) for c in ("username", "email")}
    name, email, active = plant(row)
    assert email != row["email"] or name != row["username"]  # differs from the drawn row
    _sql(
        db_dsn,
        "INSERT INTO users (id, username, email, created_at, updated_at, preferences, is_active)"
        " VALUES (gen_random_uuid(), %s, %s, '2025-06-01', '2025-06-01',"
        " '{\"favorite_tags\": []}', %s)",
        params=[name, email, active],
    )
    before = scalar(db_dsn, "SELECT count(*) FROM users")
    r = _gen(cli, db_dsn, small_config, SEED)
    assert r.exit_code == 0, r.output
    assert f"removed 1 row(s) with unique conflicts on {index}" in r.output
    assert row["username"] in r.output
    assert scalar(db_dsn, "SELECT count(*) FROM users") == before + N  # redrawn: exact count
    # (verify is not run: it holds every user to pgseed's own shapes, and the planted row
    # is a stranger's; the content tables still reference only real users.)
    assert scalar(db_dsn, "SELECT count(*) FROM content_items c LEFT JOIN users u"
                  " ON u.id = c.creator_id WHERE u.id IS NULL") == 0  # fmt: skip


def test_admin_name_taken_under_a_case_insensitive_index(
    cli: Any, db_dsn: str, small_config: Path
) -> None:
    """The admin row is judged by the same indexes (it was compared exactly before)."""
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(small_config),
            "--seed", "1", "--max-workers", "1",
            env={"DB_USER_ADMIN_UUID": "00000000-0000-4000-8000-00000000000a"})  # fmt: skip
    assert r.exit_code == 0, r.output
    _sql(
        db_dsn,
        "UPDATE users SET username = 'ADMIN', email = 'Admin@Genonaut.Example'"
        " WHERE username = 'admin'",
        "CREATE UNIQUE INDEX users_email_ci ON users (lower(email))",
        "CREATE UNIQUE INDEX users_name_ci ON users (lower(username))",
    )
    r = _gen(cli, db_dsn, small_config, 2)
    assert r.exit_code == 0, r.output
    suffix = ADMIN.replace("-", "")[:8]
    assert scalar(db_dsn, "SELECT username FROM users WHERE id = %s", [ADMIN]) == f"admin_{suffix}"


def test_filter_sees_the_batch_the_run_and_the_table(
    db_dsn: str, cli: Any, small_config: Path
) -> None:
    """Case-variants inside one block, against a row this run COPYed (uncommitted) and
    against the table, under an expression index; NULL keys never conflict."""
    assert _gen(cli, db_dsn, small_config, 1).exit_code == 0
    _sql(db_dsn, "CREATE UNIQUE INDEX users_email_ci ON users (lower(email))",
         "ALTER TABLE users ALTER COLUMN email DROP NOT NULL")  # fmt: skip
    existing = scalar(db_dsn, "SELECT email FROM users WHERE username <> 'admin' LIMIT 1")
    base = _drawn(99)

    def rows(emails: list[str | None], skip: int = 0) -> g.Columns:
        cols = {c: list(v)[skip : skip + len(emails)] for c, v in base.items()}
        cols["email"] = emails
        return cols

    with psycopg.connect(db_dsn) as conn:
        filt = ConflictFilter(conn, "users", g.USER_COLUMNS, Reporter())
        earlier = rows(["Pending@Example.com"], skip=10)
        assert filt.conflicts(with_ord(earlier, [0])) == {}
        CopyLoader(conn, {"users": g.USER_COLUMNS}, Reporter()).copy(
            "users", g.encode(earlier, g.USER_COLUMNS), 1
        )
        bad = filt.conflicts(
            with_ord(
                rows(["x@example.com", "X@EXAMPLE.COM", existing.upper(),
                      "pending@example.COM", None, None]),
                range(6),
            )
        )  # fmt: skip
    assert bad == {1: "users_email_ci", 2: "users_email_ci", 3: "users_email_ci"}
