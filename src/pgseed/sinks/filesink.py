"""``FileSink``: the COPY loader's interface, writing files instead of a database."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from ..binary import VARIABLE, width
from ..errors import ConfigError, GenerationError, SchemaMismatchError
from ..files import FileSet
from ..progress import Reporter
from .decode import decode_binary, decode_text
from .formats import Column, CsvFile, JsonFile, ParquetFile, TableFile
from .kinds import Kind, kind_of
from .manifest import MANIFEST, check_output, manifest
from .pgtext import canonical

if TYPE_CHECKING:
    import sqlalchemy as sa

FORMATS = ("csv", "json", "parquet")
_SERIAL_LIMIT = {"int2": 2**15 - 1, "int4": 2**31 - 1, "int8": 2**63 - 1}


@dataclass(frozen=True)
class _Layout:
    """One table's file: the numbered id column (if any) first, then the COPY columns."""

    serial: str | None  # the id column the database's sequence would fill
    serial_kind: Kind | None
    names: tuple[str, ...]  # the COPY columns, in COPY order
    kinds: tuple[Kind, ...]
    nullable: tuple[bool, ...]

    @property
    def file_names(self) -> tuple[str, ...]:
        return ((self.serial,) if self.serial else ()) + self.names

    @property
    def file_kinds(self) -> tuple[Kind, ...]:
        return ((self.serial_kind,) if self.serial_kind else ()) + self.kinds


def _layout(table: sa.Table, cols: Sequence[str]) -> _Layout:
    missing = [c for c in cols if c not in table.c]
    if missing:
        raise SchemaMismatchError(
            f"table {table.name} has no column {', '.join(missing)} (it has "
            f"{', '.join(table.c.keys())}).\nFix: name the table's columns in the COPY column list."
        )
    auto = table.autoincrement_column
    serial = auto.name if auto is not None and auto.name not in cols else None
    return _Layout(
        serial=serial,
        serial_kind=kind_of(auto) if serial and auto is not None else None,
        names=tuple(cols),
        kinds=tuple(kind_of(table.c[c]) for c in cols),
        nullable=tuple(bool(table.c[c].nullable) for c in cols),
    )


class FileSink:
    """Where COPY bytes go when the output is files: ``<table>.csv|json|parquet``.

    Same interface as :class:`~pgseed.load.CopyLoader` (``columns``, ``written``,
    ``seconds``, ``freeze``, ``binary``, ``copy``), used as a context manager: the
    files are one :class:`~pgseed.files.FileSet`, renamed into ``directory`` only
    when the ``with`` block ends without an error (``finish``); an error or Ctrl-C
    (``abort``) removes every partial file and leaves the directory as it was.

    The set includes a manifest (``sinks.manifest``): an export replaces the earlier
    export the directory's manifest names, whole (its files this one does not write
    again are removed with the same all-or-nothing step), and refuses a directory
    holding files pgseed did not write (ConfigError, exit 2), when built and again
    when opened.

    A table whose serial primary key (``autoincrement_column``) is not among its COPY
    columns gets that column first, numbered ``first_id``, ``first_id + 1``, ... in load
    order, as the sequence of an empty table would number it.
    """

    def __init__(
        self,
        directory: Path,
        fmt: str,
        tables: Mapping[str, sa.Table],
        columns: Mapping[str, Sequence[str]],
        reporter: Reporter,
        *,
        first_id: int | Mapping[str, int] = 1,
    ) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"--format {fmt!r}: use csv, json or parquet.")
        unknown = [t for t in columns if t not in tables]
        if unknown:
            raise SchemaMismatchError(
                f"no table {', '.join(unknown)} in the schema (it has {', '.join(tables)})."
            )
        self.directory = Path(directory)
        check_output(self.directory)  # a bad --output is refused before any work
        self.fmt = fmt
        self.columns = {k: tuple(v) for k, v in columns.items()}
        self.reporter = reporter
        self.written: dict[str, int] = dict.fromkeys(columns, 0)
        self.seconds: dict[str, float] = dict.fromkeys(columns, 0.0)  # time decoding + writing
        self.freeze: set[str] = set()  # COPY FREEZE means nothing to a file
        self.binary: dict[str, int] = {}  # table -> bytes per binary tuple, as on CopyLoader
        self._layouts = {t: _layout(tables[t], cols) for t, cols in self.columns.items()}
        self._next_id = {
            t: first_id if isinstance(first_id, int) else first_id.get(t, 1) for t in columns
        }
        self._files: FileSet | None = None
        self._out: dict[str, TableFile] = {}
        self._state = "new"

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> FileSink:
        self.open()
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.finish()
        else:
            self.abort(exc)

    def open(self) -> None:
        """Start the file set: one part file per table, each with its header."""
        if self._state != "new":
            raise RuntimeError("a FileSink is opened once")
        earlier = check_output(self.directory)
        files = FileSet(self.directory, what="the files", alternative="choose another --output")
        files.__enter__()
        self._files, self._state = files, "open"
        try:
            for name in sorted(earlier - {self.file_name(t) for t in self._layouts}):
                files.retire(name)
            for table, lay in self._layouts.items():
                name = self.file_name(table)
                out: TableFile
                if self.fmt == "csv":
                    out = CsvFile(files.open(name), lay.file_names, lay.file_kinds)
                elif self.fmt == "json":
                    out = JsonFile(files.open(name), lay.file_names, lay.file_kinds)
                else:
                    nullable = ((False,) if lay.serial else ()) + lay.nullable
                    out = ParquetFile(
                        files.open(name, binary=True), lay.file_names, lay.file_kinds, nullable
                    )
                self._out[table] = out
        except BaseException as exc:
            self.abort(exc)
            raise

    def finish(self) -> None:
        """Complete every file and rename the set into place (all or nothing)."""
        if self._state != "open" or self._files is None:
            raise RuntimeError("FileSink.finish without an open sink")
        try:
            for out in self._out.values():
                out.finish()
            rows = {self.file_name(t): n for t, n in self.written.items()}
            self._files.open(MANIFEST).write(manifest(self.fmt, rows))
        except BaseException as exc:
            self.abort(exc)
            raise
        self._state = "done"
        self._files.__exit__(None, None, None)

    def abort(self, exc: BaseException | None = None) -> None:
        """Remove every partial file; the directory is left as it was. An OSError
        (``exc``) is raised again as a FileWriteError naming the directory and the fix."""
        if self._state != "open" or self._files is None:
            return
        self._state = "done"
        for out in self._out.values():
            out.discard()
        failure = exc if exc is not None else RuntimeError("FileSink aborted")
        self._files.__exit__(type(failure), failure, failure.__traceback__)

    def file_name(self, table: str) -> str:
        return f"{table}.{self.fmt}"

    # -- the loader's interface -----------------------------------------------------
    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        if self._state != "open":
            raise RuntimeError("FileSink.copy outside its with block")
        if rows == 0:
            return
        lay = self._layouts.get(table)
        if lay is None:
            raise GenerationError(f"file output: no table {table} among {', '.join(self.columns)}.")
        started = time.perf_counter()
        raw = data if isinstance(data, bytes) else b"".join(data)
        try:
            cols = self._decode(table, lay, raw)
        except ValueError as exc:
            raise GenerationError(f"file output: {table}: {exc}") from None
        n = len(cols[0]) if isinstance(cols[0], list) else len(_array(cols[0]))
        if n != rows:
            raise GenerationError(f"file output: {table}: the data holds {n} rows, not {rows}.")
        if lay.serial_kind is not None:
            cols = [self._ids(table, lay.serial_kind, n), *cols]
        try:
            self._out[table].write(cols)
        except ValueError as exc:
            raise GenerationError(f"file output: {table}: {exc}") from None
        self.seconds[table] += time.perf_counter() - started
        self.written[table] += rows
        self.reporter.advance(table, rows)

    def fill(
        self, table: str, keys: Sequence[str], columns: Sequence[str], data: Sequence[bytes] | bytes
    ) -> int:
        raise ConfigError(
            f"file output cannot fill {table}.{', '.join(columns)} after the load: the foreign "
            "keys of this schema form a cycle, and rows already written to a file are not "
            "updated.\nFix: load into a database instead of --output."
        )

    # -- helpers ---------------------------------------------------------------------
    def _decode(self, table: str, lay: _Layout, raw: bytes) -> list[Column]:
        if table in self.binary:
            types = [k.binary for k in lay.kinds]
            bad = [
                f"{c} ({k.sql})"
                for c, k, t in zip(lay.names, lay.kinds, types, strict=True)
                if t is None
            ]
            if bad:
                raise ValueError(f"binary COPY cannot carry {', '.join(bad)}")
            if self.binary[table] == VARIABLE:
                raise ValueError(
                    "variable-width binary tuples (a label column) are not decoded for a "
                    "file: a pack sends this table to a file sink as COPY text"
                )
            if width(types) != self.binary[table]:  # type: ignore[arg-type]
                raise ValueError(
                    f"binary rows of {self.binary[table]} bytes, but its columns' types make "
                    f"{width(types)}"  # type: ignore[arg-type]
                )
            return list(decode_binary(raw, types))  # type: ignore[arg-type]
        cols: list[Column] = []
        for name, kind, nullable, values in zip(
            lay.names, lay.kinds, lay.nullable, decode_text(raw, len(lay.names)), strict=True
        ):
            if not nullable and None in values:
                row = values.index(None) + 1
                raise ValueError(f"row {row}: NULL in column {name}, which is NOT NULL")
            try:
                cols.append(canonical(kind, values))
            except ValueError as exc:
                raise ValueError(f"column {name}: {exc}") from None
        return cols

    def _ids(self, table: str, kind: Kind, n: int) -> np.ndarray:
        first = self._next_id[table]
        if first + n - 1 > _SERIAL_LIMIT.get(kind.name, 2**63 - 1):
            raise GenerationError(
                f"file output: {table}: ids past {_SERIAL_LIMIT[kind.name]}, the largest "
                f"a {kind.sql} holds."
            )
        self._next_id[table] = first + n
        return np.arange(first, first + n, dtype=np.int64)


def _array(col: Column) -> np.ndarray:
    from .decode import Fixed

    return col.units if isinstance(col, Fixed) else col  # type: ignore[return-value]
