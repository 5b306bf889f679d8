"""Issue 8, kind 1: an explicit offset always wins over `timezone`; a wall-clock time
that DST skips or repeats is refused with a message naming DST and the fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN, database_exists, query, scalar

pytestmark = pytest.mark.db

TINY = {
    "target_rows_users": 5,
    "target_rows_content_items": 60,
    "target_rows_content_items_auto": 60,
}

UTC = dt.UTC


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args)  # stored as naive UTC


# (date_start, date_end, timezone, the UTC instants the data must span)
RANGES = [
    ("2025-05-01T00:00:00+09:00", "2025-05-02T00:00:00+09:00", "UTC",
     _utc(2025, 4, 30, 15), _utc(2025, 5, 1, 15)),
    ("2025-05-01T00:00:00Z", "2025-05-01T12:00:00Z", "America/New_York",
     _utc(2025, 5, 1, 0), _utc(2025, 5, 1, 12)),
    ("2025-05-01T08:00:00+05:30", "2025-05-01T20:00:00-07:00", "Europe/London",
     _utc(2025, 5, 1, 2, 30), _utc(2025, 5, 2, 3)),
    ("2025-01-15 09:00:00", "2025-01-15T18:00:00+00:00", "Europe/London",
     _utc(2025, 1, 15, 9), _utc(2025, 1, 15, 18)),
    ("2025-07-15 09:00:00", "2025-07-15 18:00:00", "Europe/London",
     _utc(2025, 7, 15, 8), _utc(2025, 7, 15, 17)),
    # crosses the spring-forward change without naming a skipped time
    ("2025-03-08 12:00:00", "2025-03-10 12:00:00", "America/New_York",
     _utc(2025, 3, 8, 17), _utc(2025, 3, 10, 16)),
]  # fmt: skip


def _config(tmp_path: Path, **keys: str) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"seed_data_generator": {**TINY, **keys}}))
    return path


@pytest.mark.parametrize("via", ["flags", "file"])
@pytest.mark.parametrize(("start", "end", "zone", "lo", "hi"), RANGES)
def test_data_spans_the_instants_written(
    cli: Any,
    tmp_path: Path,
    db_dsn: str,
    via: str,
    start: str,
    end: str,
    zone: str,
    lo: dt.datetime,
    hi: dt.datetime,
) -> None:
    if via == "file":
        cfg = _config(tmp_path, date_start=start, date_end=end, timezone=zone)
        extra: list[str] = []
    else:
        cfg = _config(tmp_path)
        extra = ["--date-start", start, "--date-end", end, "--timezone", zone]
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(cfg),
            "--seed", "5", "--max-workers", "1", *extra)  # fmt: skip
    assert r.exit_code == 0, r.output
    # The admin is created at the start of the range; everything else lies inside it.
    assert scalar(db_dsn, "SELECT created_at FROM users WHERE id = %s", [ADMIN]) == lo
    (first, last), = query(
        db_dsn,
        "SELECT min(t), max(t) FROM (SELECT created_at t FROM users UNION ALL "
        "SELECT created_at FROM content_items UNION ALL SELECT created_at FROM "
        "content_items_auto UNION ALL SELECT completed_at FROM generation_jobs) x",
    )  # fmt: skip
    assert lo <= first and last <= hi
    r = cli("genonaut", "verify", "--database-url", db_dsn, "--config", str(cfg), *extra)
    assert r.exit_code == 0, r.output


# (date_start, date_end, timezone, what the message must say)
DST = [
    ("2025-03-09 02:30:00", "2025-03-09 03:10:00", "America/New_York", "does not exist"),
    ("2025-03-09 00:00:00", "2025-03-09 02:59:59", "America/New_York", "does not exist"),
    ("2025-11-02 01:30:00", "2025-11-03 00:00:00", "America/New_York", "happens twice"),
    ("2025-03-01 00:00:00", "2025-03-30 02:15:00", "Europe/Berlin", "does not exist"),
    ("2025-10-26 02:30:00", "2025-10-27 00:00:00", "Europe/Berlin", "happens twice"),
    ("2025-04-06 02:30:00", "2025-04-07 00:00:00", "Australia/Sydney", "happens twice"),
    ("2025-10-05 02:30:00", "2025-10-06 00:00:00", "Australia/Sydney", "does not exist"),
]


@pytest.mark.parametrize(("start", "end", "zone", "says"), DST)
def test_times_dst_skips_or_repeats_are_refused(
    cli: Any,
    tmp_path: Path,
    db_dsn: str,
    server_dsn: str,
    db_name: str,
    start: str,
    end: str,
    zone: str,
    says: str,
) -> None:
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--seed", "1", "--config",
            str(_config(tmp_path)), "--date-start", start, "--date-end", end,
            "--timezone", zone)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert says in r.output and "DST" in r.output and "Fix:" in r.output
    assert "must be before" not in r.output and "Traceback" not in r.output
    assert not database_exists(server_dsn, db_name)
    # The fix the message offers works: the same wall time with an explicit offset.
    offered = r.output.split("Fix:", 1)[1]
    assert "+" in offered or "-" in offered


def test_offered_offset_is_accepted(cli: Any, tmp_path: Path, db_dsn: str) -> None:
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--seed", "1", "--config",
            str(_config(tmp_path)), "--date-start", "2025-11-02T01:30:00-05:00",
            "--date-end", "2025-11-02T05:00:00", "--timezone", "America/New_York",
            "--max-workers", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT created_at FROM users WHERE id = %s", [ADMIN]) == _utc(
        2025, 11, 2, 6, 30
    )
