"""Local date-times in config -> UTC instants, with explicit offsets and DST made plain.

Rules (docs/reliability.md):

* A value that carries an offset (``2025-05-01T00:00:00+09:00``, ``...Z``) means
  that instant: the offset always wins over the configured time zone.
* A value without one is a wall-clock time in the configured zone (IANA name).
* A wall-clock time that does not exist there (skipped when daylight saving time
  starts) or that happens twice (repeated when it ends) is refused with a message
  that names DST and shows the values that would work; pgseed never guesses
  which instant was meant.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

EXAMPLE = "2025-05-01 00:00:00 (or with an offset: 2025-05-01T00:00:00+09:00, ...Z for UTC)"


def parse(text: str) -> dt.datetime:
    """An ISO 8601 date-time, naive or with an offset (``Z`` or ``z`` for UTC);
    ValueError names the expected form."""
    value = text.strip()
    if value.endswith("z"):  # RFC 3339 allows a lowercase z; fromisoformat does not
        value = value[:-1] + "Z"
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a date-time like {EXAMPLE}") from None


def _offset(value: dt.datetime) -> str:
    off = value.utcoffset() or dt.timedelta(0)
    sign = "-" if off < dt.timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def to_utc(text: str, zone: str, key: str) -> dt.datetime:
    """The UTC instant ``text`` names (see the module rules); ValueError explains DST,
    or says the instant lies outside the years 1 to 9999 once converted to UTC."""
    try:
        return _to_utc(text, zone, key)
    except OverflowError:
        raise ValueError(
            f"{key} {text.strip()} is outside the years 1 to 9999 once converted to UTC"
        ) from None


def _to_utc(text: str, zone: str, key: str) -> dt.datetime:
    local = parse(text)
    if local.tzinfo is not None:
        return local.astimezone(dt.UTC)
    tz = ZoneInfo(zone)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(dt.UTC)
    iso = local.isoformat(sep="T")
    # Read with the earlier offset and converted back, a skipped time lands elsewhere.
    if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != local:
        later = first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
        raise ValueError(
            f"{key} {local} does not exist in {zone}: the clocks skip it when daylight "
            f"saving time (DST) starts.\nFix: use a time outside the gap, e.g. {later} (the "
            f"same instant in daylight time), or give an explicit offset, e.g. "
            f"{iso}{_offset(first)}"
        )
    raise ValueError(
        f"{key} {local} happens twice in {zone}: the clocks go back when daylight saving "
        f"time (DST) ends.\nFix: give the offset you mean: {iso}{_offset(first)} (the first "
        f"time, before the change) or {iso}{_offset(second)} (the second, after it)"
    )
