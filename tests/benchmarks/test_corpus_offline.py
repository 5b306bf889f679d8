"""The corpus harness, offline: no app is installed and no server is needed
(``make corpus`` runs the real thing; it is too slow for the suite)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from benchmarks.corpus.census import strongly_connected
from benchmarks.corpus.create import as_url
from benchmarks.corpus.registry import APPS
from benchmarks.peers import PEERS


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_app_is_pinned_and_has_its_schema_script(app: str) -> None:
    a = APPS[app]
    assert a.script.is_file()
    assert "==" in a.package
    name = a.package.split("==")[0]
    assert any(r.split("[")[0].split("==")[0] == name and "==" in r for r in a.requirements)
    # a script named like the package would shadow it on sys.path
    assert a.script.stem not in {
        r.split("[")[0].split("==")[0].replace("-", "_") for r in a.requirements
    }


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_every_peer_is_pinned(peer: str) -> None:
    assert all("==" in r for r in PEERS[peer].requirements)


@pytest.mark.parametrize(
    ("dsn", "host", "db", "user"),
    [
        ("host=/tmp/pg dbname=optuna_corpus user=postgres", "/tmp/pg", "optuna_corpus", "postgres"),
        (
            "postgresql://postgres:@/x_corpus?host=/srv/pg%20dir",
            "/srv/pg dir",
            "x_corpus",
            "postgres",
        ),
        ("postgresql://alice:s3cret@db.local:5433/app_corpus", None, "app_corpus", "alice"),
    ],
)
def test_as_url_gives_the_apps_a_url_whatever_form_the_dsn_has(
    dsn: str, host: str | None, db: str, user: str
) -> None:
    u = urlsplit(as_url(dsn))
    assert u.scheme == "postgresql"
    assert u.path == f"/{db}"
    assert u.username == user
    if host:
        assert parse_qs(u.query)["host"] == [host]
    else:
        assert (u.hostname, u.port) == ("db.local", 5433)


@pytest.mark.parametrize(
    ("edges", "cycles"),
    [
        ([("a", "b"), ("b", "c")], []),
        ([("a", "b"), ("b", "a"), ("b", "c")], [{"a", "b"}]),
        (
            [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "d"), ("c", "d")],
            [{"a", "b", "c"}, {"d", "e"}],
        ),
        (
            [(f"t{i}", f"t{i + 1}") for i in range(2000)] + [("t2000", "t0")],
            [{f"t{i}" for i in range(2001)}],
        ),
    ],
    ids=["chain", "two-cycle", "two-components", "long-cycle-no-recursion-limit"],
)
def test_strongly_connected_finds_fk_cycles(
    edges: list[tuple[str, str]], cycles: list[set[str]]
) -> None:
    found = [c for c in strongly_connected(edges) if len(c) > 1]
    assert sorted(found, key=sorted) == sorted(cycles, key=sorted)
