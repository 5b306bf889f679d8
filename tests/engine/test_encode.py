from __future__ import annotations

import uuid

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pgseed import encode as enc


def decode_text(field: str) -> str | None:
    """PostgreSQL's COPY text rules, for the fields encode_rows writes."""
    if field == "\\N":
        return None
    out, i = [], 0
    table = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    while i < len(field):
        ch = field[i]
        if ch == "\\":
            out.append(table[field[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=20))
def test_text_fields_round_trip(values: list[str | None]) -> None:
    values = [v.replace("\x00", "") if v is not None else None for v in values]
    data = enc.encode_rows([values]).decode()
    fields = data[:-1].split("\n")
    assert [decode_text(f) for f in fields] == values


def test_uuid4_strings_are_version_4() -> None:
    raw = np.random.default_rng(0).integers(0, 256, (50, 16), dtype=np.uint8)
    for s in enc.uuid4_strings(raw):
        u = uuid.UUID(s)
        assert u.version == 4 and str(u) == s


def test_timestamps_bools_floats_nulls() -> None:
    secs = np.array([0, 1746072000], dtype=np.int64)
    assert enc.timestamp_field(secs) == ["1970-01-01 00:00:00", "2025-05-01 04:00:00"]
    assert enc.timestamp_field(secs, null_mask=np.array([True, False]))[0] is None
    assert enc.bool_field(np.array([True, False])) == ["t", "f"]
    assert enc.float2_field(np.array([0.5, 1.0])) == ["0.50", "1.00"]


def test_rows_must_have_equal_length() -> None:
    with pytest.raises(ValueError, match="same length"):
        enc.encode_rows([["a"], ["b", "c"]])
    assert enc.encode_rows([["a", "b"], ["1", "2"]]) == b"a\t1\nb\t2\n"


def test_every_field_is_escaped_and_nul_refused() -> None:
    """Escaping happens in encode_rows for every column, not in a per-column helper a
    generator may forget (a config path like C:\\data\\images reached COPY unescaped)."""
    assert enc.encode_rows([["C:\\data\\n", None, "a\tb"], ["1", "2", "3"]]) == (
        b"C:\\\\data\\\\n\t1\n\\N\t2\na\\tb\t3\n"
    )
    with pytest.raises(ValueError, match="NUL"):
        enc.encode_rows([["a\x00b"]])
