"""One test per construct of issue 10 part A, on the synthetic schema (synthetic.sql).

The schema is filled once per module with ``--rows 100`` and no config; each test then
checks one construct in the data, and the audit re-checks every constraint from the
data (``fill.audit``), not trusting that PostgreSQL enforced it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from pgseed.anyschema import audit
from pgseed.anyschema.api import fill, settings
from pgseed.anyschema.snapshot import snapshot
from pgseed.progress import Reporter
from tests.anyschema.conftest import SCHEMAS
from tests.conftest import query, scalar

pytestmark = pytest.mark.db
ROWS = 100


@pytest.fixture(scope="module", params=[True, False], ids=["bulk", "no-bulk"])
def filled(synthetic: Callable[[], str], request: pytest.FixtureRequest) -> dict[str, Any]:
    """Bulk mode (indexes and FKs dropped and rebuilt) and the row-by-row checked path
    (cycle edges deferred, dropped and re-added, or filled by an UPDATE)."""
    dsn = synthetic()
    with psycopg.connect(dsn) as c:
        before = snapshot(c, SCHEMAS)
    out = fill(
        dsn, settings(rows=ROWS, seed=7), reporter=Reporter(progress=False), bulk=request.param
    )
    with psycopg.connect(dsn) as c:
        after = snapshot(c, SCHEMAS)
    return {"dsn": dsn, "out": out, "before": before, "after": after}


def count(dsn: str, table: str) -> int:
    return int(scalar(dsn, f"SELECT count(*) FROM {table}"))


def test_every_table_filled(filled: dict[str, Any]) -> None:
    with psycopg.connect(filled["dsn"]) as c:
        assert audit.empty_tables(c, SCHEMAS) == []
    written = filled["out"].written
    assert written["app.settings"] == 1  # the one-row table
    assert all(n == ROWS for t, n in written.items() if t not in ("app.settings",)), written


def test_zero_violations_rechecked_from_the_data(filled: dict[str, Any]) -> None:
    with psycopg.connect(filled["dsn"]) as c:
        assert audit.violations(c, SCHEMAS) == []


def test_constraints_indexes_triggers_unchanged(filled: dict[str, Any]) -> None:
    assert filled["before"].diff(filled["after"]) == []


def test_sequences_ahead_and_an_application_insert_works(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    with psycopg.connect(dsn) as c:
        assert audit.sequences_behind(c, SCHEMAS) == []
        # what the application does next: INSERTs that take their ids from the sequences
        c.execute("INSERT INTO app.tenants (id, slug) VALUES (-1, 'app-made-tenant')")
        new_user = c.execute(
            "INSERT INTO app.users (email, username, created_at, updated_at) "
            "VALUES ('app@example.org', 'app-user', 1, 2) RETURNING id"
        ).fetchone()
        assert new_user is not None and new_user[0] > ROWS
        c.execute("INSERT INTO app.content (kind, created_at, prompt) VALUES ('auto', now(), 'p')")
        c.execute(
            'INSERT INTO "Odd Schema"."User Account" ("E-mail", "createdAt", "updatedAt") VALUES (\'x@y.z\', now(), now())'
        )
        c.rollback()


def test_every_built_in_type_and_extension_type(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    nulls = query(
        dsn,
        "SELECT count(*) FILTER (WHERE c_numeric IS NULL), count(*) FILTER (WHERE c_vector IS NULL), "
        "count(DISTINCT c_mood), count(*) FILTER (WHERE c_generated = c_int * 2) FROM app.every_type",
    )[0]
    assert nulls[0] == 0 and nulls[1] == 0
    assert nulls[2] >= 2  # enum values vary
    assert nulls[3] == ROWS  # the generated column was computed by PostgreSQL, not written
    assert scalar(dsn, "SELECT count(*) FROM app.every_type WHERE c_zip !~ '^[0-9]{5}$'") == 0
    assert scalar(dsn, "SELECT count(*) FROM app.every_type WHERE c_positive <= 0") == 0


def test_identity_always_and_by_default(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert scalar(dsn, "SELECT min(id) FROM app.every_type") >= 1
    assert scalar(dsn, 'SELECT count(DISTINCT "ID") FROM "Odd Schema"."User Account"') == ROWS


def test_partitions_and_a_shared_high_sequence(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert count(dsn, "app.content_regular") > 0 and count(dsn, "app.content_auto") > 0
    assert count(dsn, "app.events_2024") > 0 and count(dsn, "app.events_2025") > 0
    assert scalar(dsn, "SELECT min(id) FROM app.content") >= 3_000_000


def test_composite_keys_and_fk_to_a_non_pk_unique_key(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    orphans = scalar(
        dsn,
        "SELECT count(*) FROM app.tasks t LEFT JOIN app.projects p USING (tenant_id, project_no) "
        "WHERE p.tenant_id IS NULL",
    )
    assert orphans == 0
    assert (
        scalar(
            dsn,
            "SELECT count(*) FROM app.tasks t WHERE NOT EXISTS (SELECT 1 FROM app.tenants WHERE slug = t.tenant_slug)",
        )
        == 0
    )


def test_pk_that_is_an_fk_has_one_child_per_parent(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert scalar(dsn, "SELECT count(DISTINCT user_id) FROM app.user_profiles") == count(
        dsn, "app.user_profiles"
    )


def test_self_reference_points_at_earlier_rows(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert (
        scalar(dsn, "SELECT count(*) FROM app.categories WHERE parent_id > id OR root_id > id") == 0
    )
    assert scalar(dsn, "SELECT count(*) FROM app.categories WHERE parent_id IS NOT NULL") > 0


def test_fk_cycles_nullable_deferrable_and_not_null(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    # the nullable edge was filled after the load, not left NULL everywhere
    assert scalar(dsn, "SELECT count(manager_id) FROM app.departments") > 0
    assert scalar(dsn, "SELECT count(*) FROM app.authors WHERE best_book_id IS NULL") == 0
    assert scalar(dsn, "SELECT count(*) FROM app.hens WHERE egg_id IS NULL") == 0
    # the dropped NOT NULL edge is back, with its name
    assert scalar(dsn, "SELECT count(*) FROM pg_constraint WHERE conname = 'hens_egg_fk'") == 1


def test_uniques_partial_expression_nulls_not_distinct_jsonb(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    row = query(
        dsn,
        "SELECT count(DISTINCT lower(email)), count(DISTINCT username), count(DISTINCT settings), "
        "count(*) FILTER (WHERE phone IS NULL) FROM app.users",
    )[0]
    assert row[0] == ROWS and row[1] == ROWS and row[2] == ROWS
    assert row[3] <= 1  # NULLS NOT DISTINCT: at most one NULL


def test_exclusion_constraint_ranges_never_overlap(filled: dict[str, Any]) -> None:
    overlaps = scalar(
        filled["dsn"],
        "SELECT count(*) FROM app.bookings a JOIN app.bookings b ON a.id < b.id "
        "AND a.room = b.room AND a.during && b.during",
    )
    assert overlaps == 0


def test_exclusions_beyond_ranges_and_checks_on_generated_columns(filled: dict[str, Any]) -> None:
    """Geometry, an int array, <>, adjacency, a two-column range under a WHERE (each
    checked from the data by the audit too), and generated columns' CHECKs."""
    dsn = filled["dsn"]
    pairs = query(
        dsn,
        "SELECT count(*) FILTER (WHERE a.footprint && b.footprint AND a.booking_id = b.booking_id),"
        " count(*) FILTER (WHERE a.reach && b.reach), count(*) FILTER (WHERE a.outline && b.outline),"
        " count(*) FILTER (WHERE a.ports OPERATOR(public.&&) b.ports),"
        " count(*) FILTER (WHERE a.kind <> b.kind) FROM app.desks a JOIN app.desks b ON a.id < b.id",
    )[0]
    assert pairs == (0, 0, 0, 0, 0)
    shifts = scalar(
        dsn,
        "SELECT count(*) FROM app.shifts a JOIN app.shifts b ON a.id < b.id AND ((NOT a.cancelled"
        " AND NOT b.cancelled AND tsrange(a.starts_at, a.ends_at) && tsrange(b.starts_at, b.ends_at))"
        " OR a.span -|- b.span)",
    )
    assert shifts == 0
    lines = query(
        dsn,
        "SELECT count(*), count(*) FILTER (WHERE total < 1000 AND freight BETWEEN 1 AND 500)"
        " FROM billing.order_lines",
    )[0]
    assert lines == (ROWS, ROWS)


def test_checks_parsed_and_tested(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    bad = query(
        dsn,
        "SELECT count(*) FILTER (WHERE amount <= 0), count(*) FILTER (WHERE discount NOT BETWEEN 0 AND 50), "
        "count(*) FILTER (WHERE status NOT IN ('draft', 'open', 'paid')), "
        "count(*) FILTER (WHERE currency !~ '^[A-Z]{3}$'), count(*) FILTER (WHERE length(code) < 4), "
        "count(*) FILTER (WHERE due_on < issued_on), count(DISTINCT status) FROM billing.invoices",
    )[0]
    assert bad[:6] == (0, 0, 0, 0, 0, 0)
    assert bad[6] >= 2


def test_type_wins_over_name_bigint_created_at(filled: dict[str, Any]) -> None:
    low, high, later = query(
        filled["dsn"],
        "SELECT min(created_at), max(created_at), bool_and(updated_at >= created_at) FROM app.users",
    )[0]
    assert 946_684_800 <= low <= high <= 4_102_444_800  # epoch seconds of 2000..2100
    assert later


def test_trigger_fired_and_migration_history_left_alone(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert scalar(dsn, "SELECT count(*) FROM app.audit WHERE table_name = 'tenants'") == ROWS
    assert query(dsn, "SELECT version_num FROM public.alembic_version") == [("abc123",)]


def test_check_across_fk_columns_and_a_unique_subset_of_a_link_key(filled: dict[str, Any]) -> None:
    dsn = filled["dsn"]
    assert count(dsn, "app.tenant_links") == ROWS
    assert scalar(dsn, "SELECT count(*) FROM app.tenant_links WHERE from_id = to_id") == 0
    assert scalar(dsn, "SELECT count(DISTINCT tenant_id) FROM app.tenant_teams") == count(
        dsn, "app.tenant_teams"
    )


def table_digests(dsn: str) -> dict[str, str]:
    """md5 of every table's rows (as text, sorted): equal digests, equal data."""
    tables = query(
        dsn,
        "SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%s) ORDER BY 1",
        [SCHEMAS],
    )
    return {
        t: str(scalar(dsn, f"SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) FROM {t} x"))
        for (t,) in tables
    }


def test_the_same_rows_whatever_the_worker_count_block_size_and_copy_format(
    synthetic: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Determinism contract: worker processes drawing blocks ahead (anyschema/ahead.py),
    smaller blocks and binary COPY (binary_rows.py) give the same rows as one process,
    the default blocks and text COPY."""
    from pgseed import binary_rows
    from pgseed import pool as pool_module
    from pgseed.anyschema import api, run

    one, two = synthetic(), synthetic()
    fill(one, settings(rows=ROWS, seed=7), reporter=Reporter(progress=False), workers=1)
    started: list[bool] = []

    class Recorded(pool_module.WorkerPool):
        def __init__(self, workers: int, warm: Any = ()) -> None:
            super().__init__(workers, warm)
            started.append(self._pool is not None)

    monkeypatch.setattr(api, "WorkerPool", Recorded)
    monkeypatch.setattr(api, "POOL_MIN_ROWS", 0)
    monkeypatch.setattr(run, "BLOCK", 33)
    monkeypatch.setattr(run, "BINARY_COPY", True)
    encode, binary_blocks = binary_rows.encode, []

    def counted(bases: Any, columns: Any) -> bytes | None:
        out = encode(bases, columns)
        binary_blocks.append(out is not None)
        return out

    monkeypatch.setattr(binary_rows, "encode", counted)
    fill(two, settings(rows=ROWS, seed=7), reporter=Reporter(progress=False), workers=2)
    assert started == [True]  # two worker processes really drew the blocks
    assert sum(binary_blocks) >= 10  # and many blocks went as binary COPY
    a, b = table_digests(one), table_digests(two)
    assert len(a) >= 20
    # app.audit is written by a trigger, with now(): the one table the seed does not decide
    assert a.pop("app.audit") != b.pop("app.audit")
    assert a == b
