"""Every button's form as the CLI takes it, and the names a server answers to.

Every action of every built-in pack, with a valid form, passes the dashboard's check
(``forms.check``: the very click command it will run, and its config function) for the
run and for its preview: a switch the command takes besides its config (``seed-all
--replace``) is never taken for a config key. A form the CLI would refuse before it
touches the database is refused before a run starts. A server bound to every address
(``--host 0.0.0.0``) answers to the machine's own names, and still to no other.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from starlette.testclient import TestClient

from pgseed.ui import create_app, forms
from pgseed.ui.app import allowed_hosts, machine_names
from pgseed.ui.packs import BUILTIN, ui_for
from tests.conftest import ADMIN

NOWHERE = "postgresql://me:s3cret-pw@127.0.0.1:9/nowhere_test"

# Valid forms, several per pack: the fields a user fills (empty ones are not passed).
VALID: dict[str, list[dict[str, str]]] = {
    "retail": [
        {},
        {"stores": "2", "products": "3", "start_date": "2024-01-01", "end_date": "2024-01-31"},
        {"scenario": "holiday_rush", "seed": "7", "sparsity": "0.2", "more": "batch_size=500"},
    ],
    "social": [
        {},
        {"count": "9", "activity_days": "2", "start_date": "2024-03-01", "days": "3"},
        {
            "run_seed": "demo-2024",
            "market": "realistic",
            "skip_jobs": "1",
            "more": "signup_days=10",
        },
    ],
    "genonaut": [
        {},
        {"seed": "5", "users": "60", "content_items": "200", "auto_items": "300"},
        {"prompt_types": "Fashion,Portraits", "more": "batch_size_users=10"},
    ],
}
CASES = [
    (pack, action.key, i, preview)
    for pack, ui in BUILTIN.items()
    for action in ui.actions
    for i in range(len(VALID[pack]))
    for preview in (False, True)
]


@pytest.fixture
def admin(monkeypatch: Any) -> None:
    monkeypatch.setenv("DB_USER_ADMIN_UUID", ADMIN)  # genonaut's required admin
    monkeypatch.delenv("APP_ENV", raising=False)


@pytest.mark.parametrize(("pack", "action", "form", "preview"), CASES)
def test_every_action_of_every_pack_takes_a_valid_form(
    admin: None, pack: str, action: str, form: int, preview: bool
) -> None:
    values = {**VALID[pack][form], "scope": ui_for(pack).scopes[-1] if ui_for(pack).scopes else ""}
    if pack == "retail" and action == "append":
        values.setdefault("end_date", "2024-02-29")
    steps = ui_for(pack).steps(action, values, preview=preview)
    assert forms.check(steps) is None, steps


@pytest.fixture
def offline() -> Any:
    app = create_app({"retail": NOWHERE}, hosts=allowed_hosts("127.0.0.1", 8765))
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        yield c


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-02-10", "2024-02-01"), ("2025-01-01", "2024-12-31"), ("2024-03-02", "2024-03-01")],
)
def test_an_append_with_its_dates_reversed_starts_no_run(
    offline: TestClient, start: str, end: str
) -> None:
    csrf = offline.app.app.state.ui.csrf  # type: ignore[attr-defined]
    r = offline.post(
        "/pack/retail/action",
        data={"action": "append", "start_date": start, "end_date": end},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400, r.text
    assert f"--end-date {end} is before --start-date {start}" in r.json()["error"]
    assert "Fix:" in r.json()["error"]
    assert offline.app.app.state.ui.worker.runs == {}  # type: ignore[attr-defined]


def _addresses() -> list[str]:
    """This machine's names as a browser writes them in Host (IPv6 in brackets)."""
    names = sorted(machine_names() | {"127.0.0.1", "localhost", "::1"})
    return [f"[{n}]" if ":" in n else n for n in names]


@pytest.mark.parametrize("bound", ["0.0.0.0", "::"])
@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]", socket.gethostname()])
def test_a_wildcard_bind_answers_to_this_machine(bound: str, name: str) -> None:
    app = create_app({"retail": NOWHERE}, hosts=allowed_hosts(bound, 8765))
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        for host in (f"{name}:8765", *(f"{a}:8765" for a in _addresses())):
            r = c.get("/pack/retail", headers={"Host": host})
            assert r.status_code == 200, (host, r.text)
        for host in ("evil.example:8765", f"{name}.evil.example:8765", f"{name}:9999"):
            assert c.get("/pack/retail", headers={"Host": host}).status_code == 403, host


@pytest.mark.parametrize(
    ("pack", "action", "more"),
    [
        ("social", "generate", "jobs_command=touch /tmp/pgseed-pwned"),
        ("social", "generate", "jobsCommand=touch /tmp/pgseed-pwned"),
        ("social", "append", " jobs-command = sh -c id"),
        ("retail", "generate", "rag.embedding_url=http://attacker.example/v1/embeddings"),
        ("retail", "generate", "rag.embeddingUrl=http://attacker.example/"),
    ],
)
def test_a_page_cannot_set_keys_that_act_outside_the_database(
    admin: None, pack: str, action: str, more: str
) -> None:
    # Whoever reaches the dashboard must not run programs on its machine, or send the
    # data elsewhere, through "more settings".
    steps = ui_for(pack).steps(action, {"more": more}, preview=False)
    message = forms.check(steps)
    assert message is not None and "does not take it from a page" in message, steps
    assert "Fix:" in message
