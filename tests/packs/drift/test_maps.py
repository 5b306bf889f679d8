"""``--map`` strings, parsed before anything is connected (no database)."""

from __future__ import annotations

import pytest

from pgseed.binding import parse_maps
from pgseed.errors import ConfigError

GOOD = {
    ("generation_jobs.parameters=params",): {"generation_jobs": {"parameters": "params"}},
    ("generation_jobs.parameters = params", "generation_jobs.result_content_id=content_id"): {
        "generation_jobs": {"parameters": "params", "result_content_id": "content_id"}
    },
    ("promotion.discount_pct=pct", "store.store_type=format"): {
        "promotion": {"discount_pct": "pct"},
        "store": {"store_type": "format"},
    },
    (): {},
}
BAD = ["generation_jobs=params", "generation_jobs.parameters", ".parameters=params",
       "generation_jobs.=params", "generation_jobs.parameters=", "=", "params"]  # fmt: skip


@pytest.mark.parametrize("items", list(GOOD))
def test_maps_parse(items: tuple[str, ...]) -> None:
    assert parse_maps(items) == GOOD[items]


@pytest.mark.parametrize("item", BAD)
def test_a_malformed_map_is_a_config_error(item: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_maps([item])
    assert "TABLE.OLD=NEW" in str(err.value) and "Fix:" in str(err.value)
    assert err.value.exit_code == 2
