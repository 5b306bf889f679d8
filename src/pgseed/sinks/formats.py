"""One table's file, in one of three formats, written a batch at a time.

A batch is one column per file column: canonical text (``pgtext.canonical``; None is
NULL) or, for binary COPY data and numbered ids, a numpy array / ``decode.Fixed``.

* CSV is what ``COPY ... TO STDOUT WITH (FORMAT csv, HEADER)`` prints: a header row,
  ``\\n`` line ends, NULL as an empty field, a value quoted when it holds a comma, a
  quote, CR or LF, when it is the empty string, or when it is ``\\.`` alone on its line
  (PostgreSQL's rules, which the csv module cannot follow: it cannot tell NULL from
  the empty string).
* JSON is an array of objects, one per line (``[``, ``  {...},`` ..., ``]``): integers,
  numerics and floats as number literals with PostgreSQL's digits (``NaN`` and
  infinities as strings, as ``to_json`` writes them), booleans, ``null``, json/jsonb
  as the JSON value itself, everything else as the string PostgreSQL prints.
* Parquet (pyarrow): native types, one row group per ``ROW_GROUP`` rows buffered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from .decode import Field, Fixed
from .kinds import Kind
from .pgtext import binary_text, decimal_array, rescale
from .pgtime import check_years

if TYPE_CHECKING:
    import pyarrow as pa

Column = list[Field] | np.ndarray | Fixed

# Rows buffered per parquet row group: large enough for the columnar encodings to
# pay off, small enough that a wide table's buffer stays a few tens of MB.
ROW_GROUP = 65_536


def as_text(kind: Kind, col: Column) -> list[Field]:
    return col if isinstance(col, list) else binary_text(kind, col)


# -- CSV ---------------------------------------------------------------------------


def _csv_quote(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def csv_field(values: Sequence[Field], *, alone: bool) -> list[str]:
    """Fields of one column as PostgreSQL's CSV output writes them; ``alone``: the
    table has one column, so ``\\.`` would read as the end-of-data marker."""
    has_null = None in values
    present = [v for v in values if v is not None] if has_null else values
    joined = "\x00".join(present)  # type: ignore[arg-type]  # NUL: never inside a value
    special = any(ch in joined for ch in ',"\n\r')
    empty = "" in present
    marker = alone and "\\." in present
    if not (has_null or special or empty or marker):
        return list(values)  # type: ignore[arg-type]
    return [
        ""
        if v is None
        else _csv_quote(v)
        if (v == "" or (alone and v == "\\.") or any(ch in v for ch in ',"\n\r'))
        else v
        for v in values
    ]


class CsvFile:
    def __init__(self, f: IO[str], names: Sequence[str], kinds: Sequence[Kind]) -> None:
        self.f, self.kinds = f, list(kinds)
        self.alone = len(names) == 1
        self.f.write(",".join(csv_field(list(names), alone=self.alone)) + "\n")

    def write(self, cols: Sequence[Column]) -> None:
        fields = [
            csv_field(as_text(k, c), alone=self.alone)
            for k, c in zip(self.kinds, cols, strict=True)
        ]
        if fields and fields[0]:
            self.f.write("\n".join(map(",".join, zip(*fields, strict=True))) + "\n")

    def finish(self) -> None:
        pass

    def discard(self) -> None:
        pass


# -- JSON --------------------------------------------------------------------------

_NUMBERS = frozenset({"int2", "int4", "int8", "float4", "float8", "numeric"})
_NOT_JSON_NUMBERS = frozenset({"NaN", "Infinity", "-Infinity"})


def json_field(kind: Kind, values: Sequence[Field]) -> list[str]:
    """One column's values as JSON text."""
    name = kind.name
    if name in _NUMBERS:
        return ["null" if v is None else f'"{v}"' if v in _NOT_JSON_NUMBERS else v for v in values]
    if name == "bool":
        return ["null" if v is None else "true" if v == "t" else "false" for v in values]
    if name in ("json", "jsonb"):
        return ["null" if v is None else v for v in values]
    dumps = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) calls
    return ["null" if v is None else dumps(v) for v in values]


class JsonFile:
    def __init__(self, f: IO[str], names: Sequence[str], kinds: Sequence[Kind]) -> None:
        self.f, self.kinds = f, list(kinds)
        self.keys = [json.dumps(n, ensure_ascii=False) + ": " for n in names]
        self.rows = 0
        self.f.write("[")

    def write(self, cols: Sequence[Column]) -> None:
        parts = [
            [key + v for v in json_field(k, as_text(k, c))]
            for key, k, c in zip(self.keys, self.kinds, cols, strict=True)
        ]
        if not parts or not parts[0]:
            return
        body = ",\n  ".join("{" + ", ".join(r) + "}" for r in zip(*parts, strict=True))
        self.f.write(("\n  " if self.rows == 0 else ",\n  ") + body)
        self.rows += len(parts[0])

    def finish(self) -> None:
        self.f.write("\n]\n" if self.rows else "]\n")

    def discard(self) -> None:
        pass


# -- Parquet -----------------------------------------------------------------------


def arrow_type(kind: Kind) -> pa.DataType:
    import pyarrow as pa

    fixed = {"int2": pa.int16(), "int4": pa.int32(), "int8": pa.int64(),
             "float4": pa.float32(), "float8": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32(), "timestamp": pa.timestamp("us"),
             "timestamptz": pa.timestamp("us", tz="UTC")}  # fmt: skip
    if kind.name in fixed:
        return fixed[kind.name]
    if kind.name == "numeric" and kind.precision is not None and kind.scale is not None:
        if kind.precision <= 38:
            return pa.decimal128(kind.precision, kind.scale)
        if kind.precision <= 76:
            return pa.decimal256(kind.precision, kind.scale)
    return pa.string()  # numeric without a precision keeps its exact text


def to_arrow(kind: Kind, col: Column, atype: pa.DataType) -> pa.Array:
    import pyarrow as pa

    if isinstance(col, Fixed):
        if pa.types.is_string(atype):
            return pa.array(binary_text(kind, col), atype)
        return decimal_array(rescale(col, kind), atype)
    if isinstance(col, np.ndarray):
        if kind.name == "date":
            check_years(col)
            return pa.array(col.astype(np.int64).astype(np.int32)).view(pa.date32())
        return pa.array(col, atype)
    if kind.name == "bool":
        return pa.array([None if v is None else v == "t" for v in col], pa.bool_())
    text = pa.array(col, pa.string())
    if pa.types.is_string(atype):
        return text
    if kind.name == "timestamptz":
        import pyarrow.compute as pc

        naive = pc.utf8_slice_codeunits(text, 0, -3).cast(pa.timestamp("us"))  # drop "+00"
        return naive.cast(atype)
    try:
        return text.cast(atype)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        bad = next((v for v in col if v in _NOT_JSON_NUMBERS), None)
        if bad is not None:
            raise ValueError(f"{bad} cannot be stored in a parquet {atype} column") from None
        raise ValueError(f"cannot convert to parquet {atype}: {exc}") from None


class ParquetFile:
    def __init__(
        self, f: IO[bytes], names: Sequence[str], kinds: Sequence[Kind], nullable: Sequence[bool]
    ) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.kinds = list(kinds)
        self.schema = pa.schema(
            [
                pa.field(n, arrow_type(k), nullable=z)
                for n, k, z in zip(names, kinds, nullable, strict=True)
            ]
        )
        self.writer = pq.ParquetWriter(f, self.schema)
        self.pending: list[Any] = []
        self.rows = 0

    def write(self, cols: Sequence[Column]) -> None:
        import pyarrow as pa

        arrays = [
            to_arrow(k, c, fld.type)
            for k, c, fld in zip(self.kinds, cols, self.schema, strict=True)
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, self.schema))
        self.pending, self.rows = [], 0

    def finish(self) -> None:
        self._flush()
        self.writer.close()  # writes the footer; the file object stays open for FileSet

    def discard(self) -> None:
        import contextlib

        self.pending = []
        with contextlib.suppress(Exception):  # the part file is about to be removed
            self.writer.close()


TableFile = CsvFile | JsonFile | ParquetFile
