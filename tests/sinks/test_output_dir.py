"""Issue 10: an ``--output`` directory holds one export. A new export replaces pgseed's
earlier one whole (its manifest says which files were pgseed's), and a directory holding
files pgseed did not write is refused (exit 2) and left exactly as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pgseed.errors import ConfigError
from pgseed.progress import Reporter
from pgseed.sinks import MANIFEST, FileSink, check_output
from tests.support.sinks_data import COLUMNS, load, schema

QUIET = Reporter(progress=False)


def _export(out: Path, fmt: str, tables: tuple[str, ...] = tuple(COLUMNS)) -> None:
    """An export of ``tables`` (the others as if dropped since) through the loader calls."""
    columns = {t: COLUMNS[t] for t in tables}

    class Only:
        """The loader calls of ``load``, passed on for the tables of this export only."""

        def __init__(self, sink: FileSink) -> None:
            self.sink, self.binary = sink, sink.binary

        def copy(self, table: str, data: object, rows: int) -> None:
            if table in columns:
                self.sink.copy(table, data, rows)  # type: ignore[arg-type]

    with FileSink(out, fmt, schema().tables, columns, QUIET) as sink:
        load(Only(sink))  # type: ignore[arg-type]


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _snapshot(directory: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(directory)): None if p.is_dir() else p.read_bytes()
        for p in sorted(directory.rglob("*"))
    }


# -- pgseed's own earlier export is replaced whole ------------------------------------

REPLACED = {  # (earlier format, its tables), (new format, its tables)
    "a table dropped since": (("csv", ("dims", "facts", "kinds", "single")), ("csv", ("dims", "kinds"))),
    "the same tables, another format": (("csv", tuple(COLUMNS)), ("parquet", tuple(COLUMNS))),
    "fewer tables, another format": (("json", tuple(COLUMNS)), ("csv", ("single",))),
    "more tables, another format": (("parquet", ("dims",)), ("json", tuple(COLUMNS))),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REPLACED))
def test_a_new_export_replaces_the_earlier_one_whole(tmp_path: Path, case: str) -> None:
    (fmt0, tables0), (fmt1, tables1) = REPLACED[case]
    _export(tmp_path, fmt0, tables0)
    _export(tmp_path, fmt1, tables1)
    assert _names(tmp_path) == sorted([MANIFEST, *(f"{t}.{fmt1}" for t in tables1)])
    written = json.loads((tmp_path / MANIFEST).read_text())
    assert written["format"] == fmt1
    assert sorted(written["files"]) == sorted(f"{t}.{fmt1}" for t in tables1)


@pytest.mark.parametrize("case", list(REPLACED))
def test_a_failed_export_keeps_the_earlier_one_stale_files_included(
    tmp_path: Path, case: str
) -> None:
    """The earlier files a new export would retire go only when it completes."""
    (fmt0, tables0), (fmt1, tables1) = REPLACED[case]
    _export(tmp_path, fmt0, tables0)
    before = _snapshot(tmp_path)
    with (
        pytest.raises(KeyboardInterrupt),
        FileSink(tmp_path, fmt1, schema().tables, {t: COLUMNS[t] for t in tables1}, QUIET),
    ):
        raise KeyboardInterrupt
    assert _snapshot(tmp_path) == before


def test_hidden_files_are_neither_refused_nor_touched(tmp_path: Path) -> None:
    """``.gitkeep`` and friends: bookkeeping of git or the OS, not a table file."""
    for name in (".gitkeep", ".gitignore", ".DS_Store"):
        (tmp_path / name).write_text("keep me")
    _export(tmp_path, "csv")
    _export(tmp_path, "json", ("dims",))
    assert _names(tmp_path) == sorted(
        [".DS_Store", ".gitignore", ".gitkeep", MANIFEST, "dims.json"]
    )
    assert (tmp_path / ".gitkeep").read_text() == "keep me"


# -- files pgseed did not write: refused, never deleted -------------------------------


def _stray(d: Path) -> None:
    (d / "notes.txt").write_text("mine")


def _legacy_export(d: Path) -> None:  # an export of a pgseed without manifests, or by hand
    (d / "public.old_table.csv").write_text("id\n1\n")


def _subdirectory(d: Path) -> None:
    (d / "images").mkdir()
    (d / "images" / "a.png").write_bytes(b"\x89PNG")


def _unlisted_beside_an_export(d: Path) -> None:
    _export(d, "csv")
    (d / "extra.csv").write_text("id\n1\n")


def _garbage_manifest(d: Path) -> None:
    (d / MANIFEST).write_text("{not json")
    (d / "dims.csv").write_text("id\n1\n")


def _manifest_of_another_tool(d: Path) -> None:
    (d / MANIFEST).write_text(json.dumps({"files": {"dims.csv": 1}}))
    (d / "dims.csv").write_text("id\n1\n")


def _manifest_reaching_outside(d: Path) -> None:
    (d.parent / "precious.csv").write_text("keep")
    data = {"written_by": "pgseed", "format": "csv", "files": {"../precious.csv": 1}}
    (d / MANIFEST).write_text(json.dumps(data))


def _listed_name_now_a_directory(d: Path) -> None:
    _export(d, "csv")
    (d / "dims.csv").unlink()
    (d / "dims.csv").mkdir()


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "a stray file": (_stray, "notes.txt"),
    "an export without a manifest": (_legacy_export, "public.old_table.csv"),
    "a subdirectory": (_subdirectory, "images/"),
    "an unlisted file beside pgseed's export": (_unlisted_beside_an_export, "extra.csv"),
    "a manifest pgseed cannot read": (_garbage_manifest, MANIFEST),
    "another tool's manifest": (_manifest_of_another_tool, MANIFEST),
    "a manifest naming a file outside": (_manifest_reaching_outside, MANIFEST),
    "a listed file become a directory": (_listed_name_now_a_directory, "dims.csv/"),
}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("case", list(FOREIGN))
def test_a_directory_holding_foreign_files_is_refused_and_left_alone(
    tmp_path: Path, case: str, fmt: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    make, named = FOREIGN[case]
    make(out)
    before, around = _snapshot(out), _snapshot(tmp_path)
    with pytest.raises(ConfigError) as info:
        _export(out, fmt, ("dims",))
    message = str(info.value)
    assert named in message and "pgseed did not write" in message
    assert "\nFix: choose a new or empty directory for --output" in message
    assert info.value.exit_code == 2
    assert _snapshot(out) == before and _snapshot(tmp_path) == around


def test_many_foreign_files_are_counted_not_all_listed(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"f{i:02}.csv").write_text("x")
    with pytest.raises(ConfigError, match=r"f00\.csv, .*f04\.csv and 7 more"):
        check_output(tmp_path)


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with pytest.raises(ConfigError, match="exists and is not a directory"):
        _export(tmp_path / "out", "csv")
    assert (tmp_path / "out").read_text() == "a file"


def test_the_manifest_is_the_same_for_the_same_export(tmp_path: Path) -> None:
    """No time or version in it: fixtures kept in git do not change on a rerun."""
    _export(tmp_path / "a", "csv")
    _export(tmp_path / "b", "csv")
    first = (tmp_path / "a" / MANIFEST).read_bytes()
    assert first == (tmp_path / "b" / MANIFEST).read_bytes()
    assert json.loads(first)["files"] == {
        "dims.csv": 3,
        "facts.csv": 8,
        "kinds.csv": 7,
        "single.csv": 9,
    }
