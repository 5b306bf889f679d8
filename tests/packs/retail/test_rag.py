"""``pgseed retail generate --scenario rag-agent``: offline (pgseed's own pgvector index
and its recall@k), against the reference application (``rag_server.py``), its faults,
and ``--delete --scope rag``."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgseed.packs.retail.rag.client import walk
from tests.conftest import drop_database, dsn_for, query, scalar
from tests.packs.retail.helpers import counts, gen
from tests.packs.retail.rag_server import serve

pytestmark = pytest.mark.db

SMALL = (
    "--stores",
    "2",
    "--products",
    "3",
    "--start-date",
    "2024-01-01",
    "--end-date",
    "2024-02-29",
    "--max-workers",
    "1",
)
RAG = ("--scenario", "rag-agent", *SMALL)


def rag(cli: Any, dsn: str, *args: str) -> Any:
    return gen(cli, dsn, *RAG, *args)


def rows(dsn: str, table: str) -> int:
    if not scalar(dsn, "SELECT to_regclass(%s) IS NOT NULL", [table]):
        return 0
    return int(scalar(dsn, f"SELECT count(*) FROM {table}"))


def test_offline_scenario_indexes_and_passes_recall(cli: Any, db_dsn: str) -> None:
    r = rag(cli, db_dsn, "--confirm")
    assert r.exit_code == 0, r.output
    m = re.search(r"recall@5 = (\d+)/(\d+) = ([\d.]+)", r.output)
    assert m is not None, r.output
    # A question per store, product and sales summary; one per promotion calendar
    # whose month has a promotion.
    assert 2 + 3 + 2 <= int(m[2]) <= 2 + 3 + 2 * 2
    assert int(m[1]) >= 0.9 * int(m[2]) and float(m[3]) >= 0.9
    assert "all 2 steps passed" in r.output and "success" not in r.output.lower()
    docs = rows(db_dsn, "pgseed.rag_source")
    assert docs == 2 + 3 + 2 + 2  # stores, products, promotion calendars, sales summaries
    assert rows(db_dsn, "pgseed.rag_chunk") >= docs
    assert (
        scalar(
            db_dsn, "SELECT count(*) FROM pg_indexes WHERE indexname = 'rag_chunk_embedding_hnsw'"
        )
        == 1
    )
    # the run history: the full-new, then the scenario's own line with what it indexed
    lines = query(db_dsn, "SELECT operation, scenario, outcome, rows FROM pgseed.runs ORDER BY id")
    assert [x[:3] for x in lines] == [
        ("generate", "rag-agent", "committed"),
        ("rag-agent", "rag-agent", "committed"),
    ]
    assert lines[1][3]["pgseed.rag_source"] == docs


def test_documents_hold_the_figures_of_the_database(cli: Any, db_dsn: str) -> None:
    assert rag(cli, db_dsn, "--confirm").exit_code == 0
    code, units = query(
        db_dsn,
        "SELECT s.code, sum(d.quantity) FROM sales_daily d JOIN store s ON s.id = d.store_id "
        "GROUP BY s.code ORDER BY s.code LIMIT 1",
    )[0]
    text = scalar(
        db_dsn,
        "SELECT content FROM pgseed.rag_source WHERE source_path = %s",
        [f"retail/stores/{code}.md"],
    )
    assert f"- Units sold from 2024-01-01 to 2024-02-29: {units}\n" in text


def _fingerprint(dsn: str) -> tuple[str, str]:
    docs = scalar(
        dsn,
        "SELECT md5(string_agg(source_path || content, '|' ORDER BY source_path)) "
        "FROM pgseed.rag_source",
    )
    vecs = scalar(
        dsn,
        "SELECT md5(string_agg(s.source_path || c.chunk_index || c.embedding::text,"
        " '|' ORDER BY s.source_path, c.chunk_index)) FROM pgseed.rag_chunk c "
        "JOIN pgseed.rag_source s ON s.id = c.source_id",
    )
    return str(docs), str(vecs)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_same_seed_same_documents_and_vectors(cli: Any, db_dsn: str, workers: str) -> None:
    first = rag(cli, db_dsn, "--confirm", "--seed", "7")
    assert first.exit_code == 0, first.output
    before = _fingerprint(db_dsn)
    again = gen(cli, db_dsn, *RAG[:-2], "--max-workers", workers, "--confirm", "--seed", "7")
    assert again.exit_code == 0, again.output
    assert _fingerprint(db_dsn) == before
    sha = re.findall(r"sha256 ([0-9a-f]{16})", first.output + again.output)
    assert len(sha) == 2 and sha[0] == sha[1]
    other = rag(cli, db_dsn, "--confirm", "--seed", "8")
    assert other.exit_code == 0 and _fingerprint(db_dsn)[0] != before[0]


def test_replacing_the_index_needs_confirm(cli: Any, db_dsn: str) -> None:
    assert rag(cli, db_dsn, "--confirm").exit_code == 0
    held = rows(db_dsn, "pgseed.rag_source")
    r = rag(cli, db_dsn)
    assert r.exit_code == 3 and "pgseed.rag_source" in r.output and "--confirm" in r.output
    assert rows(db_dsn, "pgseed.rag_source") == held


def test_dry_run_counts_documents_and_writes_nothing(cli: Any, db_dsn: str) -> None:
    assert gen(cli, db_dsn, "--full-new", *SMALL).exit_code == 0
    retail = counts(db_dsn)
    r = rag(cli, db_dsn, "--dry-run", "--seed", "9")
    assert r.exit_code == 0, r.output
    assert "would then write 9 documents" in r.output and "nothing is written" in r.output
    assert rows(db_dsn, "pgseed.rag_source") == 0 and counts(db_dsn) == retail


@pytest.fixture
def app_dsn(server_dsn: str, db_name: str) -> Iterator[str]:
    """The reference application's own database, beside the one the scenario seeds."""
    name = db_name.replace("_test", "_app_test")
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield dsn_for(server_dsn, name)
    drop_database(server_dsn, name)


@pytest.fixture
def api(app_dsn: str, request: Any) -> Iterator[str]:
    with serve(app_dsn, getattr(request, "param", "ok")) as url:
        yield url


def test_api_url_passes_against_the_reference_server_then_delete_scope_rag(
    cli: Any, db_dsn: str, app_dsn: str, api: str
) -> None:
    r = rag(cli, db_dsn, "--confirm", "--api-url", api)
    assert r.exit_code == 0, r.output
    assert re.search(r"(\d+)/\1 answers cite their document", r.output), r.output
    assert "all 4 steps passed" in r.output
    assert rows(app_dsn, "document_source") == 9 and rows(db_dsn, "pgseed.rag_chunk") == 0
    assert (
        scalar(db_dsn, "SELECT count(*) FROM pgseed.rag_session WHERE closed_at IS NOT NULL") == 1
    )
    assert scalar(app_dsn, "SELECT status FROM agent_session") == "closed"
    retail = counts(db_dsn)
    dry = gen(cli, db_dsn, "--delete", "--scope", "rag", "--dry-run")
    assert dry.exit_code == 0 and rows(app_dsn, "document_source") == 9
    assert gen(cli, db_dsn, "--delete", "--scope", "rag").exit_code == 3
    done = gen(cli, db_dsn, "--delete", "--scope", "rag", "--confirm")
    assert done.exit_code == 0, done.output
    assert rows(app_dsn, "document_source") == 0  # the application removed them
    assert rows(db_dsn, "pgseed.rag_source") == 0 and rows(db_dsn, "pgseed.rag_session") == 0
    assert counts(db_dsn) == retail


@pytest.mark.parametrize(
    ("api", "named"),
    [
        ("no_citations", "`tool_calls[]` is an empty list"),
        ("renamed", "no field `tool_calls[].result.results[].source_path`"),
    ],
    indirect=["api"],
)
def test_answers_without_the_citation_field_fail_naming_it(
    cli: Any, db_dsn: str, api: str, named: str
) -> None:
    r = rag(cli, db_dsn, "--confirm", "--api-url", api)
    assert r.exit_code == 6, r.output
    assert named in r.output and "FAIL" in r.output and "steps passed" not in r.output


@pytest.mark.parametrize("api", ["renamed"], indirect=True)
def test_the_citation_field_is_configurable(cli: Any, db_dsn: str, api: str) -> None:
    r = rag(
        cli,
        db_dsn,
        "--confirm",
        "--api-url",
        api,
        "--set",
        "rag.api.citation_field=tool_calls[].result.results[].document",
    )
    assert r.exit_code == 0, r.output


@pytest.fixture(params=["refused", "silent"])
def dead_api(request: Any) -> Iterator[str]:
    """An address nobody answers: a closed port, or a socket that never accepts."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    if request.param == "silent":
        s.listen(1)
    else:
        s.close()
    yield f"http://127.0.0.1:{port}"
    s.close()


def test_unreachable_api_is_skipped_exit_6_unless_allow_skip(
    cli: Any, db_dsn: str, dead_api: str
) -> None:
    args = ("--confirm", "--api-url", dead_api, "--set", "rag.api.timeout_seconds=0.5")
    r = rag(cli, db_dsn, *args)
    assert r.exit_code == 6, r.output
    assert "skipped" in r.output and "--allow-skip" in r.output and "Traceback" not in r.output
    assert "passed" not in r.output
    ok = rag(cli, db_dsn, *args, "--allow-skip")
    assert ok.exit_code == 0, ok.output
    assert "0 steps passed; 4 skipped and not checked" in ok.output
    assert "rag-agent: all" not in ok.output
    lines = query(
        db_dsn,
        "SELECT outcome, error FROM pgseed.runs WHERE operation = 'rag-agent' ORDER BY id",
    )
    assert [o for o, _ in lines] == ["failed", "committed"]  # skipped: failed unless allowed
    assert "skipped" in lines[0][1]


def test_embedding_endpoint_is_used_instead(cli: Any, db_dsn: str, api: str) -> None:
    url = f"{api}/v1/embeddings"
    r = rag(
        cli,
        db_dsn,
        "--confirm",
        "--set",
        f"rag.embedding_url={url}",
        "--set",
        "rag.recall_threshold=0.5",
    )
    assert r.exit_code == 0, r.output
    assert f"embedder: {url}" in r.output
    wrong = rag(
        cli,
        db_dsn,
        "--confirm",
        "--set",
        f"rag.embedding_url={url}",
        "--set",
        "rag.embedding_dim=128",
    )
    assert wrong.exit_code == 2 and "rag.embedding_dim=256" in wrong.output
    # its history line: failed, with what the rag tables still hold (the first run's index)
    outcome, held = query(
        db_dsn,
        "SELECT outcome, rows FROM pgseed.runs WHERE operation = 'rag-agent' "
        "ORDER BY id DESC LIMIT 1",
    )[0]
    assert outcome == "failed"
    assert held["pgseed.rag_source"] == rows(db_dsn, "pgseed.rag_source") > 0


def test_delete_scope_rag_removes_only_rag_rows_and_other_scopes_keep_them(
    cli: Any, db_dsn: str
) -> None:
    assert rag(cli, db_dsn, "--confirm").exit_code == 0
    held = rows(db_dsn, "pgseed.rag_source")
    assert gen(cli, db_dsn, "--delete", "--scope", "facts", "--confirm").exit_code == 0
    assert rows(db_dsn, "pgseed.rag_source") == held  # retail scopes leave the index alone
    retail = counts(db_dsn)
    r = gen(cli, db_dsn, "--delete", "--scope", "rag", "--confirm")
    assert r.exit_code == 0, r.output
    assert re.search(rf"pgseed\.rag_source\s+{held}\n", r.output), r.output
    assert rows(db_dsn, "pgseed.rag_source") == rows(db_dsn, "pgseed.rag_chunk") == 0
    assert counts(db_dsn) == retail


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--set", "rag.top_kk=3"), "rag.top_k"),
        (("--set", "rag.api.citation_feild=x"), "rag.api.citation_field"),
        (("--set", "rag.embedding_dim=3000"), "embedding_dim"),
        (("--set", "rag.api.citation_field=a..b"), "not a field path"),
        (("--set", "rag.embedding_url=ftp://x"), "not an http(s) URL"),
        (("--append", "--end-date", "2024-03-31"), "cannot --append"),
        (("--api-url", "localhost:8123"), "not an http(s) URL"),
    ],
)
def test_bad_rag_config_is_exit_2(
    cli: Any, db_dsn: str, args: tuple[str, ...], expected: str
) -> None:
    r = rag(cli, db_dsn, *args)
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("flag", [("--api-url", "http://x"), ("--allow-skip",)])
def test_rag_flags_without_the_scenario_are_exit_2(
    cli: Any, db_dsn: str, flag: tuple[str, ...]
) -> None:
    r = gen(cli, db_dsn, "--full-new", *SMALL, *flag)
    assert r.exit_code == 2 and "rag-agent" in r.output


@pytest.mark.parametrize(
    ("data", "path", "values", "why"),
    [
        ({"a": [{"b": 1}, {"b": 2}]}, "a[].b", [1, 2], None),
        ({"a": []}, "a[].b", [], "`a[]` is an empty list"),
        ({"a": {"c": 1}}, "a.b", [], "no field `a.b` (the objects there have: c)"),
        ({"a": 1}, "a[]", [], "`a[]` is not a list"),
        ({"citations": [{"source_id": "x"}]}, "citations[].source_id", ["x"], None),
    ],
)
def test_walk_reads_dotted_paths(data: Any, path: str, values: list[Any], why: str | None) -> None:
    assert walk(data, path) == (values, why)
