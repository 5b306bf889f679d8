"""FileSink's loader interface without a database: ids, empty tables, row groups,
misuse refused with a message, and the counters a run's summary reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import INTERVAL

from pgseed import binary
from pgseed.encode import encode_rows
from pgseed.errors import ConfigError, GenerationError, PgseedError, SchemaMismatchError
from pgseed.progress import Reporter
from pgseed.sinks import FORMATS, MANIFEST, FileSink, formats

FACT_TYPES = ["date", "int4", "numeric:2"]


def tables() -> dict[str, Table]:
    md = MetaData()
    Table("item", md, Column("id", Integer, primary_key=True), Column("name", Text))
    Table(
        "fact",
        md,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("day", Date, nullable=False),
        Column("qty", Integer, nullable=False),
        Column("price", Numeric(10, 2), nullable=False),
    )
    Table("span", md, Column("id", Integer, primary_key=True), Column("length", INTERVAL))
    return dict(md.tables)


def fact_data(n: int, start: int = 0) -> bytes:
    days = np.arange(n) + np.datetime64("2024-01-01", "D") + start
    return binary.encode(FACT_TYPES, [days, np.arange(n) + start, np.arange(n) * 101])


def sink(path: Path, fmt: str = "csv", **kw: Any) -> FileSink:
    cols = kw.pop("columns", {"item": ("name",), "fact": ("day", "qty", "price")})
    return FileSink(path, fmt, tables(), cols, Reporter(progress=False), **kw)


def read(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]
    if fmt == "json":
        return json.loads(path.read_text())  # type: ignore[no-any-return]
    import csv

    with path.open(newline="") as f:
        return [{k: (int(v) if k == "id" else v) for k, v in r.items()} for r in csv.DictReader(f)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("first_id", [1, 1000, {"item": 7}])
def test_ids_the_sequence_would_give_are_numbered_in_load_order(
    tmp_path: Path, fmt: str, first_id: Any
) -> None:
    with sink(tmp_path, fmt, first_id=first_id) as s:
        s.binary["fact"] = binary.width(FACT_TYPES)
        s.copy("item", encode_rows([["a", "b"]]), 2)
        s.copy("fact", fact_data(3), 3)
        s.copy("item", encode_rows([["c"]]), 1)
        s.copy("fact", [fact_data(2, 3)[:10], fact_data(2, 3)[10:]], 2)
        s.written["fact"] -= 1  # a pack correcting its count must not shift the ids
    item_first = first_id["item"] if isinstance(first_id, dict) else first_id
    fact_first = 1 if isinstance(first_id, dict) else first_id
    items = read(tmp_path / f"item.{fmt}", fmt)
    assert [r["id"] for r in items] == [item_first + i for i in range(3)]
    assert [r["name"] for r in items] == ["a", "b", "c"]
    assert list(items[0]) == ["id", "name"]  # the numbered column comes first
    facts = read(tmp_path / f"fact.{fmt}", fmt)
    assert [r["id"] for r in facts] == [fact_first + i for i in range(5)]
    assert [str(r["qty"]) for r in facts] == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_given_id_is_written_as_given(tmp_path: Path, fmt: str) -> None:
    with sink(tmp_path, fmt, columns={"item": ("id", "name")}) as s:
        s.copy("item", encode_rows([["42", "7"], ["x", "y"]]), 2)
    assert [r["id"] for r in read(tmp_path / f"item.{fmt}", fmt)] == [42, 7]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tables_without_rows_still_get_their_file(tmp_path: Path, fmt: str) -> None:
    with sink(tmp_path, fmt) as s:
        s.copy("item", b"", 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, f"fact.{fmt}", f"item.{fmt}"]
    path = tmp_path / f"fact.{fmt}"
    if fmt == "csv":
        assert path.read_text() == "id,day,qty,price\n"
    elif fmt == "json":
        assert path.read_text() == "[]\n"
    else:
        t = pq.read_table(path)
        assert t.num_rows == 0 and t.schema.names == ["id", "day", "qty", "price"]


def test_parquet_buffers_rows_into_row_groups(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(formats, "ROW_GROUP", 5)
    with sink(tmp_path, "parquet") as s:
        for i in range(4):
            s.copy("item", encode_rows([[f"n{i}a", f"n{i}b", f"n{i}c"]]), 3)
    f = pq.ParquetFile(tmp_path / "item.parquet")
    assert f.metadata.num_row_groups == 2  # 6 rows flushed at the 5th, then the last 6
    assert f.read().column("name").to_pylist() == [f"n{i}{c}" for i in range(4) for c in "abc"]


def test_counters_and_progress_are_those_of_the_loader(tmp_path: Path) -> None:
    reporter = Reporter(progress=False)
    with FileSink(tmp_path, "csv", tables(), {"item": ("name",)}, reporter) as s:
        s.freeze = {"item"}  # COPY FREEZE: meaningless for a file, accepted
        s.copy("item", encode_rows([["a", "b"]]), 2)
        s.copy("item", encode_rows([["c"]]), 1)
    assert s.written == {"item": 3} and s.seconds["item"] > 0
    assert reporter.done["item"] == 3
    assert s.columns == {"item": ("name",)}


def test_fill_says_files_cannot_do_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Fix: load into a database") as info, sink(tmp_path) as s:
        s.fill("item", ["id"], ["name"], b"1\tx\n")
    assert info.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


MISUSE = [
    (
        lambda p: FileSink(p, "xml", tables(), {}, Reporter()),
        ConfigError,
        "use csv, json or parquet",
    ),
    (lambda p: sink(p, columns={"nope": ("a",)}), SchemaMismatchError, "no table nope"),
    (lambda p: sink(p, columns={"item": ("nam",)}), SchemaMismatchError, "has no column nam"),
]


@pytest.mark.parametrize(("make", "error", "message"), MISUSE)
def test_bad_arguments_are_refused_before_any_file(
    tmp_path: Path, make: Any, error: type[PgseedError], message: str
) -> None:
    with pytest.raises(error, match=message):
        make(tmp_path)
    assert list(tmp_path.iterdir()) == []


def _binary_width(s: FileSink) -> None:
    s.binary["fact"] = 99
    s.copy("fact", fact_data(1), 1)


def _binary_variable(s: FileSink) -> None:
    s.binary["fact"] = binary.VARIABLE
    s.copy("fact", fact_data(1), 1)


def _binary_interval(s: FileSink) -> None:
    s.binary["span"] = 10
    s.copy("span", b"\x00" * 10, 1)


BAD_COPIES = [
    (lambda s: s.copy("other", b"x\n", 1), "no table other"),
    (lambda s: s.copy("item", b"a\nb\n", 3), "holds 2 rows, not 3"),
    (lambda s: s.copy("item", b"a\tb\n", 1), "extra data"),
    (_binary_width, "binary rows of 99 bytes"),
    (_binary_variable, "variable-width binary tuples"),
    (_binary_interval, "binary COPY cannot carry length"),
    (lambda s: s.copy("fact", b"2024-01-01\tx\t1.00\n", 1), "column qty: row 1"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("call", "message"), BAD_COPIES)
def test_bad_copies_fail_the_run_and_leave_no_file(
    tmp_path: Path, fmt: str, call: Any, message: str
) -> None:
    cols = {"item": ("name",), "fact": ("day", "qty", "price"), "span": ("length",)}
    with pytest.raises(GenerationError, match=message), sink(tmp_path, fmt, columns=cols) as s:
        call(s)
    assert list(tmp_path.iterdir()) == []


def test_copy_outside_the_with_block_is_a_programming_error(tmp_path: Path) -> None:
    s = sink(tmp_path)
    with pytest.raises(RuntimeError, match="outside its with block"):
        s.copy("item", b"a\n", 1)
    with s:
        pass
    with pytest.raises(RuntimeError, match="outside its with block"):
        s.copy("item", b"a\n", 1)
