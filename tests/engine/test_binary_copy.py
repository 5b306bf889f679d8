"""``binary.encode``'s ``timestamp`` and ``label`` columns, checked by PostgreSQL itself.

Each case COPYs the same values once as text and once as binary tuples (built straight
from numpy, never through text) into a real table and compares what the server stored."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest

from pgseed import binary
from pgseed.encode import encode_rows

pytestmark = pytest.mark.db

STAMPS: dict[str, tuple[str, list[str]]] = {
    "ms around 2000": ("timestamp(3)", ["1999-12-31T23:59:59.999", "2000-01-01T00:00:00.000", "2000-01-01T00:00:00.001"]),
    "before 1970 and 1900": ("timestamp(3)", ["1969-12-31T23:59:59.999", "1900-01-01T00:00:00.000", "1899-12-31T12:00:00.500"]),
    "far future": ("timestamp(3)", ["2200-12-31T23:59:59.999", "9999-12-31T23:59:59.999", "2038-01-19T03:14:08.000"]),
    "microseconds": ("timestamp", ["0001-01-01T00:00:00.000001", "1999-12-31T23:59:59.999999", "2024-02-29T12:34:56.789012"]),
    "leap days": ("timestamp(3)", ["2024-02-29T00:00:00.000", "2000-02-29T23:59:59.000", "1600-02-29T06:00:00.000"]),
}  # fmt: skip

LABELS: dict[str, tuple[tuple[str, ...], list[int]]] = {
    "both lengths": (("LIKE", "DISLIKE"), [0, 1, 1, 0, 0, 1]),
    "only the short one": (("LIKE", "DISLIKE"), [0, 0, 0]),
    "only the long one": (("LIKE", "DISLIKE"), [1, 1]),
    "one label": (("POST",), [0, 0, 0, 0]),
    "three lengths": (("a", "SUGGESTION", "mid"), [1, 0, 2, 2, 0, 1]),
    "equal lengths": (("LEFT", "DOWN"), [1, 0, 1]),
    "utf-8": (("ünïcødé", "✓"), [0, 1, 0]),
}


def stored(
    conn: psycopg.Connection, columns: str, data: bytes, binary_format: bool
) -> list[tuple[str, ...]]:
    conn.execute("DROP TABLE IF EXISTS t")
    conn.execute(f"CREATE TABLE t ({columns})")
    fmt = " WITH (FORMAT binary)" if binary_format else ""
    with conn.cursor().copy(f"COPY t FROM STDIN{fmt}") as cp:
        cp.write(data)
    return [tuple(r) for r in conn.execute("SELECT t::text FROM t ORDER BY n").fetchall()]


def both(
    conn: psycopg.Connection, columns: str, text: list[list[str | None]], tuples: bytes
) -> None:
    as_text = stored(conn, columns, encode_rows(text), binary_format=False)
    as_binary = stored(conn, columns, binary.HEADER + tuples + binary.TRAILER, True)
    assert as_binary == as_text
    assert len(as_binary) == len(text[0])


@pytest.mark.parametrize(
    ("case", "unit"),
    [(c, "us") for c in STAMPS] + [(c, "ms") for c in STAMPS if c != "microseconds"],
)
def test_timestamps_store_what_their_text_stores(
    conn: psycopg.Connection, case: str, unit: str
) -> None:
    sql_type, values = STAMPS[case]
    t = np.array(values, dtype=f"datetime64[{unit}]")
    n = np.arange(len(t), dtype=np.int64)
    tuples = binary.encode(["int8", "timestamp"], [n, t])
    text = [[str(i) for i in n.tolist()], [v.replace("T", " ") for v in values]]
    both(conn, f"n int8, v {sql_type}", text, tuples)


@pytest.mark.parametrize("case", LABELS)
def test_labels_store_what_their_text_stores(conn: psycopg.Connection, case: str) -> None:
    names, index = LABELS[case]
    quoted = ", ".join("'" + v + "'" for v in names)
    conn.execute(f"DROP TYPE IF EXISTS kind CASCADE; CREATE TYPE kind AS ENUM ({quoted})")
    n = np.arange(len(index), dtype=np.int64)
    ms = np.datetime64("1999-12-31T23:59:59.999", "ms") + n * 86_400_000
    labels = binary.Labels(names, np.array(index, dtype=np.int8))
    # an enum between fixed-width columns, and a text column of the same labels at the end
    types = ["int8", "label", "timestamp", "int4", "label"]
    tuples = binary.encode(types, [n, labels, ms, n.astype(np.int32) * -7, labels])
    words = [names[i] for i in index]
    stamps = [str(v).replace("T", " ") for v in ms]
    text: list[list[str | None]] = [
        [str(i) for i in n.tolist()],
        list(words),
        list(stamps),
        [str(-7 * i) for i in n.tolist()],
        list(words),
    ]
    both(conn, "n int8, k kind, at timestamp(3), m int4, w text", text, tuples)
    sizes = {len(v.encode()) for v in names}
    if len(sizes) == 1:  # one slot size: the tuples are the structured rows as they are
        assert len(tuples) == len(index) * binary.row_dtype(types, [4 + sizes.pop()] * 2).itemsize


def test_many_rows_of_two_labels_round_trip(conn: psycopg.Connection) -> None:
    rng = np.random.default_rng(11)
    n = 20_000
    like = rng.random(n) < 0.3
    ms = rng.integers(-2_208_988_800_000, 7_258_118_400_000, n).astype("datetime64[ms]")
    ids = np.arange(1, n + 1, dtype=np.int64)
    tuples = binary.encode(
        ["int8", "label", "timestamp"],
        [ids, binary.Labels(("DISLIKE", "LIKE"), like.view(np.int8)), ms],
    )
    conn.execute("CREATE TYPE act AS ENUM ('LIKE', 'DISLIKE')")
    conn.execute('CREATE TABLE "Like" (n int8, action act, "createdAt" timestamp(3))')
    with conn.cursor().copy('COPY "Like" FROM STDIN WITH (FORMAT binary)') as cp:
        cp.write(binary.HEADER + tuples + binary.TRAILER)
    rows = conn.execute(
        'SELECT action::text, (extract(epoch FROM "createdAt") * 1000)::int8 FROM "Like" ORDER BY n'
    ).fetchall()
    assert [r[0] for r in rows] == np.where(like, "LIKE", "DISLIKE").tolist()
    assert [r[1] for r in rows] == ms.astype(np.int64).tolist()


BAD: dict[str, tuple[list[str], list[object], str]] = {
    "NaT": (["timestamp"], [np.array(["2024-01-01", "NaT"], dtype="datetime64[ms]")], "NaT"),
    "integers for a timestamp": (["timestamp"], [np.array([1, 2])], "datetime64"),
    "nanoseconds": (["timestamp"], [np.array(["2024-01-01T00:00:00.000000001"], dtype="datetime64[ns]")], "not exact"),
    "before 4714 BC": (["timestamp"], [np.array([-2_500_000], dtype="datetime64[D]")], "4714-11-24 BC"),
    "an index past the labels": (["label"], [binary.Labels(("A", "B"), np.array([0, 2]))], "outside its 2 labels"),
    "a negative index": (["label"], [binary.Labels(("A", "B"), np.array([-1]))], "outside its 2 labels"),
    "no labels": (["label"], [binary.Labels((), np.array([], dtype=np.int64))], "one or more labels"),
    "a NUL in a label": (["label"], [binary.Labels(("A\x00",), np.array([0]))], "NUL"),
    "floats for an int8": (["int8"], [np.array([1.5, 2.0])], "give integers"),
    "int4 overflow": (["int4"], [np.array([2**31], dtype=np.int64)], "outside"),
    "int2 underflow": (["int2"], [np.array([0, -(2**15) - 1])], "outside"),
    "uint64 past int8": (["int8"], [np.array([2**63], dtype=np.uint64)], "outside"),
    "Labels for an int": (["int8"], [binary.Labels(("A",), np.array([0]))], "only a label column"),
    "an array for a label": (["label"], [np.array([0])], "only a label column"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD)
def test_values_without_a_binary_form_are_refused(case: str) -> None:
    types, columns, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        binary.encode(types, columns)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["int8", "int8", "int8", "timestamp"], 2 + 4 * 12),
        (["int8", "label"], binary.VARIABLE),
        (["label"], binary.VARIABLE),
    ],
)
def test_width_is_variable_with_a_label_column(types: list[str], expected: int) -> None:
    assert binary.width(types) == expected
