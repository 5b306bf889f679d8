"""The dashboard over HTTP: its guards (CSRF, Host/Origin, production), the masked URL,
the CLI's own validation messages, one run per database (409), the events mode, the
generation log and verify."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from pgseed.errors import ConfigError, SafetyError
from pgseed.history import DDL
from pgseed.progress import Reporter
from pgseed.ui import create_app
from pgseed.ui.app import allowed_hosts
from pgseed.ui.worker import outcome
from tests.conftest import dsn_for

BASE = "http://127.0.0.1:8765"
NOWHERE = "postgresql://me:s3cret-pw@127.0.0.1:9/nowhere_test"  # refused at once


def client_for(targets: dict[str, str]) -> TestClient:
    app = create_app(targets, hosts=allowed_hosts("127.0.0.1", 8765))
    return TestClient(app, base_url=BASE)


@pytest.fixture
def offline() -> Iterator[TestClient]:
    with client_for({"retail": NOWHERE}) as c:
        yield c


def token(c: TestClient) -> str:
    return str(c.app.app.state.ui.csrf)  # type: ignore[attr-defined]


POSTS = [
    "/pack/retail/action",
    "/pack/retail/confirm",
    "/pack/retail/verify",
    "/pack/retail/report",
    "/runs/abc/cancel",
]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("sent", [None, "", "wrong-token"])
def test_every_post_needs_the_csrf_token(offline: TestClient, path: str, sent: str | None) -> None:
    headers = {} if sent is None else {"X-CSRF-Token": sent}
    r = offline.post(path, data={"action": "delete", "scope": "all"}, headers=headers)
    assert r.status_code == 403, r.text
    assert "CSRF" in r.text


def test_the_form_field_token_is_accepted(offline: TestClient) -> None:
    r = offline.post(
        "/pack/retail/action", data={"csrf": token(offline), "action": "generate", "stores": "-1"}
    )
    assert r.status_code == 400  # past the guard, refused by the config check


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example:8765", "127.0.0.1:9999"]
)
def test_a_foreign_host_header_is_refused(offline: TestClient, host: str) -> None:
    r = offline.get("/pack/retail", headers={"Host": host})
    assert r.status_code == 403
    assert "bound to" in r.text


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:1", "https://x.test"])
def test_a_foreign_origin_is_refused(offline: TestClient, origin: str) -> None:
    r = offline.post(
        "/pack/retail/action",
        data={"action": "generate"},
        headers={"X-CSRF-Token": token(offline), "Origin": origin},
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        (NOWHERE, "s3cret-pw"),
        ("postgresql://me:p%40ss%3Aw0rd@127.0.0.1:9/x_test", "p@ss:w0rd"),
        ("host=127.0.0.1 port=9 dbname=x_test user=me password=hunter22x", "hunter22x"),
        ("postgresql+asyncpg://me:tok3n-abc@127.0.0.1:9/x_test?ssl=require", "tok3n-abc"),
    ],
)
def test_the_page_shows_the_url_with_its_password_masked(url: str, secret: str) -> None:
    with client_for({"retail": url}) as c:
        page = c.get("/pack/retail")
        fragment = c.get("/pack/retail/summary")
    assert page.status_code == 200
    assert "***" in page.text
    for body in (page.text, fragment.text):
        assert secret not in body
        assert secret.replace("@", "%40").replace(":", "%3A") not in body
    assert 'id="summary-problem"' in page.text  # unreachable: said, not a traceback


@pytest.mark.parametrize(
    "env",
    [
        {"APP_ENV": "production"},
        {"APP_ENV": " Production "},
        {"APP_ENV": "production", "SEEDER_ALLOW_PRODUCTION": "true"},
    ],
)
def test_production_refuses_to_serve(cli: Any, env: dict[str, str], monkeypatch: Any) -> None:
    r = cli("ui", "--database-url", NOWHERE, "--port", "1", env=env)
    assert r.exit_code == 3, r.output
    assert "APP_ENV=production" in r.output
    assert "s3cret-pw" not in r.output
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SafetyError):
        create_app({"retail": NOWHERE}, hosts=["x"])


@pytest.mark.parametrize(
    ("form", "cli_args"),
    [
        ({"stores": "-1"}, ["--stores", "-1"]),
        ({"products": "many"}, ["--products", "many"]),
        ({"scenario": "holday_rush"}, ["--scenario", "holday_rush"]),
        ({"sparsity": "1.5"}, ["--sparsity", "1.5"]),
        (
            {"start_date": "2024-05-01", "end_date": "2024-01-01"},
            ["--start-date", "2024-05-01", "--end-date", "2024-01-01"],
        ),
        ({"start_date": "01/02/2024"}, ["--start-date", "01/02/2024"]),
        ({"more": "dimensions.stores.count=abc"}, ["--set", "dimensions.stores.count=abc"]),
        ({"more": "no_such_key=1"}, ["--set", "no_such_key=1"]),
    ],
)
def test_config_errors_carry_the_cli_message(
    offline: TestClient, cli: Any, form: dict[str, str], cli_args: list[str]
) -> None:
    r = offline.post(
        "/pack/retail/action",
        data={"action": "generate", **form},
        headers={"X-CSRF-Token": token(offline)},
    )
    assert r.status_code == 400
    message = r.json()["error"]
    assert offline.app.app.state.ui.worker.runs == {}  # type: ignore[attr-defined]
    shown = cli(
        "retail", "generate", "--full-new", "--dry-run", *cli_args, "--database-url", NOWHERE
    )
    assert shown.exit_code == 2, shown.output
    for line in message.splitlines():  # the same text, line for line
        assert line.strip() in shown.output, (line, shown.output)


def test_append_needs_its_end_date_as_on_the_command_line(offline: TestClient) -> None:
    r = offline.post(
        "/pack/retail/action",
        data={"action": "append", "start_date": "2025-01-01"},
        headers={"X-CSRF-Token": token(offline)},
    )
    assert r.status_code == 400
    assert "--append needs --end-date" in r.json()["error"]


def _preview(c: TestClient, form: dict[str, str]) -> str:
    r = c.post("/pack/retail/action", data=form, headers={"X-CSRF-Token": token(c)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "planned rows" in body["preview"]
    return str(body["token"])


def _wait_end(c: TestClient, run: str) -> dict[str, Any]:
    with c.stream("GET", f"/runs/{run}/events") as s:
        events = [json.loads(ln[6:]) for ln in s.iter_lines() if ln.startswith("data: ")]
    assert events[-1]["event"] == "end"
    return events[-1]


@pytest.mark.db
def test_one_run_per_database(db_dsn: str) -> None:
    big = {
        "action": "generate",
        "stores": "40",
        "products": "50",
        "start_date": "2023-01-01",
        "end_date": "2024-12-31",
    }
    with client_for({"retail": db_dsn}) as c:
        first, second = _preview(c, big), _preview(c, big)
        h = {"X-CSRF-Token": token(c)}
        r1 = c.post("/pack/retail/confirm", data={"token": first}, headers=h)
        assert r1.status_code == 202
        r2 = c.post("/pack/retail/confirm", data={"token": second}, headers=h)
        assert r2.status_code == 409
        assert "already going" in r2.json()["error"]
        assert r2.json()["run"] == r1.json()["run"]
        again = c.post("/pack/retail/confirm", data={"token": first}, headers=h)
        assert again.status_code == 400  # a preview's token confirms once
        c.post(f"/runs/{r1.json()['run']}/cancel", headers=h)
        end = _wait_end(c, r1.json()["run"])
        late = c.post(f"/runs/{r1.json()['run']}/cancel", headers=h).json()
    assert end["outcome"] == "rolled back"
    assert late["cancelled"] is False and late["outcome"] == "rolled back"  # nothing to cancel


@pytest.mark.db
def test_verify_renders_a_pass_fail_table(db_dsn: str, cli: Any) -> None:
    small = [
        "--seed",
        "3",
        "--stores",
        "2",
        "--products",
        "3",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-01-20",
    ]
    assert (
        cli(
            "retail", "generate", "--full-new", "--confirm", *small, "--database-url", db_dsn
        ).exit_code
        == 0
    )
    form = {
        "seed": "3",
        "stores": "2",
        "products": "3",
        "start_date": "2024-01-01",
        "end_date": "2024-01-20",
    }
    with client_for({"retail": db_dsn}) as c:
        r = c.post("/pack/retail/verify", data=form, headers={"X-CSRF-Token": token(c)})
        wrong = c.post(
            "/pack/retail/verify", data={**form, "stores": "5"}, headers={"X-CSRF-Token": token(c)}
        )
    assert r.status_code == 200
    assert "rules pass" in r.text and 'class="fail"' not in r.text
    assert r.text.count("<tr class=") > 5
    assert 'class="fail"' in wrong.text and "rules failed" in wrong.text


@pytest.mark.db
@pytest.mark.parametrize(
    ("rows", "shown", "hidden"),
    [
        ([], ["no runs recorded"], ["last run:"]),
        (
            [
                (
                    "retail",
                    "generate",
                    "committed",
                    '{"store": 2, "sales_daily": 60}',
                    "2026-01-02 10:30:15+00",
                )
            ],
            ["last run: 2026-01-02", "generate", "committed", ">62<"],
            ["no runs recorded"],
        ),
        (
            [
                ("retail", "generate", "committed", '{"store": 2}', "2026-01-02 10:00:00+00"),
                ("retail", "delete", "rolled back", '{"store": 2}', "2026-01-03 09:00:00+00"),
                ("social", "seed-all", "failed", '{"users": 5}', "2026-01-04 09:00:00+00"),
            ],
            ["last run: 2026-01-03 09:00:00, delete, rolled back", "generate"],
            ["seed-all"],  # another pack's runs stay on its own page
        ),
    ],
)
def test_the_generation_log_reads_pgseed_runs(
    server_dsn: str, db_name: str, rows: list[tuple[str, ...]], shown: list[str], hidden: list[str]
) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    dsn = dsn_for(server_dsn, db_name)
    with psycopg.connect(dsn) as conn:
        conn.execute("SET TimeZone TO 'UTC'")
        if rows:
            conn.execute(DDL)
        for pack, op, out, written, at in rows:
            conn.execute(
                "INSERT INTO pgseed.runs (pack, operation, version, rows, outcome, started_at) "
                "VALUES (%s, %s, '0.1.0', %s, %s, %s)",
                [pack, op, written, out, at],
            )
    with client_for({"retail": dsn}) as c:
        text = c.get("/pack/retail/summary").text
    for s in shown:
        assert s in text, text
    for s in hidden:
        assert s not in text
    assert "pgseed.runs" not in text and "runs</td>" not in text  # never shown as data


@pytest.mark.parametrize(
    ("rc", "cancelled", "expected"),
    [
        (0, False, "committed"),
        (130, True, "rolled back"),
        (-2, True, "rolled back"),
        (143, False, "rolled back"),
        (1, False, "failed (rolled back)"),
        (3, False, "refused (refused by a safety guard; nothing written)"),
        (2, False, "refused (bad config; nothing written)"),
    ],
)
def test_exit_codes_name_the_outcome(rc: int, cancelled: bool, expected: str) -> None:
    assert outcome(rc, cancelled) == expected


def test_events_mode_prints_one_json_object_per_line(monkeypatch: Any) -> None:
    monkeypatch.setenv("PGSEED_EVENTS", "json")
    out = io.StringIO()
    r = Reporter(out, rich=True)
    r.begin({"store": 2, "sales_daily": 60})
    r.advance("store", 2)
    r.info("hello")
    r.warn("careful")
    r.summary({"store": 2}, {"store": 0.01}, "rows created")
    r.fail("run failed", "pgseed retail generate --seed 1")
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["event"] for e in events] == ["begin", "advance", "info", "warn", "summary", "fail"]
    assert events[0]["targets"] == {"store": 2, "sales_daily": 60}
    assert events[1] == {"event": "advance", "table": "store", "rows": 2, "done": 2, "target": 2}
    assert events[3]["message"] == "careful"
    assert events[4]["written"] == {"store": 2}
    assert events[5]["reproduce"] == "pgseed retail generate --seed 1"


@pytest.mark.parametrize("value", ["JSON ", "", "text"])
def test_events_mode_values(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("PGSEED_EVENTS", value)
    out = io.StringIO()
    Reporter(out).info("x")
    assert (out.getvalue().startswith("{")) == (value.strip().lower() == "json")


@pytest.mark.parametrize("value", ["yes", "jsonl", "1"])
def test_an_unknown_events_mode_is_exit_2(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("PGSEED_EVENTS", value)
    with pytest.raises(ConfigError, match="expected json or text"):
        Reporter(io.StringIO())


@pytest.mark.parametrize(
    ("pack", "action", "preview", "expected"),
    [
        (
            "social",
            "generate",
            False,
            [("social", "seed-all", "--replace", "--count", "9", "--confirm")],
        ),
        (
            "social",
            "generate",
            True,
            [("social", "seed-all", "--replace", "--count", "9", "--dry-run")],
        ),
        (
            "retail",
            "generate",
            False,
            [("retail", "generate", "--full-new", "--stores", "9", "--confirm")],
        ),
    ],
)
def test_generate_new_is_one_command_so_one_transaction(
    pack: str, action: str, preview: bool, expected: list[tuple[str, ...]]
) -> None:
    from pgseed.ui.packs import ui_for

    values = {"count": "9"} if pack == "social" else {"stores": "9"}
    assert ui_for(pack).steps(action, values, preview=preview) == expected


@pytest.mark.db
def test_a_history_that_cannot_be_read_leaves_the_counts(server_dsn: str, db_name: str) -> None:
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    dsn = dsn_for(server_dsn, db_name)
    with psycopg.connect(dsn) as conn:  # a pgseed.runs that is not pgseed's history
        conn.execute("CREATE SCHEMA pgseed; CREATE TABLE pgseed.runs (x int)")
        conn.execute("CREATE TABLE store (id int)")
    with client_for({"retail": dsn}) as c:
        r = c.get("/pack/retail/summary")
    assert r.status_code == 200, r.text
    assert "the generation log cannot be read" in r.text
    assert 'data-table="store"' in r.text  # the counts are still there


def test_a_step_without_row_targets_reports_its_rows_not_a_stuck_percent() -> None:
    from pgseed.ui.worker import _Progress

    counted = _Progress(1)
    counted.see({"event": "begin", "targets": {"store": 10}})
    counted.see({"event": "advance", "table": "store", "done": 5})
    assert (counted.uncounted(), counted.percent()) == (None, 50.0)
    social = _Progress(1)  # seed-all's day loop cannot count its rows up front
    social.see({"event": "begin", "targets": {}})
    assert social.uncounted() is None  # nothing written yet
    social.see({"event": "advance", "table": "Like", "done": 1200})
    social.see({"event": "advance", "table": "Post", "done": 300})
    assert social.uncounted() == 1500
