"""Rule bounds (PostgreSQL text literals) -> integers in a type's unit.

Every ordered scalar type is generated as an integer count of its unit: 1 for
integers, 10**-scale for numeric, a cent for money, a day for dates, a microsecond
for times, timestamps and intervals. Bounds are parsed here into that unit, so one
range-and-uniqueness routine serves them all. A bound this module cannot read is
an ``Unsupported`` naming the bound and the type, never a silently ignored rule.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from pgseed.anyschema.values._errors import Unsupported

EPOCH = datetime(1970, 1, 1)
US = 1_000_000
DAY_US = 86_400 * US

# Literals PostgreSQL reads but which name no fixed instant. 'now'/'today' are the
# moment of the run: the default window ends before any run, so an upper bound of
# now is met by leaving the window's end alone (and keeps the output deterministic).
_OPEN = {
    "now", "today", "infinity", "+infinity", "-infinity", "current_date", "current_timestamp", "now()",
}  # fmt: skip


def clean(text: str) -> str:
    """``'5'::integer`` / ``(5)`` / ``'2024-01-01'::date`` -> ``5`` / ``2024-01-01``."""
    s = text.strip()
    while s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    s = re.sub(r"(::[\w .\"\[\]()]+)+$", "", s).strip()
    while s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    if len(s) >= 2 and s[0] == "'" and s[-1] == "'":
        s = s[1:-1].replace("''", "'")
    return s.strip()


def is_open(text: str) -> bool:
    return clean(text).lower() in _OPEN


def _bad(text: str, what: str) -> Unsupported:
    return Unsupported(f"cannot read the bound {text!r} as {what}")


def decimal(text: str, what: str = "a number") -> Decimal:
    s = clean(text).replace(",", "").replace("$", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise _bad(text, what) from None
    if not d.is_finite():
        raise _bad(text, what)
    return d


def days(text: str) -> int:
    """A date literal -> days since 1970-01-01."""
    s = clean(text).lower()
    if s == "epoch":
        return 0
    try:
        d = date.fromisoformat(s[:10])
    except ValueError:
        raise _bad(text, "a date (YYYY-MM-DD)") from None
    return (d - EPOCH.date()).days


def micros(text: str) -> int:
    """A timestamp literal -> microseconds since 1970-01-01 (UTC for timestamptz)."""
    s = clean(text)
    if s.lower() == "epoch":
        return 0
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise _bad(text, "a timestamp (YYYY-MM-DD HH:MM:SS)") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    delta = dt - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def time_micros(text: str) -> int:
    """A time literal -> microseconds since midnight (any zone offset is dropped)."""
    s = re.sub(r"[+-]\d{1,2}(:?\d{2})?$", "", clean(text))
    if s == "24:00:00" or s == "24:00":
        return DAY_US
    try:
        t = time.fromisoformat(s)
    except ValueError:
        raise _bad(text, "a time (HH:MM:SS)") from None
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US + t.microsecond


_UNITS = {
    "microsecond": 1,
    "millisecond": 1000,
    "second": US,
    "minute": 60 * US,
    "hour": 3600 * US,
    "day": DAY_US,
    "week": 7 * DAY_US,
    # PostgreSQL compares intervals with a month of 30 days and a year of 12 months.
    "month": 30 * DAY_US,
    "year": 360 * DAY_US,
    "decade": 3600 * DAY_US,
    "century": 36000 * DAY_US,
}
_ALIASES = {
    "us": "microsecond",
    "usec": "microsecond",
    "ms": "millisecond",
    "msec": "millisecond",
    "s": "second",
    "sec": "second",
    "secs": "second",
    "m": "minute",
    "min": "minute",
    "mins": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "d": "day",
    "w": "week",
    "mon": "month",
    "mons": "month",
    "y": "year",
    "yr": "year",
    "yrs": "year",
}
_ISO = re.compile(
    r"^P(?:(?P<year>[\d.]+)Y)?(?:(?P<month>[\d.]+)M)?(?:(?P<week>[\d.]+)W)?(?:(?P<day>[\d.]+)D)?"
    r"(?:T(?:(?P<hour>[\d.]+)H)?(?:(?P<minute>[\d.]+)M)?(?:(?P<second>[\d.]+)S)?)?$"
)


def interval_micros(text: str) -> int:
    """An interval literal (``1 day 02:00``, ``3 mons``, ``P1DT2H``, ``@ 1 hour``) -> µs."""
    s = clean(text).strip().lstrip("@").strip()
    iso = _ISO.match(s.upper()) if s[:1].upper() == "P" else None
    if iso:
        return sum(int(Decimal(v) * _UNITS[k]) for k, v in iso.groupdict().items() if v is not None)
    total = Decimal(0)
    tokens = s.replace(",", " ").split()
    ago = bool(tokens) and tokens[-1].lower() == "ago"
    if ago:
        tokens = tokens[:-1]
    i = 0
    try:
        while i < len(tokens):
            tok = tokens[i]
            if ":" in tok:
                sign = -1 if tok.startswith("-") else 1
                parts = [Decimal(p) for p in tok.lstrip("+-").split(":")]
                h, m, sec = (parts + [Decimal(0)] * 3)[:3]
                total += sign * ((h * 60 + m) * 60 + sec) * US
                i += 1
                continue
            number = Decimal(tok)
            unit = tokens[i + 1].lower() if i + 1 < len(tokens) else "second"
            unit = _ALIASES.get(unit, unit.rstrip("s") if unit.rstrip("s") in _UNITS else unit)
            total += number * _UNITS[unit]
            i += 2
    except (InvalidOperation, KeyError, IndexError):
        raise _bad(text, "an interval (1 day 02:00:00)") from None
    return int(-total if ago else total)
