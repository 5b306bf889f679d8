"""Issue 9: the file sink's files as a whole: all of them or none (an error, Ctrl-C, bad
data, a full disk), the same from a reflected schema as from the models, and a real
pack's run (retail) into files holding what the same run puts in the database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pyarrow.parquet as pq
import pytest
from psycopg import sql
from sqlalchemy import (
    MetaData,
    create_engine,
)
from sqlalchemy.pool import NullPool

from pgseed import binary
from pgseed.encode import encode_rows
from pgseed.errors import GenerationError
from pgseed.progress import Reporter
from pgseed.sinks import MANIFEST, FileSink
from tests.support.sinks_data import (
    COLUMNS,
    FACT_TYPES,
    connect,
    database,
    export,
    load,
    schema,
)

pytestmark = pytest.mark.db

db = pytest.fixture(scope="module", name="db")(database)


# -- a reflected schema (generic mode) gives the same files as the models -----------


def test_reflected_tables_give_the_same_files(db: str, tmp_path: Path) -> None:
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(db), poolclass=NullPool
    )
    reflected = MetaData()
    reflected.reflect(engine)
    engine.dispose()
    for fmt in ("csv", "json", "parquet"):
        export(tmp_path / "models" / fmt, fmt)
        with FileSink(
            tmp_path / "reflected" / fmt, fmt, reflected.tables, COLUMNS, Reporter(progress=False)
        ) as sink:
            load(sink)
        for table in COLUMNS:
            name = f"{fmt}/{table}.{fmt}"
            models, refl = tmp_path / "models" / name, tmp_path / "reflected" / name
            if fmt == "parquet":
                a, b = pq.read_table(refl), pq.read_table(models)
                assert a.schema.equals(b.schema), name
                assert repr(a.to_pylist()) == repr(b.to_pylist()), name  # NaN == NaN here
            else:
                assert refl.read_bytes() == models.read_bytes(), name


# -- all or nothing -----------------------------------------------------------------


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


class Boom(Exception):
    pass


def _raise(exc: BaseException) -> Any:
    def fail(sink: FileSink) -> None:
        raise exc

    return fail


FAILURES = {
    "error": _raise(Boom("the run failed")),
    "ctrl-c": _raise(KeyboardInterrupt()),
    "bad data": lambda sink: sink.copy("kinds", b"not a number\n" + b"\t" * 17 + b"\n", 1),
    "binary tuples of another width": lambda sink: sink.copy("facts", b"\x00" * 7, 1),
}
RAISED: dict[str, type[BaseException]] = {
    "error": Boom,
    "ctrl-c": KeyboardInterrupt,
    "bad data": GenerationError,
    "binary tuples of another width": GenerationError,
}


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failed_export_leaves_the_earlier_one_as_it_was(
    tmp_path: Path, fmt: str, failure: str
) -> None:
    export(tmp_path, fmt)
    before = _snapshot(tmp_path)
    assert sorted(before) == sorted([MANIFEST, *(f"{t}.{fmt}" for t in COLUMNS)])
    md = schema()
    with (
        pytest.raises(RAISED[failure]),
        FileSink(tmp_path, fmt, md.tables, COLUMNS, Reporter(progress=False)) as sink,
    ):
        sink.binary["facts"] = binary.width(FACT_TYPES)
        sink.copy("dims", b"1\tnew\n", 1)  # some rows are written before the failure
        FAILURES[failure](sink)
    assert _snapshot(tmp_path) == before  # byte for byte, and no partial file beside it


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    import subprocess

    from tests.engine.test_full_disk import _mount

    where = tmp_path / "small"
    _mount(where)  # a 1 MB tmpfs (skips where mounting is not permitted)
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_a_full_disk_leaves_the_earlier_export_as_it_was(small_disk: Path, fmt: str) -> None:
    from pgseed.errors import FileWriteError

    export(small_disk, fmt)
    before = _snapshot(small_disk)
    labels = [[os.urandom(16).hex() for _ in range(20_000)]]  # random: parquet cannot shrink it
    ids = [[str(i) for i in range(20_000)]]
    with (
        pytest.raises(FileWriteError, match="Fix: free space on the disk") as info,
        FileSink(small_disk, fmt, schema().tables, COLUMNS, Reporter(progress=False)) as sink,
    ):
        for _ in range(4):  # about 2.5 MB, on a 1 MB disk
            sink.copy("dims", encode_rows(ids + labels), 20_000)
    assert "No space left on device" in str(info.value)
    assert _snapshot(small_disk) == before


# -- a real pack's run: the retail tables, text and binary COPY ---------------------

RETAIL = {"seed": 5, "dimensions.stores.count": 2, "dimensions.products.count": 3,
          "date_range.start": "2024-01-01", "date_range.end": "2024-02-15"}  # fmt: skip


def test_a_retail_run_into_files_holds_what_its_database_holds(
    cli: Any, db_dsn: str, tmp_path: Path
) -> None:
    from pgseed import engine
    from pgseed.packs import get_pack
    from pgseed.packs.retail.config import build
    from pgseed.packs.retail.spec import SCHEMA

    flags = [f"--{k}" for k in ("stores", "products", "start-date", "end-date", "seed")]
    values = ["2", "3", "2024-01-01", "2024-02-15", "5"]
    r = cli("retail", "generate", "--full-new", "--database-url", db_dsn, "--max-workers", "1",
            *[x for pair in zip(flags, values, strict=True) for x in pair])  # fmt: skip
    assert r.exit_code == 0, r.output
    cfg = build(scenario=None, file=None, environ={}, flags=RETAIL)
    result = engine.export_files(
        get_pack("retail"), cfg, tmp_path, "csv", reporter=Reporter(progress=False), workers=1
    )
    assert SCHEMA.binary  # the fact tables go through binary COPY
    for table, cols in SCHEMA.columns.items():
        header = (tmp_path / f"{table}.csv").read_text().split("\n", 1)[0].split(",")
        assert header in (list(cols), ["id", *cols])  # fact ids numbered as the sequence would
        with connect(db_dsn) as conn, conn.cursor() as cur:
            q = sql.SQL("COPY (SELECT {} FROM {} ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER)")
            cols_sql = sql.SQL(", ").join(map(sql.Identifier, header))
            with cur.copy(q.format(cols_sql, sql.Identifier(table))) as cp:
                expected = b"".join(bytes(b) for b in cp)
        assert (tmp_path / f"{table}.csv").read_bytes() == expected, table
        assert result.written[table] == expected.count(b"\n") - 1 > 0
