"""Field text for the social tables: timestamp(3), numeric(9,6), jsonb and enum columns."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from ...encode import Field

MS_PER_DAY = 86_400_000


def ms_field(ms: np.ndarray, null: np.ndarray | None = None) -> list[Field]:
    """``timestamp(3)`` text (UTC, naive) from epoch milliseconds (int64)."""
    if len(ms) == 0:  # numpy's datetime_as_string cannot take an empty array
        return []
    text = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    out: list[Field] = np.char.replace(text, "T", " ").tolist()
    if null is not None:
        for i in np.flatnonzero(null).tolist():
            out[i] = None
    return out


def date_field(ordinals: np.ndarray) -> list[str]:
    """``date`` text from proleptic ordinals (``date.toordinal()``)."""
    epoch = np.asarray(ordinals, dtype=np.int64) - 719163  # date(1970, 1, 1).toordinal()
    out: list[str] = np.datetime_as_string(epoch.astype("datetime64[D]")).tolist()
    return out


def ordinal_ms(ordinal: int) -> int:
    """Midnight UTC of a day ordinal, in epoch milliseconds."""
    return (ordinal - 719163) * MS_PER_DAY


def fixed6(values: np.ndarray) -> list[str]:
    """numeric(9,6) text, rounded half-even at 6 places by integer micro-units."""
    micro = np.rint(np.asarray(values, dtype=np.float64) * 1e6).astype(np.int64)
    return [
        f"{'-' if v < 0 else ''}{abs(v) // 1_000_000}.{abs(v) % 1_000_000:06d}"
        for v in micro.tolist()
    ]


def labels(names: Sequence[str], index: np.ndarray) -> list[str]:
    """Enum labels (or any names) picked by ``index``."""
    return np.asarray(names, dtype=object)[np.asarray(index, dtype=np.int64)].tolist()  # type: ignore[no-any-return]


def jsonb(values: Sequence[object]) -> list[Field]:
    """jsonb text: compact, keys in insertion order (None is SQL NULL)."""
    return [None if v is None else json.dumps(v, separators=(",", ":")) for v in values]
