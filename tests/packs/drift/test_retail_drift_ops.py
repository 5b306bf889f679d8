"""Retail's --append and --delete on spec 003's application as it stands today
(``retail.sql``): an append continues the series from the data there (deriving what the
schema does not record, refusing only what it cannot), a delete empties exactly its
scope and never an application row that references it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.conftest import dsn_for, query, scalar
from tests.packs.drift.support import create, fingerprint

pytestmark = pytest.mark.db

TABLES = ["store", "product", "calendar", "sales_daily", "price_history", "promotion",
          "inventory_snapshot_daily"]  # fmt: skip
FACTS = ["sales_daily", "price_history", "promotion", "inventory_snapshot_daily"]
SMALL = ["--stores", "2", "--products", "3", "--seed", "1"]
RENAME = "ALTER TABLE inventory_snapshot_daily RENAME COLUMN on_hand_qty TO stock_qty"
MAP = ["--map", "inventory_snapshot_daily.on_hand_qty=stock_qty"]


def _generate(cli: Any, dsn: str, lo: str, hi: str, *extra: str) -> None:
    r = cli("retail", "generate", "--full-new", "--confirm", *SMALL, "--start-date", lo,
            "--end-date", hi, "--max-workers", "1", "--database-url", dsn, *extra)  # fmt: skip
    assert r.exit_code == 0, r.output


def _append(cli: Any, dsn: str, hi: str, *extra: str) -> Any:
    return cli("retail", "generate", "--append", *SMALL, "--end-date", hi, "--max-workers", "1",
               "--database-url", dsn, *extra)  # fmt: skip


APPENDS = {  # (drift statements, full range, append end, extra flags)
    "five days, then three": ((), ("2024-01-01", "2024-01-05"), "2024-01-08", ()),
    "two months, then one": ((), ("2024-01-01", "2024-02-29"), "2024-03-31", ()),
    "on_hand_qty renamed, --map": ((RENAME,), ("2024-01-01", "2024-01-10"), "2024-01-20", MAP),
}


@pytest.mark.parametrize("case", list(APPENDS))
def test_append_on_the_drifted_application_then_verify(
    cli: Any, server_dsn: str, db_name: str, case: str
) -> None:
    drift, (lo, hi), end, extra = APPENDS[case]
    dsn = create(server_dsn, db_name, "retail", *drift)
    _generate(cli, dsn, lo, hi, *extra)
    before = {t: scalar(dsn, f"SELECT count(*) FROM {t}") for t in TABLES}
    app = fingerprint(dsn, ["forecast", "forecast_run"])
    r = _append(cli, dsn, end, *extra)
    assert r.exit_code == 0, r.output
    assert "received_qty not in the database" in r.output  # how it continues, said
    on_hand = "stock_qty" if extra else "on_hand_qty"
    pairs = scalar(
        dsn, "SELECT count(DISTINCT (store_id, product_id)) FROM inventory_snapshot_daily"
    )
    days = scalar(dsn, f"SELECT '{end}'::date - '{hi}'::date")
    assert scalar(dsn, "SELECT max(date) FROM inventory_snapshot_daily").isoformat() == end
    assert scalar(dsn, "SELECT count(*) FROM calendar") == before["calendar"] + days
    assert scalar(dsn, "SELECT count(*) FROM inventory_snapshot_daily") == (
        before["inventory_snapshot_daily"] + pairs * days
    )
    assert scalar(dsn, "SELECT count(*) FROM sales_daily") > before["sales_daily"]
    for t in ("store", "product"):
        assert scalar(dsn, f"SELECT count(*) FROM {t}") == before[t]
    for t in TABLES:  # the application's defaults and its NOT NULL name
        assert scalar(dsn, f"SELECT count(*) FROM {t} WHERE created_at IS NULL") == 0
    assert scalar(dsn, "SELECT count(*) FROM promotion WHERE name IS NULL") == 0
    # each series opens its first appended day with its last day's stock less its sales
    broken = scalar(dsn, f"""
        SELECT count(*) FROM inventory_snapshot_daily a JOIN inventory_snapshot_daily b
          ON b.store_id = a.store_id AND b.product_id = a.product_id
        LEFT JOIN sales_daily s ON s.store_id = a.store_id AND s.product_id = a.product_id
          AND s.date = a.date
        WHERE a.date = '{hi}' AND b.date = '{hi}'::date + 1
          AND b.{on_hand} <> greatest(a.{on_hand} - coalesce(s.quantity, 0), 0)""")  # fmt: skip
    assert broken == 0
    assert fingerprint(dsn, ["forecast", "forecast_run"]) == app
    r = cli("retail", "verify", *SMALL, "--start-date", lo, "--end-date", end,
            "--database-url", dsn, *extra)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "FAIL" not in r.output
    # the same append again: nothing to add
    again = fingerprint(dsn, TABLES)
    r = _append(cli, dsn, end, *extra)
    assert r.exit_code == 0 and "already applied" in r.output, r.output
    assert fingerprint(dsn, TABLES) == again


def _rows(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the pack's tables but the application's timestamps (now())."""
    out = {}
    with psycopg.connect(dsn) as c:
        for t in TABLES:
            cols = [str(r[0]) for r in c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name NOT IN ('created_at', 'updated_at') ORDER BY 1", [t])]  # fmt: skip
            out[t] = c.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY 1, 2, 3").fetchall()  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("end", ["2024-01-09", "2024-02-15"])
def test_the_same_seed_appends_the_same_rows(
    cli: Any, server_dsn: str, db_name: str, end: str
) -> None:
    rows = []
    for n in range(2):
        dsn = create(server_dsn, f"{db_name[:-5]}{n}_test", "retail")
        try:
            _generate(cli, dsn, "2024-01-01", "2024-01-06")
            r = _append(cli, dsn, end)
            assert r.exit_code == 0, r.output
            rows.append(_rows(dsn))
        finally:
            from tests.conftest import drop_database

            drop_database(server_dsn, f"{db_name[:-5]}{n}_test")
    assert rows[0] == rows[1]
    assert len(rows[0]["inventory_snapshot_daily"]) > 0


NEEDED = {  # a verb cannot run without these: exit 4 naming them (verb, statement, named)
    "append, on_hand_qty dropped": ("append", "ALTER TABLE inventory_snapshot_daily DROP COLUMN"
                                    " on_hand_qty", "inventory_snapshot_daily.on_hand_qty"),
    "append, sales quantity dropped": ("append", "ALTER TABLE sales_daily DROP COLUMN quantity",
                                       "sales_daily.quantity"),
    "append, store code dropped": ("append", "ALTER TABLE store DROP COLUMN code", "store.code"),
    "append, launch_date dropped": ("append", "ALTER TABLE product DROP COLUMN launch_date",
                                    "product.launch_date"),
    "append --dry-run, on_hand_qty dropped": ("dry", "ALTER TABLE inventory_snapshot_daily DROP"
                                              " COLUMN on_hand_qty",
                                              "inventory_snapshot_daily.on_hand_qty"),
    "append --dry-run, store code dropped": ("dry", "ALTER TABLE store DROP COLUMN code",
                                             "store.code"),
    "report, on_promotion dropped": ("report", "ALTER TABLE sales_daily DROP COLUMN on_promotion",
                                     "sales_daily.on_promotion"),
    "report, is_stockout dropped": ("report", "ALTER TABLE inventory_snapshot_daily DROP COLUMN"
                                    " is_stockout", "inventory_snapshot_daily.is_stockout"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(NEEDED))
def test_a_verb_refuses_naming_exactly_the_missing_columns(
    cli: Any, server_dsn: str, db_name: str, case: str, tmp_path: Any
) -> None:
    verb, statement, named = NEEDED[case]
    dsn = create(server_dsn, db_name, "retail", statement)
    _generate(cli, dsn, "2024-01-01", "2024-01-05")
    before = fingerprint(dsn, TABLES)
    if verb == "report":
        r = cli("retail", "report", "--database-url", dsn, "--out", str(tmp_path / "r"))
        assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())
    else:
        r = _append(cli, dsn, "2024-01-08", *(["--dry-run"] if verb == "dry" else []))
    assert r.exit_code == 4, r.output
    assert named in r.output and "Fix:" in r.output and "Traceback" not in r.output
    others = {c for _, _, c in NEEDED.values()} - {named}
    assert not any(c in r.output for c in others), r.output
    assert fingerprint(dsn, TABLES) == before


def _counts(dsn: str) -> dict[str, int]:
    return {t: scalar(dsn, f"SELECT count(*) FROM {t}") for t in [*TABLES, "forecast_run"]}


SCOPES = {  # scope -> the tables it empties
    "facts": FACTS,
    "all": TABLES,
    "dimensions": ["store", "product", "calendar"],  # after --scope facts
}


@pytest.mark.parametrize("scope", list(SCOPES))
def test_delete_per_scope_on_the_drifted_application(
    cli: Any, server_dsn: str, db_name: str, scope: str
) -> None:
    dsn = create(server_dsn, db_name, "retail",
                 "INSERT INTO forecast_run (model) VALUES ('prophet')")  # fmt: skip
    _generate(cli, dsn, "2024-01-01", "2024-02-10")
    if scope == "dimensions":
        r = cli("retail", "generate", "--delete", "--scope", "facts", "--confirm",
                "--database-url", dsn)  # fmt: skip
        assert r.exit_code == 0, r.output
    before = _counts(dsn)
    shape = fingerprint(dsn)
    r = cli("retail", "generate", "--delete", "--scope", scope, "--dry-run", "--database-url", dsn)
    assert r.exit_code == 0, r.output
    for t in SCOPES[scope]:
        assert f"{before[t]:,}" in r.output.split(t, 1)[1].splitlines()[0], r.output
    assert _counts(dsn) == before
    r = cli("retail", "generate", "--delete", "--scope", scope, "--confirm", "--database-url", dsn)
    assert r.exit_code == 0, r.output
    after = _counts(dsn)
    assert after == {t: 0 if t in SCOPES[scope] else n for t, n in before.items()}
    assert fingerprint(dsn) == shape  # the application's tables, keys and defaults stay
    # the application's sequences are left ahead: its next INSERT works
    with psycopg.connect(dsn) as c:
        c.execute("INSERT INTO forecast_run (model) VALUES ('arima')")


BLOCKERS = {  # (statements, scope, constraint named, the application table)
    "a forecast of a store (NO ACTION)": (
        [
            "INSERT INTO forecast_run (model) VALUES ('prophet')",
            "INSERT INTO forecast VALUES (1, 1, 1, '2024-02-01', 5)",
        ],
        "all",
        "forecast_store_id_fkey",
        "forecast",
    ),
    "a chain-wide forecast of a product, dimensions": (
        [
            "INSERT INTO forecast_run (model) VALUES ('prophet')",
            "INSERT INTO forecast VALUES (1, NULL, 3, '2024-02-01', 5)",
        ],
        "dimensions",
        "forecast_product_id_fkey",
        "forecast",
    ),
    "ON DELETE CASCADE from an audit of sales": (
        [
            "CREATE TABLE sale_audit (id serial PRIMARY KEY, sale_id bigint NOT NULL"
            " REFERENCES sales_daily(id) ON DELETE CASCADE)",
            "INSERT INTO sale_audit (sale_id) SELECT min(id) FROM sales_daily",
        ],
        "facts",
        "sale_audit_sale_id_fkey",
        "sale_audit",
    ),
    "ON DELETE SET NULL from a store note": (
        [
            "CREATE TABLE store_note (id serial PRIMARY KEY, store_id integer"
            " REFERENCES store(id) ON DELETE SET NULL)",
            "INSERT INTO store_note (store_id) VALUES (2)",
        ],
        "all",
        "store_note_store_id_fkey",
        "store_note",
    ),
}


@pytest.mark.parametrize("case", list(BLOCKERS))
@pytest.mark.parametrize("dry", [False, True])
def test_a_delete_an_application_row_blocks_names_it_and_rolls_back(
    cli: Any, server_dsn: str, db_name: str, case: str, dry: bool
) -> None:
    statements, scope, constraint, table = BLOCKERS[case]
    dsn = create(server_dsn, db_name, "retail")
    _generate(cli, dsn, "2024-01-01", "2024-01-05")
    if scope == "dimensions":
        r = cli("retail", "generate", "--delete", "--scope", "facts", "--confirm",
                "--database-url", dsn)  # fmt: skip
        assert r.exit_code == 0, r.output
    with psycopg.connect(dsn) as c:
        for s in statements:
            c.execute(s.encode())
    app = [t for t in ("forecast", "sale_audit", "store_note") if scalar(
        dsn, "SELECT to_regclass(%s) IS NOT NULL", [t])]  # fmt: skip
    before = fingerprint(dsn, [*TABLES, *app])
    held = query(dsn, f"SELECT * FROM {table} ORDER BY 1")
    flag = "--dry-run" if dry else "--confirm"
    r = cli("retail", "generate", "--delete", "--scope", scope, flag, "--database-url", dsn)
    assert r.exit_code == 1, r.output
    assert constraint in r.output and table in r.output, r.output
    assert "Fix:" in r.output and "Traceback" not in r.output
    assert fingerprint(dsn, [*TABLES, *app]) == before
    assert query(dsn, f"SELECT * FROM {table} ORDER BY 1") == held


OWN = {  # the pack's own schema, with an application table beside it
    "referencing row": ("INSERT INTO note (store_id) VALUES (1)", 1),
    "no referencing row": ("SELECT 1", 0),
}


@pytest.mark.parametrize("case", list(OWN))
def test_a_delete_on_the_packs_own_schema_respects_other_tables(
    cli: Any, server_dsn: str, db_name: str, case: str
) -> None:
    statement, blocked = OWN[case]
    dsn = dsn_for(server_dsn, db_name)
    _generate(cli, dsn, "2024-01-01", "2024-01-03")
    with psycopg.connect(dsn) as c:
        c.execute("CREATE TABLE note (id serial PRIMARY KEY, store_id integer"
                  " REFERENCES store(id) ON DELETE CASCADE)")  # fmt: skip
        c.execute(statement.encode())
    before = fingerprint(dsn, [*TABLES, "note"])
    r = cli("retail", "generate", "--delete", "--confirm", "--database-url", dsn)
    assert "Traceback" not in r.output
    if blocked:
        assert r.exit_code == 1 and "note_store_id_fkey" in r.output, r.output
        assert fingerprint(dsn, [*TABLES, "note"]) == before
    else:
        assert r.exit_code == 0, r.output
        assert all(scalar(dsn, f"SELECT count(*) FROM {t}") == 0 for t in TABLES)


AUDIT = [
    "CREATE TABLE sale_audit (id serial PRIMARY KEY, sale_id bigint NOT NULL"
    " REFERENCES sales_daily(id) ON DELETE CASCADE)",
    "INSERT INTO sale_audit (sale_id) SELECT min(id) FROM sales_daily",
]
NOTE = [
    "CREATE TABLE note (id serial PRIMARY KEY, store_id integer"
    " REFERENCES store(id) ON DELETE SET NULL)",
    "INSERT INTO note (store_id) VALUES (1)",
]
REPLACES = {  # (drifted application?, statements, constraint, table, blocked)
    "drifted, ON DELETE CASCADE from an audit of sales": (True, AUDIT, "sale_audit_sale_id_fkey",
                                                          "sale_audit", True),
    "drifted, ON DELETE SET NULL from a note": (True, NOTE, "note_store_id_fkey", "note", True),
    "own schema, ON DELETE SET NULL from a note": (False, NOTE, "note_store_id_fkey", "note",
                                                   True),
    "own schema, an empty referencing table": (False, NOTE[:1], "", "note", False),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REPLACES))
def test_a_replacing_generate_never_cascades_into_other_tables(
    cli: Any, server_dsn: str, db_name: str, case: str
) -> None:
    drifted, statements, constraint, table, blocked = REPLACES[case]
    dsn = create(server_dsn, db_name, "retail") if drifted else dsn_for(server_dsn, db_name)
    _generate(cli, dsn, "2024-01-01", "2024-01-04")
    with psycopg.connect(dsn) as c:
        for s in statements:
            c.execute(s.encode())
    before = fingerprint(dsn, [*TABLES, table])
    held = query(dsn, f"SELECT * FROM {table} ORDER BY 1")
    r = cli("retail", "generate", "--full-new", "--confirm", *SMALL, "--start-date",
            "2024-01-01", "--end-date", "2024-01-04", "--database-url", dsn)  # fmt: skip
    assert "Traceback" not in r.output
    assert query(dsn, f"SELECT * FROM {table} ORDER BY 1") == held
    if blocked:
        assert r.exit_code == 1 and constraint in r.output and "Fix:" in r.output, r.output
        assert fingerprint(dsn, [*TABLES, table]) == before
    else:
        assert r.exit_code == 0, r.output


REPORTS = {  # (drift statements, statements after generate, extra flags)
    "as generated": ((), (), ()),
    "on_hand_qty renamed, --map": ((RENAME,), (), MAP),
    "the application's open, chain-wide price": ((), (
        "INSERT INTO price_history (store_id, product_id, price, valid_from)"
        " VALUES (NULL, 1, 9.99, '2024-01-03')",
        "INSERT INTO price_history (store_id, product_id, price, valid_from)"
        " VALUES (1, 1, 8.99, '2024-01-04')"), ()),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REPORTS))
def test_report_on_the_drifted_application(
    cli: Any, server_dsn: str, db_name: str, case: str, tmp_path: Any
) -> None:
    drift, after, extra = REPORTS[case]
    dsn = create(server_dsn, db_name, "retail", *drift)
    _generate(cli, dsn, "2024-01-01", "2024-01-12", *extra)
    with psycopg.connect(dsn) as c:
        for s in after:
            c.execute(s.encode())
    before = fingerprint(dsn, TABLES)
    r = cli("retail", "report", "--database-url", dsn, "--out", str(tmp_path / "r"), *extra)
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == ["daily_sales.png", "index.html", "inventory.png", "prices.png",
                     "promotions.png", "weekly_profile.png"]  # fmt: skip
    assert fingerprint(dsn, TABLES) == before


WRONG_KIND = {  # a --map onto a column of another kind: exit 4 naming it, not a crash
    "on_hand_qty onto text": (
        "ALTER TABLE inventory_snapshot_daily ADD COLUMN stock_txt text",
        "inventory_snapshot_daily.on_hand_qty=stock_txt",
        "inventory_snapshot_daily.on_hand_qty (stock_txt is text)",
    ),
    "quantity onto a date": (
        "ALTER TABLE sales_daily ADD COLUMN sold_on date",
        "sales_daily.quantity=sold_on",
        "sales_daily.quantity",  # refused as for generate: integer cannot be cast to date
    ),
}


@pytest.mark.parametrize("case", list(WRONG_KIND))
@pytest.mark.parametrize("dry", [False, True], ids=["run", "dry-run"])
def test_an_append_mapped_onto_a_column_of_another_kind_is_exit_4(
    cli: Any, server_dsn: str, db_name: str, case: str, dry: bool
) -> None:
    statement, mapping, named = WRONG_KIND[case]
    dsn = create(server_dsn, db_name, "retail", statement)
    _generate(cli, dsn, "2024-01-01", "2024-01-05")
    before = fingerprint(dsn, TABLES)
    r = _append(cli, dsn, "2024-01-08", "--map", mapping, *(["--dry-run"] if dry else []))
    assert r.exit_code == 4, r.output
    assert named in r.output and "Fix:" in r.output
    assert "Traceback" not in r.output and "bug" not in r.output
    assert fingerprint(dsn, TABLES) == before
