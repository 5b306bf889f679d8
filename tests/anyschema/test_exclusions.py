"""Every exclusion constraint holds, on empty tables and on tables already holding rows,
and a CHECK on a generated column is met by moving the columns it is made of (issue 10).

Each construct is a one-table schema filled with no config; the audit re-checks every
constraint from the data (``anyschema.audit``, exclusions with their own operators,
expressions and predicates). What cannot be met stops the run (exit 1), naming the
constraint and the fix.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgseed.anyschema import audit
from pgseed.anyschema.api import export, fill, settings
from pgseed.anyschema.config import FillConfig
from pgseed.errors import GenerationError
from pgseed.progress import Reporter
from tests.conftest import scalar

pytestmark = pytest.mark.db
ROWS = 150
EXT = "CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS intarray; "
ROOMS = "CREATE TABLE rooms (id serial PRIMARY KEY, name text NOT NULL); "

# (id, DDL of table t, rows an application wrote before pgseed came: they sit where a
# grid would start, or hold the value a <> key must share)
CONSTRUCTS = [
    (
        "circle",
        "CREATE TABLE t (id serial PRIMARY KEY, c circle NOT NULL, EXCLUDE USING gist (c WITH &&))",
        "INSERT INTO t (c) VALUES ('<(5,5),40>'), ('<(300,20),3>')",
    ),
    (
        "box",
        "CREATE TABLE t (id serial PRIMARY KEY, b box, EXCLUDE USING gist (b WITH &&))",
        "INSERT INTO t (b) VALUES ('(100,100),(0,0)'), (NULL)",
    ),
    (
        "polygon",
        "CREATE TABLE t (id serial PRIMARY KEY, p polygon NOT NULL, EXCLUDE USING gist (p WITH &&))",
        "INSERT INTO t (p) VALUES ('((0,0),(50,80),(90,0))')",
    ),
    (
        "multirange",
        "CREATE TABLE t (id serial PRIMARY KEY, m int4multirange NOT NULL,"
        " EXCLUDE USING gist (m WITH &&))",
        "INSERT INTO t (m) VALUES ('{[0,3),[40,700)}')",
    ),
    (
        "intarray",
        "CREATE TABLE t (id serial PRIMARY KEY, tags int[] NOT NULL,"
        " EXCLUDE USING gist (tags gist__int_ops WITH &&))",
        "INSERT INTO t (tags) VALUES ('{1,2,3,4,5,6,7,8,90}')",
    ),
    (
        "adjacent-int8range",
        "CREATE TABLE t (id serial PRIMARY KEY, span int8range NOT NULL,"
        " EXCLUDE USING gist (span WITH -|-))",
        "INSERT INTO t (span) VALUES ('[5,10)'), ('[995,1000)')",
    ),
    (
        "adjacent-daterange",
        "CREATE TABLE t (id serial PRIMARY KEY, d daterange NOT NULL, EXCLUDE USING gist (d WITH -|-))",
        "INSERT INTO t (d) VALUES ('[2024-01-02,2024-01-04)')",
    ),
    (
        "fk-equal-and-tstzrange",
        ROOMS + "CREATE TABLE t (id serial PRIMARY KEY, room_id int NOT NULL REFERENCES rooms,"
        " during tstzrange NOT NULL, EXCLUDE USING gist (room_id WITH =, during WITH &&))",
        "INSERT INTO rooms (name) VALUES ('a'); INSERT INTO t (room_id, during) VALUES"
        " (1, '[2024-01-01 00:00+00,2024-03-01 00:00+00)')",
    ),
    (
        "equal-and-not-equal",
        "CREATE TABLE t (id serial PRIMARY KEY, room int NOT NULL, kind text NOT NULL,"
        " EXCLUDE USING gist (room WITH =, kind WITH <>))",
        "INSERT INTO t (room, kind) VALUES (0, 'a'), (1, 'b'), (2, 'c')",
    ),
    (
        "not-equal",
        "CREATE TABLE t (id serial PRIMARY KEY, kind text NOT NULL, EXCLUDE USING gist (kind WITH <>))",
        "INSERT INTO t (kind) VALUES ('the one kind'), ('the one kind')",
    ),
    (
        "expression-tsrange-partial",
        "CREATE TABLE t (id serial PRIMARY KEY, starts timestamp NOT NULL, ends timestamp NOT NULL,"
        " cancelled boolean NOT NULL, CHECK (ends > starts),"
        " EXCLUDE USING gist (tsrange(starts, ends) WITH &&) WHERE (NOT cancelled))",
        "INSERT INTO t (starts, ends, cancelled) VALUES ('2024-01-01', '2024-02-01', false)",
    ),
    (
        "expression-daterange-closed-adjacent",
        "CREATE TABLE t (id serial PRIMARY KEY, starts date NOT NULL, ends date NOT NULL,"
        " EXCLUDE USING gist (daterange(starts, ends, '[]') WITH -|-))",
        "INSERT INTO t (starts, ends) VALUES ('2024-01-01', '2024-01-31')",
    ),
    (
        "expression-tstzrange-fk",
        ROOMS + "CREATE TABLE t (id serial PRIMARY KEY, room_id int NOT NULL REFERENCES rooms,"
        " starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL,"
        " EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&))",
        "INSERT INTO rooms (name) VALUES ('a'); INSERT INTO t (room_id, starts_at, ends_at)"
        " VALUES (1, '2023-12-31 00:00+00', '2024-01-02 05:00+00')",
    ),
    (
        "same-box-judged",
        "CREATE TABLE t (id serial PRIMARY KEY, b box NOT NULL, EXCLUDE USING gist (b WITH ~=))",
        "INSERT INTO t (b) VALUES ('(1,1),(0,0)')",
    ),
    (
        "equal-on-fk-and-same-judged",
        ROOMS + "CREATE TABLE t (id serial PRIMARY KEY, room_id int NOT NULL REFERENCES rooms,"
        " spot point NOT NULL, EXCLUDE USING gist (room_id WITH =, spot WITH ~=))",
        "INSERT INTO rooms (name) VALUES ('a'); INSERT INTO t (room_id, spot) VALUES (1, '(0,0)')",
    ),
]
IDS = [c[0] for c in CONSTRUCTS]


def _fill(dsn: str, seed: int = 7, bulk: bool = True, rows: int = ROWS) -> Any:
    return fill(dsn, settings(rows=rows, seed=seed), reporter=Reporter(progress=False), bulk=bulk)


def _violations(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as c:
        return audit.violations(c, ["public"])


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "no-bulk"])
@pytest.mark.parametrize(("ddl", "existing"), [c[1:] for c in CONSTRUCTS], ids=IDS)
def test_every_exclusion_holds_on_an_empty_table(
    make_db: Callable[[str], str], ddl: str, existing: str, bulk: bool
) -> None:
    dsn = make_db(EXT + ddl)
    out = _fill(dsn, bulk=bulk)
    assert out.written["public.t"] == ROWS
    assert _violations(dsn) == []


@pytest.mark.parametrize(("ddl", "existing"), [c[1:] for c in CONSTRUCTS], ids=IDS)
def test_new_rows_avoid_the_rows_already_there(
    make_db: Callable[[str], str], ddl: str, existing: str
) -> None:
    dsn = make_db(EXT + ddl + "; " + existing)
    before = int(scalar(dsn, "SELECT count(*) FROM t"))
    out = _fill(dsn)
    assert out.written["public.t"] == ROWS
    assert scalar(dsn, "SELECT count(*) FROM t") == before + ROWS
    assert _violations(dsn) == []
    _fill(dsn, seed=8)  # and a second fill past both
    assert _violations(dsn) == []


@pytest.mark.filterwarnings("ignore:Did not recognize type:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize(
    "ddl",
    [c[1] for c in CONSTRUCTS if "judged" in c[0] or "not-equal" in c[0]],
    ids=[c[0] for c in CONSTRUCTS if "judged" in c[0] or "not-equal" in c[0]],
)
def test_files_hold_no_conflict_either(
    make_db: Callable[[str], str], tmp_path: Path, ddl: str
) -> None:
    """``--output``: nothing is written, each block is judged against the blocks before."""
    dsn = make_db(EXT + ddl)
    export(dsn, settings(rows=ROWS, seed=3), tmp_path, "csv", reporter=Reporter(progress=False))
    for table in ("rooms", "t"):  # parents first
        path = tmp_path / f"public.{table}.csv"
        if not path.exists():
            continue
        with path.open() as f:
            rows = list(csv.reader(f))
        copy = f"COPY {table} ({', '.join(rows[0])}) FROM STDIN"
        with psycopg.connect(dsn) as c, c.cursor().copy(copy) as cp:  # the constraint judges
            for row in rows[1:]:
                cp.write_row([v if v != "" else None for v in row])
    assert scalar(dsn, "SELECT count(*) FROM t") == ROWS


CANNOT = [
    (
        "unbounded-range-there",
        "CREATE TABLE t (id serial PRIMARY KEY, during tstzrange NOT NULL,"
        " CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&));"
        " INSERT INTO t (during) VALUES (tstzrange('2024-01-01', NULL))",
        "no_overlap",
        "Fix: give during a rule",
    ),
    (
        "not-equal-on-an-fk",
        ROOMS + "INSERT INTO rooms (name) SELECT 'r' || g FROM generate_series(1, 5) g;"
        " CREATE TABLE t (id serial PRIMARY KEY, room_id int NOT NULL REFERENCES rooms,"
        " CONSTRAINT one_room EXCLUDE USING gist (room_id WITH <>))",
        "one_room",
        "Fix: fewer rows (tables: public.t: rows: N) or skip the table",
    ),
    (
        "everything-there-unbounded-box",
        "CREATE TABLE t (id serial PRIMARY KEY, a int4range NOT NULL, b int4range NOT NULL,"
        " CONSTRAINT both_overlap EXCLUDE USING gist (a WITH &&, b WITH &&));"
        " INSERT INTO t (a, b) VALUES ('(,)', '(,)')",
        "both_overlap",
        "Fix: give",
    ),
]


@pytest.mark.parametrize(
    ("ddl", "name", "fix"), [c[1:] for c in CANNOT], ids=[c[0] for c in CANNOT]
)
def test_an_exclusion_that_cannot_be_met_is_named_with_a_fix(
    make_db: Callable[[str], str], cli: Any, ddl: str, name: str, fix: str
) -> None:
    dsn = make_db(EXT + ddl)
    before = int(scalar(dsn, "SELECT count(*) FROM t"))
    with pytest.raises(GenerationError, match=f"EXCLUDE {name}") as err:
        _fill(dsn, rows=20)
    assert fix in str(err.value)
    result = cli("fill", "--database-url", dsn, "--rows", "20")
    assert result.exit_code == 1, result.output
    assert name in result.output and "Fix:" in result.output
    assert "Traceback" not in result.output
    assert scalar(dsn, "SELECT count(*) FROM t") == before  # rolled back


GENERATED = [
    (
        "product-below",
        "price numeric(10,2) NOT NULL, qty integer NOT NULL,"
        " total numeric GENERATED ALWAYS AS (price * qty) STORED CHECK (total < 1000)",
    ),
    (
        "product-band",
        "price numeric(10,2) NOT NULL, qty integer NOT NULL,"
        " total numeric GENERATED ALWAYS AS (price * qty) STORED CHECK (total BETWEEN 100 AND 200)",
    ),
    (
        "float-area-band-table-check",
        "w double precision NOT NULL, h smallint NOT NULL,"
        " area double precision GENERATED ALWAYS AS (w * h) STORED, CHECK (area BETWEEN 1 AND 50)",
    ),
    (
        "sum-and-a-plain-column",
        "budget integer NOT NULL, net numeric(12,2) NOT NULL, tax numeric(12,2) NOT NULL,"
        " gross numeric GENERATED ALWAYS AS (net + tax) STORED, CHECK (gross <= budget / 10)",
    ),
    (
        "square-bigint",
        "n bigint NOT NULL, sq bigint GENERATED ALWAYS AS (n * n) STORED CHECK (sq < 50)",
    ),
    (
        "quoted-names",
        '"Unit Price" real NOT NULL, "Qty" smallint NOT NULL,'
        ' "Line Total" real GENERATED ALWAYS AS ("Unit Price" * "Qty") STORED'
        ' CHECK ("Line Total" <= 20 AND "Line Total" > 1)',
    ),
]


@pytest.mark.parametrize("cols", [c[1] for c in GENERATED], ids=[c[0] for c in GENERATED])
def test_a_check_on_a_generated_column_holds_with_no_config(
    make_db: Callable[[str], str], cols: str
) -> None:
    dsn = make_db(f"CREATE TABLE t (id serial PRIMARY KEY, {cols})")
    out = _fill(dsn, rows=200)
    assert out.written["public.t"] == 200
    assert _violations(dsn) == []


@pytest.mark.parametrize(
    ("cols", "inputs"),
    [
        (
            "price numeric(10,2) NOT NULL, qty integer NOT NULL, total numeric"
            " GENERATED ALWAYS AS (price * qty) STORED CONSTRAINT huge CHECK (total > 1e12)",
            "price, qty",
        ),
        (
            "a smallint NOT NULL, b smallint NOT NULL, s integer GENERATED ALWAYS AS (a + b) STORED,"
            " CONSTRAINT huge CHECK (s > 100000)",
            "a, b",
        ),
    ],
    ids=["product", "sum"],
)
def test_a_generated_check_that_cannot_be_met_names_it_and_its_inputs(
    make_db: Callable[[str], str], cols: str, inputs: str
) -> None:
    dsn = make_db(f"CREATE TABLE t (id serial PRIMARY KEY, {cols})")
    with pytest.raises(GenerationError) as err:
        _fill(dsn, rows=20)
    text = str(err.value)
    assert "CHECK huge" in text and f"made from {inputs}" in text
    assert f"Fix: give {inputs} a rule" in text


@pytest.mark.parametrize(
    ("ddl", "rule", "allowed"),
    [
        (
            "during int4range NOT NULL, EXCLUDE USING gist (room_id WITH =, during WITH &&)",
            {"choices": ["[0,5)", "[5,10)", "[10,15)", "[15,20)", "[20,25)", "[25,30)"]},
            "during <@ int4range(0, 30)",
        ),
        (
            "spot box NOT NULL, EXCLUDE USING gist (room_id WITH =, spot WITH &&)",
            {
                "choices": [
                    "(1,1),(0,0)",
                    "(3,3),(2,2)",
                    "(5,5),(4,4)",
                    "(7,7),(6,6)",
                    "(9,9),(8,8)",
                ]
            },
            "spot <@ box '(9,9),(0,0)'",
        ),
        (
            "kind text NOT NULL, EXCLUDE USING gist (room_id WITH =, kind WITH <>)",
            {"choices": ["a", "b", "c", "d", "e", "f"]},
            "kind IN ('a', 'b', 'c', 'd', 'e', 'f')",
        ),
    ],
    ids=["range-choices", "box-choices", "not-equal-choices"],
)
def test_a_key_the_config_gives_a_rule_keeps_it_and_is_judged(
    make_db: Callable[[str], str], ddl: str, rule: dict[str, Any], allowed: str
) -> None:
    """A config rule wins over the grid; the exclusion is then judged in PostgreSQL and
    the rows that break it re-pick among the rule's values."""
    dsn = make_db(
        EXT
        + ROOMS
        + f"CREATE TABLE t (id serial PRIMARY KEY, room_id int NOT NULL REFERENCES rooms, {ddl})"
    )
    cfg = settings(
        FillConfig.model_validate(
            {
                "tables": {
                    "rooms": {"rows": 60},
                    "t": {
                        "rows": 120,
                        "columns": {ddl.split()[0]: rule},
                        "foreign_keys": {
                            "t_room_id_fkey": {"min": 0, "max": 3, "distribution": "uniform"}
                        },
                    },
                }
            }
        ),
        seed=5,
    )
    out = fill(dsn, cfg, reporter=Reporter(progress=False))
    assert out.written["public.t"] == 120
    assert scalar(dsn, f"SELECT count(*) FROM t WHERE NOT ({allowed})") == 0
    assert _violations(dsn) == []


@pytest.mark.parametrize(
    ("ddl", "rows", "pairs"),
    [
        (
            "c circle, EXCLUDE USING gist (c WITH &&)",
            "('<(0,0),5>'), ('<(8,0),5>'), ('<(30,0),5>')",
            1,
        ),
        (
            "tags int[], EXCLUDE USING gist (tags gist__int_ops WITH &&)",
            "('{1,2}'), ('{2,3}'), ('{3,4}'), ('{9}')",
            2,
        ),
        ("k text, EXCLUDE USING gist (k WITH <>)", "('a'), ('a'), ('b')", 2),
        ("r int4range, EXCLUDE USING gist (r WITH -|-)", "('[1,3)'), ('[3,5)'), ('[6,9)')", 1),
        (
            "b box, EXCLUDE USING gist (b WITH ~=)",
            "('(1,1),(0,0)'), ('(1,1),(0,0)'), ('(2,2),(0,0)')",
            1,
        ),
    ],
    ids=["circle", "intarray", "not-equal", "adjacent", "same-as"],
)
def test_the_audit_counts_the_pairs_an_exclusion_forbids(
    make_db: Callable[[str], str], ddl: str, rows: str, pairs: int
) -> None:
    """Deferred, so the rows go in; the audit judges them with the constraint's own
    operators (an extension's too) before the commit would refuse them."""
    dsn = make_db(EXT)
    with psycopg.connect(dsn) as c:
        c.execute(f"CREATE TABLE t ({ddl} DEFERRABLE INITIALLY DEFERRED)")
        c.execute(f"INSERT INTO t VALUES {rows}")
        found = audit.violations(c, ["public"])
        c.rollback()
    assert len(found) == 1 and found[0].endswith(f": {pairs} pairs of rows conflict"), found
