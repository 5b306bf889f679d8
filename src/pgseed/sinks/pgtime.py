"""Dates and timestamps as PostgreSQL prints them (DateStyle ISO, TimeZone UTC).

Read: ``YYYY-MM-DD``, and for timestamps a space or ``T``, ``HH:MM[:SS[.f...]]`` and
an optional offset (``Z``, ``+hh``, ``+hh:mm``, ``+hhmm``, ``+hh:mm:ss``). Fractions of a
microsecond are rounded as PostgreSQL rounds them (``rint``); ``24:00:00`` and a leap
second ``:60`` roll over into the next minute or day, as in PostgreSQL. A timestamp
without time zone ignores an offset; a timestamptz without one is read as UTC (the
sink prints timestamptz in UTC, ``+00``). Years 1 to 9999 only: no BC, no
``infinity`` (a ``ValueError`` says so).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

from .kinds import Kind

_WS = " \t\n\r\v\f"  # isspace() in the C locale: what PostgreSQL's input functions skip
_TS = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_DAY_US = 86_400_000_000


def valid_dates(present: list[str]) -> bool:
    """True when every ``YYYY-MM-DD[ HH:MM:SS[.f]]`` value is a real date and time."""
    if any(v.startswith("0000") for v in present):
        return False
    try:
        np.array(present, dtype="datetime64[us]")
    except ValueError:
        return False
    return True


def date_text(kind: Kind, v: str) -> str:
    m = _TS.fullmatch(v.strip(_WS))
    if m is None or m.group(4) is not None or m.group(8) is not None:
        raise ValueError("the file sink reads dates as YYYY-MM-DD")
    return _ymd(m).isoformat()


def _ymd(m: re.Match[str]) -> dt.date:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= y <= 9999:
        raise ValueError("the file sink supports years 1 to 9999")
    return dt.date(y, mo, d)


def timestamp_from_text(kind: Kind, v: str) -> str:
    m = _TS.fullmatch(v.strip(_WS))
    if m is None:
        raise ValueError("the file sink reads timestamps as YYYY-MM-DD HH:MM:SS[.f][offset]")
    h, mi = int(m.group(4) or 0), int(m.group(5) or 0)
    s, frac = int(m.group(6) or 0), m.group(7) or ""
    micro = round(float("0." + frac) * 1_000_000) if frac else 0  # rint(), as PostgreSQL
    if h > 24 or mi > 59 or s > 60 or ((h * 60 + mi) * 60 + s) * 1_000_000 + micro > _DAY_US:
        raise ValueError("date/time field value out of range")  # 24:00:00 is the most
    t = dt.datetime.combine(_ymd(m), dt.time()) + dt.timedelta(
        hours=h, minutes=mi, seconds=s, microseconds=micro
    )
    if kind.name == "timestamptz":
        t -= _offset(m.group(8))  # a timestamp without time zone ignores the offset
    if not 1 <= t.year <= 9999:
        raise ValueError("the file sink supports years 1 to 9999")
    return timestamp_text(t, tz=kind.name == "timestamptz")


def _offset(text: str | None) -> dt.timedelta:
    if text is None or text.upper() == "Z":
        return dt.timedelta(0)
    sign, rest = (-1 if text[0] == "-" else 1), text[1:]
    if ":" in rest:
        parts = [int(p) for p in rest.split(":")]
    else:  # h, hh, hmm, hhmm, hmmss or hhmmss: an odd length means a one-digit hour
        nh = 2 - len(rest) % 2
        parts = [int(rest[:nh]), *(int(rest[i : i + 2]) for i in range(nh, len(rest), 2))]
    h, mi, s = [*parts, 0, 0][:3]
    if h > 15 or mi > 59 or s > 59:  # PostgreSQL's limit on a numeric offset
        raise ValueError(f"time zone displacement out of range: {text}")
    return sign * dt.timedelta(hours=h, minutes=mi, seconds=s)


def timestamp_text(t: dt.datetime, *, tz: bool) -> str:
    text = f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    if t.microsecond:
        text += f".{t.microsecond:06d}".rstrip("0")
    return text + ("+00" if tz else "")


def check_years(days: np.ndarray) -> None:
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    bad = (years < 1) | (years > 9999)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise ValueError(f"row {row}: the file sink supports dates in years 1 to 9999")
