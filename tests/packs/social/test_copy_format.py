"""Issue 11 "Performance": the narrow activity tables go as binary COPY built from numpy
(``activity.narrow``), and store exactly what the text COPY stores; the text path stays
selectable (PGSEED_SOCIAL_COPY=text), a file sink always gets text, a bad value is exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from pgseed import binary
from pgseed.load import CopyLoader
from pgseed.packs.social.activity import narrow
from pgseed.packs.social.tables import COLUMNS, SCHEMA
from pgseed.progress import Reporter
from pgseed.sinks.filesink import FileSink
from tests.conftest import database_exists, drop_database, dsn_for, scalar
from tests.packs.social.support import START, digests, seed

pytestmark = pytest.mark.db

QUIET = Reporter(progress=False)
SMALL = ("--count=20", "--activityDays=2", "--skipJobs")

# (profiles, days, run seed, config): sizes, seeds, batch sizes and like models differ.
RUNS = {
    "150 x 5": (150, 5, "fmt-a", {}),
    "60 x 9, a batch a day": (60, 9, "fmt-b", {"batch_size": 1}),
    "220 x 3, the spec's like model": (220, 3, "fmt-c", {"like_model": "spec"}),
}


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The type lists ``binary.encode`` is called with (a spy: the encoder still runs)."""
    calls: list[list[str]] = []
    real = binary.encode

    def spy(types: Any, columns: Any) -> bytes:
        calls.append(list(types))
        return real(types, columns)

    monkeypatch.setattr(binary, "encode", spy)
    return calls


@pytest.mark.parametrize("run", RUNS)
def test_binary_and_text_copy_store_the_same_tables(
    run: str,
    server_dsn: str,
    db_name: str,
    monkeypatch: pytest.MonkeyPatch,
    encoded: list[list[str]],
) -> None:
    count, days, run_seed, cfg = RUNS[run]
    one, two = dsn_for(server_dsn, db_name), dsn_for(server_dsn, db_name.replace("_test", "t_test"))
    try:
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", "binary")
        seed(one, count=count, days=days, run_seed=run_seed, **cfg)
        assert ["int8", "int8", "int8", "label", "timestamp"] in encoded  # "Like" went binary
        sent = len(encoded)
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", "text")
        seed(two, count=count, days=days, run_seed=run_seed, **cfg)
        assert len(encoded) == sent  # nothing binary on the text path
        a = digests(one)
        assert a == digests(two)
        assert all(a[t][0] > 0 for t in narrow.NARROW)
        # Both labels of "Like".action, so tuples of two lengths were in one COPY.
        assert scalar(one, 'SELECT count(DISTINCT action) FROM "Like"') == 2
    finally:
        drop_database(server_dsn, db_name.replace("_test", "t_test"))


@pytest.mark.parametrize(("first", "then"), [("binary", "text"), ("text", "binary")])
def test_an_append_in_the_other_format_continues_the_same_tables(
    first: str, then: str, server_dsn: str, db_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = dsn_for(server_dsn, db_name), dsn_for(server_dsn, db_name.replace("_test", "u_test"))
    try:
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", then)
        seed(one, count=120, days=8)
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", first)
        seed(two, count=120, days=4)
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", then)
        seed(two, days=4, start=START + dt.timedelta(days=4))
        assert digests(one) == digests(two)
    finally:
        drop_database(server_dsn, db_name.replace("_test", "u_test"))


@pytest.mark.parametrize(
    ("value", "tables"), [(None, narrow.NARROW), ("binary", narrow.NARROW), ("Text", ())]
)
def test_the_narrow_tables_go_binary_to_a_database(
    value: str | None, tables: tuple[str, ...], server_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("PGSEED_SOCIAL_COPY", raising=False)
    else:
        monkeypatch.setenv("PGSEED_SOCIAL_COPY", value)
    with psycopg.connect(server_dsn) as conn:
        loader = CopyLoader(conn, COLUMNS, QUIET)
        assert narrow.choose(loader) == frozenset(tables)
    assert loader.binary == dict.fromkeys(tables, binary.VARIABLE)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_a_file_sink_gets_text(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its decoder reads fixed-width tuples only; the labels make these variable-width.
    monkeypatch.setenv("PGSEED_SOCIAL_COPY", "binary")
    sink = FileSink(tmp_path / "out", fmt, SCHEMA.metadata.tables, COLUMNS, QUIET)
    assert narrow.choose(sink) == frozenset()
    assert sink.binary == {}


@pytest.mark.parametrize("value", ["csv", "binray", "1", "FORMAT binary"])
def test_a_bad_copy_format_is_refused_before_anything_is_written(
    value: str, cli: Any, server_dsn: str, db_name: str
) -> None:
    url = dsn_for(server_dsn, db_name)
    result = cli(
        "social", "seed-all", "--database-url", url, *SMALL, env={"PGSEED_SOCIAL_COPY": value}
    )
    assert result.exit_code == 2, result.output
    assert f"PGSEED_SOCIAL_COPY={value!r}" in result.output
    assert "Fix: set PGSEED_SOCIAL_COPY=binary" in result.output
    assert "Traceback" not in result.output
    assert not database_exists(server_dsn, db_name)


def test_text_columns_have_no_binary_form() -> None:
    with pytest.raises(TypeError, match="goes as text"):
        narrow.encode([narrow.Ints(np.arange(3)), ["a", "b", "c"]], as_binary=True)
