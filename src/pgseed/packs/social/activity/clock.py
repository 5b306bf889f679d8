"""When things happen: the hour-of-day curve in the user's own time zone, the weekday
rhythm, and local days turned into UTC milliseconds (issue 11, Phase B "Keys and dates").

A user's day is their local calendar date; an event's time is drawn from the hour curve
in local time and stored as UTC (``timestamp(3)``). The UTC offset of a city on a day is
read from the IANA database (``zoneinfo``, with the ``tzdata`` package) at local noon, so
daylight saving time moves the evening peak with the clocks.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from .. import pools
from ..rows import MS_PER_DAY, ordinal_ms

# Relative activity per local hour 0..23: low overnight, a lunch bump and the evening
# peak at 20:00-22:00 (dating-app usage studies report the same shape, e.g. Tinder's and
# Hinge's "peak hours" announcements: 8-10 pm).
HOUR_WEIGHTS = np.array(
    [0.9, 0.5, 0.3, 0.2, 0.15, 0.2, 0.4, 0.8, 1.1, 1.2, 1.2, 1.3,
     1.6, 1.5, 1.3, 1.3, 1.4, 1.7, 2.1, 2.6, 3.2, 3.5, 3.1, 1.9]
)  # fmt: skip
_HOUR_CDF = np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum()
# Monday..Sunday: Sunday evening is the busiest, Friday and Saturday the quietest.
WEEKDAY = np.array([1.05, 1.0, 1.0, 1.0, 0.85, 0.9, 1.2])


def weekday(ordinal: int) -> int:
    """Monday 0 .. Sunday 6 of a day ordinal."""
    return (ordinal + 6) % 7  # date(1, 1, 1) was a Monday: ordinal 1 -> 0


@cache
def _offset_ms(city: int, ordinal: int) -> int:
    tz = ZoneInfo(pools.CITY_TZ[city])
    noon = dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(12), tzinfo=tz)
    off = noon.utcoffset()
    assert off is not None
    return int(off.total_seconds()) * 1000


def offsets(cities: np.ndarray, ordinal: int) -> np.ndarray:
    """UTC offsets (ms, negative west of Greenwich) of ``cities`` on local day ``ordinal``."""
    table = np.array([_offset_ms(c, ordinal) for c in range(len(pools.CITY_TZ))], dtype=np.int64)
    out: np.ndarray = table[np.asarray(cities, dtype=np.int64)]
    return out


def local_times(u_hour: np.ndarray, u_within: np.ndarray) -> np.ndarray:
    """Milliseconds after local midnight: an hour from the curve, then a uniform moment in it."""
    hour = np.minimum(np.searchsorted(_HOUR_CDF, u_hour, side="right"), 23)
    out: np.ndarray = hour * 3_600_000 + np.floor(u_within * 3_600_000).astype(np.int64)
    return out


def utc_ms(ordinal: int, local_ms: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """UTC epoch ms of ``local_ms`` after midnight of local day ``ordinal`` in each city."""
    out: np.ndarray = ordinal_ms(ordinal) + np.asarray(local_ms) - offsets(cities, ordinal)
    return out


def utc_ms_each(ordinals: np.ndarray, local_ms: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """``utc_ms`` with a local day per element."""
    ords = np.asarray(ordinals, dtype=np.int64)
    off = np.array(
        [
            _offset_ms(int(c), int(d))
            for c, d in zip(np.asarray(cities).tolist(), ords.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    out: np.ndarray = (ords - 719163) * MS_PER_DAY + np.asarray(local_ms, dtype=np.int64) - off
    return out


def local_day(ms: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """The local calendar day (ordinal) of UTC epoch ms in each city: the exact inverse of
    ``utc_ms`` (the day d whose midnight, shifted by d's offset, is at or before ``ms``
    and the next one after it), so a time read back from the database lands on the day
    that made it, daylight-saving days included."""
    ms = np.asarray(ms, dtype=np.int64)
    utc_day = (ms // MS_PER_DAY + 719163).tolist()
    out = []
    for t, c, u in zip(ms.tolist(), np.asarray(cities).tolist(), utc_day, strict=True):
        for d in (u, u - 1, u + 1):
            local = t + _offset_ms(int(c), d) - ordinal_ms(d)
            if 0 <= local < MS_PER_DAY:
                out.append(d)
                break
        else:  # pragma: no cover - offsets are within +-14 h
            raise ValueError(f"no local day for {t} ms in city {c}")
    return np.array(out, dtype=np.int64)
