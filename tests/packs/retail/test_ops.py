"""Retail's own verbs as library calls (``packs.retail.ops``), with no CLI: each returns
a result object and takes its decisions inside its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pgseed import engine
from pgseed.errors import PgseedError, SafetyError
from pgseed.packs import get_pack
from pgseed.packs.retail import ops
from pgseed.progress import Reporter
from tests.conftest import scalar

pytestmark = pytest.mark.db

CFG = {
    "seed": 3,
    "dimensions": {"stores": {"count": 2}, "products": {"count": 3}},
    "date_range": {"start": "2024-01-01", "end": "2024-01-31"},
}


@pytest.fixture
def seeded(db_dsn: str) -> Any:
    pack = get_pack("retail")
    cfg = pack.config_model.model_validate(CFG)
    result = engine.generate(pack, cfg, db_dsn, reporter=Reporter(progress=False))
    assert result.written["sales_daily"] > 0 and not result.replaced
    return cfg


def test_append_previews_then_appends_then_is_a_no_op(db_dsn: str, seeded: Any) -> None:
    end = dt.date(2024, 2, 10)
    p = ops.preview_append(db_dsn, seeded, None, end)
    assert (p.start, p.end, p.pairs) == (dt.date(2024, 2, 1), end, 6)
    assert p.rows["calendar"] == 10 and p.samples["sales_daily"]
    r = ops.append(db_dsn, seeded, None, end, reporter=Reporter(progress=False), workers=1)
    assert r.applied_meanwhile is None and r.written["calendar"] == 10
    again = ops.preview_append(db_dsn, seeded, None, end)
    assert again.applied_through == end and not again.rows


def test_delete_needs_confirm_and_reports_what_it_removed(db_dsn: str, seeded: Any) -> None:
    with pytest.raises(SafetyError, match="needs --confirm"):
        ops.delete(db_dsn, "facts", confirm=False, dry_run=False)
    preview = ops.delete(db_dsn, "facts", confirm=False, dry_run=True)
    held = scalar(db_dsn, "SELECT count(*) FROM sales_daily")
    assert preview.dry_run and preview.rows["sales_daily"] == held > 0
    done = ops.delete(db_dsn, "facts", confirm=True, dry_run=False)
    assert done.rows == preview.rows
    assert scalar(db_dsn, "SELECT count(*) FROM sales_daily") == 0
    assert scalar(db_dsn, "SELECT count(*) FROM store") == 2


def test_a_replacing_generate_needs_confirm_under_the_lock(db_dsn: str, seeded: Any) -> None:
    pack = get_pack("retail")
    with pytest.raises(SafetyError, match="sales_daily"):
        engine.generate(pack, seeded, db_dsn, reporter=Reporter(progress=False))
    r = engine.generate(pack, seeded, db_dsn, reporter=Reporter(progress=False), confirm=True)
    assert r.replaced["sales_daily"] == r.written["sales_daily"]


def test_append_to_nothing_is_refused(db_dsn: str) -> None:
    cfg = get_pack("retail").config_model.model_validate(CFG)
    with pytest.raises(PgseedError, match="nothing to append to"):
        ops.preview_append(db_dsn, cfg, None, dt.date(2024, 3, 1))


def test_the_engine_reads_database_url(db_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_dsn)
    pack = get_pack("retail")
    cfg = pack.config_model.model_validate(CFG)
    engine.generate(pack, cfg, reporter=Reporter(progress=False))
    assert engine.verify(pack, cfg).failed == []
