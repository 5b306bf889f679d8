"""``pgseed social``: the spec's flag spellings and kebab-case, a drawn run seed that is
printed with its reproduce line, and bad input as a clear message and exit code."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.conftest import drop_database, dsn_for, scalar
from tests.packs.social.support import digests

pytestmark = pytest.mark.db


def test_the_spec_spelling_and_kebab_case_are_the_same_run(
    cli: Any, server_dsn: str, db_name: str
) -> None:
    other = db_name.replace("_test", "k_test")
    try:
        camel = cli(
            "social",
            "seed-all",
            "--database-url",
            dsn_for(server_dsn, db_name),
            "--runSeed=demo-2024",
            "--count=40",
            "--activityDays=3",
            "--startDate=2024-03-01",
            "--skipJobs",
        )
        kebab = cli(
            "social",
            "seed-all",
            "--database-url",
            dsn_for(server_dsn, other),
            "--run-seed",
            "demo-2024",
            "--count",
            "40",
            "--activity-days",
            "3",
            "--start-date",
            "2024-03-01",
            "--skip-jobs",
        )
        assert camel.exit_code == 0, camel.output
        assert kebab.exit_code == 0, kebab.output
        assert digests(dsn_for(server_dsn, db_name)) == digests(dsn_for(server_dsn, other))
        first = scalar(dsn_for(server_dsn, db_name), 'SELECT min("createdAt") FROM "Like"')
        assert first.date().isoformat() >= "2024-03-01"
    finally:
        drop_database(server_dsn, other)


def test_a_drawn_run_seed_is_printed_and_reproduces_the_run(
    cli: Any, server_dsn: str, db_name: str
) -> None:
    other = db_name.replace("_test", "r_test")
    try:
        first = cli(
            "social",
            "seed-profiles",
            "--database-url",
            dsn_for(server_dsn, db_name),
            "--count",
            "25",
        )
        assert first.exit_code == 0, first.output
        drawn = re.search(r"drew (seed-[0-9a-f]{8})", first.output)
        assert drawn is not None, first.output
        assert f"--runSeed {drawn.group(1)}" in first.output  # the reproduce line
        again = cli(
            "social",
            "seed-profiles",
            "--database-url",
            dsn_for(server_dsn, other),
            "--count",
            "25",
            "--runSeed",
            drawn.group(1),
        )
        assert again.exit_code == 0, again.output
        tables = ("User", "Profile", "Media", "UserInterest", "QuizResult")
        assert digests(dsn_for(server_dsn, db_name), tables) == digests(
            dsn_for(server_dsn, other), tables
        )
    finally:
        drop_database(server_dsn, other)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["seed-all", "--runSeed", "a b", "--count", "5"], 2, "printable ASCII without spaces"),
        (["seed-all", "--runSeed", "x", "--count", "-1"], 2, "-1"),
        (["seed-activity", "--runSeed", "x", "--days", "0"], 2, "0"),
        (["seed-all", "--runSeed", "x", "--set", "gender_ratio.WIZARD=1"], 2, "WIZARD"),
        (["seed-all", "--runSeed", "x", "--jobs-command", "make jobs"], 2, "{job}"),
        (["seed-all", "--runSeed", "x", "--startDate", "2024-13-01"], 2, "2024-13-01"),
        (["run-job", "nonsense"], 2, "unknown job"),
        (["reset", "--scope", "activity"], 3, "--confirm"),
        (["reset", "--scope", "everything", "--confirm"], 2, "everything"),
        (["debug-user", "--userId", "999999"], 2, "was not made by a profile run"),
        (["seed-activity", "--runSeed", "x", "--days", "2"], 1, "no seeded profiles"),
        # an append creates no database (tests/engine/test_missing_database.py)
        (["seed-activity", "--runSeed", "x", "--days", "2"], 5, "does not exist"),
    ],
)
def test_bad_input_is_a_clear_message_and_an_exit_code(
    cli: Any, server_dsn: str, db_name: str, db_dsn: str, args: list[str], code: int, says: str
) -> None:
    if args[0] == "seed-activity" and code == 1:  # an empty database: no profiles to continue
        with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    if args[0] in ("debug-user", "run-job"):  # these read a database with the schema
        assert (
            cli(
                "social",
                "seed-profiles",
                "--database-url",
                db_dsn,
                "--runSeed",
                "s",
                "--count",
                "3",
            ).exit_code
            == 0
        )
    result = cli("social", *args, "--database-url", db_dsn)
    assert result.exit_code == code, result.output
    assert says in result.output
    assert "Traceback" not in result.output


def test_a_database_not_named_demo_or_test_is_refused(cli: Any, server_dsn: str) -> None:
    result = cli(
        "social",
        "seed-all",
        "--database-url",
        dsn_for(server_dsn, "postgres"),
        "--runSeed",
        "x",
        "--count",
        "2",
    )
    assert result.exit_code == 3, result.output
    assert "_demo" in result.output and "Traceback" not in result.output


def test_production_is_refused(cli: Any, db_dsn: str) -> None:
    result = cli(
        "social",
        "seed-all",
        "--database-url",
        db_dsn,
        "--runSeed",
        "x",
        "--count",
        "2",
        env={"APP_ENV": "production"},
    )
    assert result.exit_code == 3, result.output


def test_reset_activity_keeps_profiles_and_allows_the_days_again(cli: Any, db_dsn: str) -> None:
    assert (
        cli(
            "social",
            "seed-all",
            "--database-url",
            db_dsn,
            "--runSeed",
            "r",
            "--count",
            "60",
            "--activityDays",
            "3",
            "--skipJobs",
        ).exit_code
        == 0
    )
    before = digests(db_dsn)
    dry = cli("social", "reset", "--scope", "activity", "--dry-run", "--database-url", db_dsn)
    assert dry.exit_code == 0 and "would remove" in dry.output
    assert digests(db_dsn) == before
    done = cli("social", "reset", "--scope", "activity", "--confirm", "--database-url", db_dsn)
    assert done.exit_code == 0, done.output
    assert scalar(db_dsn, 'SELECT count(*) FROM "Like"') == 0
    assert scalar(db_dsn, 'SELECT count(*) FROM "User"') == 60
    again = cli(
        "social", "seed-activity", "--database-url", db_dsn, "--runSeed", "r", "--days", "3"
    )
    assert again.exit_code == 0, again.output
    assert digests(db_dsn) == before  # the same days again, the same rows


# The like model the run used (issue 11 "--market realistic", spec 004's formula) is the one
# debug-user regenerates with: it is read from "SeedRun", not assumed.
@pytest.mark.parametrize("model", [[], ["--market", "realistic"], ["--set", "like_model=spec"]])
def test_debug_user_regenerates_a_user_identically(cli: Any, db_dsn: str, model: list[str]) -> None:
    assert (
        cli(
            "social",
            "seed-all",
            "--database-url",
            db_dsn,
            "--runSeed",
            "d",
            "--count",
            "120",
            "--activityDays",
            "6",
            "--skipJobs",
            *model,
        ).exit_code
        == 0
    )
    user = scalar(
        db_dsn, 'SELECT "fromUserId" FROM "Like" GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'
    )
    ok = cli("social", "debug-user", "--database-url", db_dsn, "--runSeed=d", f"--userId={user}")
    assert ok.exit_code == 0, ok.output
    assert "personality:" in ok.output and "DIFFERENT" not in ok.output
    assert re.search(r"Like\s+identical \([1-9]", ok.output), ok.output
    # Change one of the user's likes: the diff names it, exit 6.
    import psycopg

    with psycopg.connect(db_dsn) as c:
        c.execute(
            "UPDATE \"Like\" SET action = CASE WHEN action = 'LIKE' THEN 'DISLIKE'::\"LikeAction\" ELSE 'LIKE' END "
            'WHERE id = (SELECT min(id) FROM "Like" WHERE "fromUserId" = %s)',
            [user],
        )
    bad = cli("social", "debug-user", "--database-url", db_dsn, "--userId", str(user))
    assert bad.exit_code == 6, bad.output
    assert "Like" in bad.output and "DIFFERENT" in bad.output


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def test_an_append_continues_the_databases_run_seed_and_order(cli: Any, db_dsn: str) -> None:
    url = ["--database-url", db_dsn]
    _ok(
        cli(
            "social",
            "seed-all",
            *url,
            "--runSeed",
            "alpha",
            "--count",
            "80",
            "--activityDays",
            "4",
            "--skipJobs",
        )
    )
    other = cli(
        "social",
        "seed-activity",
        *url,
        "--runSeed",
        "beta",
        "--startDate",
        "2024-01-05",
        "--days",
        "2",
    )
    assert other.exit_code == 2 and "--runSeed alpha" in other.output, other.output
    before = digests(db_dsn)
    earlier = cli(
        "social",
        "seed-activity",
        *url,
        "--runSeed",
        "alpha",
        "--startDate",
        "2023-12-20",
        "--days",
        "2",
    )
    assert earlier.exit_code == 2 and "--startDate 2024-01-05" in earlier.output, earlier.output
    again = _ok(cli("social", "seed-activity", *url, "--startDate", "2024-01-02", "--days", "2"))
    assert "continuing runSeed alpha" in again.output and "nothing to do" in again.output
    assert digests(db_dsn) == before
    gap = _ok(cli("social", "seed-activity", *url, "--startDate", "2024-01-08", "--days", "2"))
    assert "2024-01-05..2024-01-07 are left without activity" in gap.output
    assert scalar(db_dsn, 'SELECT count(*) FROM "Like"') > before["Like"][0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--jobs-command", 'run "{job}'], "cannot be split into words"),
        (["--jobs-command", "run {job} {nope}"], "unknown placeholder {nope}"),
        (["--set", "seed=42"], "--runSeed"),
        (["--startDate", "9999-12-30"], "2200-12-31"),
        (["--startDate", "2200-12-20", "--activityDays", "30"], "after 2200-12-31"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(
    cli: Any, server_dsn: str, db_name: str, args: list[str], says: str
) -> None:
    from tests.conftest import database_exists

    result = cli(
        "social",
        "seed-all",
        "--database-url",
        dsn_for(server_dsn, db_name),
        "--runSeed",
        "x",
        "--count",
        "5",
        *args,
    )
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not database_exists(server_dsn, db_name)


def test_no_profiles_at_all_is_a_run_that_writes_nothing(cli: Any, db_dsn: str) -> None:
    _ok(
        cli(
            "social",
            "seed-all",
            "--database-url",
            db_dsn,
            "--runSeed",
            "z",
            "--count",
            "0",
            "--activityDays",
            "2",
        )
    )
    assert scalar(db_dsn, 'SELECT count(*) FROM "User"') == 0


def test_reset_of_a_database_without_the_schema_creates_nothing(
    cli: Any, server_dsn: str, db_name: str
) -> None:
    from tests.conftest import database_exists

    result = _ok(
        cli(
            "social",
            "reset",
            "--scope",
            "all",
            "--confirm",
            "--database-url",
            dsn_for(server_dsn, db_name),
        )
    )
    assert "nothing to reset" in result.output
    assert not database_exists(server_dsn, db_name)


def test_the_jobs_command_runs_each_job_in_order_against_the_target(
    cli: Any, db_dsn: str, tmp_path: Any
) -> None:
    import sys

    log = tmp_path / "jobs.log"
    runner = tmp_path / "runner.py"
    runner.write_text(
        "import os, sys\n"
        f"open({str(log)!r}, 'a').write('|'.join([sys.argv[1], os.environ['DATABASE_URL'], sys.argv[2]]) + '\\n')\n"
    )
    command = f"{sys.executable} {runner} {{job}} {{as_of}}"
    result = _ok(
        cli(
            "social",
            "seed-all",
            "--database-url",
            db_dsn,
            "--runSeed",
            "j",
            "--count",
            "20",
            "--activityDays",
            "2",
            "--jobs-command",
            command,
        )
    )
    assert "run by --jobs-command" in result.output
    lines = log.read_text().splitlines()
    from pgseed.packs.social.jobs import JOBS

    assert [line.split("|")[0] for line in lines] == list(JOBS)
    assert all(line.split("|")[1:] == [db_dsn, "2024-01-03T00:00:00"] for line in lines)
    assert scalar(db_dsn, 'SELECT count(*) FROM "MatchScore"') == 0  # the runner's job, not ours


def test_a_failing_jobs_command_says_the_seed_is_committed(cli: Any, db_dsn: str) -> None:
    result = cli(
        "social",
        "seed-all",
        "--database-url",
        db_dsn,
        "--runSeed",
        "f",
        "--count",
        "10",
        "--activityDays",
        "1",
        "--jobs-command",
        "/no/such/runner {job}",
    )
    assert result.exit_code == 1, result.output
    assert "The seeded data is committed" in result.output and "Traceback" not in result.output
    assert scalar(db_dsn, 'SELECT count(*) FROM "User"') == 10


def test_debug_user_replays_windows_with_the_users_each_one_had(cli: Any, db_dsn: str) -> None:
    """Profiles added between windows (spec 004: they join from their creation) make the
    next window simulate more users than the first did: debug-user replays each window
    with the users recorded before it, and finds every kind of user identical."""
    steps = [
        ("seed-all", "--count", "100", "--activityDays", "5", "--skipJobs"),
        ("seed-profiles", "--count", "20"),
        ("seed-activity", "--startDate", "2024-01-06", "--days", "6"),
        ("seed-profiles", "--count", "15"),
        ("seed-activity", "--startDate", "2024-01-12", "--days", "4"),
    ]
    for step in steps:
        done = cli("social", step[0], "--database-url", db_dsn, "--runSeed", "ep", *step[1:])
        assert done.exit_code == 0, (step, done.output)
    busiest = scalar(
        db_dsn, 'SELECT "fromUserId" FROM "Like" GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'
    )
    for user in (busiest, 50, 110, 130):  # the first run's users, the second's, the third's
        ok = cli("social", "debug-user", "--database-url", db_dsn, f"--userId={user}")
        assert ok.exit_code == 0, (user, ok.output)
        assert "DIFFERENT" not in ok.output
        assert re.search(r"Like\s+identical \([1-9]", ok.output), (user, ok.output)
