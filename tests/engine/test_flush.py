"""The worker pool's buffers re-cut each table's COPY data at its row boundaries: text at
newlines, fixed-width binary at its stride, variable-width binary not at all."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from pgseed import binary
from pgseed.pool import _Buffers


class Recording:
    """A sink that keeps what it is given (the statements' data, in order)."""

    def __init__(self, widths: dict[str, int]) -> None:
        self.written: dict[str, int] = {}
        self.binary = widths
        self.statements: list[tuple[str, bytes, int]] = []

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        raw = data if isinstance(data, bytes) else b"".join(data)
        self.statements.append((table, raw, rows))


def _labels(n: int, start: int) -> bytes:
    ids = np.arange(start, start + n, dtype=np.int64)
    like = binary.Labels(("LIKE", "DISLIKE"), ids % 2)
    return binary.encode(["int8", "label"], [ids, like])


@pytest.mark.parametrize(("rows", "batch"), [(7, 3), (10, 1), (4, 100)])
def test_each_format_is_cut_only_where_a_row_ends(rows: int, batch: int) -> None:
    fixed = ["int8", "timestamp"]
    stamps = np.arange(rows, dtype=np.int64).astype("datetime64[ms]")
    sink = Recording({"V": binary.VARIABLE, "F": binary.width(fixed)})
    buf = _Buffers(["T", "F", "V"])
    half = rows // 2
    buf.add({"T": (rows, b"".join(b"%d\tx\n" % i for i in range(rows)))})
    buf.add({"F": (rows, binary.encode(fixed, [np.arange(rows, dtype=np.int64), stamps]))})
    buf.add({"V": (half, _labels(half, 0))})
    buf.add({"V": (rows - half, _labels(rows - half, half))})
    buf.flush(sink, dict.fromkeys("TFV", batch))
    got = {t: [(d, r) for tt, d, r in sink.statements if tt == t] for t in "TFV"}
    assert got["V"] == [(_labels(half, 0) + _labels(rows - half, half), rows)]
    for t in "TF":
        assert sum(r for _, r in got[t]) == rows
        assert all(r <= batch for _, r in got[t])
    assert all(d.count(b"\n") == r for d, r in got["T"])
    assert all(len(d) == r * binary.width(fixed) for d, r in got["F"])
