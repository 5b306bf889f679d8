"""The rag-agent scenario against what a new user gives it: path templates it cannot
fill, an application answering ids that are no ids (or ids that are not one path
segment), data so small that recall@k cannot miss, and credentials in ``--api-url``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import query
from tests.packs.retail.helpers import gen
from tests.packs.retail.test_rag import RAG, SMALL, rows

pytestmark = pytest.mark.db

TINY = ("--stores", "1", "--products", "1", "--max-workers", "1")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("chat_path", "/agents/{sid}/chat"),
        ("chat_path", "/agents/{}/chat"),
        ("chat_path", "/agents/{session_id/chat"),
        ("close_path", "/agents/sessions/{0}"),
        ("close_path", "/agents/sessions/closed"),
        ("source_path", "/rag/sources/{source_id.__class__}"),
        ("source_path", "/rag/sources/{session_id}"),
        ("index_path", "/rag/index/{source_id}"),
        ("chat_path", "/a/{session_id}/{session_id}"),
    ],
)
def test_a_path_template_pgseed_cannot_fill_is_exit_2(
    cli: Any, db_dsn: str, key: str, value: str
) -> None:
    r = gen(cli, db_dsn, *RAG, "--dry-run", "--set", f"rag.api.{key}={value}")
    assert r.exit_code == 2, r.output
    assert f"rag.api.{key}" in r.output and "unexpected" not in r.output


class _Recorder(BaseHTTPRequestHandler):
    """An application answering every call with the same JSON (``server.answer``),
    recording the raw paths it was asked for."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.server.auth.append(self.headers.get("authorization"))  # type: ignore[attr-defined]
        body = json.dumps(self.server.answer).encode()  # type: ignore[attr-defined]
        code = 201 if self.command == "POST" and "/chat" not in self.path else 200
        self.send_response(204 if self.command == "DELETE" else code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "0" if self.command == "DELETE" else str(len(body)))
        self.end_headers()
        if self.command != "DELETE":
            self.wfile.write(body)

    do_POST = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.paths = []  # type: ignore[attr-defined]
    server.auth = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server: ThreadingHTTPServer, userinfo: str = "") -> str:
    return f"http://{userinfo}127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("bad", [{"a": 1}, [1, 2], True, None])
def test_an_id_that_is_no_id_fails_naming_the_field(
    cli: Any, db_dsn: str, recorder: Any, bad: Any
) -> None:
    recorder.answer = {"source_id": bad, "session_id": "s", "tool_calls": []}
    r = gen(cli, db_dsn, *RAG, "--confirm", "--api-url", _url(recorder))
    assert r.exit_code == 6, r.output
    assert "source_id" in r.output and "FAIL" in r.output and "unexpected" not in r.output
    assert rows(db_dsn, "pgseed.rag_source") == 0  # nothing recorded under a made-up id


@pytest.mark.parametrize("sid", ["a/b", "x?y=1", "../../rag/sources/1", "s p#c", "50%"])
def test_an_id_is_one_path_segment_whatever_it_holds(
    cli: Any, db_dsn: str, recorder: Any, sid: str
) -> None:
    recorder.answer = {"source_id": sid, "session_id": sid, "tool_calls": []}
    gen(cli, db_dsn, *RAG, "--confirm", "--api-url", _url(recorder))
    chats = [p for p in recorder.paths if p.endswith("/chat")]
    assert chats, recorder.paths
    for p in chats:
        segments = p.split("?")[0].split("/")
        assert segments[:3] == ["", "agents", "sessions"] and len(segments) == 5, p
    r = gen(cli, db_dsn, "--delete", "--scope", "rag", "--confirm")
    assert r.exit_code == 0, r.output
    deleted = [p for p in recorder.paths if p.startswith("/rag/sources/")]
    assert deleted and all(p.count("/") == 3 and "?" not in p for p in deleted), deleted


@pytest.mark.parametrize(
    "args",
    [
        (*TINY, "--start-date", "2024-03-05", "--end-date", "2024-03-05"),
        (*TINY, "--start-date", "2024-03-01", "--end-date", "2024-03-02", "--sparsity", "1.0"),
        (*SMALL, "--set", "rag.top_k=100"),
    ],
)
def test_recall_that_cannot_miss_is_not_a_pass(cli: Any, db_dsn: str, args: tuple[str]) -> None:
    r = gen(cli, db_dsn, "--scenario", "rag-agent", *args, "--confirm")
    assert r.exit_code == 6, r.output
    assert "proves nothing" in r.output and "Fix: " in r.output
    assert "steps passed" not in r.output
    line = query(db_dsn, "SELECT outcome FROM pgseed.runs WHERE operation = 'rag-agent'")
    assert line == [("failed",)]


@pytest.mark.parametrize("userinfo", ["bob:Hush-9x7@", "bob:p%40ss-9x7@", "tok:Hush-9x7@"])
def test_credentials_in_api_url_reach_neither_output_nor_database(
    cli: Any, db_dsn: str, recorder: Any, userinfo: str
) -> None:
    recorder.answer = {"source_id": "src-1", "session_id": "s-1", "tool_calls": []}
    secret = userinfo.split(":")[1].split("@")[0]
    r = gen(cli, db_dsn, *RAG, "--confirm", "--api-url", _url(recorder, userinfo))
    assert r.exit_code == 6, r.output  # no citations: the questions fail
    assert secret not in r.output and "9x7" not in r.output
    assert all(a and a.startswith("Basic ") for a in recorder.auth)  # it was used
    dump = json.dumps(
        query(
            db_dsn,
            "SELECT (SELECT json_agg(r) FROM pgseed.runs r), "
            "(SELECT json_agg(s) FROM pgseed.rag_source s), "
            "(SELECT json_agg(s) FROM pgseed.rag_session s)",
        ),
        default=str,
    )
    assert "9x7" not in dump and _url(recorder) in dump
    listed = cli("runs", "--database-url", db_dsn, "--json")
    assert listed.exit_code == 0 and "9x7" not in listed.output
    # The cleanup takes the credentials again from --api-url, for that application only.
    recorder.auth.clear()
    done = gen(
        cli,
        db_dsn,
        "--delete",
        "--scope",
        "rag",
        "--confirm",
        "--api-url",
        _url(recorder, userinfo),
    )
    assert done.exit_code == 0, done.output
    assert recorder.auth and all(a and a.startswith("Basic ") for a in recorder.auth)
    assert "9x7" not in done.output
    assert rows(db_dsn, "pgseed.rag_source") == 0
