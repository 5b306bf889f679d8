from __future__ import annotations

from typing import Any, ClassVar

from tests.packs.contract import PackContract


class TestSocialContract(PackContract):
    """The social pack through the engine: profiles, then three days of activity."""

    pack_name = "social"
    config: ClassVar[dict[str, Any]] = {
        "count": 30,
        "activity_days": 3,
        "start_date": "2024-01-01",
    }
    # COPY statements of a few rows each: the activity phase flushes by batch_size.
    batch_variant: ClassVar[dict[str, Any]] = {"batch_size": 7}
